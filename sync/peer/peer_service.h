// PeerService: this node's peer links (Boost.Asio), kept free of Asio
// headers. It listens for peers, dials the configured ones (reconnecting with
// exponential backoff and jitter), runs the handshake (sync/peer/handshake.h) and
// encrypted frames (sync/peer/secure_frames.h) on each link, and drives one
// PeerSession per link. All links run on one thread of their own; the log
// tells the service when it changed so that new entries go out at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/foundation/clock.h"
#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"
#include "sync/peer/link_budget.h"

namespace mrc::sync {

class Log;

struct PeerOptions {
  std::string listen;              // "HOST:PORT" to accept peers on; "" = do not listen
  std::vector<std::string> peers;  // "HOST:PORT" of peers to dial
  std::uint32_t handshake_seconds = 10;
  std::uint32_t keepalive_seconds = 15;     // ping an idle link this often
  std::uint32_t idle_timeout_seconds = 60;  // close a link silent this long
  std::uint32_t max_backoff_seconds = 30;
  PeerLimits limits;  // what links may cost this node (config [limits])
  // Times this node records (when it last heard from headquarters,
  // sync/log/hq_news.h); must outlive the service.
  const mrc::Clock* clock = SystemClock();
};

struct PeerStats {
  std::uint64_t entries_sent = 0;
  std::uint64_t entries_received = 0;
  std::uint64_t batches_in_flight = 0;
  std::uint64_t peer_lacks = 0;   // entries we hold that the peer does not (as far as we know)
  std::uint64_t we_lack = 0;      // entries the peer holds that we do not
  bool reconciled = false;        // both sides know what the other lacks
  double entries_per_second = 0;  // received, over the last few seconds
};

// What the status page and API show of one configured peer or accepted link.
struct PeerLinkStatus {
  std::string address;
  std::string direction;  // "out" (we dial) or "in"
  Hash32 peer{};          // zero until the handshake names it
  bool member = false;    // its key was approved when last linked
  bool connected = false;
  std::uint64_t last_contact_ms = 0;  // 0: never
  std::uint16_t protocol = 0;         // the peer protocol version the link speaks; 0: not yet
  std::string software;               // what the peer says it runs ("mrcnode 0.1.0")
  PeerStats stats;
  std::uint64_t bytes_sent = 0;  // on the wire, this link's lifetime
  std::uint64_t bytes_received = 0;
  std::string last_error;
};

class PeerService {
 public:
  ~PeerService();
  // Binds the listener (when options.listen is set). `log` must outlive the
  // service; the service registers itself as the log's change listener.
  static Result<std::unique_ptr<PeerService>> Create(Log* log, const KeyPair& identity,
                                                     const Hash32& network_id,
                                                     const PeerOptions& options);
  // Starts accepting and dialing on the service's own thread.
  void Start();
  // Closes every link and joins the thread. Idempotent.
  void Stop();
  // "127.0.0.1:7400" (the bound address), or "" when not listening.
  std::string listen_address() const;
  // Every configured peer and accepted link, in the order they were made.
  std::vector<PeerLinkStatus> Links() const;

  struct Impl;

 private:
  explicit PeerService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mrc::sync
