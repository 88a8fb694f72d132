#include "sync/peer/link_budget.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "config/foundation/log.h"

// tcmalloc's C interface, when the program is linked with it (mrcnode is;
// the tests are not): weak, so that without it the address is null.
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace mrc::sync {

LinkBudget::Place::Place(Place&& other) noexcept : release_(std::move(other.release_)) {
  other.release_ = nullptr;
}

LinkBudget::Place& LinkBudget::Place::operator=(Place&& other) noexcept {
  if (this != &other) {
    if (release_) release_();
    release_ = std::move(other.release_);
    other.release_ = nullptr;
  }
  return *this;
}

LinkBudget::Place::~Place() {
  if (release_) release_();
}

LinkBudget::Claim::Claim(Claim&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), id_(other.id_) {}

LinkBudget::Claim& LinkBudget::Claim::operator=(Claim&& other) noexcept {
  if (this != &other) {
    if (budget_) budget_->Give(id_);
    budget_ = std::exchange(other.budget_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

LinkBudget::Claim::~Claim() {
  if (budget_) budget_->Give(id_);
}

bool LinkBudget::Claim::granted() const { return budget_ && budget_->held_.count(id_) > 0; }

Result<LinkBudget::Place> LinkBudget::Count(std::uint32_t* n, std::uint32_t limit,
                                            const std::string& why) {
  if (*n >= limit) return Status::ResourceExhausted(why + " (" + std::to_string(limit) + ")");
  ++*n;
  return Place([n] { --*n; });
}

template <typename K>
Result<LinkBudget::Place> LinkBudget::CountIn(std::map<K, std::uint32_t>* counts, const K& key,
                                              std::uint32_t limit, const std::string& why) {
  auto it = counts->try_emplace(key, 0).first;
  if (it->second >= limit) {
    if (it->second == 0) counts->erase(it);
    return Status::ResourceExhausted(why + " (" + std::to_string(limit) + ")");
  }
  ++it->second;
  return Place([counts, it] {
    if (--it->second == 0) counts->erase(it);
  });
}

Result<LinkBudget::Place> LinkBudget::AdmitAddress(const std::string& address) {
  return CountIn(&per_address_, address, limits_.links_per_address,
                 "as many links from " + address +
                     " as an address may hold are open: "
                     "peer_links_per_address");
}

Result<LinkBudget::Place> LinkBudget::AdmitHandshake() {
  return Count(&handshakes_, limits_.handshakes,
               "as many links as may be in their handshake at once are: peer_handshakes");
}

Result<LinkBudget::Place> LinkBudget::AdmitKey(const Hash32& key) {
  return CountIn(&per_key_, key, limits_.links_per_key,
                 "as many links with this key as one key may hold are open: peer_links_per_key");
}

Result<LinkBudget::Place> LinkBudget::AdmitUnapproved() {
  return Count(&unapproved_, limits_.unapproved_links,
               "as many links of keys not approved as may be open are: peer_unapproved_links");
}

LinkBudget::Claim LinkBudget::ClaimRead(std::size_t bytes, bool approved,
                                        std::function<void()> granted) {
  std::uint64_t id = next_id_++;
  queue_.push_back(Wait{id, bytes, approved, std::move(granted)});
  Serve();
  return Claim(this, id);
}

void LinkBudget::Give(std::uint64_t id) {
  auto held = held_.find(id);
  if (held == held_.end()) {
    std::erase_if(queue_, [id](const Wait& w) { return w.id == id; });
    Serve();  // a waiting claim that gave up may have held others back
    return;
  }
  claimed_ -= held->second.bytes;
  if (!held->second.approved) claimed_unapproved_ -= held->second.bytes;
  held_.erase(held);
  Serve();
}

// In arrival order, so a large frame is never passed over for ever by
// smaller ones; the one exception keeps links not approved from holding
// up approved ones behind the half that is theirs.
void LinkBudget::Serve() {
  const std::size_t total = limits_.read_memory_bytes;
  std::vector<std::function<void()>> granted;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (claimed_ + it->bytes > total) break;
    if (!it->approved && claimed_unapproved_ + it->bytes > total / 2) {
      ++it;
      continue;
    }
    claimed_ += it->bytes;
    if (!it->approved) claimed_unapproved_ += it->bytes;
    held_.emplace(it->id, Held{it->bytes, it->approved});
    granted.push_back(std::move(it->granted));
    it = queue_.erase(it);
  }
  if (shut_down_) return;
  for (auto& f : granted) {
    if (f) f();
  }
}

std::string AddressKey(const std::uint8_t* b, std::size_t size) {
  char text[64];
  if (size == 4) {
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return text;
  }
  if (size != 16) return "?";
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(b, b + 12, kMapped)) return AddressKey(b + 12, 4);
  std::snprintf(text, sizeof text, "%x:%x:%x:%x::/64", b[0] << 8 | b[1], b[2] << 8 | b[3],
                b[4] << 8 | b[5], b[6] << 8 | b[7]);
  return text;
}

void RefusalLog::Warn(const std::string& line, std::chrono::steady_clock::time_point now) {
  if (now - window_ >= std::chrono::minutes(1)) {
    if (dropped_ > 0) {
      log::Warn("peer", std::to_string(dropped_) +
                            " more links were refused or failed in the last minute than were "
                            "logged (at most " +
                            std::to_string(kPerMinute) + " a minute)");
    }
    window_ = now;
    written_ = 0;
    dropped_ = 0;
  }
  if (written_ >= kPerMinute) {
    ++dropped_;
    return;
  }
  ++written_;
  log::Warn("peer", line);
}

void ReturnFreedMemory() {
  if (MallocExtension_ReleaseFreeMemory) {
    MallocExtension_ReleaseFreeMemory();
  } else {
    malloc_trim(0);
  }
}

}  // namespace mrc::sync
