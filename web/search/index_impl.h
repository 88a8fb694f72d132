// The state behind SearchIndex (internal to web/search/): the writer and
// the thread that follows the log (follower.cc), the readers and the
// result cache searches use (index.cc).
#pragma once

#include <xapian.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "web/search/index.h"
#include "web/search/ranking.h"
#include "web/search/reader_pool.h"
#include "web/search/result_cache.h"

namespace mrc::web {

struct SearchIndex::Impl {
  Impl(std::string dir_in, sync::Log* log_in)
      : dir(std::move(dir_in)), log(log_in), readers(dir, &revision) {}

  const std::string dir;
  sync::Log* const log;

  // The writer: used by CatchUp (one at a time).
  std::mutex write_mu;
  std::unique_ptr<Xapian::WritableDatabase> writer;
  std::set<std::string> languages;  // in the index ("-": none); guarded by write_mu

  std::atomic<std::uint64_t> through{0};
  std::atomic<std::uint64_t> revision{0};  // moves on at every commit of the writer

  search::ReaderPool readers;   // at `revision`
  search::ResultCache results;  // likewise
  // Words in a sixteenth of the documents or more, matched from memory.
  ranking::CommonWords common_words{2000};
  std::atomic<bool> use_word_hashes{true};
  bool fresh = false;  // no marker yet: index every document first
  std::atomic<bool> rebuilding{false};
  std::atomic<std::uint64_t> rebuilt{0}, rebuild_total{0};  // for SearchProgress
  // Set by Stop(): a catch-up or rebuild in progress ends at its next
  // commit (the next start goes on from the index's marker), so that a
  // node with a large backlog still stops promptly.
  std::atomic<bool> stopping{false};
  // When the log last committed, in steady-clock milliseconds: the follower
  // waits for a quiet moment, so that a catch-up of many entries is not
  // slowed by indexing them as they arrive (on two cores, indexing and
  // applying compete); they are indexed once the burst is over.
  std::atomic<std::int64_t> last_commit_ms{0};

  std::mutex run_mu;
  std::condition_variable wake;
  bool dirty = false, stop = false;  // guarded by run_mu
  std::thread thread;
  int listener = 0;

  Status OpenWriter();
  // `yield`: stop after a round when the log is still taking writes (the
  // follower goes back to waiting; see Follow).
  Status CatchUpLocked(bool yield = false);
  Status Rebuild();
  Status IndexDoc(const Hash32& id, bool known_absent = false);
  void Commit(std::uint64_t through_change);
  void Follow();
};

}  // namespace mrc::web
