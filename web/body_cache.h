// A small cache of rendered response bodies (internal to web/).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace mrc::web {

// Rendered bodies that are the same for every reader with the same
// language and rights, kept until any document changes (the log's change
// number, the generation, moves on). A country guide or a common search is
// read far more often than anything is written, and costs far more to
// render than to copy. At most 8 MiB; full, it starts again.
class BodyCache {
 public:
  std::optional<std::string> Get(const std::string& key, std::uint64_t generation) {
    std::lock_guard lock(mu_);
    if (generation != generation_) return std::nullopt;
    auto it = bodies_.find(key);
    if (it == bodies_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const std::string& key, std::uint64_t generation, std::string body) {
    std::lock_guard lock(mu_);
    if (generation != generation_) {
      bodies_.clear();
      bytes_ = 0;
      generation_ = generation;
    }
    if (bytes_ + body.size() > kMaxBytes) {
      bodies_.clear();
      bytes_ = 0;
    }
    bytes_ += body.size();
    bodies_[key] = std::move(body);
  }

 private:
  static constexpr std::size_t kMaxBytes = 8 << 20;
  std::mutex mu_;
  std::uint64_t generation_ = 0;
  std::size_t bytes_ = 0;
  std::map<std::string, std::string> bodies_;
};

}  // namespace mrc::web
