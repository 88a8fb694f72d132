// ConnectionBudget: which HTTP connections the server keeps open, as plain
// bookkeeping (no sockets), so that the rules can be tested on their own.
//
// Two budgets: `total` connections at once, and `per_address` from one
// client address, well below it, so that one address never holds the
// last free connections. A connection is idle while it waits for a
// request (a new connection, a keep-alive one between requests, or one
// still sending its header); only idle connections are ever closed to make
// room, the longest idle first:
// - an address at its budget makes room from its own idle connections
//   (a browser reopens a keep-alive connection the server closed; staff
//   behind one NAT address share its budget);
// - when all `total` are open, a new address takes an idle connection of
//   the address holding the most, if that address holds more than the
//   newcomer would.
// Otherwise the new connection is refused. A connection chosen to make
// room stops counting at once, though its socket closes a moment later.
//
// Not thread-safe: the server calls it under its lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace mrc::web {

class ConnectionBudget {
 public:
  using Id = const void*;  // the connection's identity (its session)

  ConnectionBudget(std::size_t total, std::size_t per_address);

  struct Admission {
    bool admitted = false;
    Id make_room = nullptr;  // when admitted: an idle connection to close, or nullptr
  };
  // A new connection `id` from `address` at `now_ms` (any monotonic clock).
  // When admitted it counts, idle, until Remove(id).
  Admission Admit(Id id, const std::string& address, std::uint64_t now_ms);
  // A counted connection starts or stops waiting for a request.
  void SetIdle(Id id, bool idle, std::uint64_t now_ms);
  // The connection is gone (counted or not; unknown ids are ignored).
  void Remove(Id id);

  std::size_t Count() const { return counted_; }
  std::size_t CountOf(const std::string& address) const;

 private:
  struct Connection {
    std::string address;
    bool idle = true;
    bool counted = true;
    std::uint64_t idle_since = 0;
  };
  // The longest-idle counted connection of `address`, or nullptr.
  Id LongestIdle(const std::string& address) const;
  // The same of the address holding the most connections, if it holds
  // more than `more_than`.
  Id LongestIdleOfLargest(std::size_t more_than) const;
  void Uncount(Id id);

  std::size_t total_, per_address_;
  std::size_t counted_ = 0;
  std::unordered_map<Id, Connection> connections_;
  std::unordered_map<std::string, std::size_t> by_address_;  // counted connections
};

}  // namespace mrc::web
