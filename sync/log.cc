// Ingest and apply: how entries enter the log and change documents.
//
// Authentication: received entries are grouped into runs (same author,
// consecutive seq, each naming the previous one's id as prev). Only the last
// entry of a run has its signature checked: its signed body contains the hash
// of its predecessor's body, and so on back, so one valid signature
// authenticates the whole run by hash (~1 µs per entry instead of ~85 µs per
// Ed25519 verification). A run whose last signature fails is checked entry by
// entry. See docs/architecture.md, "Authentication of runs".
//
// Application: entries go through a work queue so that an arrival can wake
// the entries waiting for it (log waits, then effect waits) inside the same
// WriteBatch. The batch commits once, atomically, at the end.
#include "sync/log.h"

#include <algorithm>
#include <deque>
#include <thread>

#include "storage/store.h"
#include "sync/content.h"
#include "sync/log_txn.h"
#include "sync/records.h"

namespace mrc::sync {

using storage::Column;
namespace rec = records;

namespace detail {
struct Authenticated {
  Entry entry;
  Hash32 id{};
  Bytes stored;  // records::EncodeStored(signed form, payload)
  std::size_t index = 0;  // position in the caller's input, for refusals
  // The payload's content was already checked: authored here from validated
  // content (Log::Append), or validated in parallel before the write lock
  // (Log::Ingest). `content` then holds the outcome.
  bool content_checked = false;
  Status content;
};
}  // namespace detail
using detail::Authenticated;

namespace {

constexpr std::string_view kClockKey = "hlc";

struct Decision {
  Effect effect = Effect::kApplied;
  Hash32 wait_on{};
  Status reason;
};

std::string Short(const Hash32& h) { return ToHex(h).substr(0, 12); }

std::string Describe(const Entry& e, const Hash32& id) {
  return "entry " + Short(id) + " (" + Short(e.author) + "#" + std::to_string(e.seq) + ")";
}

template <typename T>
Result<std::optional<T>> GetDecoded(Txn& txn, Column c, std::string_view key,
                                    std::optional<T> (*decode)(std::string_view)) {
  MRC_ASSIGN_OR_RETURN(auto raw, txn.Get(c, key));
  if (!raw) return std::optional<T>();
  auto v = decode(*raw);
  if (!v) return Status::Corruption(std::string("unreadable record in ") + storage::ColumnName(c));
  return v;
}

// The effect rules. Deterministic: it reads only entries this one depends on.
class Applier {
 public:
  Applier(Txn& txn) : txn_(txn) {}

  // `checked`: the payload was validated earlier (before signing, or in
  // parallel before the write lock) with outcome `content`; parsing it again
  // would only cost time (~10% of applying an entry).
  Result<Decision> Evaluate(const Entry& e, const Hash32& id, std::string_view payload,
                            std::uint64_t prev_hlc, bool checked, const Status& content) {
    if (e.seq > 1 && e.hlc <= prev_hlc) {
      return Reject(MakeProblem(Problem::kMalformed, Describe(e, id) +
                                                         ": clock is not after the author's "
                                                         "previous entry"));
    }
    if (e.op == Op::kDelete && e.payload_size != 0) {
      return Reject(MakeProblem(Problem::kInvalidContent, Describe(e, id) + ": a deletion carries no content"));
    }
    if (e.op == Op::kPut) {
      Status s = checked ? content : ValidatePayload(e.kind, payload);
      if (!s.ok()) return Reject(MakeProblem(Problem::kInvalidContent, Describe(e, id) + ": " + s.message()));
    }
    if (e.IsRoot()) return CreateDoc(e, id);
    return EditDoc(e, id);
  }

 private:
  static Result<Decision> Reject(Status reason) {
    Decision d;
    d.effect = Effect::kRejected;
    d.reason = std::move(reason);
    return d;
  }

  Result<Decision> CreateDoc(const Entry& e, const Hash32& id) {
    DocState doc;
    doc.id = id;
    doc.kind = e.kind;
    doc.creator = e.author;
    doc.created_hlc = e.hlc;
    doc.heads = {Head{id, e.hlc, e.author, e.op}};
    doc.versions = 1;
    txn_.Put(Column::kDocs, AsView(id), rec::EncodeDoc(doc));
    return Decision{};
  }

  Result<Decision> EditDoc(const Entry& e, const Hash32& id) {
    for (const auto& p : e.parents) {
      MRC_ASSIGN_OR_RETURN(auto parent, GetDecoded<rec::IdRecord>(txn_, Column::kIds, AsView(p), rec::DecodeId));
      if (!parent || parent->effect == Effect::kWaiting) {
        Decision d;
        d.effect = Effect::kWaiting;
        d.wait_on = p;
        return d;
      }
      std::string what = Describe(e, id) + ": parent " + Short(p);
      if (parent->effect == Effect::kRejected) {
        return Reject(MakeProblem(Problem::kBadParent, what + " was rejected"));
      }
      if (parent->doc != e.doc) {
        return Reject(MakeProblem(Problem::kBadParent, what + " is a version of another document"));
      }
      if (parent->hlc >= e.hlc) {
        return Reject(MakeProblem(Problem::kBadParent, what + " is not earlier than its child"));
      }
    }
    MRC_ASSIGN_OR_RETURN(auto raw, txn_.Get(Column::kDocs, AsView(e.doc)));
    std::optional<DocState> doc;
    if (raw) doc = rec::DecodeDoc(e.doc, *raw);
    if (!doc) return Status::Corruption("document " + Short(e.doc) + " missing or unreadable");
    if (doc->kind != e.kind) {
      return Reject(MakeProblem(Problem::kInvalidContent,
                                Describe(e, id) + ": kind " + std::string(KindName(e.kind)) +
                                    " differs from the document's " +
                                    std::string(KindName(doc->kind))));
    }
    std::erase_if(doc->heads, [&](const Head& h) {
      return std::binary_search(e.parents.begin(), e.parents.end(), h.id);
    });
    Head head{id, e.hlc, e.author, e.op};
    doc->heads.insert(std::upper_bound(doc->heads.begin(), doc->heads.end(), head,
                                       [](const Head& a, const Head& b) { return a.id < b.id; }),
                      head);
    rec::PickWinner(&*doc);
    doc->versions++;
    txn_.Put(Column::kDocs, AsView(e.doc), rec::EncodeDoc(*doc));
    return Decision{};
  }

  Txn& txn_;
};

// Runs the ingest of one batch: the queue of entries to accept and of effects
// to re-evaluate, sharing one Txn.
class Ingestor {
 public:
  Ingestor(Txn& txn, HybridClock& clock, IngestReport* report)
      : txn_(txn), clock_(clock), report_(report), applier_(txn) {}

  Status Accept(Authenticated& a);  // defined below Authenticated use
  Status Drain();

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
  Status Park(const Authenticated& a, bool with_wait);
  Status RecordFork(const Authenticated& a, Problem p, std::string detail);
  Status Resolve(const Entry& e, const Hash32& id, std::string_view payload, std::uint64_t prev_hlc,
                 bool checked = false, const Status& content = Status::Ok());
  Status Wake(char tag, const Hash32& id);
  Status RunTask(const Task& t);

  Txn& txn_;
  HybridClock& clock_;
  IngestReport* report_;
  Applier applier_;
  std::deque<Task> queue_;
};

}  // namespace

namespace {

Status Ingestor::Park(const Authenticated& a, bool with_wait) {
  txn_.Put(Column::kPending, AsView(a.id), a.stored);
  if (with_wait) txn_.Put(Column::kWaits, rec::WaitKey(rec::kWaitLog, a.entry.prev, a.id), "");
  report_->pending++;
  return Status::Ok();
}

Status Ingestor::RecordFork(const Authenticated& a, Problem p, std::string detail) {
  // Keep the conflicting signed entry as evidence and freeze the feed: the
  // author's key signed two histories, and no node may pick one silently.
  const Entry& e = a.entry;
  Bytes key = rec::FeedKey(e.author, e.seq);
  PutHash(&key, a.id);
  txn_.Put(Column::kForks, key, a.stored);
  MRC_ASSIGN_OR_RETURN(auto feed, GetDecoded<rec::FeedRecord>(txn_, Column::kFeeds, AsView(e.author), rec::DecodeFeed));
  if (feed && !feed->forked) {
    feed->forked = true;
    feed->fork_seq = e.seq;
    txn_.Put(Column::kFeeds, AsView(e.author), rec::EncodeFeed(*feed));
  }
  report_->forks++;
  return Refuse(a, MakeProblem(p, Describe(e, a.id) + ": " + detail));
}

Status Ingestor::Accept(Authenticated& a) {
  const Entry& e = a.entry;
  MRC_ASSIGN_OR_RETURN(auto known, txn_.Get(Column::kIds, AsView(a.id)));
  if (known) {
    report_->duplicates++;
    return Status::Ok();
  }
  MRC_ASSIGN_OR_RETURN(auto feed, GetDecoded<rec::FeedRecord>(txn_, Column::kFeeds, AsView(e.author), rec::DecodeFeed));
  rec::FeedRecord f = feed.value_or(rec::FeedRecord{});
  if (f.forked) return Park(a, /*with_wait=*/false);  // frozen: kept, not applied
  if (e.seq <= f.seq) {
    return RecordFork(a, Problem::kFork, "another entry holds seq " + std::to_string(e.seq));
  }
  if (e.seq > f.seq + 1) return Park(a, /*with_wait=*/true);
  if (e.seq > 1 && e.prev != f.head) {
    return RecordFork(a, Problem::kBrokenChain, "prev does not match the author's entry " +
                                                    std::to_string(e.seq - 1));
  }
  std::uint64_t prev_hlc = f.hlc;
  txn_.Put(Column::kEntries, rec::FeedKey(e.author, e.seq), a.stored);
  if (a.index == SIZE_MAX) {  // it was parked: release it
    txn_.Delete(Column::kPending, AsView(a.id));
    if (e.seq > 1) txn_.Delete(Column::kWaits, rec::WaitKey(rec::kWaitLog, e.prev, a.id));
  }
  f.seq = e.seq;
  f.head = a.id;
  f.hlc = e.hlc;
  txn_.Put(Column::kFeeds, AsView(e.author), rec::EncodeFeed(f));
  clock_.Observe(e.hlc);
  report_->accepted++;
  std::string_view signed_form, payload;
  rec::DecodeStored(a.stored, &signed_form, &payload);
  MRC_RETURN_IF_ERROR(Resolve(e, a.id, payload, prev_hlc, a.content_checked, a.content));
  return Wake(rec::kWaitLog, a.id);
}

Status Ingestor::Resolve(const Entry& e, const Hash32& id, std::string_view payload,
                         std::uint64_t prev_hlc, bool checked, const Status& content) {
  MRC_ASSIGN_OR_RETURN(Decision d, applier_.Evaluate(e, id, payload, prev_hlc, checked, content));
  rec::IdRecord r{e.author, e.seq, d.effect, e.DocId(id), e.hlc, e.kind, e.op};
  txn_.Put(Column::kIds, AsView(id), rec::EncodeId(r));
  if (d.effect == Effect::kWaiting) {
    txn_.Put(Column::kWaits, rec::WaitKey(rec::kWaitEffect, d.wait_on, id), "");
    return Status::Ok();
  }
  if (d.effect == Effect::kRejected) txn_.Put(Column::kRejects, AsView(id), d.reason.message());
  return Wake(rec::kWaitEffect, id);
}

Status Ingestor::Wake(char tag, const Hash32& id) {
  Bytes prefix(1, tag);
  PutHash(&prefix, id);
  MRC_ASSIGN_OR_RETURN(auto keys, txn_.KeysWithPrefix(Column::kWaits, prefix));
  for (const auto& k : keys) {
    Hash32 waiter = Hash32FromView(std::string_view(k).substr(33));
    if (tag == rec::kWaitEffect) txn_.Delete(Column::kWaits, k);
    queue_.push_back({tag == rec::kWaitLog ? TaskKind::kFromPending : TaskKind::kReevaluate, waiter});
  }
  return Status::Ok();
}

Status Ingestor::RunTask(const Task& t) {
  if (t.kind == TaskKind::kFromPending) {
    MRC_ASSIGN_OR_RETURN(auto stored, txn_.Get(Column::kPending, AsView(t.id)));
    if (!stored) return Status::Ok();
    std::string_view signed_form, payload;
    if (!rec::DecodeStored(*stored, &signed_form, &payload)) return Status::Corruption("unreadable pending entry");
    MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
    Authenticated a{d.entry, d.id, std::move(*stored), SIZE_MAX, false, Status()};
    return Accept(a);
  }
  MRC_ASSIGN_OR_RETURN(auto r, GetDecoded<rec::IdRecord>(txn_, Column::kIds, AsView(t.id), rec::DecodeId));
  if (!r || r->effect != Effect::kWaiting) return Status::Ok();
  MRC_ASSIGN_OR_RETURN(auto stored, txn_.Get(Column::kEntries, rec::FeedKey(r->author, r->seq)));
  std::string_view signed_form, payload;
  if (!stored || !rec::DecodeStored(*stored, &signed_form, &payload)) {
    return Status::Corruption("entry " + Short(t.id) + " indexed but not stored");
  }
  MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
  std::uint64_t prev_hlc = 0;
  if (d.entry.seq > 1) {
    MRC_ASSIGN_OR_RETURN(auto prev, GetDecoded<rec::IdRecord>(txn_, Column::kIds, AsView(d.entry.prev), rec::DecodeId));
    if (prev) prev_hlc = prev->hlc;
  }
  return Resolve(d.entry, d.id, payload, prev_hlc);
}

Status Ingestor::Drain() {
  while (!queue_.empty()) {
    Task t = queue_.front();
    queue_.pop_front();
    MRC_RETURN_IF_ERROR(RunTask(t));
  }
  return Status::Ok();
}

}  // namespace

Log::Log(storage::Store* store, const KeyPair& identity, const Hash32& network_id)
    : store_(store), identity_(identity), network_id_(network_id) {}

Log::~Log() = default;

Result<std::unique_ptr<Log>> Log::Open(storage::Store* store, const KeyPair& identity,
                                       const Hash32& network_id) {
  MRC_RETURN_IF_ERROR(InitCrypto());
  std::unique_ptr<Log> log(new Log(store, identity, network_id));
  MRC_RETURN_IF_ERROR(log->LoadClock());
  return log;
}

Status Log::LoadClock() {
  auto r = store_->Get(Column::kMeta, kClockKey);
  if (r.status().IsNotFound()) return Status::Ok();
  if (!r.ok()) return r.status();
  std::string_view v = *r;
  std::uint64_t last = 0;
  if (!GetU64(&v, &last)) return Status::Corruption("unreadable clock record");
  clock_.Observe(last);
  return Status::Ok();
}

Status Log::ApplyAll(std::vector<Authenticated>& items, IngestReport* report) {
  Txn txn(store_);
  Ingestor ingestor(txn, clock_, report);
  for (auto& a : items) {
    MRC_RETURN_IF_ERROR(ingestor.Accept(a));
    MRC_RETURN_IF_ERROR(ingestor.Drain());
  }
  Bytes clock;
  PutU64(&clock, clock_.last());
  txn.Put(Column::kMeta, kClockKey, clock);
  return txn.Commit();
}

Result<IngestReport> Log::Ingest(const std::vector<Incoming>& in) {
  IngestReport report;
  std::vector<Authenticated> items;
  items.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto d = DecodeEntry(in[i].signed_form);
    if (!d.ok()) {
      report.refused.push_back({i, d.status()});
      continue;
    }
    Status s = CheckPayload(d->entry, in[i].payload);
    if (!s.ok()) {
      Problem p = Problem::kPayloadMismatch;
      ProblemOf(s, &p);
      std::string detail = s.message().substr(ProblemName(p).size() + 2);
      report.refused.push_back({i, MakeProblem(p, Describe(d->entry, d->id) + ": " + detail)});
      continue;
    }
    items.push_back({d->entry, d->id, rec::EncodeStored(in[i].signed_form, in[i].payload), i, false, Status()});
  }
  std::sort(items.begin(), items.end(), [](const Authenticated& a, const Authenticated& b) {
    if (a.entry.author != b.entry.author) return a.entry.author < b.entry.author;
    if (a.entry.seq != b.entry.seq) return a.entry.seq < b.entry.seq;
    return a.id < b.id;
  });
  // Authenticate runs by their last signature (see the file comment).
  std::vector<bool> authentic(items.size(), false);
  for (std::size_t start = 0; start < items.size();) {
    std::size_t end = start + 1;
    while (end < items.size() && items[end].entry.author == items[start].entry.author &&
           items[end].entry.seq == items[end - 1].entry.seq + 1 &&
           items[end].entry.prev == items[end - 1].id) {
      ++end;
    }
    auto check = [&](std::size_t k) {
      std::string_view signed_form, payload;
      rec::DecodeStored(items[k].stored, &signed_form, &payload);
      auto d = DecodeEntry(signed_form);
      return d.ok() && CheckSignature(network_id_, *d);
    };
    if (check(end - 1)) {
      std::fill(authentic.begin() + start, authentic.begin() + end, true);
    } else {
      for (std::size_t k = start; k < end; ++k) authentic[k] = check(k);
    }
    start = end;
  }
  // Content validation is a pure function of (kind, payload): do it on both
  // cores before taking the write lock (JSON parsing is ~10% of applying).
  auto validate = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k) {
      if (!authentic[k] || items[k].entry.op != Op::kPut) continue;
      std::string_view signed_form, payload;
      rec::DecodeStored(items[k].stored, &signed_form, &payload);
      items[k].content = ValidatePayload(items[k].entry.kind, payload);
      items[k].content_checked = true;
    }
  };
  if (items.size() >= 64) {
    std::thread helper(validate, items.size() / 2, items.size());
    validate(0, items.size() / 2);
    helper.join();
  } else {
    validate(0, items.size());
  }
  std::vector<Authenticated> good;
  good.reserve(items.size());
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (authentic[k]) {
      good.push_back(std::move(items[k]));
    } else {
      report.refused.push_back({items[k].index, MakeProblem(Problem::kBadSignature,
                                                           Describe(items[k].entry, items[k].id))});
    }
  }
  {
    std::lock_guard lock(write_mu_);
    MRC_RETURN_IF_ERROR(ApplyAll(good, &report));
  }
  if (report.accepted > 0 && listener_) listener_();
  return report;
}

Result<std::vector<Hash32>> Log::Append(const std::vector<Draft>& drafts) {
  auto ids = AppendLocked(drafts);
  if (ids.ok() && !ids->empty() && listener_) listener_();
  return ids;
}

Result<std::vector<Hash32>> Log::AppendLocked(const std::vector<Draft>& drafts) {
  std::lock_guard lock(write_mu_);
  rec::FeedRecord feed;
  auto raw = store_->Get(Column::kFeeds, AsView(self()));
  if (raw.ok()) {
    auto f = rec::DecodeFeed(*raw);
    if (!f) return Status::Corruption("unreadable feed record for this node");
    feed = *f;
  } else if (!raw.status().IsNotFound()) {
    return raw.status();
  }
  if (feed.forked) return Status::PermissionDenied("this node's own feed is frozen by a fork");
  std::vector<Authenticated> items(drafts.size());
  std::vector<Bytes> bodies(drafts.size());
  Hash32 prev = feed.head;
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    const Draft& d = drafts[i];
    // An edit must be later than what it replaces, even when a parent's
    // author had a clock far ahead of ours.
    for (const auto& p : d.parents) {
      auto raw_parent = store_->Get(Column::kIds, AsView(p));
      if (!raw_parent.ok()) continue;  // not here yet: its effect will wait
      if (auto r = rec::DecodeId(*raw_parent)) clock_.Advance(r->hlc);
    }
    Entry& e = items[i].entry;
    e = Entry{d.kind, d.op, self(), feed.seq + i + 1, prev, clock_.Now(), d.doc, d.parents,
              Blake2b256(d.payload), static_cast<std::uint32_t>(d.payload.size()), {}};
    bodies[i] = EncodeBody(e);
    items[i].id = prev = EntryId(bodies[i]);
    items[i].index = i;
    items[i].content_checked = true;
  }
  // The chain links bodies, not signatures, so signing parallelises.
  auto sign_range = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      items[i].entry.signature = Sign(identity_, SigningMessage(network_id_, items[i].id));
      Bytes signed_form = std::move(bodies[i]);
      signed_form.append(reinterpret_cast<const char*>(items[i].entry.signature.data()), 64);
      items[i].stored = rec::EncodeStored(signed_form, drafts[i].payload);
    }
  };
  if (drafts.size() >= 256) {
    std::thread helper(sign_range, drafts.size() / 2, drafts.size());
    sign_range(0, drafts.size() / 2);
    helper.join();
  } else {
    sign_range(0, drafts.size());
  }
  IngestReport report;
  MRC_RETURN_IF_ERROR(ApplyAll(items, &report));
  if (!report.refused.empty()) return report.refused.front().reason;
  std::vector<Hash32> ids;
  ids.reserve(items.size());
  for (const auto& a : items) ids.push_back(a.id);
  return ids;
}

}  // namespace mrc::sync
