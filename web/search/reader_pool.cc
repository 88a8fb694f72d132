#include "web/search/reader_pool.h"

#include <sstream>

#include "web/search/schema.h"

namespace mrc::web::search {

Reader ReaderPool::Take() {
  Reader r;
  {
    std::lock_guard lock(mu_);
    if (!kept_.empty()) {
      r = std::move(kept_.back());
      kept_.pop_back();
    }
  }
  // Read before opening: a commit meanwhile leaves the reader marked
  // older than it is, never newer.
  std::uint64_t now = *revision_;
  if (!r.db || r.revision != now) {
    if (!r.db) {
      r.db = std::make_unique<Xapian::Database>(dir_, Xapian::DB_BACKEND_GLASS);
      r.freqs = std::make_unique<ranking::TermFreqs>(r.db.get());
    } else {
      r.db->reopen();
      r.freqs->Clear();
    }
    r.languages.clear();
    std::istringstream langs(r.db->get_metadata(kLanguagesKey));
    for (std::string l; langs >> l;) r.languages.insert(l);
  }
  r.revision = now;
  return r;
}

void ReaderPool::GiveBack(Reader r) {
  std::lock_guard lock(mu_);
  if (kept_.size() < kMaxKept) kept_.push_back(std::move(r));
}

}  // namespace mrc::web::search
