// What the peer service's two files share: the service's state
// (PeerService::Impl, peer_service.cc) and one link (Link, peer_link.cc).
// Internal to sync/peer, and only for those files: it brings in Asio.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/foundation/progress.h"
#include "sync/log/log.h"
#include "sync/peer/handshake.h"
#include "sync/peer/line_rate.h"
#include "sync/peer/link_budget.h"
#include "sync/peer/peer_service.h"
#include "sync/peer/peer_session.h"
#include "sync/peer/secure_frames.h"
#include "sync/peer/wire.h"

namespace mrc::sync {

namespace asio = boost::asio;
using asio::awaitable;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

using LinkStatus = PeerLinkStatus;

class Link;

struct PeerService::Impl {
  Log* log = nullptr;
  int listener = 0;  // the log change listener's handle
  KeyPair identity;
  Hash32 network{};
  PeerOptions options;
  // Before ioc: links destroyed with it give their places back.
  std::unique_ptr<LinkBudget> budget;
  RefusalLog refusals;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::atomic<bool> stopping{false};
  bool started = false;
  std::map<Hash32, std::shared_ptr<Link>> links;  // by peer identity; service thread only
  mutable std::mutex status_mu;
  std::vector<std::shared_ptr<LinkStatus>> statuses;  // guarded by status_mu
  // The writer thread: received batches, applied in the order handed over
  // (one queue for every link; the log takes one writer at a time anyway).
  std::thread writer;
  std::mutex writer_mu;
  std::condition_variable writer_cv;
  std::deque<std::function<void()>> writer_jobs;  // guarded by writer_mu
  bool writer_stop = false;                       // guarded by writer_mu
  asio::steady_timer release_timer{ioc};
  bool release_due = false;

  // Hands a job to the writer thread.
  void PostWrite(std::function<void()> job);
  void WriterLoop();
  std::shared_ptr<LinkStatus> NewStatus(std::string address, std::string direction);
  // An accepted link ended. A peer that completed the handshake stays listed,
  // disconnected, with its last contact (a centre behind NAT that dials us
  // is only ever an inbound peer): one entry per peer, at most 256.
  void DropStatus(const std::shared_ptr<LinkStatus>& st);
  template <typename F>
  void UpdateStatus(const std::shared_ptr<LinkStatus>& st, F f) {
    std::lock_guard lock(status_mu);
    f(*st);
  }

  // A link that read large frames ended: free memory goes back to the
  // system a second later (once for a burst of such links).
  void ReturnMemorySoon();

  awaitable<void> Accept();
  awaitable<void> Dial(std::string address, std::shared_ptr<LinkStatus> st);
  // `address`, `handshake`: an accepted link's places (LinkBudget).
  awaitable<void> RunConnection(tcp::socket socket, Handshake::Role role,
                                std::shared_ptr<LinkStatus> st, LinkBudget::Place address = {},
                                LinkBudget::Place handshake = {});
  bool Register(const std::shared_ptr<Link>& link);
  void Unregister(const std::shared_ptr<Link>& link);
  void PumpAll();
};

class Link : public std::enable_shared_from_this<Link> {
 public:
  Link(tcp::socket socket, PeerService::Impl* svc, Handshake::Role role,
       std::shared_ptr<LinkStatus> st, LinkBudget::Place address, LinkBudget::Place handshake)
      : socket_(std::move(socket)),
        svc_(svc),
        role_(role),
        status_(std::move(st)),
        watchdog_(socket_.get_executor()),
        wake_(socket_.get_executor()),
        written_(socket_.get_executor()),
        memory_(socket_.get_executor()),
        address_place_(std::move(address)),
        handshake_place_(std::move(handshake)) {}

  awaitable<void> Run();
  void Close();
  // Sends the peer what it lacks (the log changed).
  void Pump();
  const Hash32& peer() const { return peer_; }
  // The key of the node that dialled: of two links between the same pair,
  // both ends keep the one dialled by the smaller key.
  Hash32 initiator() const {
    return role_ == Handshake::Role::kInitiator ? svc_->identity.public_key : peer_;
  }

 private:
  awaitable<bool> Handshake();
  awaitable<bool> SendWhole(const Bytes& bytes);
  bool Admit();
  awaitable<void> Writer();
  awaitable<void> Watchdog();
  std::string Overdue(Clock::time_point now);
  awaitable<std::size_t> ReadSome(char* at, std::size_t max);
  awaitable<bool> ReadExactly(Bytes* buf, std::size_t n);
  awaitable<std::optional<Bytes>> ReadFrame();
  awaitable<bool> ClaimMemory(std::size_t n);
  awaitable<bool> ReadBody(std::size_t n);
  void DropBuffer();
  awaitable<bool> HandOver(const wire::EntriesMsg& m);
  void Written(const PeerSession::ReceivedBatch& batch, const Result<IngestReport>& report);
  void Queue(const std::vector<wire::Message>& msgs);
  void Fail(const std::string& why);
  // `changed`: the message may have changed what the session reports
  // (worked out from every feed held, so not for a ping).
  void Touch(bool changed = true);
  void NoteHqNews();
  // Sizes the session's batches to the line's measured speed.
  void NoteAck(std::uint64_t batch);

  LineRate line_;
  tcp::socket socket_;
  PeerService::Impl* svc_;
  Handshake::Role role_;
  std::shared_ptr<LinkStatus> status_;
  asio::steady_timer watchdog_;
  asio::steady_timer wake_;
  asio::steady_timer written_;  // cancelled when the writer finishes a batch
  std::size_t writing_ = 0;     // batches handed to the writer, not yet written
  Clock::time_point deadline_ = Clock::time_point::max();
  bool closed_ = false;
  Hash32 peer_{};
  std::optional<FrameSealer> sealer_;
  std::optional<FrameOpener> opener_;
  std::optional<PeerSession> session_;
  std::deque<Bytes> urgent_;  // sent before outbox_
  std::deque<Bytes> outbox_;
  std::size_t outbox_bytes_ = 0;  // both queues
  static constexpr std::size_t kMaxOutboxBytes = 64 << 20;
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t bytes_received_ = 0;
  RateMeter receive_rate_;   // entries received per second, for the status
  bool registered_ = false;  // admitted as the link with its peer

  // What the link holds of the limits (sync/peer/link_budget.h).
  asio::steady_timer memory_;          // cancelled when claim_ is granted
  LinkBudget::Place address_place_;    // an accepted link, while open
  LinkBudget::Place handshake_place_;  // an accepted link, until its handshake ends
  LinkBudget::Place key_place_;
  LinkBudget::Place unapproved_place_;  // an accepted link of a key not approved
  Clock::time_point unapproved_until_ = Clock::time_point::max();
  bool approved_ = false;  // the peer's key is a member's
  bool hq_peer_ = false;   // the peer's key is headquarters' (sync/log/hq_news.h)
  Clock::time_point hq_noted_ = Clock::time_point::min();  // news from it last noted
  // The frame being read, for the rate rule: when its first byte came,
  // bytes so far, and whether it waits for read memory (not its fault).
  struct Frame {
    bool reading = false;
    Clock::time_point started = Clock::time_point::max();
    std::size_t got = 0;
    std::size_t size = 0;  // with its prefix; 0 until the prefix is read
    bool waiting = false;
  } frame_;
  LinkBudget::Claim claim_;   // read memory for the frame being read
  std::vector<char> cipher_;  // its ciphertext: exactly what is reserved, never more
  std::size_t largest_read_ = 0;
};

}  // namespace mrc::sync
