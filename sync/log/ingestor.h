// The Ingestor (internal to sync/log/): applies one batch of entries inside
// one Txn. Entries go through a work queue so that an arrival can wake the
// entries waiting for it (log waits, then effect waits, then waits for a
// member or a kind's rules) inside the same WriteBatch; a trust change that
// reaches back into entries already judged recomputes every effect once, at
// the batch's end (Rebuild).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_set>

#include "config/foundation/status.h"
#include "sync/log/entry.h"
#include "sync/log/kind_rules.h"
#include "sync/log/log.h"
#include "sync/log/log_apply.h"
#include "sync/log/log_txn.h"

namespace mrc::sync {

namespace detail {
struct Authenticated {
  Entry entry;
  Hash32 id{};
  Bytes stored;           // records::EncodeStored(signed form, payload)
  std::size_t index = 0;  // position in the caller's input, for refusals
  // The payload's content was already checked: authored here from validated
  // content (Log::Append), or validated in parallel before the write lock
  // (Log::Ingest). `content` then holds the outcome.
  bool content_checked = false;
  Status content;
};
}  // namespace detail
using detail::Authenticated;

// Runs the ingest of one batch: the queue of entries to accept and of effects
// to re-evaluate, sharing one Txn.
class Ingestor {
 public:
  Ingestor(Txn& txn, HybridClock& clock, IngestReport* report, const Hash32& root,
           const Hash32& self, const KindRegistry& kinds, const UnapprovedLimits& unapproved)
      : txn_(txn),
        clock_(clock),
        report_(report),
        kinds_(kinds),
        unapproved_(unapproved),
        self_(self),
        applier_(txn, root, self, kinds, flags_) {}

  Status Accept(Authenticated& a);
  Status Drain();
  // Queues the entries that wait for the rules of `kind`.
  Status WakeKind(Kind kind) { return Wake(rec::kWaitKind, rec::KindWaitId(kind)); }
  // Recomputes every effect from the entries in the log, when a trust change
  // reached back into entries already judged (a revocation, a second
  // approval). Runs at most once per batch, at its end.
  Status RebuildIfNeeded();

 private:
  enum class TaskKind { kFromPending, kReevaluate };
  struct Task {
    TaskKind kind;
    Hash32 id;
  };

  Status Refuse(const Authenticated& a, Status reason) {
    if (a.index != SIZE_MAX) report_->refused.push_back({a.index, std::move(reason)});
    return Status::Ok();
  }
  Status Park(const Authenticated& a, bool with_wait, bool frozen = false);
  // Counts `a` against what is held of its author while the author is not
  // approved; false when that is full (the entry is then refused).
  Result<bool> HoldUnapproved(const Authenticated& a);
  // The author became a member: what was held of it counts no more.
  Status ReleaseUnapproved(const Hash32& author);
  Status RecordFork(const Authenticated& a, Problem p, std::string detail);
  // The form to keep of an entry held without effect (EntryRules::HeldForm).
  Result<Bytes> HeldForm(const Authenticated& a, bool frozen, bool evidence);
  Status Resolve(const Entry& e, const Hash32& id, std::string_view payload, std::uint64_t prev_hlc,
                 bool checked = false, const Status& content = Status::Ok());
  Status Wake(char tag, const Hash32& id);
  Status RunTask(const Task& t);
  Status Rebuild();

  Txn& txn_;
  HybridClock& clock_;
  IngestReport* report_;
  const KindRegistry& kinds_;
  const UnapprovedLimits& unapproved_;
  const Hash32& self_;
  ApplyFlags flags_;
  Applier applier_;
  // What the store's waits await (tag + id, 33 bytes), read once per batch:
  // a wake then asks the store only when something there waits for it.
  // nullopt when the store holds too many waits to keep (each wake asks).
  bool store_waits_read_ = false;
  std::optional<std::unordered_set<std::string>> store_awaited_;
  std::deque<Task> queue_;
};

}  // namespace mrc::sync
