// Server: the listener and the lifecycle, after Beast's
// example/http/server/async (connections are in session.cc).
//
// The Server's strand owns the acceptor, the signal set and one timer. Run()
// runs the io_context on `threads` threads. Shutdown (signal or Stop()):
// close the acceptor, close connections idle between requests, let the others
// finish their current request (their response says Connection: close), poll
// until none is left, and give up on stragglers after 5 s.
#include "web/http/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include "config/config.h"
#include "config/foundation/log.h"
#include "web/http/session.h"
#include "web/http/tls.h"

namespace mrc::web {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// How long requests in progress may run on after shutdown begins.
constexpr auto kShutdownGrace = std::chrono::seconds(5);
// Refused connections are logged at most this often: a client may be
// refused hundreds of times a second.
constexpr auto kRefusalLogInterval = std::chrono::seconds(10);

}  // namespace

struct Server::Impl {
  Impl(const ServerOptions& options, AsyncHandler handler)
      : ioc(static_cast<int>(options.threads)),
        strand(net::make_strand(ioc)),
        acceptor(strand),
        signals(strand),
        timer(strand) {
    shared.options = options;
    shared.handler = std::move(handler);
    shared.budget = ConnectionBudget(options.max_connections, options.max_connections_per_address);
  }

  void DoAccept() {
    acceptor.async_accept(net::make_strand(ioc), beast::bind_front_handler(&Impl::OnAccept, this));
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (shared.stopping || !acceptor.is_open()) return;
    if (ec) {
      // Out of file descriptors and the like: retrying at once would spin.
      log::Warn("http", "accept failed: " + ec.message());
      timer.expires_after(std::chrono::milliseconds(100));
      timer.async_wait([this](beast::error_code e) {
        if (!e && !shared.stopping) DoAccept();
      });
      return;
    }
    // A TLS response leaves as several records, one write each: with
    // Nagle's algorithm on, a record waits for the client's delayed ACK
    // of the previous one (tens of milliseconds per response).
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (!detail::StartSession(std::move(socket), &shared)) LogRefusal();
    DoAccept();
  }

  // On the strand.
  void LogRefusal() {
    ++refused;
    if (Clock::now() < next_refusal_log) return;
    log::Warn("http", "refused " + std::to_string(refused) +
                          " connection(s): the connection budget is full (" +
                          std::to_string(shared.options.max_connections) + " in all, " +
                          std::to_string(shared.options.max_connections_per_address) +
                          " per client address; limits.http_connections*)");
    refused = 0;
    next_refusal_log = Clock::now() + kRefusalLogInterval;
  }

  // On the strand.
  void BeginShutdown() {
    if (shared.stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    signals.clear(ec);  // restores default handling: a second Ctrl-C ends the process
    timer.cancel();
    auto live = shared.Live();
    log::Info("http", "shutting down (" + std::to_string(live.size()) + " open connections)");
    for (auto& s : live) detail::ShutdownSession(s);
    give_up_at = Clock::now() + kShutdownGrace;
    if (!live.empty()) PollDrained();
  }

  // Until every session is gone or the grace period is over. Polling every
  // 20 ms keeps sessions free of any call back into the server.
  void PollDrained() {
    timer.expires_after(std::chrono::milliseconds(20));
    timer.async_wait([this](beast::error_code ec) {
      if (ec || shared.Count() == 0) return;
      if (Clock::now() >= give_up_at) {
        log::Warn("http", "closing " + std::to_string(shared.Count()) +
                              " connections still busy after the grace period");
        ioc.stop();
        return;
      }
      PollDrained();
    });
  }

  // Runs handlers until the io_context is out of work or stopped. A handler
  // that throws is logged; the server keeps serving.
  void RunLoop() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        log::Error("http", std::string("unexpected exception: ") + e.what());
      }
    }
  }

  // Destroyed in reverse order: `shared` must outlive the io_context, whose
  // destructor destroys sessions that may still be queued.
  detail::Shared shared;
  net::io_context ioc;
  net::strand<net::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer timer;  // accept retry, then the shutdown poll
  tcp::endpoint endpoint;
  Clock::time_point give_up_at;
  std::atomic<bool> ran{false};
  std::size_t refused = 0;  // connections refused since the last log line
  Clock::time_point next_refusal_log;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

namespace {

Status BindError(const std::string& where, const beast::error_code& ec) {
  std::string msg = "cannot listen on " + where + ": " + ec.message();
  if (ec == net::error::address_in_use) {
    return Status::Unavailable(msg + " (is another mrcnode running? choose another http.listen)");
  }
  if (ec == net::error::access_denied) return Status::PermissionDenied(msg);
  return Status::IOError(msg);
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options, Handler handler) {
  if (!handler) return Status::InvalidArgument("HTTP server: no request handler");
  return CreateAsync(options, [handler = std::move(handler)](HttpRequest request, Respond respond) {
    respond(handler(request));
  });
}

Result<std::unique_ptr<Server>> Server::CreateAsync(const ServerOptions& options,
                                                    AsyncHandler handler) {
  if (!handler) return Status::InvalidArgument("HTTP server: no request handler");
  if (options.threads == 0) return Status::InvalidArgument("HTTP server: threads must be >= 1");
  if (options.max_connections == 0 || options.max_connections_per_address == 0)
    return Status::InvalidArgument("HTTP server: connection budgets must be >= 1");
  auto hp = config::ParseHostPort(options.listen, /*allow_port_zero=*/true);
  if (!hp.ok()) return hp.status().Annotate("HTTP listen address");
  const bool tls = !options.tls_cert_file.empty();
  const std::string refused = "refusing to serve plain HTTP on '" + options.listen +
                              "': not a loopback address; passwords and session cookies must "
                              "not cross a network in the clear, so there the node serves "
                              "HTTPS only (http.tls, docs/operations.md)";
  if (!tls && !config::IsLoopback(hp->host)) return Status::PermissionDenied(refused);
  beast::error_code ec;
  net::ip::address address = hp->host == "localhost" ? net::ip::make_address("127.0.0.1")
                                                     : net::ip::make_address(hp->host, ec);
  if (ec) {
    return Status::InvalidArgument("HTTP listen address '" + options.listen + "': '" + hp->host +
                                   "' is not an IP address");
  }
  if (!tls && !address.is_loopback()) return Status::PermissionDenied(refused);
  std::shared_ptr<net::ssl::context> context;
  std::vector<std::string> names;
  if (tls) {
    MRC_ASSIGN_OR_RETURN(context,
                         detail::MakeServerTlsContext(options.tls_cert_file, options.tls_key_file));
    MRC_ASSIGN_OR_RETURN(CertificateInfo info, ReadCertificate(options.tls_cert_file));
    names = std::move(info.names);
  }
  try {
    auto impl = std::make_unique<Impl>(options, std::move(handler));
    impl->shared.tls = std::move(context);
    impl->shared.tls_names = std::move(names);
    tcp::endpoint ep(address, hp->port);
    const std::string where = detail::EndpointString(ep);
    auto& acc = impl->acceptor;
    if (acc.open(ep.protocol(), ec); ec) return BindError(where, ec);
    if (acc.set_option(net::socket_base::reuse_address(true), ec); ec) return BindError(where, ec);
    if (acc.bind(ep, ec); ec) return BindError(where, ec);
    if (acc.listen(net::socket_base::max_listen_connections, ec); ec) return BindError(where, ec);
    impl->endpoint = acc.local_endpoint(ec);
    if (ec) return BindError(where, ec);
    return std::unique_ptr<Server>(new Server(std::move(impl)));
  } catch (const std::exception& e) {
    return Status::IOError("cannot start the HTTP server on " + options.listen + ": " + e.what());
  }
}

std::uint16_t Server::port() const { return impl_->endpoint.port(); }

std::string Server::address() const { return detail::EndpointString(impl_->endpoint); }

bool Server::tls() const { return impl_->shared.tls != nullptr; }

Status Server::Run() {
  Impl& s = *impl_;
  if (s.ran.exchange(true)) return Status::InvalidArgument("HTTP server: Run() called twice");
  beast::error_code ec;
  s.signals.add(SIGINT, ec);
  s.signals.add(SIGTERM, ec);
  if (ec) return Status::IOError("HTTP server: cannot handle SIGINT/SIGTERM: " + ec.message());
  s.signals.async_wait([&s](beast::error_code e, int signal) {
    if (e) return;
    log::Info("http", std::string(signal == SIGINT ? "SIGINT" : "SIGTERM") + " received");
    s.BeginShutdown();
  });
  // Stop() may have run before Run(): its BeginShutdown is queued and closes
  // the acceptor before this accept can complete.
  s.DoAccept();
  log::Info("http", std::string(tls() ? "listening (HTTPS) on " : "listening on ") + address() +
                        " (" + std::to_string(s.shared.options.threads) + " threads)");

  std::vector<std::thread> threads;
  Status status;
  try {
    for (std::uint32_t i = 1; i < s.shared.options.threads; ++i) {
      threads.emplace_back([&s] { s.RunLoop(); });
    }
  } catch (const std::system_error& e) {
    status = Status::IOError(std::string("HTTP server: cannot start threads: ") + e.what());
    Stop();
  }
  s.RunLoop();
  for (auto& t : threads) t.join();
  {
    std::lock_guard lock(s.shared.gate->mu);
    s.shared.gate->open = false;  // answers from other threads are dropped from now on
  }
  // Sessions abandoned by a stop after the grace period: close their sockets
  // now; the objects go with the io_context.
  for (auto& session : s.shared.Live()) detail::ForceCloseSession(session);
  log::Info("http", "stopped");
  return status;
}

void Server::Stop() {
  Impl* s = impl_.get();
  net::post(s->strand, [s] { s->BeginShutdown(); });
}

}  // namespace mrc::web
