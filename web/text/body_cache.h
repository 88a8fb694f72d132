// Small caches of what pages and searches work out (internal to web/).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

namespace mrc::web {

// Which keys a cache has been offered, by hash, so that it takes a value
// from its second offering: most searches are asked once, and would fill
// the cache (each at the cost of a copy) and empty it again. Not
// thread-safe: used under the cache's own lock.
class OfferedBefore {
 public:
  // Whether `key` was offered before (since Clear()); remembers it. At
  // most kKeys are remembered; then it starts again.
  bool Check(const std::string& key) {
    std::size_t hash = std::hash<std::string>{}(key);
    if (!hashes_.insert(hash).second) return true;
    if (hashes_.size() > kKeys) hashes_ = {hash};
    return false;
  }
  void Clear() { hashes_.clear(); }

 private:
  static constexpr std::size_t kKeys = 4096;
  std::unordered_set<std::size_t> hashes_;
};

// Rendered bodies that are the same for every reader with the same
// language and rights, kept until any document changes (the log's change
// number, the generation, moves on). A country guide or a common search is
// read far more often than anything is written, and costs far more to
// render than to copy. A body is kept from its second rendering: most
// searches are asked once, and would fill the cache and empty it again.
// At most 8 MiB; full, it starts again.
class BodyCache {
 public:
  std::optional<std::string> Get(const std::string& key, std::uint64_t generation) {
    std::lock_guard lock(mu_);
    if (generation != generation_) return std::nullopt;
    auto it = bodies_.find(key);
    if (it == bodies_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const std::string& key, std::uint64_t generation, const std::string& body) {
    std::lock_guard lock(mu_);
    if (generation < generation_) return;  // a slow request's: newer ones are kept
    if (generation != generation_) {
      bodies_.clear();
      bytes_ = 0;
      offered_.Clear();
      generation_ = generation;
    }
    if (!offered_.Check(key)) return;
    if (bytes_ + body.size() > kMaxBytes) {
      bodies_.clear();
      bytes_ = 0;
    }
    bytes_ += body.size();
    bodies_[key] = body;
  }

 private:
  static constexpr std::size_t kMaxBytes = 8 << 20;
  std::mutex mu_;
  std::uint64_t generation_ = 0;
  std::size_t bytes_ = 0;
  std::map<std::string, std::string> bodies_;
  OfferedBefore offered_;  // at this generation
};

}  // namespace mrc::web
