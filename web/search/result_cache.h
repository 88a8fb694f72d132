// Recent search results, valid while the index is at the same revision:
// the same questions come back all day at a centre.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "web/search/index.h"
#include "web/text/body_cache.h"

namespace mrc::web::search {

// Thread-safe. Keeps up to kCachedResults results of one revision, the
// most recently used.
class ResultCache {
 public:
  // The key of a query: every field that shapes its result.
  static std::string Key(const SearchQuery& query);

  // The result kept for `key` at revision `rev`, if any.
  std::optional<SearchResult> Get(const std::string& key, std::uint64_t rev);
  // Keeps `r`, the result for `key` read at revision `rev`, from the
  // second time the key is offered at that revision.
  void Put(const std::string& key, std::uint64_t rev, const SearchResult& r);
  // Forgets every result (after a change to how results are made).
  void Clear();

 private:
  static constexpr std::size_t kCachedResults = 256;
  using Entries = std::list<std::pair<std::string, SearchResult>>;

  std::mutex mu_;
  std::uint64_t revision_ = 0;  // of every result kept
  Entries entries_;             // most recent first
  std::unordered_map<std::string, Entries::iterator> index_;
  OfferedBefore offered_;  // the queries asked at revision_
};

}  // namespace mrc::web::search
