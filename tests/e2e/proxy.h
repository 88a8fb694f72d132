// A small TCP proxy on 127.0.0.1 for fault injection between two nodes: it
// forwards bytes both ways and can be told to cut every connection, refuse
// new ones, delay traffic, slow it to a rate, drop it after so many bytes,
// or flip one byte of the stream. Each connection
// is served by two threads with poll() timeouts, so Stop() always returns.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace mrc::e2e {

class Proxy {
 public:
  // Forwards connections made to address() on to 127.0.0.1:upstream_port
  // (0: refuse connections until SetUpstream).
  explicit Proxy(std::uint16_t upstream_port = 0) : upstream_port_(upstream_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~Proxy() { Stop(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  void SetUpstream(std::uint16_t port) { upstream_port_ = port; }

  // Closes every open connection now (new ones are still accepted unless refused).
  void Cut() { generation_++; }
  // While set, new connections are closed at once.
  void Refuse(bool refuse) { refuse_ = refuse; }
  // Delay applied to each chunk forwarded.
  void Delay(std::chrono::milliseconds d) { delay_ms_ = static_cast<int>(d.count()); }
  // Forwards at most this many bytes a second each way (0: as fast as it
  // can), in chunks of a tenth of a second: a slow line.
  void Rate(int bytes_per_second) { rate_ = bytes_per_second; }
  // Closes each connection once it has carried this many bytes one way
  // (0: never): a line that drops now and then.
  void CutAfter(long bytes) { cut_after_ = bytes; }
  // Every byte forwarded so far, both ways (what a listener on the wire sees).
  std::string Captured() {
    std::lock_guard lock(capture_mu_);
    return captured_;
  }
  // Flips one bit of the byte at this offset of the next connection's
  // upstream-bound stream (counted from its first byte); -1 disables.
  void CorruptAt(long offset) { corrupt_at_ = offset; }

  void Stop() {
    if (stopped_.exchange(true)) return;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (auto& t : pumps_) t.join();
    pumps_.clear();
  }

 private:
  void AcceptLoop() {
    while (!stopped_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      if (refuse_ || upstream_port_ == 0) {
        ::close(client);
        continue;
      }
      int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(upstream_port_);
      if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(client);
        ::close(upstream);
        continue;
      }
      long corrupt = corrupt_at_.exchange(-1);
      auto shared = std::make_shared<std::atomic<int>>(2);
      std::lock_guard lock(mu_);
      pumps_.emplace_back([=, this] { Pump(client, upstream, corrupt, shared); });
      pumps_.emplace_back([=, this] { Pump(upstream, client, -1, shared); });
    }
  }

  // Copies from -> to until either side closes, the proxy stops or Cut().
  void Pump(int from, int to, long corrupt_at, std::shared_ptr<std::atomic<int>> refs) {
    int gen = generation_;
    long offset = 0;
    char buf[16384];
    while (!stopped_ && gen == generation_) {
      pollfd p{from, POLLIN, 0};
      int r = ::poll(&p, 1, 100);
      if (r == 0) continue;
      if (r < 0) break;
      int rate = rate_;
      std::size_t want = rate > 0 ? std::clamp<std::size_t>(rate / 10, 1, sizeof buf) : sizeof buf;
      ssize_t n = ::read(from, buf, want);
      if (n <= 0) break;
      if (corrupt_at >= offset && corrupt_at < offset + n) buf[corrupt_at - offset] ^= 0x01;
      offset += n;
      {
        std::lock_guard lock(capture_mu_);
        captured_.append(buf, static_cast<std::size_t>(n));
      }
      if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
      if (rate > 0) std::this_thread::sleep_for(std::chrono::microseconds(n * 1000000L / rate));
      if (::send(to, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
      if (cut_after_ > 0 && offset >= cut_after_) break;
    }
    ::shutdown(from, SHUT_RDWR);
    ::shutdown(to, SHUT_RDWR);
    if (--*refs == 0) {
      ::close(from);
      ::close(to);
    }
  }

  std::atomic<std::uint16_t> upstream_port_;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> refuse_{false};
  std::atomic<int> delay_ms_{0};
  std::atomic<int> rate_{0};
  std::atomic<long> corrupt_at_{-1};
  std::atomic<long> cut_after_{0};
  std::atomic<int> generation_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::list<std::thread> pumps_;
  std::mutex capture_mu_;
  std::string captured_;  // guarded by capture_mu_
};

}  // namespace mrc::e2e
