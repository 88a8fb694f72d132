// The Log: opening a store, ingesting and appending entries, what is owed
// after a commit, and the document change records a derived index follows.
//
// Authentication: received entries are grouped into runs (same author,
// consecutive seq, each naming the previous one's id as prev). Only the last
// entry of a run has its signature checked: its signed body contains the hash
// of its predecessor's body, and so on back, so one valid signature
// authenticates the whole run by hash (~1 µs per entry instead of ~85 µs per
// Ed25519 verification). A run whose last signature fails is checked entry by
// entry. See docs/architecture.md, "Authentication of runs".
//
// Application: the Ingestor (ingestor.h) applies a batch inside one Txn,
// which commits once, atomically, at the end.
#include "sync/log/log.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <thread>
#include <unordered_set>

#include "config/foundation/log.h"
#include "storage/store.h"
#include "sync/log/erasable.h"
#include "sync/log/ingestor.h"
#include "sync/log/log_apply.h"
#include "sync/log/log_txn.h"
#include "sync/log/record_sum.h"
#include "sync/log/records.h"

namespace mrc::sync {

using storage::Column;
namespace rec = records;

namespace {

constexpr std::string_view kClockKey = "hlc";
// kMeta: the last document change number. kLocal: "doc-changes/" + number
// (u64) -> the changed doc ids (32 bytes each); "doc-changes-forgotten" ->
// the number through which records were dropped.
constexpr std::string_view kDocChangeKey = "doc-change";
constexpr std::string_view kDocChangesPrefix = "doc-changes/";
constexpr std::string_view kDocChangesForgottenKey = "doc-changes-forgotten";

std::string DocChangeKey(std::uint64_t n) {
  std::string k(kDocChangesPrefix);
  PutU64(&k, n);
  return k;
}

Result<std::uint64_t> ReadU64Record(storage::Store* store, Column c, std::string_view key,
                                    std::string_view what) {
  auto r = store->Get(c, key);
  if (r.status().IsNotFound()) return std::uint64_t{0};
  if (!r.ok()) return r.status();
  std::string_view v = *r;
  std::uint64_t n = 0;
  if (!GetU64(&v, &n)) return Status::Corruption("unreadable " + std::string(what) + " record");
  return n;
}

// Which items are authentic: runs (same author, consecutive seq, each
// naming the previous one's id as prev) by their last signature, a run
// whose last signature fails entry by entry (see the file comment).
// `items` are sorted by author and seq.
std::vector<bool> AuthenticateRuns(const std::vector<Authenticated>& items,
                                   const Hash32& network_id) {
  std::vector<bool> authentic(items.size(), false);
  auto check = [&](std::size_t k) {
    std::string_view signed_form, payload;
    rec::DecodeStored(items[k].stored, &signed_form, &payload);
    auto d = DecodeEntry(signed_form);
    return d.ok() && CheckSignature(network_id, *d);
  };
  for (std::size_t start = 0; start < items.size();) {
    std::size_t end = start + 1;
    while (end < items.size() && items[end].entry.author == items[start].entry.author &&
           items[end].entry.seq == items[end - 1].entry.seq + 1 &&
           items[end].entry.prev == items[end - 1].id) {
      ++end;
    }
    if (check(end - 1)) {
      std::fill(authentic.begin() + start, authentic.begin() + end, true);
    } else {
      for (std::size_t k = start; k < end; ++k) authentic[k] = check(k);
    }
    start = end;
  }
  return authentic;
}

// Content validation is a pure function of (kind, payload): it runs on
// both cores before the write lock is taken, its outcome kept with each
// authentic item.
void ValidateContent(std::vector<Authenticated>& items, const std::vector<bool>& authentic,
                     const KindRegistry& kinds) {
  auto validate = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k) {
      const EntryRules* rules = kinds.For(items[k].entry.kind);
      if (!authentic[k] || !rules || items[k].entry.op == Op::kDelete) continue;
      std::string_view signed_form, payload;
      rec::DecodeStored(items[k].stored, &signed_form, &payload);
      items[k].content = rules->Validate(items[k].entry, payload);
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
}

}  // namespace

Log::Log(storage::Store* store, const KeyPair& identity, const Hash32& network_id,
         const Hash32& root, const KindRegistry& kinds, const LogOptions& options)
    : store_(store),
      identity_(identity),
      network_id_(network_id),
      root_(root),
      kinds_(kinds),
      unapproved_limits_(options.unapproved),
      clock_(options.clock) {}

Log::~Log() = default;

Result<std::unique_ptr<Log>> Log::Open(storage::Store* store, const KeyPair& identity,
                                       const Hash32& network_id, const Hash32& root,
                                       const KindRegistry& kinds, const LogOptions& options) {
  MRC_RETURN_IF_ERROR(InitCrypto());
  std::unique_ptr<Log> log(new Log(store, identity, network_id, root, kinds, options));
  MRC_RETURN_IF_ERROR(log->CheckStoreFormat());
  auto hold = store->Get(storage::Column::kMeta, records::kOwnFeedHoldKey);
  if (!hold.ok() && !hold.status().IsNotFound()) return hold.status();
  log->own_feed_held_ = hold.ok();
  MRC_RETURN_IF_ERROR(log->LoadClock());
  MRC_RETURN_IF_ERROR(log->LoadDocChange());
  MRC_RETURN_IF_ERROR(log->EnsureRecordSum());
  // Entries a version without their kind's rules held (this node upgraded).
  MRC_RETURN_IF_ERROR(log->ApplyUpgradedKinds());
  // Entries owed from before a crash or a stop (receipts).
  MRC_RETURN_IF_ERROR(log->AppendOwedEntries());
  // Erasures committed just before a crash or a stop.
  MRC_RETURN_IF_ERROR(log->ScrubErased());
  return log;
}

// A store in a layout newer than this version knows is left untouched:
// reading it could misread records, and writing to it could damage them.
// (A newer version that adds a column is caught earlier, by Store::Open.)
// An older layout is brought up to date here, the last step of the change
// writing the new format in the same batch, so that a crash midway leaves
// the old format recorded and the change is made again. Format 1 is the
// first: a store recording none is in it, and only gets the record.
Status Log::CheckStoreFormat() {
  auto r = store_->Get(Column::kMeta, records::kStoreFormatKey);
  if (!r.ok() && !r.status().IsNotFound()) return r.status();
  if (r.ok()) {
    std::string_view v = *r;
    std::uint32_t held = 0;
    if (!GetU32(&v, &held) || !v.empty() || held == 0)
      return Status::Corruption("unreadable store format record");
    if (held > records::kStoreFormat) {
      return Status::InvalidArgument(
          "this data directory holds store format " + std::to_string(held) +
          ", written by a newer mrcnode; this version reads format " +
          std::to_string(records::kStoreFormat) +
          " at most. Run the newer version, or restore a backup made with this one");
    }
    if (held == records::kStoreFormat) return Status::Ok();
  }
  Bytes value;
  PutU32(&value, records::kStoreFormat);
  storage::WriteBatch batch;
  batch.Put(Column::kMeta, records::kStoreFormatKey, value);
  return store_->Write(&batch);
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

// A store written before the sum was kept gets it from one full scan; so
// does one whose kept sum is unreadable (it is derived from the records).
Status Log::EnsureRecordSum() {
  auto r = store_->Get(Column::kMeta, kRecordSumKey);
  if (r.ok() && RecordSum::Decode(*r)) return Status::Ok();
  if (!r.ok() && !r.status().IsNotFound()) return r.status();
  if (r.ok()) log::Warn("log", "the digest's record sum was unreadable: computed again");
  MRC_ASSIGN_OR_RETURN(RecordSum sum, ScanRecordSum(*store_));
  storage::WriteBatch batch;
  batch.Put(Column::kMeta, kRecordSumKey, sum.Encode());
  return store_->Write(&batch);
}

// Moves the kept sum by what this batch changes in the summed columns.
Status Log::UpdateRecordSum(Txn& txn) {
  MRC_ASSIGN_OR_RETURN(auto raw, txn.Get(Column::kMeta, kRecordSumKey));
  std::optional<RecordSum> sum = raw ? RecordSum::Decode(*raw) : std::nullopt;
  if (!sum) return Status::Corruption("record sum missing or unreadable");
  bool changed = false;
  for (Column c : kSummedColumns) {
    for (const auto& [key, value] : txn.Writes(c)) {
      MRC_ASSIGN_OR_RETURN(auto old, txn.StoreValue(c, key));
      if (old == value) continue;
      if (old) sum->Remove(c, key, *old);
      if (value) sum->Add(c, key, *value);
      changed = true;
    }
  }
  if (changed) txn.Put(Column::kMeta, kRecordSumKey, sum->Encode());
  return Status::Ok();
}

Status Log::LoadDocChange() {
  MRC_ASSIGN_OR_RETURN(doc_change_,
                       ReadU64Record(store_, Column::kMeta, kDocChangeKey, "document change"));
  committed_doc_change_ = doc_change_;
  return Status::Ok();
}

Result<std::uint64_t> Log::LastDocChange() { return committed_doc_change_.load(); }

Result<Log::DocChanges> Log::DocChangesSince(std::uint64_t after, std::size_t max_changes,
                                             std::size_t max_docs) {
  DocChanges out;
  out.through = after;
  MRC_ASSIGN_OR_RETURN(
      std::uint64_t forgotten,
      ReadU64Record(store_, Column::kLocal, kDocChangesForgottenKey, "forgotten document changes"));
  if (after < forgotten) {
    out.gap = true;
    return out;
  }
  std::vector<Hash32> docs;
  std::string from = DocChangeKey(after + 1);
  auto it = store_->NewPrefixIterator(Column::kLocal, kDocChangesPrefix);
  std::size_t n = 0;
  for (it->Seek(from); it->Valid() && n < max_changes && docs.size() < max_docs; it->Next(), ++n) {
    std::string_view key = it->key(), value = it->value();
    if (key.substr(0, kDocChangesPrefix.size()) != kDocChangesPrefix) break;
    key.remove_prefix(kDocChangesPrefix.size());
    std::uint64_t number = 0;
    if (!GetU64(&key, &number) || value.size() % 32 != 0) {
      return Status::Corruption("unreadable document change record");
    }
    for (std::size_t i = 0; i < value.size(); i += 32) {
      docs.push_back(Hash32FromView(value.substr(i, 32)));
    }
    out.through = number;
  }
  MRC_RETURN_IF_ERROR(it->status());
  std::sort(docs.begin(), docs.end());
  docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  out.docs = std::move(docs);
  return out;
}

Status Log::ForgetDocChanges(std::uint64_t through) {
  storage::WriteBatch batch;
  auto it = store_->NewPrefixIterator(Column::kLocal, kDocChangesPrefix);
  std::string end = DocChangeKey(through);
  for (it->Seek(kDocChangesPrefix); it->Valid() && it->key() <= std::string_view(end); it->Next()) {
    if (it->key().substr(0, kDocChangesPrefix.size()) != kDocChangesPrefix) break;
    batch.Delete(Column::kLocal, it->key());
  }
  MRC_RETURN_IF_ERROR(it->status());
  Bytes mark;
  PutU64(&mark, through);
  batch.Put(Column::kLocal, kDocChangesForgottenKey, mark);
  return store_->Write(&batch);
}

int Log::AddChangeListener(std::function<void()> listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.emplace_back(next_listener_, std::move(listener));
  return next_listener_++;
}

void Log::RemoveChangeListener(int handle) {
  std::lock_guard lock(listeners_mu_);
  std::erase_if(listeners_, [handle](const auto& l) { return l.first == handle; });
}

// Under the lock, so that a listener removed is never called afterwards.
void Log::NotifyListeners() {
  std::lock_guard lock(listeners_mu_);
  for (const auto& [handle, fn] : listeners_) fn();
}

Status Log::ApplyAll(std::vector<Authenticated>& items, IngestReport* report,
                     const std::vector<std::string>* local_deletes,
                     const std::function<void(std::size_t)>& ready) {
  Txn txn(store_);
  for (Column c : kSummedColumns) txn.KeepStoreValues(c);
  Ingestor ingestor(txn, clock_, report, root_, self(), kinds_, unapproved_limits_);
  for (std::size_t i = 0; i < items.size(); ++i) {
    Authenticated& a = items[i];
    if (ready) ready(i);
    MRC_RETURN_IF_ERROR(ingestor.Accept(a));
    MRC_RETURN_IF_ERROR(ingestor.Drain());
  }
  MRC_RETURN_IF_ERROR(ingestor.RebuildIfNeeded());
  unapproved_refused_ += report->unapproved;
  if (local_deletes) {
    // Our own changes: one that every node would reject (a rule it breaks)
    // is refused here instead, before anything is signed into the log.
    for (const auto& a : items) {
      MRC_ASSIGN_OR_RETURN(auto raw, txn.Get(Column::kIds, AsView(a.id)));
      auto r = raw ? rec::DecodeId(*raw) : std::nullopt;
      if (!r || r->effect != Effect::kRejected) continue;
      MRC_ASSIGN_OR_RETURN(auto reason, txn.Get(Column::kRejects, AsView(a.id)));
      std::string why = reason.value_or("rejected");
      Problem p;
      bool denied = ProblemOf(Status::Corruption(why), &p) &&
                    (p == Problem::kNotAuthorised || p == Problem::kRevoked);
      return denied ? Status::PermissionDenied(why) : Status::InvalidArgument(why);
    }
    for (const auto& k : *local_deletes) txn.Delete(Column::kLocal, k);
  }
  MRC_RETURN_IF_ERROR(CommitTxn(txn));
  added_ += report->accepted;
  return Status::Ok();
}

Status Log::CheckKindShape(const Entry& e) const {
  const EntryRules* rules = kinds_.For(e.kind);
  return rules ? rules->CheckShape(e) : Status::Ok();
}

Status Log::ApplyUpgradedKinds() {
  std::lock_guard lock(write_mu_);
  std::vector<Kind> waiting;
  for (int k = 1; k < 256; ++k) {
    Kind kind = static_cast<Kind>(k);
    if (!kinds_.Has(kind)) continue;
    Bytes prefix(1, rec::kWaitKind);
    PutHash(&prefix, rec::KindWaitId(kind));
    auto it = store_->NewPrefixIterator(Column::kWaits, prefix);
    it->Seek(prefix);
    MRC_RETURN_IF_ERROR(it->status());
    if (it->Valid()) waiting.push_back(kind);
  }
  if (waiting.empty()) return Status::Ok();
  Txn txn(store_);
  for (Column c : kSummedColumns) txn.KeepStoreValues(c);
  IngestReport report;
  Ingestor ingestor(txn, clock_, &report, root_, self(), kinds_, unapproved_limits_);
  for (Kind k : waiting) MRC_RETURN_IF_ERROR(ingestor.WakeKind(k));
  MRC_RETURN_IF_ERROR(ingestor.Drain());
  MRC_RETURN_IF_ERROR(ingestor.RebuildIfNeeded());
  MRC_RETURN_IF_ERROR(CommitTxn(txn));
  log::Info("log", "applied the entries of " + std::to_string(waiting.size()) +
                       " kind(s) held for this version's rules");
  return Status::Ok();
}

Status Log::CommitTxn(Txn& txn) {
  Bytes clock;
  PutU64(&clock, clock_.last());
  txn.Put(Column::kMeta, kClockKey, clock);
  std::uint64_t change = doc_change_;
  if (!txn.doc_writes().empty()) {
    std::vector<std::string> docs = txn.doc_writes();
    std::sort(docs.begin(), docs.end());
    docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
    std::string value;
    value.reserve(docs.size() * 32);
    for (const auto& d : docs) value += d;
    Bytes number;
    PutU64(&number, ++change);
    txn.Put(Column::kLocal, DocChangeKey(change), value);
    txn.Put(Column::kMeta, kDocChangeKey, number);
  }
  MRC_RETURN_IF_ERROR(UpdateRecordSum(txn));
  MRC_RETURN_IF_ERROR(txn.Commit());
  doc_change_ = change;
  committed_doc_change_ = change;
  return Status::Ok();
}

struct PreparedIngest::Data {
  std::vector<Authenticated> good;
  IngestReport report;  // the refusals found while preparing
};
PreparedIngest::PreparedIngest() : data_(std::make_unique<Data>()) {}
PreparedIngest::~PreparedIngest() = default;
PreparedIngest::PreparedIngest(PreparedIngest&&) noexcept = default;
PreparedIngest& PreparedIngest::operator=(PreparedIngest&&) noexcept = default;

Result<IngestReport> Log::Ingest(const std::vector<Incoming>& in) {
  return CommitIngest(PrepareIngest(in));
}

PreparedIngest Log::PrepareIngest(const std::vector<Incoming>& in) const {
  PreparedIngest prepared;
  IngestReport& report = prepared.data_->report;
  std::vector<Authenticated> items;
  items.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto d = DecodeEntry(in[i].signed_form);
    if (!d.ok()) {
      report.refused.push_back({i, d.status()});
      continue;
    }
    if (Status shape = CheckKindShape(d->entry); !shape.ok()) {
      report.refused.push_back({i, std::move(shape)});
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
    items.push_back(
        {d->entry, d->id, rec::EncodeStored(in[i].signed_form, in[i].payload), i, false, Status()});
  }
  std::sort(items.begin(), items.end(), [](const Authenticated& a, const Authenticated& b) {
    if (a.entry.author != b.entry.author) return a.entry.author < b.entry.author;
    if (a.entry.seq != b.entry.seq) return a.entry.seq < b.entry.seq;
    return a.id < b.id;
  });
  std::vector<bool> authentic = AuthenticateRuns(items, network_id_);
  ValidateContent(items, authentic, kinds_);
  std::vector<Authenticated>& good = prepared.data_->good;
  good.reserve(items.size());
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (authentic[k]) {
      good.push_back(std::move(items[k]));
    } else {
      report.refused.push_back(
          {items[k].index,
           MakeProblem(Problem::kBadSignature, Describe(items[k].entry, items[k].id))});
    }
  }
  return prepared;
}

Result<IngestReport> Log::CommitIngest(PreparedIngest batch) {
  IngestReport report = std::move(batch.data_->report);
  {
    std::lock_guard lock(write_mu_);
    MRC_RETURN_IF_ERROR(ApplyAll(batch.data_->good, &report));
  }
  if (report.accepted > 0 || report.filled > 0) AfterCommit();
  return report;
}

void Log::AfterCommit() {
  // Work that cannot be done now (our own feed frozen, say) stays owed;
  // the entries received are safely applied either way.
  if (Status s = AppendOwedEntries(); !s.ok())
    log::Warn("log", "owed entries not written: " + s.message());
  if (Status s = ScrubErased(); !s.ok())
    log::Warn("log", "erased payloads not yet scrubbed from disk: " + s.message());
  NotifyListeners();
}

Status Log::HoldOwnFeed(storage::Store* store) {
  storage::WriteBatch batch;
  batch.Put(storage::Column::kMeta, records::kOwnFeedHoldKey, "");
  return store->Write(&batch);
}

Status Log::ReleaseOwnFeedHold(const std::string& why) {
  {
    std::lock_guard lock(write_mu_);
    if (!own_feed_held_) return Status::Ok();
    storage::WriteBatch batch;
    batch.Delete(storage::Column::kMeta, records::kOwnFeedHoldKey);
    MRC_RETURN_IF_ERROR(store_->Write(&batch));
    own_feed_held_ = false;
  }
  log::Info("log", "this node signs its own entries again: " + why);
  AfterCommit();
  return Status::Ok();
}

Result<std::uint64_t> Log::OwnSeq() {
  auto raw = store_->Get(Column::kFeeds, AsView(self()));
  if (raw.status().IsNotFound()) return std::uint64_t{0};
  if (!raw.ok()) return raw.status();
  auto f = rec::DecodeFeed(*raw);
  if (!f) return Status::Corruption("unreadable feed record for this node");
  return f->seq;
}

Status Log::AppendOwedEntries() {
  // Owed entries are signed once the hold ends (ReleaseOwnFeedHold).
  if (own_feed_held_) return Status::Ok();
  std::lock_guard due(due_mu_);
  Status first;
  for (const EntryRules* rules : kinds_.all()) {
    Status s = rules->AfterCommit(*this);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

Result<std::vector<Hash32>> Log::AppendOwed(const std::vector<Draft>& drafts,
                                            const std::vector<std::string>& due_keys) {
  return AppendLocked(drafts, due_keys);
}

Status Log::SetReferralKeys(std::vector<BoxKeyPair> keys) {
  {
    std::lock_guard lock(referral_keys_mu_);
    referral_keys_ = std::move(keys);
  }
  MRC_RETURN_IF_ERROR(AppendOwedEntries());
  NotifyListeners();
  return Status::Ok();
}

std::vector<BoxKeyPair> Log::referral_keys() const {
  std::lock_guard lock(referral_keys_mu_);
  return referral_keys_;
}

Status Log::ScrubErased() {
  std::vector<std::pair<std::string, std::string>> due;  // key, range
  auto read_due = [&]() -> Status {
    due.clear();
    auto it = store_->NewPrefixIterator(Column::kLocal, rec::kScrubDuePrefix);
    for (it->Seek(rec::kScrubDuePrefix); it->Valid(); it->Next())
      due.emplace_back(it->key(), it->value());
    return it->status();
  };
  MRC_RETURN_IF_ERROR(read_due());
  if (due.empty()) return Status::Ok();
  // Erasures are rare; holding writes back while their bytes leave the
  // disk means no erasure can commit between what this scrub reads and
  // the records it deletes (it would be deleted unscrubbed).
  std::lock_guard lock(write_mu_);
  MRC_RETURN_IF_ERROR(read_due());
  if (due.empty()) return Status::Ok();
  // The range of feed keys holding the erased entries, over all of them.
  std::string lo, hi;
  for (const auto& [key, range] : due) {
    std::string_view first, last;
    if (rec::DecodeScrubRange(range, &first, &last)) {
      if (lo.empty() || first < lo) lo = first;
      if (hi.empty() || last > hi) hi = last;
      continue;
    }
    // A record without a range names no entry on disk, unless it was kept
    // before ranges were: the kernel cannot tell which entries it covers,
    // so the whole column is rewritten (erasures are rare, and a byte of
    // an erased payload must not stay behind).
    lo = std::string(1, '\0');
    hi = std::string(41, '\xff');
  }
  if (!lo.empty()) MRC_RETURN_IF_ERROR(store_->Scrub(Column::kEntries, lo, hi));
  MRC_RETURN_IF_ERROR(store_->Scrub(Column::kPending, "", std::string(33, '\xff')));
  storage::WriteBatch done;
  for (const auto& [key, range] : due) done.Delete(Column::kLocal, key);
  return store_->Write(&done);
}

Result<std::vector<Hash32>> Log::Append(const std::vector<Draft>& drafts) {
  auto ids = AppendLocked(drafts);
  if (ids.ok() && !ids->empty()) {
    bool referral = std::any_of(drafts.begin(), drafts.end(),
                                [](const Draft& d) { return d.kind == Kind::kReferral; });
    if (referral) {
      if (Status s = ScrubErased(); !s.ok())
        log::Warn("log", "erased referrals not yet scrubbed from disk: " + s.message());
    }
    NotifyListeners();
  }
  return ids;
}

Result<std::vector<Hash32>> Log::AppendLocked(const std::vector<Draft>& drafts,
                                              const std::vector<std::string>& local_deletes) {
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
  if (own_feed_held_) {
    return Status::Unavailable(
        "this node was restored from a backup and signs nothing until a peer has sent it the "
        "newer entries of its own feed it may hold: connect it to its peers (docs/operations.md, "
        "\"Restoring\")");
  }
  // Every node rejects an entry that is not later than its author's
  // previous one. That entry may be far ahead of the wall clock (an edit of
  // a document from a node whose clock runs ahead), and then the clock
  // loaded at open did not follow it (HybridClock::Observe).
  clock_.Advance(feed.hlc);
  // Each entry's prev is the id of the previous signed form, so entries are
  // signed in order (~12 µs each here). For a large batch a second thread
  // signs while this one applies what is signed: handing over progress every
  // 64 entries keeps thread wake-ups off the per-entry path.
  std::vector<Authenticated> items(drafts.size());
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    const Draft& d = drafts[i];
    // An edit must be later than what it replaces, even when a parent's
    // author had a clock far ahead of ours.
    for (const auto& p : d.parents) {
      auto raw_parent = store_->Get(Column::kIds, AsView(p));
      if (!raw_parent.ok()) continue;  // not here yet: its effect will wait
      if (auto r = rec::DecodeId(*raw_parent)) clock_.Advance(r->hlc);
    }
    items[i].entry = Entry{
        d.kind, d.op, self(), feed.seq + i + 1, {}, clock_.Now(), d.doc, d.parents, {}, 0, {}};
    MRC_RETURN_IF_ERROR(PayloadDigest(d.kind, d.payload, &items[i].entry.payload_hash,
                                      &items[i].entry.payload_size));
    Status shape = CheckShape(items[i].entry);
    if (shape.ok()) shape = CheckKindShape(items[i].entry);
    if (!shape.ok()) return Status::InvalidArgument(shape.message());
    items[i].index = i;
    items[i].content_checked = true;
  }
  std::mutex progress_mu;
  std::condition_variable progress_cv;
  std::size_t signed_count = 0;
  auto sign_all = [&] {
    Hash32 prev = feed.head;
    for (std::size_t i = 0; i < items.size(); ++i) {
      items[i].entry.prev = prev;
      Bytes signed_form = SignEntry(identity_, network_id_, &items[i].entry, &items[i].id);
      prev = items[i].id;
      items[i].stored = rec::EncodeStored(signed_form, drafts[i].payload);
      if ((i + 1) % 64 == 0 || i + 1 == items.size()) {
        std::lock_guard progress(progress_mu);
        signed_count = i + 1;
        progress_cv.notify_one();
      }
    }
  };
  std::function<void(std::size_t)> ready;
  std::jthread signer;  // joined before `items` goes, whatever ApplyAll returns
  if (items.size() >= 256) {
    ready = [&](std::size_t i) {
      std::unique_lock progress(progress_mu);
      progress_cv.wait(progress, [&] { return signed_count > i; });
    };
    signer = std::jthread(sign_all);
  } else {
    sign_all();
  }
  IngestReport report;
  MRC_RETURN_IF_ERROR(ApplyAll(items, &report, &local_deletes, ready));
  if (!report.refused.empty()) return report.refused.front().reason;
  std::vector<Hash32> ids;
  ids.reserve(items.size());
  for (const auto& a : items) ids.push_back(a.id);
  return ids;
}

}  // namespace mrc::sync
