// One peer link: the handshake, then one coroutine that reads frames, one
// that writes them, and a watchdog that closes the socket when a deadline
// passes (handshake time, silence longer than the idle timeout, a frame
// arriving too slowly, a key not approved linked for too long). What the
// link may hold is counted in the service's LinkBudget.
#include "sync/peer/peer_link.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>

#include "config/foundation/log.h"
#include "config/foundation/time.h"
#include "sync/log/hq_news.h"

namespace mrc::sync {

using asio::use_awaitable;
using boost::system::error_code;

namespace {

// A frame's buffer grows with what arrives: the first read asks for
// kFirstRead bytes, later ones for as much as the buffer holds, at most
// kReadChunk. A buffer larger than kKeptBuffer is freed after its frame.
constexpr std::size_t kFirstRead = 4 << 10;
constexpr std::size_t kReadChunk = 64 << 10;
constexpr std::size_t kKeptBuffer = 16 << 10;
// A link that held a frame buffer this large gives free memory back to
// the system when it ends.
constexpr std::size_t kReturnMemoryAfter = 1 << 20;

}  // namespace

void Link::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  watchdog_.cancel();
  wake_.cancel();
  written_.cancel();
  memory_.cancel();
  // The frame buffer and its claim go once the read is over (ReadFrame):
  // the read may still be writing into the buffer.
  address_place_ = {};
  handshake_place_ = {};
  key_place_ = {};
  unapproved_place_ = {};
}
void Link::Pump() {
  if (closed_ || !session_) return;
  std::vector<wire::Message> out;
  Status s = session_->Pump(&out);
  if (!s.ok()) return Fail("replication: " + s.message());
  Queue(out);
}
void Link::Queue(const std::vector<wire::Message>& msgs) {
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
void Link::Fail(const std::string& why) {
  // Strangers choose how many of their links fail: those are rate-limited.
  if (registered_ || role_ == Handshake::Role::kInitiator) {
    log::Warn("peer", (IsZero(peer_) ? status_->address : Short(peer_)) + ": " + why);
  } else {
    svc_->refusals.Warn(
        status_->address + (IsZero(peer_) ? "" : " (" + Short(peer_) + ")") + ": " + why,
        Clock::now());
  }
  svc_->UpdateStatus(status_, [&](LinkStatus& s) { s.last_error = why; });
  Close();
}
void Link::Touch(bool changed) {
  deadline_ = Clock::now() + std::chrono::seconds(svc_->options.idle_timeout_seconds);
  svc_->UpdateStatus(status_, [&](LinkStatus& s) {
    s.last_contact_ms = WallMillis();
    s.bytes_sent = bytes_sent_;
    s.bytes_received = bytes_received_;
    if (session_ && changed) s.stats = session_->Stats();
    receive_rate_.Sample(
        static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
                .count()),
        s.stats.entries_received);
    s.stats.entries_per_second = receive_rate_.PerSecond();
    if (session_) {
      s.protocol = session_->protocol();
      s.software = session_->software();
    }
  });
  NoteHqNews();
}

// A reconciled link to headquarters is news from it: noted at once, then
// at most once a minute while the link stays up (sync/log/hq_news.h).
void Link::NoteHqNews() {
  if (!hq_peer_ || !session_ || !session_->reconciled()) return;
  auto now = Clock::now();
  if (hq_noted_ != Clock::time_point::min() && now - hq_noted_ < std::chrono::minutes(1)) return;
  hq_noted_ = now;
  Status s = sync::NoteHqNews(svc_->log, svc_->options.clock->NowMillis());
  if (!s.ok()) log::Warn("peer", "cannot note news from headquarters: " + s.message());
}

void Link::NoteAck(std::uint64_t batch) {
  if (line_.Acked(batch, Clock::now()))
    session_->SetBatchBytes(line_.BatchBytes(session_->batch_bytes()));
}

// Reads what has arrived, at most `max` bytes; 0 when the link failed.
awaitable<std::size_t> Link::ReadSome(char* at, std::size_t max) {
  error_code ec;
  std::size_t k = co_await socket_.async_read_some(asio::buffer(at, max),
                                                   asio::redirect_error(use_awaitable, ec));
  bytes_received_ += k;
  if (ec) {
    if (!closed_) Fail(ec == asio::error::eof ? "peer closed the link" : "read: " + ec.message());
    co_return 0;
  }
  if (frame_.reading) {
    if (frame_.started == Clock::time_point::max()) frame_.started = Clock::now();
    frame_.got += k;
  }
  // Once linked, a link is idle when no byte arrives, not when no whole
  // message does: on a slow line one batch can take minutes, and a
  // timeout from the last message would cut it, and its resending, for
  // ever. (The handshake keeps its own deadline; a frame that trickles
  // in is the rate rule's, in Overdue.)
  if (session_) deadline_ = Clock::now() + std::chrono::seconds(svc_->options.idle_timeout_seconds);
  co_return k;
}

// For the handshake's messages, whose sizes are the protocol's, not the peer's.
awaitable<bool> Link::ReadExactly(Bytes* buf, std::size_t n) {
  buf->resize(n);
  for (std::size_t got = 0; got < n;) {
    std::size_t k = co_await ReadSome(buf->data() + got, n - got);
    if (k == 0) co_return false;
    got += k;
  }
  co_return true;
}

// The next frame's plaintext, or nullopt when the link failed. Its length
// prefix says how much read memory to claim and how much to read, never
// how much to allocate: the buffer grows with what arrives.
awaitable<std::optional<Bytes>> Link::ReadFrame() {
  frame_ = Frame{};
  frame_.reading = true;
  char prefix[4];
  for (std::size_t got = 0; got < sizeof prefix;) {
    std::size_t k = co_await ReadSome(prefix + got, sizeof prefix - got);
    if (k == 0) co_return std::nullopt;
    got += k;
  }
  auto n = opener_->CiphertextSize(std::string_view(prefix, sizeof prefix));
  if (!n.ok()) {
    Fail(n.status().message());
    co_return std::nullopt;
  }
  frame_.size = sizeof prefix + *n;
  bool read = co_await ClaimMemory(*n) && co_await ReadBody(*n);
  std::optional<Result<Bytes>> plain;
  if (read) plain.emplace(opener_->Open(std::string_view(cipher_.data(), cipher_.size())));
  DropBuffer();
  if (!read) co_return std::nullopt;
  if (!plain->ok()) {
    Fail("frame refused: " + plain->status().message());
    co_return std::nullopt;
  }
  co_return std::move(*plain).value();
}

// Claims a frame's length from the read memory all links share, and waits
// its turn when it does not fit (LinkBudget::ClaimRead). Meanwhile the link
// reads nothing, so TCP holds the peer back, and neither the idle timeout
// nor the rate rule runs: the wait is this node's doing, not the peer's.
awaitable<bool> Link::ClaimMemory(std::size_t n) {
  claim_ = svc_->budget->ClaimRead(n, approved_, [this] { memory_.cancel(); });
  if (claim_.granted()) co_return true;
  log::Debug("peer", Short(peer_) + ": a frame of " + std::to_string(n) +
                         " bytes waits for read memory (peer_read_memory_mb)");
  auto since = Clock::now();
  frame_.waiting = true;
  while (!claim_.granted() && !closed_) {
    memory_.expires_at(Clock::time_point::max());
    error_code ec;
    co_await memory_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  frame_.waiting = false;
  frame_.started += Clock::now() - since;
  deadline_ = Clock::now() + std::chrono::seconds(svc_->options.idle_timeout_seconds);
  co_return !closed_;
}

// Reads a frame's `n` bytes of ciphertext into cipher_, which grows with
// what arrives: a read asks for at most kReadChunk, and the buffer at most
// doubles what it already holds, so that a peer that declares a large
// frame and sends little holds little.
awaitable<bool> Link::ReadBody(std::size_t n) {
  cipher_.clear();
  while (cipher_.size() < n) {
    std::size_t have = cipher_.size();
    std::size_t want = std::min({n - have, kReadChunk, std::max(have, kFirstRead)});
    // vector's reserve allocates exactly this, so never past the frame.
    if (cipher_.capacity() < have + want)
      cipher_.reserve(std::min(n, std::max(2 * have, have + want)));
    cipher_.resize(have + want);
    std::size_t k = co_await ReadSome(cipher_.data() + have, want);
    cipher_.resize(have + k);
    if (k == 0) co_return false;
  }
  co_return true;
}

// The frame is over: its buffer (unless small) and its claim go.
void Link::DropBuffer() {
  largest_read_ = std::max(largest_read_, cipher_.capacity());
  if (cipher_.capacity() > kKeptBuffer) std::vector<char>().swap(cipher_);
  cipher_.clear();
  claim_ = {};
  frame_ = Frame{};
}

// Writes a handshake message or stream header whole; false when the link failed.
awaitable<bool> Link::SendWhole(const Bytes& bytes) {
  error_code ec;
  co_await asio::async_write(socket_, asio::buffer(bytes), asio::redirect_error(use_awaitable, ec));
  if (ec) {
    Fail("handshake: " + ec.message());
    co_return false;
  }
  bytes_sent_ += bytes.size();
  co_return true;
}

awaitable<bool> Link::Handshake() {
  sync::Handshake hs(role_, svc_->identity, svc_->network);
  Bytes in;
  while (!hs.done()) {
    Bytes out = hs.Next();
    if (!out.empty() && !co_await SendWhole(out)) co_return false;
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
  if (!Admit()) co_return false;
  SessionKeys keys = hs.keys();
  sealer_.emplace(keys.send);
  opener_.emplace(keys.receive);
  Bytes header = sealer_->Header();
  if (!co_await SendWhole(header)) co_return false;
  if (!co_await ReadExactly(&in, 24)) co_return false;
  Status s = opener_->SetHeader(in);
  if (!s.ok()) {
    Fail("bad stream header: " + s.message());
    co_return false;
  }
  co_return true;
}

// Once the peer's key is known. A revoked key is no longer part of the
// network: no link, either way. A key not yet approved may link, since it
// must receive its approval, but only in one of a few places kept for such
// links, and for a bounded time (Overdue); it dials again later.
bool Link::Admit() {
  auto m = svc_->log->StandingOf(peer_);
  if (m.ok() && m->revoked_from != Standing::kNotRevoked) {
    Fail("refused " + Short(peer_) + ": its key is revoked (" + m->revoke_reason + ")");
    return false;
  }
  approved_ = m.ok() && m->member;
  hq_peer_ = approved_ && (m->root || m->hq);
  auto key = svc_->budget->AdmitKey(peer_);
  if (!key.ok()) {
    Fail("refused " + Short(peer_) + ": " + key.status().message());
    return false;
  }
  key_place_ = std::move(key).value();
  if (approved_ || role_ != Handshake::Role::kResponder) return true;
  auto place = svc_->budget->AdmitUnapproved();
  if (!place.ok()) {
    Fail("refused " + Short(peer_) + ", a key not approved: " + place.status().message());
    return false;
  }
  unapproved_place_ = std::move(place).value();
  unapproved_until_ =
      Clock::now() + std::chrono::seconds(svc_->budget->limits().unapproved_link_seconds);
  return true;
}

// Why the link must close now, or "" (the watchdog asks every second).
std::string Link::Overdue(Clock::time_point now) {
  if (deadline_ <= now && !frame_.waiting) return "timed out";
  const PeerLimits& limits = svc_->budget->limits();
  // The rate rule: once a frame is older than the idle timeout, it must
  // have brought min_bytes_per_second for each second past it. An honest frame on a
  // slow line arrives far faster, and may stall as long as a link may be
  // silent; a trickle cannot hold the link, nor its memory, for long.
  if (frame_.started != Clock::time_point::max() && !frame_.waiting) {
    double age = std::chrono::duration<double>(now - frame_.started).count();
    double grace = svc_->options.idle_timeout_seconds;
    if (age > grace && frame_.got < limits.min_bytes_per_second * (age - grace)) {
      std::string what = std::to_string(frame_.got) +
                         (frame_.size ? " of " + std::to_string(frame_.size) + " bytes"
                                      : " bytes of its length prefix");
      char why[240];
      std::snprintf(why, sizeof why,
                    "frame too slow: %s in %.1f s; past the first %.0f s a frame must average "
                    "%u bytes/s (peer_min_bytes_per_second)",
                    what.c_str(), age, grace, limits.min_bytes_per_second);
      return why;
    }
  }
  if (unapproved_until_ <= now) {
    auto m = svc_->log->StandingOf(peer_);
    if (!m.ok() || !m->member) {
      return "not approved: linked for " + std::to_string(limits.unapproved_link_seconds) +
             " s, as long as a key headquarters has not approved may stay "
             "(peer_unapproved_link_seconds); it may dial again";
    }
    log::Info("peer", Short(peer_) + ": approved while linked");
    approved_ = true;
    svc_->UpdateStatus(status_, [](LinkStatus& s) { s.member = true; });
    unapproved_place_ = {};
    unapproved_until_ = Clock::time_point::max();
  }
  return "";
}

awaitable<void> Link::Watchdog() {
  auto self = shared_from_this();
  while (!closed_) {
    std::string why = Overdue(Clock::now());
    if (!why.empty()) {
      Fail(why);
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
  bool shaken = co_await Handshake();
  handshake_place_ = {};
  if (!shaken) co_return;
  if (!svc_->Register(self)) {
    Close();
    co_return;
  }
  registered_ = true;
  session_.emplace(svc_->log, peer_);
  session_->SetBatchBytes(PeerSession::kMinBatchBytes);  // until the line's speed is known
  svc_->UpdateStatus(status_, [&](LinkStatus& s) {
    s.peer = peer_;
    s.member = approved_;
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
  while (!closed_) {
    auto plain = co_await ReadFrame();
    if (!plain) break;
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
  if (largest_read_ >= kReturnMemoryAfter) svc_->ReturnMemorySoon();
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

}  // namespace mrc::sync
