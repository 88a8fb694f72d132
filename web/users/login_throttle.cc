#include "web/users/login_throttle.h"

#include <algorithm>
#include <vector>

namespace mrc::web {
namespace {

constexpr std::uint64_t kForgetMillis = 15ull * 60 * 1000;
// Counts kept at most (about 100 bytes each); past it, the forgotten go,
// then the oldest not in progress.
constexpr std::size_t kMaxCounts = 20000;

std::string PairKey(const std::string& name, const std::string& client) {
  return "p" + name + '\n' + client;
}

}  // namespace

bool LoginThrottle::CountsAddress(const std::string& client) {
  bool loopback =
      client.rfind("127.", 0) == 0 || client == "::1" || client.rfind("::ffff:127.", 0) == 0;
  return !loopback;
}

std::uint64_t LoginThrottle::ForgetAfter() const {
  return std::max<std::uint64_t>(kForgetMillis, 2000ull * limits_.max_delay_seconds);
}

LoginThrottle::Count* LoginThrottle::Find(const std::string& key, std::uint64_t now) {
  auto it = counts_.find(key);
  if (it == counts_.end()) return nullptr;
  if (it->second.in_progress == 0 && it->second.last_failure + ForgetAfter() <= now) {
    counts_.erase(it);
    return nullptr;
  }
  return &it->second;
}

std::uint64_t LoginThrottle::WaitOf(const Count* c, std::uint32_t n, std::uint64_t now) const {
  if (c == nullptr) return 0;
  std::uint64_t total = std::uint64_t{c->failures} + c->in_progress;
  if (total < n) return 0;
  const std::uint64_t max = 1000ull * limits_.max_delay_seconds;
  std::uint64_t k = total - n;
  std::uint64_t delay = k >= 32 ? max : std::min<std::uint64_t>(1000ull << k, max);
  // A try in progress may fail any moment: wait as if it just had.
  std::uint64_t since = c->in_progress > 0 ? now : c->last_failure;
  return since + delay > now ? since + delay - now : 0;
}

std::uint64_t LoginThrottle::WaitLocked(const std::string& name, const std::string& client,
                                        std::uint64_t now) {
  Count* pair = Find(PairKey(name, client), now);
  std::uint64_t wait = WaitOf(pair, limits_.delay_after_failures, now);
  if (CountsAddress(client))
    wait =
        std::max(wait, WaitOf(Find("a" + client, now), limits_.address_delay_after_failures, now));
  if (pair != nullptr && pair->failures > 0)
    wait = std::max(wait, WaitOf(Find("n" + name, now), limits_.name_delay_after_failures, now));
  return wait;
}

std::uint64_t LoginThrottle::Wait(const std::string& name, const std::string& client,
                                  std::uint64_t now) {
  std::lock_guard lock(mu_);
  return WaitLocked(name, client, now);
}

std::uint64_t LoginThrottle::Begin(const std::string& name, const std::string& client,
                                   std::uint64_t now) {
  std::lock_guard lock(mu_);
  if (std::uint64_t wait = WaitLocked(name, client, now); wait > 0) return wait;
  if (counts_.size() >= kMaxCounts) Prune(now);
  counts_[PairKey(name, client)].in_progress++;
  if (CountsAddress(client)) counts_["a" + client].in_progress++;
  counts_["n" + name].in_progress++;
  return 0;
}

void LoginThrottle::End(const std::string& name, const std::string& client, Outcome outcome,
                        std::uint64_t now) {
  std::lock_guard lock(mu_);
  auto end = [&](const std::string& key, bool forget) {
    auto it = counts_.find(key);
    if (it == counts_.end()) return;
    Count& c = it->second;
    if (c.in_progress > 0) --c.in_progress;
    if (outcome == Outcome::kWrong) {
      if (c.last_failure + ForgetAfter() <= now) c.failures = 0;
      ++c.failures;
      c.last_failure = now;
    }
    if (forget) c.failures = 0;
    if (c.failures == 0 && c.in_progress == 0) counts_.erase(it);
  };
  end(PairKey(name, client), outcome == Outcome::kRight);
  if (CountsAddress(client)) end("a" + client, false);
  end("n" + name, false);
}

void LoginThrottle::Prune(std::uint64_t now) {
  std::erase_if(counts_, [&](const auto& kv) {
    return kv.second.in_progress == 0 && kv.second.last_failure + ForgetAfter() <= now;
  });
  if (counts_.size() < kMaxCounts * 3 / 4) return;
  // Still full: drop the half whose last failure is oldest (their delays
  // are the nearest to over).
  std::vector<std::uint64_t> times;
  for (const auto& [key, c] : counts_) {
    if (c.in_progress == 0) times.push_back(c.last_failure);
  }
  if (times.empty()) return;
  auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
  std::nth_element(times.begin(), middle, times.end());
  const std::uint64_t cut = *middle;
  std::erase_if(counts_, [&](const auto& kv) {
    return kv.second.in_progress == 0 && kv.second.last_failure <= cut;
  });
}

}  // namespace mrc::web
