// The peer service on Boost.Asio, written as C++20 coroutines: it accepts
// and dials links (sync/peer/peer_link.cc runs each), keeps one link per
// peer, and relays the log's changes to them. Everything runs on the
// service's single thread, so link state needs no locks; only the status
// snapshot is shared, under a mutex. The one exception is writing received
// entries: a link checks a batch (hashes, signature, content) on the
// service thread, then hands it to the writer thread, and reads and checks
// the next batch while that one is applied and made durable; the writer
// posts the outcome back to the service thread.
#include "sync/peer/peer_service.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "config/foundation/log.h"
#include "config/foundation/time.h"
#include "sync/peer/peer_link.h"

namespace mrc::sync {

using asio::use_awaitable;
using boost::system::error_code;

void PeerService::Impl::PostWrite(std::function<void()> job) {
  {
    std::lock_guard lock(writer_mu);
    writer_jobs.push_back(std::move(job));
  }
  writer_cv.notify_one();
}
void PeerService::Impl::WriterLoop() {
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

std::shared_ptr<LinkStatus> PeerService::Impl::NewStatus(std::string address,
                                                         std::string direction) {
  auto st = std::make_shared<LinkStatus>();
  st->address = std::move(address);
  st->direction = std::move(direction);
  std::lock_guard lock(status_mu);
  statuses.push_back(st);
  return st;
}
void PeerService::Impl::DropStatus(const std::shared_ptr<LinkStatus>& st) {
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
    // Keys not approved go first: anyone holding the genesis can make
    // new ones, and must not push the centres out of the list.
    auto oldest =
        std::min_element(statuses.begin(), statuses.end(), [](const auto& a, const auto& b) {
          auto key = [](const auto& x) {
            bool gone = x->direction == "in" && !x->connected;
            return std::pair(gone ? x->member : true, gone ? x->last_contact_ms : UINT64_MAX);
          };
          return key(a) < key(b);
        });
    statuses.erase(oldest);
  }
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
                                                 std::shared_ptr<LinkStatus> st,
                                                 LinkBudget::Place address,
                                                 LinkBudget::Place handshake) {
  auto link = std::make_shared<Link>(std::move(socket), this, role, st, std::move(address),
                                     std::move(handshake));
  co_await link->Run();
}

void PeerService::Impl::ReturnMemorySoon() {
  if (release_due || stopping) return;
  release_due = true;
  release_timer.expires_after(std::chrono::seconds(1));
  release_timer.async_wait([this](const error_code& ec) {
    release_due = false;
    if (!ec) ReturnFreedMemory();
  });
}

namespace {

std::string AddressKeyOf(const asio::ip::address& a) {
  if (a.is_v4()) {
    auto b = a.to_v4().to_bytes();
    return AddressKey(b.data(), b.size());
  }
  auto b = a.to_v6().to_bytes();
  return AddressKey(b.data(), b.size());
}

}  // namespace

// Before anything is known of a link but its address: a place among the
// links from that address and among the handshakes in progress, or it is
// closed at once (rate-limited warnings: strangers choose how many).
awaitable<void> PeerService::Impl::Accept() {
  asio::steady_timer pause(ioc);
  while (!stopping) {
    error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open() || stopping) co_return;
      // Out of descriptors, say: accepting again at once would spin.
      pause.expires_after(std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    error_code ep_ec;
    auto remote = socket.remote_endpoint(ep_ec);
    std::string address =
        ep_ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
    auto from = budget->AdmitAddress(ep_ec ? "?" : AddressKeyOf(remote.address()));
    auto shaking = from.ok() ? budget->AdmitHandshake() : Result<LinkBudget::Place>(from.status());
    if (!shaking.ok()) {
      refusals.Warn(address + ": refused: " + shaking.status().message(), Clock::now());
      socket.close(ep_ec);
      continue;
    }
    auto st = NewStatus(address, "in");
    asio::co_spawn(
        ioc,
        [this, s = std::move(socket), st, a = std::move(from).value(),
         h = std::move(shaking).value()]() mutable -> awaitable<void> {
          co_await RunConnection(std::move(s), Handshake::Role::kResponder, st, std::move(a),
                                 std::move(h));
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
  impl->budget = std::make_unique<LinkBudget>(options.limits);
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
    // Links now close in any order; none may be woken for read memory.
    s.budget->Shutdown();
    s.release_timer.cancel();
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

std::vector<PeerLinkStatus> PeerService::Links() const {
  std::vector<PeerLinkStatus> links;
  std::lock_guard lock(impl_->status_mu);
  links.reserve(impl_->statuses.size());
  for (const auto& st : impl_->statuses) links.push_back(*st);
  return links;
}

}  // namespace mrc::sync
