// Server: the HTTP/1.1 transport. It reads requests, hands each to a Handler
// (usually Api::Handle) and writes the response; it knows nothing of routes.
//
//   auto server = web::Server::Create(options, [&api](const web::HttpRequest& r) {
//     return api.Handle(r);
//   });
//   if (!server.ok()) ...;
//   Status s = (*server)->Run();  // until SIGINT/SIGTERM or Stop()
//
// Limits: headers 8 KiB (431), body `body_limit` (413), `timeout_seconds` for
// each request read and response write and for an idle keep-alive connection.
// A request that is malformed, or smuggles a body (Transfer-Encoding other
// than exactly "chunked", or Transfer-Encoding with Content-Length), gets a
// 400 and its connection is closed; the server carries on.
//
// Plain HTTP binds to loopback only. With a certificate (tls_cert_file) the
// server speaks HTTPS only, TLS 1.2+, and may bind to any address; a client
// must finish its TLS handshake within `timeout_seconds`, and a connection
// still in its handshake counts in the connection budget like an idle one.
// Over TLS every cookie a handler sets is made Secure, and the answer to a
// request by a non-loopback Host carries HSTS (Strict-Transport-Security).
//
// DNS rebinding: a page on evil.example may make a browser send requests here
// by resolving evil.example to this node's address, but its Host header
// still says evil.example. So a Host must be a loopback address, or, over
// TLS, a name or address the certificate holds (the only names a browser
// reaches the node by without a certificate warning); any other gets 421.
// These errors are JSON like Api's: {"error":{"code":"BAD_REQUEST",...}},
// codes BAD_REQUEST, PAYLOAD_TOO_LARGE, HEADERS_TOO_LARGE, MISDIRECTED_REQUEST.
// At most `max_connections` are open at once, and `max_connections_per_address`
// from one client address; past those, idle connections make room or a new
// connection is closed at once (web/http/connection_budget.h).
//
// A handler may answer later, from another thread (CreateAsync): the
// connection waits without holding an HTTP thread, as a login waits for
// its password check.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/foundation/status.h"
#include "web/http/http_types.h"

namespace mrc::web {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 = any free port
  // PEM files of the certificate (chain) and its key. Empty: plain HTTP,
  // which only a loopback `listen` may use. Set: HTTPS only.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::uint64_t body_limit = 1 << 20;              // bytes of request body; larger gets 413
  std::uint32_t timeout_seconds = 30;              // per read/write, and idle keep-alive
  std::uint32_t threads = 2;                       // threads running connections (>= 1)
  std::uint32_t max_connections = 256;             // open at once, from all clients
  std::uint32_t max_connections_per_address = 64;  // open at once from one client address
};

// Maps a request to a response. Called on the connection's thread, one
// request at a time per connection but concurrently across connections, so
// it must be thread-safe. It should not throw; if it does, the client gets a
// 500.
using Handler = std::function<HttpResponse(const HttpRequest&)>;
// The same, answering through `respond`, at once or later from any thread.
// The connection waits for the answer, whatever the time it takes; if
// every copy of `respond` is dropped unanswered, the client gets a 500.
using AsyncHandler = std::function<void(HttpRequest request, Respond respond)>;

class Server {
 public:
  // Binds and listens. PermissionDenied for a non-loopback address without
  // TLS, InvalidArgument for a malformed one or an unusable certificate or
  // key, Unavailable when the address is in use, IOError for other socket
  // failures.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options, Handler handler);
  static Result<std::unique_ptr<Server>> CreateAsync(const ServerOptions& options,
                                                     AsyncHandler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;   // the bound port (useful with port 0)
  std::string address() const;  // "127.0.0.1:8080", "[::1]:8080"
  bool tls() const;             // whether it speaks HTTPS

  // Serves on `threads` threads (the caller's among them) until SIGINT or
  // SIGTERM arrives or Stop() is called; then stops accepting, lets requests
  // in progress finish (up to 5 s), closes idle connections and returns.
  // Call at most once; the Server must not be destroyed while Run() runs.
  Status Run();
  // Thread-safe; may be called before, during or after Run().
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mrc::web
