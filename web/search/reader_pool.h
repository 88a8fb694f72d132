// Readers of the search index, kept for the next search, so that a search
// opens none; each also keeps the term frequencies it has looked up
// (ranking::TermFreqs) until the index changes.
#pragma once

#include <xapian.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "web/search/ranking.h"

namespace mrc::web::search {

// A reader, with the revision it was opened at.
struct Reader {
  std::unique_ptr<Xapian::Database> db;
  std::uint64_t revision = 0;
  // The languages db holds, from its own metadata, committed with its
  // documents: a list kept beside the index could be older or newer
  // than the revision a search reads.
  std::set<std::string> languages;
  std::unique_ptr<ranking::TermFreqs> freqs;  // of db, at its revision
};

// Thread-safe. Take() throws what Xapian throws opening the index.
class ReaderPool {
 public:
  // `revision` moves on at every commit of the index in `dir`, and
  // outlives the pool.
  ReaderPool(std::string dir, const std::atomic<std::uint64_t>* revision)
      : dir_(std::move(dir)), revision_(revision) {}

  // A reader at the index's current revision: one kept, reopened only
  // when taken after a commit (a reopen costs five system calls even when
  // nothing changed), or a new one.
  Reader Take();
  // Keeps `r` for a later Take (up to 16 readers).
  void GiveBack(Reader r);

 private:
  static constexpr std::size_t kMaxKept = 16;
  const std::string dir_;
  const std::atomic<std::uint64_t>* revision_;
  std::mutex mu_;
  std::vector<Reader> kept_;  // guarded by mu_
};

}  // namespace mrc::web::search
