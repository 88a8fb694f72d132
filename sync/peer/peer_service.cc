// Peer links on Boost.Asio, written as C++20 coroutines: one coroutine per
// link reads frames, one writes them, and a watchdog closes the socket when
// a deadline passes (handshake time, or silence longer than the idle
// timeout). Everything runs on the service's single thread, so link state
// needs no locks; only the status snapshot is shared, under a mutex. The
// one exception is writing received entries: a link checks a batch (hashes,
// signature, content) on the service thread, then hands it to the writer
// thread, and reads and checks the next batch while that one is applied and
// made durable; the writer posts the outcome back to the service thread.
#include "sync/peer/peer_service.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>

#include "config/foundation/log.h"
#include "config/foundation/time.h"
#include "sync/log/entry.h"
#include "sync/log/log.h"
#include "sync/peer/handshake.h"
#include "sync/peer/line_rate.h"
#include "sync/peer/peer_session.h"
#include "sync/peer/secure_frames.h"
#include "sync/peer/wire.h"

namespace mrc::sync {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

// What the status page shows of one configured peer or accepted link.
struct LinkStatus {
  std::string address;
  std::string direction;  // "out" (we dial) or "in"
  Hash32 peer{};
  bool connected = false;
  std::uint64_t last_contact_ms = 0;
  PeerStats stats;
  std::uint64_t bytes_sent = 0;  // on the wire, this link's lifetime
  std::uint64_t bytes_received = 0;
  std::string last_error;
};

}  // namespace

class Link;

struct PeerService::Impl {
  Log* log = nullptr;
  int listener = 0;  // the log change listener's handle
  KeyPair identity;
  Hash32 network{};
  PeerOptions options;
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

  void PostWrite(std::function<void()> job) {
    {
      std::lock_guard lock(writer_mu);
      writer_jobs.push_back(std::move(job));
    }
    writer_cv.notify_one();
  }
  void WriterLoop() {
    std::unique_lock lock(writer_mu);
    for (;;) {
      writer_cv.wait(lock, [&] { return writer_stop || !writer_jobs.empty(); });
      if (writer_stop) return;  // what is left was never acknowledged: peers send it again
      auto job = std::move(writer_jobs.front());
      writer_jobs.pop_front();
      lock.unlock();
      job();
      job = nullptr;  // release the link before waiting again
      lock.lock();
    }
  }

  std::shared_ptr<LinkStatus> NewStatus(std::string address, std::string direction) {
    auto st = std::make_shared<LinkStatus>();
    st->address = std::move(address);
    st->direction = std::move(direction);
    std::lock_guard lock(status_mu);
    statuses.push_back(st);
    return st;
  }
  // An accepted link ended. A peer that completed the handshake stays listed,
  // disconnected, with its last contact (a centre behind NAT that dials us
  // is only ever an inbound peer): one entry per peer, at most 256.
  void DropStatus(const std::shared_ptr<LinkStatus>& st) {
    std::lock_guard lock(status_mu);
    if (IsZero(st->peer)) {
      std::erase(statuses, st);
      return;
    }
    st->connected = false;
    std::erase_if(statuses, [&](const std::shared_ptr<LinkStatus>& o) {
      return o != st && o->direction == "in" && !o->connected && o->peer == st->peer;
    });
    std::size_t remembered = std::count_if(statuses.begin(), statuses.end(), [](const auto& o) {
      return o->direction == "in" && !o->connected;
    });
    if (remembered > 256) {
      auto oldest =
          std::min_element(statuses.begin(), statuses.end(), [](const auto& a, const auto& b) {
            auto key = [](const auto& x) {
              return x->direction == "in" && !x->connected ? x->last_contact_ms : UINT64_MAX;
            };
            return key(a) < key(b);
          });
      statuses.erase(oldest);
    }
  }
  template <typename F>
  void UpdateStatus(const std::shared_ptr<LinkStatus>& st, F f) {
    std::lock_guard lock(status_mu);
    f(*st);
  }

  awaitable<void> Accept();
  awaitable<void> Dial(std::string address, std::shared_ptr<LinkStatus> st);
  awaitable<void> RunConnection(tcp::socket socket, Handshake::Role role,
                                std::shared_ptr<LinkStatus> st);
  bool Register(const std::shared_ptr<Link>& link);
  void Unregister(const std::shared_ptr<Link>& link);
  void PumpAll();
};

class Link : public std::enable_shared_from_this<Link> {
 public:
  Link(tcp::socket socket, PeerService::Impl* svc, Handshake::Role role,
       std::shared_ptr<LinkStatus> st)
      : socket_(std::move(socket)),
        svc_(svc),
        role_(role),
        status_(std::move(st)),
        watchdog_(socket_.get_executor()),
        wake_(socket_.get_executor()),
        written_(socket_.get_executor()) {}

  awaitable<void> Run();
  void Close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    watchdog_.cancel();
    wake_.cancel();
    written_.cancel();
  }
  void Pump() {
    if (closed_ || !session_) return;
    std::vector<wire::Message> out;
    Status s = session_->Pump(&out);
    if (!s.ok()) return Fail("replication: " + s.message());
    Queue(out);
  }
  const Hash32& peer() const { return peer_; }
  // The key of the node that dialled: of two links between the same pair,
  // both ends keep the one dialled by the smaller key.
  Hash32 initiator() const {
    return role_ == Handshake::Role::kInitiator ? svc_->identity.public_key : peer_;
  }

 private:
  awaitable<bool> Handshake();
  awaitable<void> Writer();
  awaitable<void> Watchdog();
  awaitable<bool> ReadExactly(Bytes* buf, std::size_t n);
  awaitable<bool> HandOver(const wire::EntriesMsg& m);
  void Written(const PeerSession::ReceivedBatch& batch, const Result<IngestReport>& report);
  void Queue(const std::vector<wire::Message>& msgs) {
    for (const auto& m : msgs) {
      // Acknowledgements and pongs go ahead of our own batches: held behind
      // them, an acknowledgement waits as long as they take to send (minutes
      // on a slow line), and the peer's batches with it.
      const auto* ping = std::get_if<wire::PingMsg>(&m);
      auto& queue =
          std::holds_alternative<wire::AckMsg>(m) || (ping && ping->pong) ? urgent_ : outbox_;
      queue.push_back(wire::Encode(m));
      outbox_bytes_ += queue.back().size();
      if (const auto* e = std::get_if<wire::EntriesMsg>(&m)) {
        bool full = e->entries.size() >= PeerSession::kBatchEntries ||
                    queue.back().size() >= session_->batch_bytes() / 2;
        line_.Sent(e->batch, queue.back().size(), full, Clock::now());
      }
    }
    // What a session queues is bounded by its window of batches, except
    // answers to the peer's own messages (pongs): a peer that sends and
    // never reads would grow the queue without end.
    if (outbox_bytes_ > kMaxOutboxBytes)
      return Fail("the peer does not read what it is sent (" + std::to_string(outbox_bytes_ >> 20) +
                  " MB waiting)");
    wake_.cancel();
  }
  void Fail(const std::string& why) {
    log::Warn("peer", (IsZero(peer_) ? status_->address : ToHex(peer_).substr(0, 12)) + ": " + why);
    svc_->UpdateStatus(status_, [&](LinkStatus& s) { s.last_error = why; });
    Close();
  }
  // `changed`: the message may have changed what the session reports
  // (worked out from every feed held, so not for a ping).
  void Touch(bool changed = true) {
    deadline_ = Clock::now() + std::chrono::seconds(svc_->options.idle_timeout_seconds);
    svc_->UpdateStatus(status_, [&](LinkStatus& s) {
      s.last_contact_ms = WallMillis();
      s.bytes_sent = bytes_sent_;
      s.bytes_received = bytes_received_;
      if (session_ && changed) s.stats = session_->Stats();
    });
  }

  // Sizes the session's batches to the line's measured speed.
  void NoteAck(std::uint64_t batch) {
    if (line_.Acked(batch, Clock::now()))
      session_->SetBatchBytes(line_.BatchBytes(session_->batch_bytes()));
  }

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
};

awaitable<bool> Link::ReadExactly(Bytes* buf, std::size_t n) {
  buf->resize(n);
  for (std::size_t got = 0; got < n;) {
    error_code ec;
    std::size_t k = co_await socket_.async_read_some(asio::buffer(buf->data() + got, n - got),
                                                     asio::redirect_error(use_awaitable, ec));
    got += k;
    bytes_received_ += k;
    if (ec) {
      if (!closed_) Fail(ec == asio::error::eof ? "peer closed the link" : "read: " + ec.message());
      co_return false;
    }
    // Once linked, a link is idle when no byte arrives, not when no whole
    // message does: on a slow line one batch can take minutes, and a
    // timeout from the last message would cut it, and its resending, for
    // ever. (The handshake keeps its own deadline.)
    if (session_)
      deadline_ = Clock::now() + std::chrono::seconds(svc_->options.idle_timeout_seconds);
  }
  co_return true;
}

awaitable<bool> Link::Handshake() {
  sync::Handshake hs(role_, svc_->identity, svc_->network);
  error_code ec;
  Bytes in;
  while (!hs.done()) {
    Bytes out = hs.Next();
    if (!out.empty()) {
      co_await asio::async_write(socket_, asio::buffer(out),
                                 asio::redirect_error(use_awaitable, ec));
      if (ec) {
        Fail("handshake: " + ec.message());
        co_return false;
      }
      bytes_sent_ += out.size();
    }
    if (hs.done()) break;
    std::size_t n = hs.expected();
    if (n == 0) continue;
    if (!co_await ReadExactly(&in, n)) co_return false;
    Status s = hs.Receive(in);
    if (!s.ok()) {
      Fail("handshake refused: " + s.message());
      co_return false;
    }
  }
  peer_ = hs.peer();
  // A revoked key is no longer part of the network: no link, either way.
  // (A key not yet approved may link: it must receive its approval.)
  if (auto m = svc_->log->StandingOf(peer_); m.ok() && m->revoked_from != Standing::kNotRevoked) {
    Fail("refused " + ToHex(peer_).substr(0, 12) + ": its key is revoked (" + m->revoke_reason +
         ")");
    co_return false;
  }
  SessionKeys keys = hs.keys();
  sealer_.emplace(keys.send);
  opener_.emplace(keys.receive);
  Bytes header = sealer_->Header();
  co_await asio::async_write(socket_, asio::buffer(header),
                             asio::redirect_error(use_awaitable, ec));
  if (ec) {
    Fail("handshake: " + ec.message());
    co_return false;
  }
  bytes_sent_ += header.size();
  if (!co_await ReadExactly(&in, 24)) co_return false;
  Status s = opener_->SetHeader(in);
  if (!s.ok()) {
    Fail("bad stream header: " + s.message());
    co_return false;
  }
  co_return true;
}

awaitable<void> Link::Watchdog() {
  auto self = shared_from_this();
  while (!closed_) {
    if (deadline_ <= Clock::now()) {
      Fail("timed out");
      co_return;
    }
    watchdog_.expires_at(std::min(deadline_, Clock::now() + std::chrono::seconds(1)));
    error_code ec;
    co_await watchdog_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

awaitable<void> Link::Writer() {
  auto self = shared_from_this();
  while (!closed_) {
    if (outbox_.empty() && urgent_.empty()) {
      wake_.expires_after(std::chrono::seconds(svc_->options.keepalive_seconds));
      error_code ec;
      co_await wake_.async_wait(asio::redirect_error(use_awaitable, ec));
      if (closed_) break;
      if (!ec && outbox_.empty() && urgent_.empty()) {
        outbox_.push_back(wire::Encode(
            wire::Message(std::in_place_type<wire::PingMsg>, wire::PingMsg{WallMillis(), false})));
      }
      continue;
    }
    auto& queue = urgent_.empty() ? outbox_ : urgent_;
    Bytes plain = std::move(queue.front());
    queue.pop_front();
    outbox_bytes_ -= std::min(outbox_bytes_, plain.size());
    auto frame = sealer_->Seal(plain);
    if (!frame.ok()) {
      Fail("cannot seal frame: " + frame.status().message());
      break;
    }
    error_code ec;
    co_await asio::async_write(socket_, asio::buffer(*frame),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!closed_) Fail("write: " + ec.message());
      break;
    }
    bytes_sent_ += frame->size();
  }
}

awaitable<void> Link::Run() {
  auto self = shared_from_this();
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  deadline_ = Clock::now() + std::chrono::seconds(svc_->options.handshake_seconds);
  asio::co_spawn(socket_.get_executor(), Watchdog(), asio::detached);
  if (!co_await Handshake()) co_return;
  if (!svc_->Register(self)) {
    Close();
    co_return;
  }
  session_.emplace(svc_->log, peer_);
  session_->SetBatchBytes(PeerSession::kMinBatchBytes);  // until the line's speed is known
  svc_->UpdateStatus(status_, [&](LinkStatus& s) {
    s.peer = peer_;
    s.connected = true;
    s.last_error.clear();
  });
  log::Info("peer", "linked with " + ToHex(peer_).substr(0, 12) + " (" + status_->address + ")");
  auto start = session_->Start();
  if (!start.ok()) {
    Fail("replication: " + start.status().message());
  } else {
    Queue(*start);
    Touch();
    asio::co_spawn(socket_.get_executor(), Writer(), asio::detached);
  }
  Bytes prefix, cipher;
  while (!closed_) {
    if (!co_await ReadExactly(&prefix, 4)) break;
    auto n = opener_->CiphertextSize(prefix);
    if (!n.ok()) {
      Fail(n.status().message());
      break;
    }
    if (!co_await ReadExactly(&cipher, *n)) break;
    auto plain = opener_->Open(cipher);
    if (!plain.ok()) {
      Fail("frame refused: " + plain.status().message());
      break;
    }
    auto msg = wire::Decode(*plain);
    if (!msg.ok()) {
      Fail(msg.status().message());
      break;
    }
    if (auto* entries = std::get_if<wire::EntriesMsg>(&*msg)) {
      if (!co_await HandOver(*entries)) break;
      Touch();
      continue;
    }
    bool ping = std::holds_alternative<wire::PingMsg>(*msg);
    if (const auto* ack = std::get_if<wire::AckMsg>(&*msg)) NoteAck(ack->batch);
    std::vector<wire::Message> out;
    Status s = session_->OnMessage(std::move(msg).value(), &out);
    if (!s.ok()) {
      Fail(s.message());
      break;
    }
    Queue(out);
    if (closed_) break;
    Touch(!ping);
  }
  Close();
  svc_->Unregister(self);
  svc_->UpdateStatus(status_, [&](LinkStatus& s) { s.connected = false; });
}

awaitable<bool> Link::HandOver(const wire::EntriesMsg& m) {
  // A peer keeps at most a window of batches unacknowledged; should it send
  // more, stop reading until the writer catches up (TCP then holds the
  // peer back), so that what waits here stays bounded.
  while (writing_ >= PeerSession::kWindow && !closed_) {
    written_.expires_at(Clock::time_point::max());
    error_code ec;
    co_await written_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  if (closed_) co_return false;
  auto received = session_->Receive(m);
  if (!received.ok()) {
    Fail(received.status().message());
    co_return false;
  }
  ++writing_;
  auto batch = std::make_shared<PeerSession::ReceivedBatch>(std::move(received).value());
  svc_->PostWrite([self = shared_from_this(), batch] {
    auto report = self->svc_->log->CommitIngest(std::move(batch->prepared));
    asio::post(self->socket_.get_executor(),
               [self, batch, report = std::move(report)] { self->Written(*batch, report); });
  });
  co_return true;
}

void Link::Written(const PeerSession::ReceivedBatch& batch, const Result<IngestReport>& report) {
  --writing_;
  written_.cancel();
  if (closed_) return;
  if (!report.ok()) return Fail("cannot store received entries: " + report.status().message());
  std::vector<wire::Message> out;
  Status s = session_->Committed(batch.batch, batch.count, *report, &out);
  if (!s.ok()) return Fail(s.message());
  Queue(out);
  Touch();
}

bool PeerService::Impl::Register(const std::shared_ptr<Link>& link) {
  if (stopping) return false;
  auto it = links.find(link->peer());
  if (it != links.end()) {
    if (link->initiator() == it->second->initiator()) {
      // The same side dialled again: the old link is stale (the peer lost
      // its connection or restarted), so the new one wins. If this keeps
      // happening, two live nodes hold one key: a copied data directory.
      log::Warn("peer", ToHex(link->peer()).substr(0, 12) +
                            ": a new link replaces an open one from the same key (a reconnect; if "
                            "it repeats, two nodes share this key)");
      it->second->Close();
      it->second = link;
      return true;
    }
    // Two links to one peer (both dialled each other): keep, on both ends,
    // the one dialled by the smaller key.
    if (!(link->initiator() < it->second->initiator())) return false;
    it->second->Close();
    it->second = link;
    return true;
  }
  links.emplace(link->peer(), link);
  return true;
}

void PeerService::Impl::Unregister(const std::shared_ptr<Link>& link) {
  auto it = links.find(link->peer());
  if (it != links.end() && it->second == link) links.erase(it);
}

void PeerService::Impl::PumpAll() {
  for (auto& [peer, link] : links) link->Pump();
}

awaitable<void> PeerService::Impl::RunConnection(tcp::socket socket, Handshake::Role role,
                                                 std::shared_ptr<LinkStatus> st) {
  auto link = std::make_shared<Link>(std::move(socket), this, role, st);
  co_await link->Run();
}

awaitable<void> PeerService::Impl::Accept() {
  while (!stopping) {
    error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open() || stopping) co_return;
      continue;
    }
    error_code ep_ec;
    auto remote = socket.remote_endpoint(ep_ec);
    std::string address =
        ep_ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
    auto st = NewStatus(address, "in");
    asio::co_spawn(
        ioc,
        [this, s = std::move(socket), st]() mutable -> awaitable<void> {
          co_await RunConnection(std::move(s), Handshake::Role::kResponder, st);
          DropStatus(st);
        },
        asio::detached);
  }
}

awaitable<void> PeerService::Impl::Dial(std::string address, std::shared_ptr<LinkStatus> st) {
  std::mt19937 rng(std::random_device{}());
  auto backoff = std::chrono::milliseconds(500);
  const auto max_backoff = std::chrono::milliseconds(options.max_backoff_seconds * 1000);
  asio::steady_timer timer(ioc);
  while (!stopping) {
    auto colon = address.rfind(':');
    std::string host = address.substr(0, colon);
    if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
    tcp::resolver resolver(ioc);
    error_code ec;
    auto endpoints = co_await resolver.async_resolve(host, address.substr(colon + 1),
                                                     asio::redirect_error(use_awaitable, ec));
    auto started = Clock::now();
    if (!ec) {
      tcp::socket socket(ioc);
      co_await asio::async_connect(socket, endpoints, asio::redirect_error(use_awaitable, ec));
      if (!ec) co_await RunConnection(std::move(socket), Handshake::Role::kInitiator, st);
    }
    if (ec) UpdateStatus(st, [&](LinkStatus& s) { s.last_error = "connect: " + ec.message(); });
    if (stopping) break;
    // A link that lived a while resets the backoff; failures double it.
    if (Clock::now() - started > std::chrono::seconds(10)) backoff = std::chrono::milliseconds(500);
    std::uniform_int_distribution<long> jitter(backoff.count() / 2, backoff.count());
    timer.expires_after(std::chrono::milliseconds(jitter(rng)));
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    backoff = std::min(backoff * 2, max_backoff);
  }
}

PeerService::PeerService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PeerService::~PeerService() {
  Stop();
  impl_->log->RemoveChangeListener(impl_->listener);
}

Result<std::unique_ptr<PeerService>> PeerService::Create(Log* log, const KeyPair& identity,
                                                         const Hash32& network_id,
                                                         const PeerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->log = log;
  impl->identity = identity;
  impl->network = network_id;
  impl->options = options;
  if (!options.listen.empty()) {
    auto colon = options.listen.rfind(':');
    std::string host = options.listen.substr(0, colon);
    if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    error_code ec;
    auto addr = asio::ip::make_address(host, ec);
    if (ec || colon == std::string::npos) {
      return Status::InvalidArgument("bad peer listen address '" + options.listen + "'");
    }
    tcp::endpoint ep(addr,
                     static_cast<unsigned short>(std::stoi(options.listen.substr(colon + 1))));
    auto& a = impl->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      return Status::Unavailable("cannot listen for peers on " + options.listen + ": " +
                                 ec.message());
  }
  auto service = std::unique_ptr<PeerService>(new PeerService(std::move(impl)));
  Impl* raw = service->impl_.get();
  raw->listener = log->AddChangeListener([raw] {
    if (!raw->stopping) asio::post(raw->ioc, [raw] { raw->PumpAll(); });
  });
  return service;
}

void PeerService::Start() {
  Impl& s = *impl_;
  if (s.started) return;
  s.started = true;
  if (s.acceptor.is_open()) asio::co_spawn(s.ioc, s.Accept(), asio::detached);
  for (const auto& address : s.options.peers) {
    asio::co_spawn(s.ioc, s.Dial(address, s.NewStatus(address, "out")), asio::detached);
  }
  s.writer = std::thread([&s] { s.WriterLoop(); });
  s.thread = std::thread([&s] { s.ioc.run(); });
}

void PeerService::Stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true)) return;
  asio::post(s.ioc, [&s] {
    error_code ignored;
    s.acceptor.close(ignored);
    for (auto& [peer, link] : s.links) link->Close();
    s.links.clear();
    s.ioc.stop();
  });
  if (s.thread.joinable()) s.thread.join();
  {
    std::lock_guard lock(s.writer_mu);
    s.writer_stop = true;
  }
  s.writer_cv.notify_one();
  if (s.writer.joinable()) s.writer.join();
  s.writer_jobs.clear();
}

std::string PeerService::listen_address() const {
  if (!impl_->acceptor.is_open()) return "";
  error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  if (ec) return "";
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

std::string PeerService::StatusJson() const {
  nlohmann::json peers = nlohmann::json::array();
  std::lock_guard lock(impl_->status_mu);
  for (const auto& st : impl_->statuses) {
    peers.push_back(
        {{"address", st->address},
         {"direction", st->direction},
         {"peer", IsZero(st->peer) ? nlohmann::json(nullptr) : nlohmann::json(ToHex(st->peer))},
         {"connected", st->connected},
         {"last_contact", st->last_contact_ms ? nlohmann::json(FormatTime(st->last_contact_ms))
                                              : nlohmann::json(nullptr)},
         {"entries_sent", st->stats.entries_sent},
         {"entries_received", st->stats.entries_received},
         {"peer_lacks", st->stats.peer_lacks},
         {"we_lack", st->stats.we_lack},
         {"bytes_sent", st->bytes_sent},
         {"bytes_received", st->bytes_received},
         {"last_error", st->last_error}});
  }
  return nlohmann::json{{"peers", peers}}.dump();
}

}  // namespace mrc::sync
