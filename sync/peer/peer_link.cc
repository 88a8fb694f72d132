// One peer link: the handshake, then one coroutine that reads frames, one
// that writes them, and a watchdog that closes the socket when a deadline
// passes (handshake time, or silence longer than the idle timeout).
#include "sync/peer/peer_link.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "config/foundation/log.h"
#include "config/foundation/time.h"

namespace mrc::sync {

using asio::use_awaitable;
using boost::system::error_code;

void Link::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  watchdog_.cancel();
  wake_.cancel();
  written_.cancel();
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
  log::Warn("peer", (IsZero(peer_) ? status_->address : ToHex(peer_).substr(0, 12)) + ": " + why);
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
  });
}

void Link::NoteAck(std::uint64_t batch) {
  if (line_.Acked(batch, Clock::now()))
    session_->SetBatchBytes(line_.BatchBytes(session_->batch_bytes()));
}

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

}  // namespace mrc::sync
