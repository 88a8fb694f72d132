// SearchIndex: opening the index, and searches, facets and progress, each
// on a reader taken from the pool. The writer and the thread that follows
// the log are in follower.cc.
#include "web/search/index.h"

#include <algorithm>
#include <cctype>

#include "sync/log/log.h"
#include "web/search/index_impl.h"
#include "web/search/query.h"
#include "web/search/schema.h"

namespace mrc::web {

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SearchIndex::~SearchIndex() { Stop(); }

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& dir, sync::Log* log) {
  auto impl = std::make_unique<Impl>(dir, log);
  {
    std::lock_guard lock(impl->write_mu);
    MRC_RETURN_IF_ERROR(impl->OpenWriter());
  }
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
}

Result<SearchResult> SearchIndex::Search(const SearchQuery& query) {
  if (query.limit < 1 || query.limit > 1000)
    return Status::InvalidArgument("limit must be 1 to 1000");
  if (query.offset > 10000) return Status::InvalidArgument("offset must be at most 10000");
  if (query.text.size() > 1000)
    return Status::InvalidArgument("the query is longer than 1000 bytes");
  // What the index holds, read before the revision the search reads: a
  // commit moves `revision` on before `through`, so a reader of `rev` or
  // later holds every change through `through_seen`. (Read after the
  // search, a commit meanwhile marked complete a result without it, and
  // pages kept it as current.)
  const std::uint64_t through_seen = impl_->through;
  const bool rebuilding_seen = impl_->rebuilding;
  auto complete = [&](SearchResult r) -> Result<SearchResult> {
    auto last = impl_->log->LastDocChange();
    r.complete = last.ok() && through_seen >= *last && !rebuilding_seen && !impl_->rebuilding;
    return r;
  };
  std::string key = search::ResultCache::Key(query);
  // Read before searching: a commit during the search makes the result
  // older than the revision, never newer, so it is at worst not reused.
  std::uint64_t rev = impl_->revision;
  if (auto hit = impl_->results.Get(key, rev)) return complete(std::move(*hit));
  for (int attempt = 0;; ++attempt) {
    try {
      auto reader = impl_->readers.Take();
      auto result = search::RunQuery(reader, query, impl_->common_words, impl_->use_word_hashes);
      impl_->readers.GiveBack(std::move(reader));
      if (!result.ok()) return result;
      impl_->results.Put(key, rev, *result);
      return complete(std::move(*result));
    } catch (const Xapian::DatabaseModifiedError&) {
      // The writer committed twice while we read: read the newest revision.
      if (attempt < 3) continue;
      return Status::Unavailable("the search index is changing too fast; try again");
    } catch (const Xapian::Error& e) {
      return Status::IOError("search: " + e.get_description());
    }
  }
}

Result<std::vector<std::pair<std::string, std::uint64_t>>> SearchIndex::Facet(
    std::string_view facet) {
  std::string_view prefix;
  if (facet == "category") prefix = search::kCategoryPrefix;
  if (facet == "country") prefix = search::kCountryPrefix;
  if (facet == "topic") prefix = search::kTopicPrefix;
  if (facet == "language") prefix = search::kLanguagePrefix;
  if (facet == "guide-country") prefix = search::kGuideCountryPrefix;
  if (prefix.empty()) return Status::InvalidArgument("no facet '" + std::string(facet) + "'");
  std::vector<std::pair<std::string, std::uint64_t>> out;
  try {
    auto reader = impl_->readers.Take();
    Xapian::Database& db = *reader.db;
    std::string p(prefix);
    for (auto t = db.allterms_begin(p); t != db.allterms_end(p); ++t) {
      std::string value = (*t).substr(p.size());
      // "XC" is also the start of "XCountry"-like longer prefixes of others;
      // values are lowercase, so an uppercase letter means another prefix.
      if (!value.empty() && std::isupper(static_cast<unsigned char>(value[0]))) continue;
      out.emplace_back(std::move(value), t.get_termfreq());
    }
    impl_->readers.GiveBack(std::move(reader));
  } catch (const Xapian::Error& e) {
    return Status::IOError("search: " + e.get_description());
  }
  return out;
}

void SearchIndex::SetCommonWordDocuments(std::uint32_t documents) {
  impl_->common_words.SetMinDocuments(documents);
  impl_->results.Clear();
}

void SearchIndex::UseStoredWordHashes(bool use) {
  impl_->use_word_hashes = use;
  impl_->results.Clear();
}

Result<SearchProgress> SearchIndex::Progress() {
  SearchProgress p;
  p.indexed_through = impl_->through;
  MRC_ASSIGN_OR_RETURN(p.log_change, impl_->log->LastDocChange());
  p.rebuilding = impl_->rebuilding;
  if (p.rebuilding) {
    p.rebuilt = impl_->rebuilt;
    p.rebuild_total = std::max(impl_->rebuild_total.load(), p.rebuilt);
  }
  try {
    auto reader = impl_->readers.Take();
    p.documents = reader.db->get_doccount();
    impl_->readers.GiveBack(std::move(reader));
  } catch (const Xapian::Error& e) {
    return Status::IOError("search: " + e.get_description());
  }
  return p;
}

}  // namespace mrc::web
