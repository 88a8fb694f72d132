// The writer side of the search index, and the thread that keeps it
// following the log.
//
// The index keeps its own progress marker (the log's document change
// number it has indexed through) in its metadata, committed with the
// documents. A catch-up asks the log for the documents changed since the
// marker, a bounded batch at a time, indexes their current text and
// commits with the new marker; then the log may forget those changes. A
// new index, or one that missed changes the log has already forgotten, is
// rebuilt from a scan of every document instead, committed in batches so
// that searches keep answering meanwhile. The follower thread runs a
// catch-up after each change the log reports, at idle priority and once
// the log has been quiet for a moment, so that indexing neither slows the
// writer nor competes with a burst of replication.
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <vector>

#include "config/foundation/log.h"
#include "config/foundation/progress.h"
#include "sync/log/log.h"
#include "web/search/document.h"
#include "web/search/folding.h"
#include "web/search/index_impl.h"
#include "web/search/schema.h"

namespace mrc::web {
namespace {

using search::FormatKey;
using search::IdTerm;
using search::kFormatKey;
using search::kIdPrefix;
using search::kLanguagesKey;
using search::kNetworkKey;
using search::kThroughKey;

// What one index commit holds at most: Xapian buffers a commit's postings
// in memory (about 10 KB per document here), so this bounds the indexer's
// memory during a large catch-up.
constexpr std::size_t kChangesPerCommit = 64;
constexpr std::size_t kDocsPerCommit = 2000;
constexpr std::size_t kDocsPerRebuildCommit = 2000;

// Quiet time the follower waits for, and the longest it defers indexing.
constexpr std::int64_t kQuietMillis = 200;
constexpr std::int64_t kMaxDeferMillis = 10'000;

std::int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Marks a thread as background work: SCHED_IDLE, so that it runs only on
// a core nothing else wants (a nice level still takes a share of a busy
// core, and slows the node's other work, such as serving a catch-up to a
// peer). The index answers meanwhile, marked incomplete.
// Where SCHED_IDLE is refused, the lowest nice level.
void LowerThreadPriority() {
  sched_param param{};
  if (sched_setscheduler(0, SCHED_IDLE, &param) != 0)
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
}

}  // namespace

Status SearchIndex::Impl::OpenWriter() {
  std::string network = ToHex(log->network_id());
  auto open = [&](int flags) {
    writer = std::make_unique<Xapian::WritableDatabase>(dir, flags | Xapian::DB_BACKEND_GLASS);
  };
  try {
    std::filesystem::create_directories(dir);
    open(Xapian::DB_CREATE_OR_OPEN);
    if (writer->get_metadata(kNetworkKey) != network ||
        writer->get_metadata(kFormatKey) != FormatKey()) {
      if (writer->get_doccount() > 0 || !writer->get_metadata(kNetworkKey).empty())
        log::Info("search", "index in " + dir + " is of another network or format; rebuilding");
      writer.reset();
      open(Xapian::DB_CREATE_OR_OVERWRITE);
    }
  } catch (const Xapian::DatabaseError& e) {
    // A damaged index is only a cache: start again from the log.
    log::Warn("search", "index in " + dir + " unreadable (" + e.get_msg() + "); rebuilding");
    writer.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    try {
      std::filesystem::create_directories(dir);
      open(Xapian::DB_CREATE_OR_OVERWRITE);
    } catch (const Xapian::Error& e2) {
      return Status::IOError("cannot create the search index in " + dir + ": " + e2.get_msg());
    }
  } catch (const Xapian::Error& e) {
    return Status::IOError("cannot open the search index in " + dir + ": " + e.get_msg());
  } catch (const std::filesystem::filesystem_error& e) {
    return Status::IOError("cannot create " + dir + ": " + e.what());
  }
  try {
    writer->set_metadata(kNetworkKey, network);
    writer->set_metadata(kFormatKey, FormatKey());
    std::string through_text = writer->get_metadata(kThroughKey);
    fresh = through_text.empty();
    through = fresh ? 0 : std::stoull(through_text);
    std::istringstream langs(writer->get_metadata(kLanguagesKey));
    for (std::string l; langs >> l;) languages.insert(l);
    writer->commit();
    ++revision;
  } catch (const std::exception& e) {
    return Status::IOError(std::string("search index metadata: ") + e.what());
  }
  return Status::Ok();
}

Status SearchIndex::Impl::IndexDoc(const Hash32& id, bool known_absent) {
  MRC_ASSIGN_OR_RETURN(auto fields, search::ReadFields(log, id));
  std::string id_term = IdTerm(id);
  if (!fields) {
    if (!known_absent) writer->delete_document(id_term);
    return Status::Ok();
  }
  std::string lang = search::PrimaryLanguage(fields->language);
  Xapian::Document doc = search::MakeDocument(id, *fields, lang);
  // The languages the index holds ("-" for content without one): a query
  // is parsed once for each.
  if (languages.insert(lang.empty() ? std::string("-") : lang).second) {
    std::string all;
    for (const auto& l : languages) all += (all.empty() ? "" : " ") + l;
    writer->set_metadata(kLanguagesKey, all);
  }
  // Replacing by the unique term looks for an older copy; a document known
  // to be absent (a rebuild into an empty index) is simply added, several
  // times faster.
  if (known_absent)
    writer->add_document(doc);
  else
    writer->replace_document(id_term, doc);
  return Status::Ok();
}

void SearchIndex::Impl::Commit(std::uint64_t through_change) {
  writer->set_metadata(kThroughKey, std::to_string(through_change));
  writer->commit();
  ++revision;
  through = through_change;
}

// Every document again, from a scan of the log: for a new index, or one
// that missed changes the log no longer holds. The index stays searchable
// meanwhile; documents gone from the log are removed at the end.
Status SearchIndex::Impl::Rebuild() {
  rebuilding = true;
  struct Done {
    std::atomic<bool>* flag;
    ~Done() { *flag = false; }
  } done{&rebuilding};
  MRC_ASSIGN_OR_RETURN(std::uint64_t last, log->LastDocChange());
  auto started = std::chrono::steady_clock::now();
  auto held = log->Digest();
  rebuild_total = held.ok() ? held->documents : 0;
  rebuilt = 0;
  // The node's log says how far a long rebuild has come; its end is the
  // "index rebuilt" line below.
  mrc::Progress progress("index rebuild", rebuild_total, /*terminal=*/false,
                         [](std::string_view line) {
                           if (line.ends_with('\n')) line.remove_suffix(1);
                           log::Info("search", line);
                         });
  bool empty = writer->get_doccount() == 0;
  std::set<std::string> seen;
  std::vector<Hash32> batch;
  Status failed;
  auto flush = [&]() -> Status {
    for (const auto& id : batch) {
      MRC_RETURN_IF_ERROR(IndexDoc(id, empty));
      if (!empty) seen.insert(IdTerm(id));
    }
    rebuilt += batch.size();
    progress.Add(batch.size());
    batch.clear();
    writer->commit();
    ++revision;
    return Status::Ok();
  };
  Status s = log->ScanDocs(nullptr, [&](const sync::DocState& d) {
    batch.push_back(d.id);
    if (batch.size() < kDocsPerRebuildCommit) return true;
    failed = flush();
    return failed.ok() && !stopping;
  });
  MRC_RETURN_IF_ERROR(s);
  MRC_RETURN_IF_ERROR(failed);
  // Cut short: the marker stays where it was, so the next start rebuilds.
  if (stopping) return Status::Ok();
  MRC_RETURN_IF_ERROR(flush());
  std::vector<std::string> stale;
  for (auto t = writer->allterms_begin(std::string(kIdPrefix));
       !empty && t != writer->allterms_end(std::string(kIdPrefix)); ++t) {
    if (!seen.count(*t)) stale.push_back(*t);
  }
  for (const auto& t : stale) writer->delete_document(t);
  Commit(last);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (writer->get_doccount() > 0) {
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", seconds);
    log::Info("search", "index rebuilt: " + std::to_string(writer->get_doccount()) +
                            " documents in " + took + " s");
  }
  return log->ForgetDocChanges(last);
}

Status SearchIndex::Impl::CatchUpLocked(bool yield) {
  try {
    if (!writer) MRC_RETURN_IF_ERROR(OpenWriter());
    for (int rounds = 0; rounds < 1'000'000 && !stopping; ++rounds) {
      if (yield && rounds > 0 && SteadyMillis() - last_commit_ms < kQuietMillis) {
        std::lock_guard lock(run_mu);
        dirty = true;  // more to do once the log is quiet
        return Status::Ok();
      }
      MRC_ASSIGN_OR_RETURN(auto changes,
                           log->DocChangesSince(through, kChangesPerCommit, kDocsPerCommit));
      if (changes.gap || fresh) {
        // A new index, or one that missed changes the log has dropped.
        MRC_RETURN_IF_ERROR(Rebuild());
        fresh = false;
        continue;
      }
      if (changes.through == through) return Status::Ok();
      for (const auto& id : changes.docs) MRC_RETURN_IF_ERROR(IndexDoc(id));
      Commit(changes.through);
      MRC_RETURN_IF_ERROR(log->ForgetDocChanges(changes.through));
    }
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return Status::IOError("search index: " + e.get_description());
  } catch (const std::exception& e) {
    return Status::IOError(std::string("search index: ") + e.what());
  }
}

void SearchIndex::Impl::Follow() {
  LowerThreadPriority();
  std::int64_t waiting_since = -1;  // the oldest change not yet indexed
  for (;;) {
    {
      std::unique_lock lock(run_mu);
      wake.wait(lock, [&] { return dirty || stop; });
      if (stop) return;
      dirty = false;
      if (waiting_since < 0) waiting_since = SteadyMillis();
      // A quiet moment (or too long a wait) first.
      while (!stop && SteadyMillis() - last_commit_ms < kQuietMillis &&
             SteadyMillis() - waiting_since < kMaxDeferMillis) {
        wake.wait_for(lock, std::chrono::milliseconds(kQuietMillis), [&] { return stop; });
      }
      if (stop) return;
      dirty = false;
    }
    Status s;
    {
      std::lock_guard lock(write_mu);
      s = CatchUpLocked(/*yield=*/true);
    }
    {
      // Caught up; or it yielded to a burst of writes: the next round may
      // again wait up to kMaxDeferMillis, so that a long catch-up is
      // indexed a round at a time rather than all along.
      std::lock_guard lock(run_mu);
      waiting_since = dirty ? SteadyMillis() : -1;
    }
    if (!s.ok()) {
      log::Warn("search", "indexing stopped: " + s.message() + "; retrying in 5 s");
      std::unique_lock lock(run_mu);
      wake.wait_for(lock, std::chrono::seconds(5), [&] { return stop; });
      if (stop) return;
      dirty = true;
    }
  }
}

void SearchIndex::Start() {
  Impl& s = *impl_;
  if (s.thread.joinable()) return;
  {
    std::lock_guard lock(s.run_mu);
    s.stop = false;
    s.dirty = true;  // catch up with what changed while stopped
  }
  s.listener = s.log->AddChangeListener([&s] {
    s.last_commit_ms = SteadyMillis();
    std::lock_guard lock(s.run_mu);
    s.dirty = true;
    s.wake.notify_one();
  });
  s.thread = std::thread([&s] { s.Follow(); });
}

void SearchIndex::Stop() {
  Impl& s = *impl_;
  if (!s.thread.joinable()) return;
  s.log->RemoveChangeListener(s.listener);
  s.stopping = true;
  {
    std::lock_guard lock(s.run_mu);
    s.stop = true;
    s.wake.notify_one();
  }
  s.thread.join();
}

Status SearchIndex::CatchUp() {
  std::lock_guard lock(impl_->write_mu);
  return impl_->CatchUpLocked();
}

}  // namespace mrc::web
