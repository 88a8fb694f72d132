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

#include "web/http/server.h"

namespace mrc::web::detail {

class Session;

// What sessions share with the server, without the acceptor or timers.
struct Shared {
  ServerOptions options;
  Handler handler;
  std::atomic<bool> stopping{false};  // set once, when shutdown begins

  std::mutex mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by mu

  void Register(Session* s, std::weak_ptr<Session> w) {
    std::lock_guard lock(mu);
    sessions.emplace(s, std::move(w));
  }
  void Unregister(Session* s) {
    std::lock_guard lock(mu);
    sessions.erase(s);
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

// Serves an accepted connection on its own strand until it closes; the
// session registers itself in `shared`, which must outlive it. Call on the
// server's strand, so that it is ordered with the start of a shutdown.
void StartSession(boost::asio::ip::tcp::socket socket, Shared* shared);
// Any thread: closes the connection if it is between requests; otherwise it
// finishes its current request (answering Connection: close) and closes.
void ShutdownSession(const std::shared_ptr<Session>& session);
// Closes the socket. Only when no thread runs the io_context.
void ForceCloseSession(const std::shared_ptr<Session>& session);

// "127.0.0.1:8080", "[::1]:8080".
std::string EndpointString(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace mrc::web::detail
