#include "sync/log/ingestor.h"

#include "config/foundation/log.h"
#include "sync/log/records.h"

namespace mrc::sync {

using storage::Column;
namespace rec = records;

Result<Bytes> Ingestor::HeldForm(const Authenticated& a, bool frozen, bool evidence) {
  const EntryRules* rules = kinds_.For(a.entry.kind);
  if (!rules) return a.stored;
  std::string_view signed_form, payload;
  rec::DecodeStored(a.stored, &signed_form, &payload);
  MRC_ASSIGN_OR_RETURN(auto form, rules->HeldForm(applier_, a.entry, payload, frozen, evidence));
  if (!form) return a.stored;
  return rec::EncodeStored(signed_form, *form);
}

Status Ingestor::Park(const Authenticated& a, bool with_wait, bool frozen) {
  MRC_ASSIGN_OR_RETURN(Bytes stored, HeldForm(a, frozen, /*evidence=*/false));
  txn_.Put(Column::kPending, AsView(a.id), stored);
  if (with_wait) txn_.Put(Column::kWaits, rec::WaitKey(rec::kWaitLog, a.entry.prev, a.id), "");
  report_->pending++;
  return Status::Ok();
}

namespace {

// kMeta keys: what is held of each key not yet approved (u64 entries, u64
// bytes), and of all of them together (u64 bytes).
constexpr std::string_view kUnapprovedPrefix = "unapproved/";
constexpr std::string_view kUnapprovedTotal = "unapproved-total";

Bytes UnapprovedKey(const Hash32& author) {
  Bytes key(kUnapprovedPrefix);
  PutHash(&key, author);
  return key;
}

struct Held {
  std::uint64_t entries = 0, bytes = 0;  // of the author
  std::uint64_t total = 0;               // of every unapproved key
};

Result<Held> ReadHeld(Txn& txn, const Hash32& author) {
  Held h;
  MRC_ASSIGN_OR_RETURN(auto mine, txn.Get(Column::kMeta, UnapprovedKey(author)));
  if (mine) {
    std::string_view v = *mine;
    GetU64(&v, &h.entries);
    GetU64(&v, &h.bytes);
  }
  MRC_ASSIGN_OR_RETURN(auto all, txn.Get(Column::kMeta, kUnapprovedTotal));
  if (all) {
    std::string_view v = *all;
    GetU64(&v, &h.total);
  }
  return h;
}

void PutTotal(Txn& txn, std::uint64_t total) {
  Bytes sum;
  PutU64(&sum, total);
  txn.Put(Column::kMeta, kUnapprovedTotal, sum);
}

}  // namespace

Result<bool> Ingestor::HoldUnapproved(const Authenticated& a) {
  const Entry& e = a.entry;
  if (e.author == self_) return true;
  MRC_ASSIGN_OR_RETURN(Standing m, applier_.StandingOf(e.author));
  if (m.member || m.revoked_from != Standing::kNotRevoked) return true;
  MRC_ASSIGN_OR_RETURN(Held h, ReadHeld(txn_, e.author));
  std::uint64_t size = a.stored.size();
  if (h.entries + 1 > unapproved_.entries_per_author ||
      h.bytes + size > unapproved_.bytes_per_author || h.total + size > unapproved_.total_bytes) {
    report_->unapproved++;
    MRC_RETURN_IF_ERROR(Refuse(
        a,
        MakeProblem(Problem::kUnapproved,
                    Describe(e, a.id) + ": its author is not approved, and this node holds " +
                        std::to_string(h.entries) + " entries (" + std::to_string(h.bytes >> 10) +
                        " KiB) of it, " + std::to_string(h.total >> 10) +
                        " KiB of unapproved keys in all: refused until headquarters approves "
                        "the key")));
    return false;
  }
  Bytes value;
  PutU64(&value, h.entries + 1);
  PutU64(&value, h.bytes + size);
  txn_.Put(Column::kMeta, UnapprovedKey(e.author), value);
  PutTotal(txn_, h.total + size);
  return true;
}

Status Ingestor::ReleaseUnapproved(const Hash32& author) {
  MRC_ASSIGN_OR_RETURN(Held h, ReadHeld(txn_, author));
  if (h.entries == 0) return Status::Ok();
  PutTotal(txn_, h.total - std::min(h.total, h.bytes));
  txn_.Delete(Column::kMeta, UnapprovedKey(author));
  return Status::Ok();
}

Status Ingestor::RecordFork(const Authenticated& a, Problem p, std::string detail) {
  // Keep the conflicting signed entry as evidence and freeze the feed: the
  // author's key signed two histories, and no node may pick one silently.
  const Entry& e = a.entry;
  Bytes key = rec::FeedKey(e.author, e.seq);
  PutHash(&key, a.id);
  // Evidence never applies: it keeps no more than the signature needs.
  MRC_ASSIGN_OR_RETURN(Bytes evidence, HeldForm(a, /*frozen=*/true, /*evidence=*/true));
  txn_.Put(Column::kForks, key, evidence);
  MRC_ASSIGN_OR_RETURN(auto feed, GetDecoded<rec::FeedRecord>(txn_, Column::kFeeds,
                                                              AsView(e.author), rec::DecodeFeed));
  if (feed && (!feed->forked || e.seq < feed->fork_seq)) {
    // The fork point is the lowest seq with two entries known; everything
    // of this feed from there on loses its effect, on every node alike.
    feed->forked = true;
    feed->fork_seq = e.seq;
    txn_.Put(Column::kFeeds, AsView(e.author), rec::EncodeFeed(*feed));
    flags_.rebuild = true;
    applier_.ForgetCaches();
  }
  report_->forks++;
  return Refuse(a, MakeProblem(p, Describe(e, a.id) + ": " + detail));
}

Status Ingestor::Accept(Authenticated& a) {
  const Entry& e = a.entry;
  MRC_ASSIGN_OR_RETURN(auto known, txn_.Get(Column::kIds, AsView(a.id)));
  if (known) {
    report_->duplicates++;
    const EntryRules* rules = kinds_.For(e.kind);
    if (!rules) return Status::Ok();
    auto held = rec::DecodeId(*known);
    if (!held) return Status::Corruption("unreadable id record");
    MRC_ASSIGN_OR_RETURN(bool replaced, rules->Again(applier_, e, a.id, a.stored, *held));
    if (replaced) report_->filled++;
    return Status::Ok();
  }
  MRC_ASSIGN_OR_RETURN(auto feed, GetDecoded<rec::FeedRecord>(txn_, Column::kFeeds,
                                                              AsView(e.author), rec::DecodeFeed));
  rec::FeedRecord f = feed.value_or(rec::FeedRecord{});
  if (f.forked && e.seq > f.seq)
    return Park(a, /*with_wait=*/false, /*frozen=*/true);  // kept, not applied
  if (e.seq <= f.seq) {
    // Already held under another id: a second entry for this seq (evidence
    // that is already known is a duplicate).
    Bytes key = rec::FeedKey(e.author, e.seq);
    PutHash(&key, a.id);
    MRC_ASSIGN_OR_RETURN(auto evidence, txn_.Get(Column::kForks, key));
    if (evidence) {
      report_->duplicates++;
      return Status::Ok();
    }
    return RecordFork(a, Problem::kFork, "another entry holds seq " + std::to_string(e.seq));
  }
  if (e.seq > 1 && e.seq == f.seq + 1 && e.prev != f.head) {
    return RecordFork(a, Problem::kBrokenChain,
                      "prev does not match the author's entry " + std::to_string(e.seq - 1));
  }
  // A parked entry was counted when it arrived.
  if (a.index != SIZE_MAX) {
    MRC_ASSIGN_OR_RETURN(bool held, HoldUnapproved(a));
    if (!held) return Status::Ok();
  }
  if (e.seq > f.seq + 1) return Park(a, /*with_wait=*/true);
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
  rec::IdRecord r{e.author, e.seq, d.effect, e.DocId(id), e.hlc, e.kind, e.op, d.authoritative};
  txn_.Put(Column::kIds, AsView(id), rec::EncodeId(r));
  if (d.effect == Effect::kWaiting) {
    txn_.Put(Column::kWaits, rec::WaitKey(d.wait_tag, d.wait_on, id), "");
    return Status::Ok();
  }
  if (d.effect == Effect::kRejected) {
    txn_.Put(Column::kRejects, AsView(id), d.reason.message());
    if (!flags_.rebuilding) log::Warn("log", "rejected " + d.reason.message());
  }
  if (const EntryRules* rules = kinds_.For(e.kind)) {
    MRC_RETURN_IF_ERROR(rules->Recorded(applier_, e, id, payload, d));
  }
  if (auto key = applier_.TakeWakeMember()) {
    MRC_RETURN_IF_ERROR(ReleaseUnapproved(*key));
    MRC_RETURN_IF_ERROR(Wake(rec::kWaitMember, *key));
  }
  return Wake(rec::kWaitEffect, id);
}

Status Ingestor::Wake(char tag, const Hash32& id) {
  Bytes prefix(1, tag);
  PutHash(&prefix, id);
  // Most batches (a catch-up in feed order) park nothing, and the store
  // holds few waits if any: a wake looks only at the batch's own waits
  // unless the store holds one for this id. (A store seek for each wake,
  // two per entry, took ~4% of a catch-up's CPU at a node holding a single
  // wait.)
  if (!store_waits_read_) {
    constexpr std::size_t kMaxKeptWaits = 4096;
    MRC_ASSIGN_OR_RETURN(auto held, txn_.StoreKeys(Column::kWaits, kMaxKeptWaits));
    if (held) {
      store_awaited_.emplace();
      for (const auto& k : *held) store_awaited_->insert(k.substr(0, 33));
    }
    store_waits_read_ = true;
  }
  std::vector<std::string> keys;
  if (!store_awaited_ || store_awaited_->contains(prefix)) {
    MRC_ASSIGN_OR_RETURN(keys, txn_.KeysWithPrefix(Column::kWaits, prefix));
  } else {
    keys = txn_.OverlayKeysWithPrefix(Column::kWaits, prefix);
  }
  for (const auto& k : keys) {
    Hash32 waiter = Hash32FromView(std::string_view(k).substr(33));
    if (tag != rec::kWaitLog) txn_.Delete(Column::kWaits, k);
    queue_.push_back(
        {tag == rec::kWaitLog ? TaskKind::kFromPending : TaskKind::kReevaluate, waiter});
  }
  return Status::Ok();
}

Status Ingestor::RunTask(const Task& t) {
  if (t.kind == TaskKind::kFromPending) {
    MRC_ASSIGN_OR_RETURN(auto stored, txn_.Get(Column::kPending, AsView(t.id)));
    if (!stored) return Status::Ok();
    std::string_view signed_form, payload;
    if (!rec::DecodeStored(*stored, &signed_form, &payload))
      return Status::Corruption("unreadable pending entry");
    MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
    Authenticated a{d.entry, d.id, std::move(*stored), SIZE_MAX, false, Status()};
    return Accept(a);
  }
  MRC_ASSIGN_OR_RETURN(auto r,
                       GetDecoded<rec::IdRecord>(txn_, Column::kIds, AsView(t.id), rec::DecodeId));
  if (!r || r->effect != Effect::kWaiting) return Status::Ok();
  MRC_ASSIGN_OR_RETURN(auto stored, txn_.Get(Column::kEntries, rec::FeedKey(r->author, r->seq)));
  std::string_view signed_form, payload;
  if (!stored || !rec::DecodeStored(*stored, &signed_form, &payload)) {
    return Status::Corruption("entry " + Short(t.id) + " indexed but not stored");
  }
  MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
  std::uint64_t prev_hlc = 0;
  if (d.entry.seq > 1) {
    MRC_ASSIGN_OR_RETURN(auto prev, GetDecoded<rec::IdRecord>(txn_, Column::kIds,
                                                              AsView(d.entry.prev), rec::DecodeId));
    if (prev) prev_hlc = prev->hlc;
  }
  return Resolve(d.entry, d.id, payload, prev_hlc);
}

Status Ingestor::RebuildIfNeeded() {
  if (!flags_.rebuild || flags_.rebuilding) return Status::Ok();
  flags_.rebuilding = true;
  Status s = Rebuild();
  flags_.rebuilding = false;
  flags_.rebuild = false;
  return s;
}

// Forgets every effect and judges every entry in the log again, in an order
// that settles trust first: the root key's statements (which alone revoke),
// then every other trust statement, then everything else. Within a phase the
// waits resolve dependencies as in a normal ingest, so the result is what a
// new node receiving the same entries computes.
Status Ingestor::Rebuild() {
  applier_.ForgetCaches();
  std::vector<Column> columns = {Column::kDocs, Column::kRejects, Column::kIds};
  for (const EntryRules* rules : kinds_.all()) {
    for (Column c : rules->columns()) columns.push_back(c);
  }
  for (Column c : columns) {
    MRC_ASSIGN_OR_RETURN(auto keys, txn_.KeysWithPrefix(c, ""));
    for (const auto& k : keys) txn_.Delete(c, k);
  }
  for (char tag : {rec::kWaitEffect, rec::kWaitMember, rec::kWaitKind}) {
    MRC_ASSIGN_OR_RETURN(auto keys, txn_.KeysWithPrefix(Column::kWaits, std::string(1, tag)));
    for (const auto& k : keys) txn_.Delete(Column::kWaits, k);
  }
  MRC_ASSIGN_OR_RETURN(auto entries, txn_.KeysWithPrefix(Column::kEntries, ""));
  const Hash32& root = applier_.root();
  for (int phase = 0; phase < 3; ++phase) {
    for (const auto& key : entries) {
      MRC_ASSIGN_OR_RETURN(auto stored, txn_.Get(Column::kEntries, key));
      std::string_view signed_form, payload;
      if (!stored || !rec::DecodeStored(*stored, &signed_form, &payload)) {
        return Status::Corruption("unreadable entry during rebuild");
      }
      MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
      const Entry& e = d.entry;
      const EntryRules* rules = kinds_.For(e.kind);
      int wanted = rules ? rules->RebuildPhase(e, root) : 2;
      if (wanted != phase) continue;
      std::uint64_t prev_hlc = 0;
      if (e.seq > 1) {
        MRC_ASSIGN_OR_RETURN(auto prev,
                             txn_.Get(Column::kEntries, rec::FeedKey(e.author, e.seq - 1)));
        std::string_view prev_form, prev_payload;
        if (!prev || !rec::DecodeStored(*prev, &prev_form, &prev_payload)) {
          return Status::Corruption("feed gap during rebuild");
        }
        MRC_ASSIGN_OR_RETURN(auto pd, DecodeEntry(prev_form));
        prev_hlc = pd.entry.hlc;
      }
      MRC_RETURN_IF_ERROR(Resolve(e, d.id, payload, prev_hlc));
      MRC_RETURN_IF_ERROR(Drain());
    }
  }
  return Status::Ok();
}

Status Ingestor::Drain() {
  while (!queue_.empty()) {
    Task t = queue_.front();
    queue_.pop_front();
    MRC_RETURN_IF_ERROR(RunTask(t));
  }
  return Status::Ok();
}

}  // namespace mrc::sync
