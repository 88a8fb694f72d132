#include "web/search/result_cache.h"

namespace mrc::web::search {

std::string ResultCache::Key(const SearchQuery& query) {
  std::string key;
  for (const std::string* part :
       {&query.text, &query.kind, &query.category, &query.country, &query.topic, &query.language,
        &query.translation_group, &query.reader_language, &query.today, &query.due_by}) {
    key += *part;
    key += '\x1f';
  }
  key += std::to_string(query.offset) + "/" + std::to_string(query.limit);
  return key;
}

std::optional<SearchResult> ResultCache::Get(const std::string& key, std::uint64_t rev) {
  std::lock_guard lock(mu_);
  if (rev != revision_) return std::nullopt;
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->second;
}

void ResultCache::Put(const std::string& key, std::uint64_t rev, const SearchResult& r) {
  std::lock_guard lock(mu_);
  // A search that began before a commit and ends after another's result
  // of the newer revision is not kept (and does not drop the newer ones).
  if (rev < revision_) return;
  if (rev != revision_) {
    entries_.clear();
    index_.clear();
    offered_.Clear();
    revision_ = rev;
  }
  if (index_.count(key)) return;
  // Kept from its second asking: most queries are asked once, would each
  // cost a copy, and would push out those that come back.
  if (!offered_.Check(key)) return;
  entries_.emplace_front(key, r);
  index_[key] = entries_.begin();
  if (entries_.size() > kCachedResults) {
    index_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

void ResultCache::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  index_.clear();
}

}  // namespace mrc::web::search
