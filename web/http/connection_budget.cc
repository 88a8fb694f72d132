#include "web/http/connection_budget.h"

#include <algorithm>

namespace mrc::web {

ConnectionBudget::ConnectionBudget(std::size_t total, std::size_t per_address)
    : total_(std::max<std::size_t>(total, 1)),
      per_address_(std::clamp<std::size_t>(per_address, 1, std::max<std::size_t>(total, 1))) {}

ConnectionBudget::Admission ConnectionBudget::Admit(Id id, const std::string& address,
                                                    std::uint64_t now_ms) {
  Admission a;
  std::size_t mine = CountOf(address);
  if (mine >= per_address_) {
    a.make_room = LongestIdle(address);
  } else if (counted_ >= total_) {
    a.make_room = LongestIdleOfLargest(mine + 1);
  }
  bool full = mine >= per_address_ || counted_ >= total_;
  if (full && a.make_room == nullptr) return a;
  if (a.make_room != nullptr) Uncount(a.make_room);
  connections_[id] = Connection{address, true, true, now_ms};
  ++by_address_[address];
  ++counted_;
  a.admitted = true;
  return a;
}

void ConnectionBudget::SetIdle(Id id, bool idle, std::uint64_t now_ms) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (idle && !it->second.idle) it->second.idle_since = now_ms;
  it->second.idle = idle;
}

void ConnectionBudget::Remove(Id id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Uncount(id);
  connections_.erase(it);
}

std::size_t ConnectionBudget::CountOf(const std::string& address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? 0 : it->second;
}

void ConnectionBudget::Uncount(Id id) {
  Connection& c = connections_.at(id);
  if (!c.counted) return;
  c.counted = false;
  --counted_;
  auto it = by_address_.find(c.address);
  if (--it->second == 0) by_address_.erase(it);
}

// Both scans are over every connection (at most `total_` and those on
// their way out), and only when a budget is full.
ConnectionBudget::Id ConnectionBudget::LongestIdle(const std::string& address) const {
  Id best = nullptr;
  std::uint64_t since = 0;
  for (const auto& [id, c] : connections_) {
    if (!c.counted || !c.idle || c.address != address) continue;
    if (best == nullptr || c.idle_since < since) best = id, since = c.idle_since;
  }
  return best;
}

ConnectionBudget::Id ConnectionBudget::LongestIdleOfLargest(std::size_t more_than) const {
  Id best = nullptr;
  std::size_t best_count = 0;
  std::uint64_t since = 0;
  for (const auto& [id, c] : connections_) {
    if (!c.counted || !c.idle) continue;
    std::size_t n = CountOf(c.address);
    if (n <= more_than) continue;
    if (best == nullptr || n > best_count || (n == best_count && c.idle_since < since))
      best = id, best_count = n, since = c.idle_since;
  }
  return best;
}

}  // namespace mrc::web
