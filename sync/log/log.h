// Log: this node's copy of the replicated log and the documents it produces.
//
// Every change, local or received, enters through one path: decode, check
// payload, authenticate, then apply in a single storage WriteBatch together
// with the document state it changes. Two levels of acceptance keep feeds
// contiguous while documents wait for each other:
//   1. into the log: needs only the author's previous entry (prev). Missing
//      predecessors park the entry durably in `pending` until it arrives.
//   2. onto documents ("effect"): needs every parent version's effect. An
//      entry whose parents are missing waits durably; one that breaks a rule
//      (invalid content, parent of another document, clock not after its
//      parents) is rejected on every node alike and the reason kept.
// Because both waits are resolved by the arrival of a specific entry id, any
// arrival order of the same entries gives the same documents and digest.
//
// Thread-safe: writes are serialised by an internal mutex; reads run
// concurrently against RocksDB's consistent view.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/clock.h"
#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"
#include "sync/crypto/sealed.h"
#include "sync/log/entry.h"
#include "sync/log/kind_rules.h"

namespace mrc {
class Progress;
}

namespace mrc::storage {
class Store;
}

namespace mrc::sync {

namespace detail {
struct Authenticated;  // an entry whose signature or chain has been checked
}
class Txn;

// A change this node authors; Log fills in author, seq, prev, hlc, signature.
struct Draft {
  Kind kind = Kind::kFaq;
  Op op = Op::kPut;
  Hash32 doc{};                 // zero to create a document
  std::vector<Hash32> parents;  // must be sorted ascending and unique
  std::string payload;          // canonical content JSON ("" for a delete)
};

// An entry as it travels: signed form plus payload.
struct Incoming {
  Bytes signed_form;
  Bytes payload;
};

struct IngestReport {
  std::size_t accepted = 0;    // added to the log (effect applied, rejected or waiting)
  std::size_t duplicates = 0;  // already held
  std::size_t pending = 0;     // held until a predecessor arrives
  std::size_t forks = 0;       // evidence recorded
  std::size_t filled = 0;      // referral entries held erased, now received whole
  std::size_t unapproved = 0;  // of the refused: a key not yet approved, its budget spent
  struct Refusal {
    std::size_t index;  // position in the input
    Status reason;      // made with MakeProblem
  };
  std::vector<Refusal> refused;
};

// A received batch checked without the store (decoded, payloads hashed,
// runs authenticated, content validated): the part of ingesting that can
// run while the previous batch is being written. Log::PrepareIngest makes
// one, Log::CommitIngest applies it.
class PreparedIngest {
 public:
  PreparedIngest();
  ~PreparedIngest();
  PreparedIngest(PreparedIngest&&) noexcept;
  PreparedIngest& operator=(PreparedIngest&&) noexcept;

 private:
  friend class Log;
  struct Data;
  std::unique_ptr<Data> data_;
};

struct Head {
  Hash32 id{};
  std::uint64_t hlc = 0;
  Hash32 author{};
  Op op = Op::kPut;
};

struct DocState {
  Hash32 id{};
  Kind kind = Kind::kFaq;
  Hash32 creator{};
  std::uint64_t created_hlc = 0;
  std::vector<Head> heads;  // sorted by id
  Head winner;              // the highest (hlc, id) among heads
  std::uint32_t versions = 0;
  bool deleted() const { return winner.op == Op::kDelete; }
  bool conflict() const { return heads.size() > 1; }
};

struct Version {
  Hash32 id{};
  Hash32 doc{};
  Entry entry;
  Effect effect = Effect::kApplied;
  std::string payload;
};

struct DigestInfo {
  Hash32 digest{};
  std::uint64_t documents = 0;
  std::uint64_t entries = 0;
  std::uint64_t authors = 0;
  std::uint64_t pending = 0;  // waiting for a predecessor or a parent
  std::uint64_t forks = 0;
  // Of the entries, those of a kind this version has no rules for (a later
  // version's): held and relayed, applied once the node is upgraded.
  std::uint64_t awaiting_upgrade = 0;
  // Entries of keys not yet approved that this node refused since it
  // started, their budget (UnapprovedLimits) being spent.
  std::uint64_t unapproved_refused = 0;
  // Entries added to the log (received or written here) since it opened.
  std::uint64_t added = 0;
};

struct FeedHead {
  Hash32 author{};
  std::uint64_t seq = 0;
  Hash32 id{};
  bool forked = false;
  std::uint64_t fork_seq = 0;  // when forked: the lowest seq with two entries known
};

// What a node holds of the entries of a key headquarters has not approved
// (they wait for the approval): past any of these, the key's further
// entries are refused, with the reason, until the approval arrives; its
// peers then send them again. Its own entries a node always keeps.
struct UnapprovedLimits {
  std::uint64_t entries_per_author = 1000;
  std::uint64_t bytes_per_author = 16 << 20;
  std::uint64_t total_bytes = 256 << 20;  // of every unapproved key together
};

struct LogOptions {
  // The wall clock the times of this node's entries (their hybrid clock
  // values) are read from; must outlive the Log. Tests pass a manual or a
  // skewed clock.
  const Clock* clock = SystemClock();
  UnapprovedLimits unapproved;
};

class Log {
 public:
  ~Log();
  // `store` must outlive the Log. `identity` signs this node's entries;
  // `root` is the network's root key from the genesis (headquarters).
  // `kinds` (which must outlive the Log) are the rules it applies
  // (sync/kinds.h: every kind of this version); entries held waiting for
  // rules it has are applied before Open returns.
  static Result<std::unique_ptr<Log>> Open(storage::Store* store, const KeyPair& identity,
                                           const Hash32& network_id, const Hash32& root,
                                           const KindRegistry& kinds,
                                           const LogOptions& options = LogOptions());

  // Signs and applies local changes in one batch; returns their entry ids.
  // Content is not re-validated here: callers pass CanonicalContent output.
  Result<std::vector<Hash32>> Append(const std::vector<Draft>& drafts);
  // Verifies and applies received entries in one batch. Refusals are reported
  // per entry; the Status is an error only when storage fails.
  Result<IngestReport> Ingest(const std::vector<Incoming>& entries);
  // Ingest in two steps, so that a link can check its next batch while the
  // previous one is written. PrepareIngest reads nothing from the store and
  // may run on any thread; batches of one source must be committed in the
  // order they arrived (later entries chain onto earlier ones).
  PreparedIngest PrepareIngest(const std::vector<Incoming>& entries) const;
  Result<IngestReport> CommitIngest(PreparedIngest batch);

  // NotFound when the document does not exist.
  Result<DocState> GetDoc(const Hash32& doc_id);
  // Calls fn for each document in id order after `after` (exclusive) until fn
  // returns false.
  Status ScanDocs(const Hash32* after, const std::function<bool(const DocState&)>& fn);
  Result<Version> GetVersion(const Hash32& entry_id);
  // Every applied version of a document, ordered by (hlc, id).
  Result<std::vector<Version>> History(const Hash32& doc_id);
  // The reason an entry's effect was rejected; NotFound when it was not.
  Result<std::string> RejectReason(const Hash32& entry_id);
  // Entries whose effect was rejected by a rule: the count, and up to `max`
  // of them (by id) with their reasons.
  struct Rejection {
    Hash32 id{};
    std::string reason;
  };
  Result<std::pair<std::uint64_t, std::vector<Rejection>>> Rejections(std::size_t max);

  // Up to `max` entries of one author's feed from `from_seq` on, in order,
  // as they travel (for replication and bundles).
  // What the trust rules say of a key now (kind_rules.h, Authority).
  Result<Standing> StandingOf(const Hash32& key);

  Result<std::vector<Incoming>> ReadFeed(const Hash32& author, std::uint64_t from_seq,
                                         std::size_t max);

  // The keys this node opens referral envelopes with, the current one
  // first. Setting them signs the "received" statuses owed for referrals
  // addressed to this node (each says whether its envelope opened).
  Status SetReferralKeys(std::vector<BoxKeyPair> keys);

  Result<DigestInfo> Digest();
  Result<std::vector<FeedHead>> Feeds();
  // The evidence of a forked feed: the entries that conflict with this log's
  // own entries of that author (as they travel).
  Result<std::vector<Incoming>> ForkEvidence(const Hash32& author);
  // Re-checks every stored entry: signatures, chains, seq gaps, payloads,
  // index consistency. Calls problem() for each finding; returns the count.
  // Counts each entry checked on `progress` when given.
  Result<std::uint64_t> Verify(const std::function<void(const Status&)>& problem,
                               Progress* progress = nullptr);

  // The documents whose state changed, in commit order: every commit that
  // changes documents records their ids under the next change number, so a
  // derived index (search) can follow the log with its own progress marker.
  struct DocChanges {
    std::uint64_t through = 0;  // the last change number included
    std::vector<Hash32> docs;   // deduplicated
    // The changes after `after` were forgotten (ForgetDocChanges): the
    // follower must start again from a scan of every document.
    bool gap = false;
  };
  // Changes after number `after`: at most `max_changes` of them, and no
  // more once `max_docs` document ids are gathered (a commit can change
  // thousands; the follower bounds what it holds at once).
  Result<DocChanges> DocChangesSince(std::uint64_t after, std::size_t max_changes,
                                     std::size_t max_docs = SIZE_MAX);
  // The newest committed change number (0 before any), from memory: pages
  // ask it at every request, to know whether what they keep is current.
  Result<std::uint64_t> LastDocChange();
  // Drops the change records up to `through` (the follower has them).
  Status ForgetDocChanges(std::uint64_t through);

  // Called after every commit that added entries to the log, on the thread
  // that wrote them, outside the write lock. Add listeners before writes
  // begin; `AddChangeListener` returns a handle for RemoveChangeListener.
  int AddChangeListener(std::function<void()> listener);
  void RemoveChangeListener(int handle);

  // For the kinds' rules (kind_rules.h): the store, to read their records
  // and what this node owes; entries owed, signed and applied with the
  // kLocal `due_keys` deleted in the same batch (PermissionDenied or
  // InvalidArgument when a rule would reject one: the batch is refused);
  // the keys that open referral envelopes addressed here.
  storage::Store* store() const { return store_; }
  Result<std::vector<Hash32>> AppendOwed(const std::vector<Draft>& drafts,
                                         const std::vector<std::string>& due_keys);
  std::vector<BoxKeyPair> referral_keys() const;

  // A store copied from a backup may hold an older copy of this node's own
  // feed than its peers do: signing the next seq then would sign a second
  // entry at a seq already used, a fork that freezes the feed everywhere.
  // While the hold is set (in the store, so it survives restarts) the log
  // signs nothing of its own (Unavailable; owed entries wait); a peer
  // link releases it once the peer has sent every entry of this node's
  // feed it holds (sync/peer/peer_session.h). HoldOwnFeed sets it on a
  // store no Log has open; ReleaseOwnFeedHold clears it and signs what is
  // owed.
  static Status HoldOwnFeed(storage::Store* store);
  bool own_feed_held() const { return own_feed_held_.load(); }
  Status ReleaseOwnFeedHold(const std::string& why);
  // The latest seq of this node's own feed (0 before its first entry).
  Result<std::uint64_t> OwnSeq();

  const Hash32& self() const { return identity_.public_key; }
  const Hash32& network_id() const { return network_id_; }
  const Hash32& root() const { return root_; }

 private:
  Log(storage::Store* store, const KeyPair& identity, const Hash32& network_id, const Hash32& root,
      const KindRegistry& kinds, const LogOptions& options);
  Status CheckStoreFormat();
  // The shape rules of the entry's kind, when this log has them.
  Status CheckKindShape(const Entry& e) const;
  // Applies the entries that waited for rules this log has.
  Status ApplyUpgradedKinds();
  // The end of every write: the clock, the document change record, the
  // digest's sum, then the commit.
  Status CommitTxn(Txn& txn);
  Status LoadClock();
  Status LoadDocChange();
  Status EnsureRecordSum();
  Status UpdateRecordSum(Txn& txn);
  // `local_deletes`: kLocal keys removed in the same batch (receipts owed).
  Result<std::vector<Hash32>> AppendLocked(const std::vector<Draft>& drafts,
                                           const std::vector<std::string>& local_deletes = {});
  // With `local_deletes` (our own changes), refuses the whole batch when any
  // of them would be rejected by a rule.
  // `ready(i)`, when set, is called before item i is used (it may still be
  // being signed on another thread).
  Status ApplyAll(std::vector<detail::Authenticated>& items, IngestReport* report,
                  const std::vector<std::string>* local_deletes = nullptr,
                  const std::function<void(std::size_t)>& ready = nullptr);
  // Ids of the entries at a forked feed's fork point: its own and the evidence.
  Result<std::vector<Hash32>> EntriesAtForkPoint(const FeedHead& f);
  // Signs what the kinds' rules say this node owes (EntryRules::AfterCommit).
  Status AppendOwedEntries();
  // Makes erased payloads' old bytes leave RocksDB's files.
  Status ScrubErased();
  // After a commit that added entries: what is owed, then the listeners.
  void AfterCommit();

  storage::Store* store_;
  KeyPair identity_;
  Hash32 network_id_;
  Hash32 root_;
  const KindRegistry& kinds_;
  UnapprovedLimits unapproved_limits_;
  std::atomic<std::uint64_t> unapproved_refused_{0};  // since the log was opened
  std::atomic<std::uint64_t> added_{0};               // since the log was opened
  std::atomic<bool> own_feed_held_{false};
  std::mutex write_mu_;
  HybridClock clock_;             // guarded by write_mu_
  std::uint64_t doc_change_ = 0;  // the last change number; guarded by write_mu_
  std::atomic<std::uint64_t> committed_doc_change_{0};  // doc_change_ once committed
  void NotifyListeners();
  std::mutex listeners_mu_;
  std::vector<std::pair<int, std::function<void()>>> listeners_;  // guarded by listeners_mu_
  int next_listener_ = 1;
  // Held while signing what is owed (receipts, "received"), so that two
  // threads finishing commits at once do not both sign the same one.
  std::recursive_mutex due_mu_;
  mutable std::mutex referral_keys_mu_;
  std::vector<BoxKeyPair> referral_keys_;  // guarded by referral_keys_mu_
  // The last digest and the store generation it was computed at: a digest
  // scans every document, and the status page and convergence checks ask
  // for it again and again while nothing changes.
  Result<DigestInfo> ComputeDigest();
  std::mutex digest_mu_;
  std::optional<std::pair<std::uint64_t, DigestInfo>> digest_cache_;  // guarded by digest_mu_
  // The feed heads, likewise: a session reads them on every acknowledgement
  // and every change, one session per peer, more often than the store moves.
  std::mutex feeds_mu_;
  std::optional<std::pair<std::uint64_t, std::vector<FeedHead>>> feeds_cache_;  // by feeds_mu_
};

}  // namespace mrc::sync
