// Reads of the log and documents: lookups, history, the state digest and full
// re-verification. None of these take the write lock.
#include <algorithm>
#include <optional>
#include <set>

#include "config/foundation/progress.h"
#include "storage/store.h"
#include "sync/log/log.h"
#include "sync/log/log_txn.h"
#include "sync/log/record_sum.h"
#include "sync/log/records.h"

namespace mrc::sync {

using storage::Column;
namespace rec = records;

namespace {

// What `compute` gives, kept while the store's generation stays the same:
// only a value computed while no write began or ended is kept.
template <typename T, typename F>
Result<T> CachedAt(storage::Store* store, std::mutex* mu,
                   std::optional<std::pair<std::uint64_t, T>>* cache, F compute) {
  std::uint64_t generation = store->Generation();
  {
    std::lock_guard lock(*mu);
    if (*cache && (*cache)->first == generation) return (*cache)->second;
  }
  MRC_ASSIGN_OR_RETURN(T value, compute());
  if (store->Generation() == generation && generation % 2 == 0) {
    std::lock_guard lock(*mu);
    cache->emplace(generation, value);
  }
  return value;
}

// Counts verify's problems and hands each on.
class Findings {
 public:
  explicit Findings(const std::function<void(const Status&)>& sink) : sink_(sink) {}
  void Add(const Status& s) {
    found_++;
    sink_(s);
  }
  void Add(Problem p, const Hash32& author, std::uint64_t seq, std::string_view what) {
    Add(MakeProblem(p, "feed " + ToHex(author).substr(0, 12) + " seq " + std::to_string(seq) +
                           ": " + std::string(what)));
  }
  std::uint64_t count() const { return found_; }

 private:
  const std::function<void(const Status&)>& sink_;
  std::uint64_t found_ = 0;
};

// Each feed's chain as verify walks the entries in key order. An entry's id
// is the hash of its signed form, signature included, and the feed's next
// entry names it as prev: one valid signature at the end of a run of linked
// entries vouches for every entry of the run. So a signature is checked at
// the end of each run (a feed's last entry, or the last before a gap or a
// broken link), and verify is bound by hashing and reading rather than by
// Ed25519.
class ChainWalk {
 public:
  ChainWalk(const Hash32& network_id, Findings* findings)
      : network_id_(network_id), findings_(findings) {}

  void Next(const Hash32& author, std::uint64_t seq, std::string_view signed_form,
            const DecodedEntry& d) {
    if (first_ || author != author_) {
      CheckTail();
      author_ = author;
      expect_ = 1;
      prev_ = Hash32{};
      first_ = false;
    }
    bool linked = true;
    if (d.entry.author != author || d.entry.seq != seq) {
      findings_->Add(Problem::kMalformed, author, seq, "stored under the wrong key");
      linked = false;
    }
    if (seq != expect_) {
      findings_->Add(Problem::kSeqGap, author, seq, "expected seq " + std::to_string(expect_));
      linked = false;
    } else if (d.entry.prev != prev_) {
      findings_->Add(Problem::kBrokenChain, author, seq, "prev does not match the previous entry");
      linked = false;
    }
    // Linked: this entry vouches for the run so far. Not: the run ends
    // before it, and its last entry's signature is checked on its own.
    if (!linked) CheckTail();
    tail_ = Tail{Bytes(signed_form), author, seq};
    expect_ = seq + 1;
    prev_ = d.id;
  }

  void Finish() { CheckTail(); }

 private:
  struct Tail {
    Bytes signed_form;
    Hash32 author{};
    std::uint64_t seq = 0;
  };

  void CheckTail() {
    if (!tail_) return;
    auto d = DecodeEntry(tail_->signed_form);
    if (!d.ok() || !CheckSignature(network_id_, *d))
      findings_->Add(Problem::kBadSignature, tail_->author, tail_->seq,
                     "signature does not verify");
    tail_.reset();
  }

  Hash32 network_id_;
  Findings* findings_;
  std::optional<Tail> tail_;
  Hash32 author_{};
  std::uint64_t expect_ = 0;
  Hash32 prev_{};
  bool first_ = true;
};

// Every feed's head entry is stored, and the digest's kept record sum is
// the sum of the records.
Status VerifyHeadsAndSum(storage::Store& store, const std::vector<FeedHead>& feeds,
                         Findings& findings) {
  for (const auto& f : feeds) {
    auto stored = store.Get(Column::kEntries, rec::FeedKey(f.author, f.seq));
    if (!stored.ok()) findings.Add(Problem::kSeqGap, f.author, f.seq, "feed head entry is missing");
  }
  MRC_ASSIGN_OR_RETURN(RecordSum scanned, ScanRecordSum(store));
  auto kept = store.Get(Column::kMeta, kRecordSumKey);
  if (!kept.ok() || RecordSum::Decode(*kept) != scanned)
    findings.Add(MakeProblem(Problem::kMalformed,
                             "the digest's kept record sum does not match the records"));
  return Status::Ok();
}

Status Unreadable(std::string_view what, const Hash32& id) {
  return Status::Corruption("unreadable " + std::string(what) + " record " + ToHex(id));
}

}  // namespace

Result<DocState> Log::GetDoc(const Hash32& doc_id) {
  auto raw = store_->Get(Column::kDocs, AsView(doc_id));
  if (raw.status().IsNotFound())
    return Status::NotFound("document " + ToHex(doc_id) + " does not exist");
  if (!raw.ok()) return raw.status();
  auto doc = rec::DecodeDoc(doc_id, *raw);
  if (!doc) return Unreadable("document", doc_id);
  return *doc;
}

Status Log::ScanDocs(const Hash32* after, const std::function<bool(const DocState&)>& fn) {
  auto it = store_->NewIterator(Column::kDocs);
  if (after) {
    it->Seek(AsView(*after));
    if (it->Valid() && it->key() == AsView(*after)) it->Next();
  } else {
    it->SeekToFirst();
  }
  for (; it->Valid(); it->Next()) {
    if (it->key().size() != 32) return Status::Corruption("bad key in docs");
    Hash32 id = Hash32FromView(it->key());
    auto doc = rec::DecodeDoc(id, it->value());
    if (!doc) return Unreadable("document", id);
    if (!fn(*doc)) break;
  }
  return it->status();
}

Result<Version> Log::GetVersion(const Hash32& entry_id) {
  auto raw = store_->Get(Column::kIds, AsView(entry_id));
  if (raw.status().IsNotFound())
    return Status::NotFound("version " + ToHex(entry_id) + " does not exist");
  if (!raw.ok()) return raw.status();
  auto r = rec::DecodeId(*raw);
  if (!r) return Unreadable("id", entry_id);
  MRC_ASSIGN_OR_RETURN(auto stored, store_->Get(Column::kEntries, rec::FeedKey(r->author, r->seq)));
  std::string_view signed_form, payload;
  if (!rec::DecodeStored(stored, &signed_form, &payload)) return Unreadable("entry", entry_id);
  MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
  return Version{entry_id, r->doc, d.entry, r->effect, std::string(payload)};
}

Result<std::vector<Version>> Log::History(const Hash32& doc_id) {
  MRC_ASSIGN_OR_RETURN(DocState doc, GetDoc(doc_id));
  // Every applied version is a head or an ancestor of one: walk parents
  // (accepted proposals are ancestors too, and show in the history).
  std::vector<Version> out;
  std::set<Hash32> seen;
  std::vector<Hash32> todo;
  for (const auto& h : doc.heads) todo.push_back(h.id);
  while (!todo.empty()) {  // `seen` bounds it: every id is visited once
    Hash32 id = todo.back();
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    MRC_ASSIGN_OR_RETURN(Version v, GetVersion(id));
    for (const auto& p : v.entry.parents) todo.push_back(p);
    out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const Version& a, const Version& b) {
    return a.entry.hlc != b.entry.hlc ? a.entry.hlc < b.entry.hlc : a.id < b.id;
  });
  return out;
}

Result<std::string> Log::RejectReason(const Hash32& entry_id) {
  return store_->Get(Column::kRejects, AsView(entry_id));
}

Result<std::vector<FeedHead>> Log::Feeds() {
  return CachedAt<std::vector<FeedHead>>(store_, &feeds_mu_, &feeds_cache_, [&] {
    std::vector<FeedHead> out;
    auto it = store_->NewIterator(Column::kFeeds);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto f = rec::DecodeFeed(it->value());
      if (!f || it->key().size() != 32)
        return Result<std::vector<FeedHead>>(Status::Corruption("unreadable feed record"));
      out.push_back(
          {Hash32FromView(it->key()), f->seq, f->head, f->forked, f->forked ? f->fork_seq : 0});
    }
    if (!it->status().ok()) return Result<std::vector<FeedHead>>(it->status());
    return Result<std::vector<FeedHead>>(std::move(out));
  });
}

Result<std::pair<std::uint64_t, std::vector<Log::Rejection>>> Log::Rejections(std::size_t max) {
  std::pair<std::uint64_t, std::vector<Rejection>> out;
  auto it = store_->NewIterator(Column::kRejects);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (out.second.size() < max && it->key().size() == 32) {
      out.second.push_back({Hash32FromView(it->key()), std::string(it->value())});
    }
    out.first++;
  }
  MRC_RETURN_IF_ERROR(it->status());
  return out;
}

Result<std::vector<Incoming>> Log::ForkEvidence(const Hash32& author) {
  std::vector<Incoming> out;
  auto it = store_->NewPrefixIterator(Column::kForks, AsView(author));
  for (it->Seek(AsView(author)); it->Valid(); it->Next()) {
    std::string_view signed_form, payload;
    if (!rec::DecodeStored(it->value(), &signed_form, &payload))
      return Unreadable("fork evidence", author);
    out.push_back({Bytes(signed_form), Bytes(payload)});
  }
  MRC_RETURN_IF_ERROR(it->status());
  return out;
}

Result<std::vector<Incoming>> Log::ReadFeed(const Hash32& author, std::uint64_t from_seq,
                                            std::size_t max) {
  std::vector<Incoming> out;
  auto it = store_->NewScanIterator(Column::kEntries, AsView(author));
  for (it->Seek(rec::FeedKey(author, from_seq)); it->Valid() && out.size() < max; it->Next()) {
    std::string_view signed_form, payload;
    if (!rec::DecodeStored(it->value(), &signed_form, &payload)) return Unreadable("entry", author);
    out.push_back({Bytes(signed_form), Bytes(payload)});
  }
  MRC_RETURN_IF_ERROR(it->status());
  return out;
}

namespace {

// The key's entries held here, and how many of them wait for its approval.

}  // namespace

Result<Standing> Log::StandingOf(const Hash32& key) {
  Txn view(store_);  // never committed: reads only
  return kinds_.authority().StandingOf(view, root_, key);
}

Result<std::vector<Hash32>> Log::EntriesAtForkPoint(const FeedHead& f) {
  std::vector<Hash32> ids;
  auto own = store_->Get(Column::kEntries, rec::FeedKey(f.author, f.fork_seq));
  if (own.ok()) {
    std::string_view signed_form, payload;
    if (!rec::DecodeStored(*own, &signed_form, &payload)) return Unreadable("entry", f.author);
    MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
    ids.push_back(d.id);
  } else if (!own.status().IsNotFound()) {
    return own.status();
  }
  Bytes prefix = rec::FeedKey(f.author, f.fork_seq);
  auto it = store_->NewPrefixIterator(Column::kForks, prefix);
  for (it->Seek(prefix); it->Valid(); it->Next())
    ids.push_back(Hash32FromView(it->key().substr(40, 32)));
  MRC_RETURN_IF_ERROR(it->status());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<DigestInfo> Log::Digest() {
  MRC_ASSIGN_OR_RETURN(DigestInfo info, CachedAt<DigestInfo>(store_, &digest_mu_, &digest_cache_,
                                                             [&] { return ComputeDigest(); }));
  info.unapproved_refused = unapproved_refused_;
  info.added = added_;
  return info;
}

Result<DigestInfo> Log::ComputeDigest() {
  // One consistent pass would need a snapshot; the digest is compared after
  // quiescence, so separate passes over docs and feeds are enough.
  DigestInfo info;
  Hasher h;
  h.Update("mrc-digest-v2");
  // Documents, trust, receipt, proposal and referral records, summed as they
  // were written (sync/log/record_sum.h). Trust and receipt records are keyed by
  // the statements that made them, so they too are equal on nodes holding
  // the same entries.
  MRC_ASSIGN_OR_RETURN(std::string raw, store_->Get(Column::kMeta, kRecordSumKey));
  auto sum = RecordSum::Decode(raw);
  if (!sum) return Status::Corruption("unreadable record sum");
  h.Update(sum->SumBytes());
  info.documents = sum->documents();
  MRC_ASSIGN_OR_RETURN(auto feeds, Feeds());
  for (const auto& f : feeds) {
    Bytes b;
    PutHash(&b, f.author);
    if (f.forked) {
      // Nodes may hold different branches of a forked feed; what they share
      // is the fork point and the entries known at it (own and evidence).
      MRC_ASSIGN_OR_RETURN(auto at_fork, EntriesAtForkPoint(f));
      PutU64(&b, f.fork_seq);
      for (const auto& id : at_fork) PutHash(&b, id);
    } else {
      PutU64(&b, f.seq);
      PutHash(&b, f.id);
    }
    h.Update(b);
    info.entries += f.seq;
    info.authors++;
  }
  info.digest = h.Finish();
  auto count = [&](Column c, char tag) -> Result<std::uint64_t> {
    std::uint64_t n = 0;
    auto i = store_->NewIterator(c);
    for (i->SeekToFirst(); i->Valid(); i->Next()) {
      if (tag == 0 || i->key()[0] == tag) n++;
    }
    MRC_RETURN_IF_ERROR(i->status());
    return n;
  };
  MRC_ASSIGN_OR_RETURN(auto parked, count(Column::kPending, 0));
  MRC_ASSIGN_OR_RETURN(auto waiting, count(Column::kWaits, rec::kWaitEffect));
  MRC_ASSIGN_OR_RETURN(auto unenrolled, count(Column::kWaits, rec::kWaitMember));
  waiting += unenrolled;
  MRC_ASSIGN_OR_RETURN(info.awaiting_upgrade, count(Column::kWaits, rec::kWaitKind));
  MRC_ASSIGN_OR_RETURN(info.forks, count(Column::kForks, 0));
  info.pending = parked + waiting;
  return info;
}

Result<std::uint64_t> Log::Verify(const std::function<void(const Status&)>& problem,
                                  Progress* progress) {
  Findings findings(problem);
  ChainWalk chain(network_id_, &findings);
  auto it = store_->NewIterator(Column::kEntries);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (progress) progress->Add();
    std::string_view key = it->key();
    Hash32 author;
    std::uint64_t seq = 0;
    if (!GetHash(&key, &author) || !GetU64(&key, &seq) || !key.empty()) {
      findings.Add(Problem::kMalformed, author, 0, "bad key");
      continue;
    }
    std::string_view signed_form, payload;
    if (!rec::DecodeStored(it->value(), &signed_form, &payload)) {
      findings.Add(Problem::kMalformed, author, seq, "unreadable stored entry");
      continue;
    }
    auto d = DecodeEntry(signed_form);
    if (d.ok()) {
      if (Status shape = CheckKindShape(d->entry); !shape.ok()) d = shape;
    }
    if (!d.ok()) {
      findings.Add(d.status());
      continue;
    }
    chain.Next(author, seq, signed_form, *d);
    if (!CheckPayload(d->entry, payload).ok())
      findings.Add(Problem::kPayloadMismatch, author, seq, "payload does not match its hash");
    auto idrec = store_->Get(Column::kIds, AsView(d->id));
    auto r = idrec.ok() ? rec::DecodeId(*idrec) : std::nullopt;
    if (!r || r->author != author || r->seq != seq)
      findings.Add(Problem::kMalformed, author, seq, "id index missing or wrong");
  }
  chain.Finish();
  MRC_RETURN_IF_ERROR(it->status());
  MRC_ASSIGN_OR_RETURN(auto feeds, Feeds());
  MRC_RETURN_IF_ERROR(VerifyHeadsAndSum(*store_, feeds, findings));
  return findings.count();
}

}  // namespace mrc::sync
