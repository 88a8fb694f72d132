// PeerSession: the replication logic of one peer link, independent of
// sockets. It is fed the peer's decoded messages and produces the messages to
// send, so two sessions can be wired together in a test without a network.
//
// On open the two sides reconcile their feed heads (sync/peer/reconcile.h): a
// few round trips of range fingerprints, whose bytes grow with the number
// of feeds they hold differently. Each then sends what the other lacks,
// feed by feed in seq order (a batch may hold several feeds), in batches
// of at most kBatchEntries, with at most kWindow batches unacknowledged: a
// slow peer or a large backlog never grows memory. Whenever the local log
// changes (a local write, or entries from another peer: relay), Pump() sends
// the new entries. A peer that sends an entry failing verification is
// misbehaving: OnMessage returns an error and the link is closed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/foundation/status.h"
#include "sync/log/log.h"
#include "sync/peer/peer_service.h"
#include "sync/peer/reconcile.h"
#include "sync/peer/wire.h"

namespace mrc::sync {

class PeerSession {
 public:
  static constexpr std::size_t kBatchEntries = 1000;  // = wire::kMaxBatchEntries
  static constexpr std::size_t kBatchBytes = 2 << 20;
  static constexpr std::size_t kMinBatchBytes = 16 << 10;
  static constexpr std::uint64_t kWindow = 4;

  PeerSession(Log* log, const Hash32& peer) : log_(log), peer_(peer) {}

  // Ranges on which two sessions' fingerprints differ are split until one
  // side holds at most this many feeds there, then listed.
  static constexpr std::uint32_t kListFeeds = 8;

  // The peer protocol's versions this session speaks: the lowest it still
  // accepts and its own. A change to the messages or to what they mean
  // raises kProtocolVersion (docs/protocol.md, "Versions").
  static constexpr std::uint16_t kProtocolVersion = 1;
  static constexpr std::uint16_t kOldestProtocolVersion = 1;

  // The first messages: the protocol versions we speak, then the
  // fingerprint of every feed we hold.
  Result<std::vector<wire::Message>> Start();
  // Handles one message; appends what to send to *out. An error means the
  // peer misbehaved and the link must close: NotSupported when it
  // speaks no protocol version this one does (the message says which).
  Status OnMessage(wire::Message message, std::vector<wire::Message>* out);
  // Sends whatever the peer lacks, within the window.
  Status Pump(std::vector<wire::Message>* out);

  // A batch of entries in two steps, for a link that writes on another
  // thread while it reads and checks the next batch: Receive checks the
  // batch without the store and notes what the peer holds; once
  // Log::CommitIngest has applied it (batches in the order received),
  // Committed acknowledges it. OnMessage does both at once.
  struct ReceivedBatch {
    std::uint64_t batch = 0;
    std::size_t count = 0;
    PreparedIngest prepared;
  };
  Result<ReceivedBatch> Receive(const wire::EntriesMsg& m);
  Status Committed(std::uint64_t batch, std::size_t count, const IngestReport& report,
                   std::vector<wire::Message>* out);

  // The most bytes of entries a batch holds from now on, within
  // kMinBatchBytes .. kBatchBytes (a batch holds one entry at least). A
  // batch is the unit of progress: on a line that drops now and then, it
  // must arrive between two drops. kBatchBytes until set.
  void SetBatchBytes(std::size_t bytes) {
    batch_bytes_ = std::clamp(bytes, kMinBatchBytes, kBatchBytes);
  }
  std::size_t batch_bytes() const { return batch_bytes_; }

  PeerStats Stats() const;
  const Hash32& peer() const { return peer_; }
  // The version both sides speak; 0 until the peer's version message came.
  std::uint16_t protocol() const { return protocol_; }
  // What the peer says it runs ("mrcnode 0.1.0"), printable; "" until then.
  const std::string& software() const { return software_; }
  bool reconciled() const { return reconciled_; }

 private:
  // A range whose reconciliation waits for the peer.
  struct OpenRange {
    wire::RangeItem::Kind awaits = wire::RangeItem::Kind::kFingerprint;
    reconcile::Fingerprint ours;    // what we sent for it
    reconcile::Fingerprint theirs;  // once their fingerprint came
  };
  // Entries the peer held in a range where we listed our feeds and it
  // answered only for those: the rest are of feeds we do not hold.
  struct Unlisted {
    reconcile::Range range;
    std::uint64_t entries = 0;
    std::vector<Hash32> listed;
  };
  Status OnRanges(const wire::ReconcileMsg& m, std::vector<wire::Message>* out);
  Status OnRange(const wire::RangeItem& item, std::vector<wire::RangeItem>* reply);
  // What the peer holds, as it said: the heads it listed or answered with.
  Status NoteHeads(const std::vector<reconcile::Head>& heads);
  void NoteHeld(const Hash32& author, std::uint64_t seq);
  // Ends the log's own-feed hold (Log::own_feed_held) once this peer can
  // hold no entry of our feed newer than ours.
  Status ReleaseOwnFeedHold();

  Status OnVersion(const wire::VersionMsg& m);

  Log* log_;
  Hash32 peer_;
  std::uint16_t protocol_ = 0;
  std::string software_;
  std::optional<reconcile::Snapshot> snapshot_;  // while reconciling
  std::map<reconcile::Range, OpenRange> open_;
  std::vector<Unlisted> unlisted_;
  bool reconciled_ = false;
  std::map<Hash32, std::uint64_t> peer_has_;  // what the peer holds (reconciliation + traffic)
  std::map<Hash32, std::uint64_t> sent_;      // what we sent or know it holds
  std::set<Hash32> forks_shared_;             // forked feeds we (re)sent this link
  std::set<Hash32> evidence_due_;             // their evidence still to send
  // Batches sent and not yet acknowledged: batch -> for each feed in it,
  // (author, last seq sent); seq 0 for fork evidence.
  std::map<std::uint64_t, std::vector<std::pair<Hash32, std::uint64_t>>> unacked_;
  std::size_t batch_bytes_ = kBatchBytes;
  std::uint64_t next_batch_ = 1;
  std::uint64_t in_flight_ = 0;
  std::uint64_t entries_sent_ = 0;
  std::uint64_t entries_received_ = 0;
};

}  // namespace mrc::sync
