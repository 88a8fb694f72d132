// Internal to web/ (server.cc and session.cc; no other module includes it):
// one HTTP connection, and the state the Server shares with its connections.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "web/http/connection_budget.h"
#include "web/http/server.h"

namespace boost::asio::ssl {
class context;
}

namespace mrc::web::detail {

class Session;

// Whether responses may still be handed to sessions. Closed once no thread
// runs the io_context: a response that comes later from another thread (a
// password check) then touches nothing of a server that is gone.
struct ReplyGate {
  std::mutex mu;
  bool open = true;  // guarded by mu
};

// What sessions share with the server, without the acceptor or timers.
struct Shared {
  ServerOptions options;
  AsyncHandler handler;
  std::atomic<bool> stopping{false};  // set once, when shutdown begins
  std::shared_ptr<ReplyGate> gate = std::make_shared<ReplyGate>();
  // Set when the server speaks TLS (options.tls_cert_file); then also the
  // names its certificate holds, which Host headers may name.
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::vector<std::string> tls_names;

  std::mutex mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by mu
  ConnectionBudget budget{256, 64};                               // guarded by mu

  // A new session from `address`, if the budget admits it; then also an
  // idle session to close to make room for it, or null.
  bool Admit(Session* s, std::weak_ptr<Session> w, const std::string& address,
             std::shared_ptr<Session>* make_room);
  void SetIdle(Session* s, bool idle);
  void Unregister(Session* s) {
    std::lock_guard lock(mu);
    sessions.erase(s);
    budget.Remove(s);
  }
  std::size_t Count() {
    std::lock_guard lock(mu);
    return sessions.size();
  }
  std::vector<std::shared_ptr<Session>> Live() {
    std::lock_guard lock(mu);
    std::vector<std::shared_ptr<Session>> out;
    for (auto& [p, w] : sessions) {
      if (auto s = w.lock()) out.push_back(std::move(s));
    }
    return out;
  }
};

// Serves an accepted connection on its own strand until it closes, if the
// connection budget admits it (closing an idle connection to make room
// when it must); false when it refuses it (the socket is closed). Call on
// the server's strand, so that it is ordered with the start of a shutdown.
// `shared` must outlive the session.
bool StartSession(boost::asio::ip::tcp::socket socket, Shared* shared);
// Any thread: closes the connection if it is between requests; otherwise it
// finishes its current request (answering Connection: close) and closes.
void ShutdownSession(const std::shared_ptr<Session>& session);
// Closes the socket and lets go of a request still waiting for its
// response. Only when no thread runs the io_context.
void ForceCloseSession(const std::shared_ptr<Session>& session);

// A server context for `cert_file` (PEM, the chain) and `key_file` (PEM):
// TLS 1.2+, ECDHE with AEAD ciphers only (web/http/tls.cc).
// InvalidArgument when a file is unreadable or the key does not match.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

// "127.0.0.1:8080", "[::1]:8080".
std::string EndpointString(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace mrc::web::detail
