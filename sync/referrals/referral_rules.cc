#include "sync/referrals/referral_rules.h"

#include <algorithm>

#include "config/foundation/log.h"
#include "sync/crypto/sealed.h"
#include "sync/log/log.h"
#include "sync/log/log_txn.h"
#include "sync/log/records.h"
#include "sync/referrals/referral.h"
#include "sync/referrals/referral_records.h"
#include "sync/trust/trust_records.h"

namespace mrc::sync::referrals {

using storage::Column;

namespace {

class ReferralRulesImpl : public EntryRules {
 public:
  ReferralRulesImpl() : EntryRules({Kind::kReferral}, {Column::kReferrals}) {}
  Status CheckShape(const Entry& e) const override {
    if (e.op != Op::kPut || e.parents.size() != (e.IsRoot() ? 0u : 1u)) {
      return MakeProblem(Problem::kMalformed,
                         "a referral entry is a put: the first with no parent, a status with one");
    }
    return Status::Ok();
  }
  Status Validate(const Entry&, std::string_view payload) const override {
    MRC_ASSIGN_OR_RETURN(ReferralPayload p, DecodeReferralPayload(payload));
    return ParseReferralMeta(p.meta).status();
  }
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override;
  // A rejected referral loses its sealed parts; one sent here is owed a
  // "received"; an erasure is scrubbed from disk after the commit.
  Status Recorded(ApplyContext& ctx, const Entry& e, const Hash32& id, std::string_view payload,
                  const Decision& d) const override;
  Result<std::optional<Bytes>> HeldForm(ApplyContext& ctx, const Entry& e, std::string_view payload,
                                        bool frozen, bool evidence) const override;
  Result<bool> Again(ApplyContext& ctx, const Entry& e, const Hash32& id, std::string_view stored,
                     const records::IdRecord& held) const override;
  // Signs the "received" statuses owed for referrals to this node, once
  // the log has the keys to open their envelopes (Log::SetReferralKeys).
  Status AfterCommit(Log& log) const override;
};

}  // namespace

namespace {

// kLocal: a referral to this node that it has not yet signed "received"
// for, keyed by the referral id; the value is empty.
constexpr std::string_view kReferralDuePrefix = "referral-due/";

}  // namespace

Status EraseStored(Txn& txn, const Hash32& author, std::uint64_t seq) {
  Bytes key = records::FeedKey(author, seq);
  MRC_ASSIGN_OR_RETURN(auto stored, txn.Get(Column::kEntries, key));
  std::string_view signed_form, payload;
  if (!stored || !records::DecodeStored(*stored, &signed_form, &payload))
    return Status::Corruption("referral entry " + Short(author) + "#" + std::to_string(seq) +
                              " not stored");
  MRC_ASSIGN_OR_RETURN(ReferralPayload p, DecodeReferralPayload(payload));
  if (p.erased || p.sealed_size == 0) return Status::Ok();
  MRC_ASSIGN_OR_RETURN(Bytes erased, EraseReferralPayload(payload));
  txn.Put(Column::kEntries, key, records::EncodeStored(signed_form, erased));
  // Its old bytes must leave RocksDB's files too (Log::ScrubErased), unless
  // they never reached them (the whole form came in this batch).
  MRC_ASSIGN_OR_RETURN(auto on_disk, txn.StoreValue(Column::kEntries, key));
  if (!on_disk) return Status::Ok();
  MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
  std::string due_key =
      std::string(records::kScrubDuePrefix) + std::string(AsView(d.entry.DocId(d.id)));
  MRC_ASSIGN_OR_RETURN(auto due, txn.Get(Column::kLocal, due_key));
  txn.Put(Column::kLocal, due_key, records::WidenScrubRange(due.value_or(""), key));
  return Status::Ok();
}

Status EraseSealedParts(Txn& txn, const ReferralInfo& r) {
  for (const auto& s : r.steps) {
    if (s.sealed_size == 0) continue;
    MRC_ASSIGN_OR_RETURN(
        auto id, GetDecoded<records::IdRecord>(txn, Column::kIds, AsView(s.id), records::DecodeId));
    if (!id) return Status::Corruption("referral step " + Short(s.id) + " not indexed");
    MRC_RETURN_IF_ERROR(EraseStored(txn, id->author, id->seq));
  }
  // Its statuses whose effect was rejected (a note sealed all the same).
  MRC_ASSIGN_OR_RETURN(
      auto rejected,
      txn.KeysWithPrefix(Column::kLocal, "referral-rejected/" + std::string(AsView(r.id))));
  for (const auto& k : rejected) {
    Hash32 entry = Hash32FromView(std::string_view(k).substr(k.size() - 32));
    MRC_ASSIGN_OR_RETURN(auto id, GetDecoded<records::IdRecord>(txn, Column::kIds, AsView(entry),
                                                                records::DecodeId));
    if (id) MRC_RETURN_IF_ERROR(EraseStored(txn, id->author, id->seq));
  }
  // Entries of the referral still waiting for a predecessor.
  MRC_ASSIGN_OR_RETURN(auto keys, txn.KeysWithPrefix(Column::kPending, ""));
  for (const auto& k : keys) {
    MRC_ASSIGN_OR_RETURN(auto stored, txn.Get(Column::kPending, k));
    std::string_view signed_form, payload;
    if (!stored || !records::DecodeStored(*stored, &signed_form, &payload)) continue;
    auto d = DecodeEntry(signed_form);
    if (!d.ok() || d->entry.kind != Kind::kReferral || d->entry.DocId(d->id) != r.id) continue;
    auto held = DecodeReferralPayload(payload);
    if (!held.ok() || held->erased || held->sealed_size == 0) continue;
    auto erased = EraseReferralPayload(payload);
    if (erased.ok()) txn.Put(Column::kPending, k, records::EncodeStored(signed_form, *erased));
  }
  return Status::Ok();
}

namespace {

// A referral status whose effect was rejected still carries what was
// sealed in it: remember it with its referral, so that an erasure takes it
// too (now, if the referral was erased already).
Status KeepRejectedNote(Txn& txn, const Entry& e, const Hash32& id, std::string_view payload) {
  auto p = DecodeReferralPayload(payload);
  if (!p.ok() || p->erased || p->sealed_size == 0) return Status::Ok();
  txn.Put(Column::kLocal,
          "referral-rejected/" + std::string(AsView(e.doc)) + std::string(AsView(id)), "");
  MRC_ASSIGN_OR_RETURN(auto referral, Get(txn, e.doc));
  // Erased now if its referral was, or has no effect (nothing would ever
  // erase it then).
  if (!referral || referral->erased) MRC_RETURN_IF_ERROR(EraseStored(txn, e.author, e.seq));
  return Status::Ok();
}

}  // namespace

namespace {

// A referral's first entry: its sending, to another centre, with sealed
// details.
Result<Decision> ApplySending(ApplyContext& ctx, const Entry& e, const Hash32& id,
                              const ReferralMeta& meta, const ReferralStep& step) {
  if (meta.status != ReferralStatus::kSent) {
    return Decision::Rejected(MakeProblem(
        Problem::kInvalidContent, Describe(e, id) + ": a referral's first entry is its sending"));
  }
  if (meta.to == e.author || step.sealed_size == 0) {
    return Decision::Rejected(
        MakeProblem(Problem::kInvalidContent,
                    Describe(e, id) + ": a referral goes to another centre, with sealed details"));
  }
  ReferralInfo r;
  r.id = id;
  r.sender = e.author;
  r.to = meta.to;
  r.hlc = e.hlc;
  PutReferral(ctx.txn(), r);
  PutStep(ctx.txn(), id, step);
  return Decision::Applied();
}

// Who may set a status after which (docs/referrals.md): the receiving
// centre receives, accepts or declines, then completes; the sending centre
// withdraws; either erases. The rejection when `author` may not set it
// after `prior`, else nullopt.
std::optional<Decision> StatusRefused(const Entry& e, const Hash32& id, const ReferralInfo& r,
                                      ReferralStatus status, ReferralStatus prior, bool by_sender,
                                      bool by_receiver, std::uint32_t sealed) {
  using S = ReferralStatus;
  std::string what = Describe(e, id) + ": ";
  std::string name(ReferralStatusName(status));
  auto not_after = [&] {
    return Decision::Rejected(
        MakeProblem(Problem::kBadParent,
                    what + name + " cannot follow " + std::string(ReferralStatusName(prior))));
  };
  switch (status) {
    case S::kSent:
      return Decision::Rejected(
          MakeProblem(Problem::kInvalidContent, what + "only a referral's first entry is sent"));
    case S::kReceived:
    case S::kAccepted:
    case S::kDeclined:
    case S::kCompleted:
      if (!by_receiver)
        return NotAuthorised(e, id, "only the receiving centre " + Short(r.to) + " sets " + name);
      if (status == S::kReceived && prior != S::kSent) return not_after();
      if ((status == S::kAccepted || status == S::kDeclined) && prior != S::kSent &&
          prior != S::kReceived)
        return not_after();
      if (status == S::kCompleted && prior != S::kAccepted) return not_after();
      return std::nullopt;
    case S::kWithdrawn:
      if (!by_sender)
        return NotAuthorised(e, id, "only the sending centre " + Short(r.sender) + " withdraws");
      if (prior != S::kSent) return not_after();
      return std::nullopt;
    case S::kErased:
      if (!by_sender && !by_receiver)
        return NotAuthorised(e, id, "only the sending or the receiving centre erases a referral");
      if (sealed != 0) {
        return Decision::Rejected(
            MakeProblem(Problem::kInvalidContent, what + "an erasure carries nothing sealed"));
      }
      return std::nullopt;
  }
  return std::nullopt;
}

// A status allowed: recorded, and an erasure takes every sealed part.
Status RecordStatus(ApplyContext& ctx, const Entry& e, const Hash32& id, const ReferralStep& step,
                    ReferralInfo& r) {
  PutStep(ctx.txn(), e.doc, step);
  if (step.status == ReferralStatus::kErased) {
    // Both centres may erase (retention runs at each): the record names the
    // earliest erasure by (hlc, id), whatever order they arrive in.
    bool first = !r.erased;
    if (first || e.hlc < r.erased_hlc || (e.hlc == r.erased_hlc && id < r.erase_entry)) {
      r.erased = true;
      r.erased_by = e.author;
      r.erased_hlc = e.hlc;
      r.erase_entry = id;
      PutReferral(ctx.txn(), r);
    }
    if (first) {
      r.steps.push_back(step);
      MRC_RETURN_IF_ERROR(EraseSealedParts(ctx.txn(), r));
    }
  } else if (r.erased && step.sealed_size != 0) {
    // A status that reaches this node after the erasure is stored erased.
    MRC_RETURN_IF_ERROR(EraseStored(ctx.txn(), e.author, e.seq));
  }
  return Status::Ok();
}

}  // namespace

Result<Decision> ReferralRulesImpl::Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                                          std::string_view payload, const Standing&) const {
  MRC_ASSIGN_OR_RETURN(ReferralPayload p, DecodeReferralPayload(payload));
  MRC_ASSIGN_OR_RETURN(ReferralMeta meta, ParseReferralMeta(p.meta));
  ReferralStep step{id, meta.status, e.author, e.hlc, p.sealed_size};
  if (e.IsRoot()) return ApplySending(ctx, e, id, meta, step);
  // An erasure stands whatever became of the step it follows (a status
  // that lost its effect when its author's feed forked, say): the wish to
  // be forgotten does not depend on the trail.
  bool erasing = meta.status == ReferralStatus::kErased;
  std::vector<records::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, ctx.Parents(e, id, &parents, erasing));
  if (pending) return *pending;
  const records::IdRecord& parent = parents.front();
  std::string what = Describe(e, id) + ": ";
  if (parent.kind != Kind::kReferral || parent.doc != e.doc || parent.hlc >= e.hlc) {
    return Decision::Rejected(
        MakeProblem(Problem::kBadParent,
                    what + "its parent is not an earlier step of referral " + Short(e.doc)));
  }
  MRC_ASSIGN_OR_RETURN(auto r, Get(ctx.txn(), e.doc));
  MRC_ASSIGN_OR_RETURN(auto before, GetStep(ctx.txn(), e.doc, e.parents.front()));
  if (!r && parent.effect == Effect::kRejected) {
    // Its sending has no effect: nothing to erase that is not erased.
    return Decision::Rejected(
        MakeProblem(Problem::kBadParent, what + "referral " + Short(e.doc) + " has no effect"));
  }
  if (!r || (!before && parent.effect != Effect::kRejected))
    return Status::Corruption("referral " + Short(e.doc) + " applied but not recorded");
  MRC_ASSIGN_OR_RETURN(bool by_receiver, trust::Succeeds(ctx.txn(), ctx.root(), e.author, r->to));
  MRC_ASSIGN_OR_RETURN(bool by_sender, trust::Succeeds(ctx.txn(), ctx.root(), e.author, r->sender));
  // An erasure needs no prior status.
  ReferralStatus prior = before ? before->status : ReferralStatus::kErased;
  if (auto refused =
          StatusRefused(e, id, *r, meta.status, prior, by_sender, by_receiver, p.sealed_size)) {
    return *refused;
  }
  MRC_RETURN_IF_ERROR(RecordStatus(ctx, e, id, step, *r));
  return Decision::Applied();
}

Status ReferralRulesImpl::Recorded(ApplyContext& ctx, const Entry& e, const Hash32& id,
                                   std::string_view payload, const Decision& d) const {
  if (d.effect == Effect::kRejected) {
    // A referral that has no effect (its sender revoked or forked from
    // before it, or malformed) is shown nowhere and nobody acts on it:
    // the client's details it carries are erased at once.
    if (e.IsRoot()) return EraseStored(ctx.txn(), e.author, e.seq);
    return KeepRejectedNote(ctx.txn(), e, id, payload);
  }
  if (d.effect != Effect::kApplied || ctx.rebuilding()) return Status::Ok();
  auto p = DecodeReferralPayload(payload);
  auto meta = p.ok() ? ParseReferralMeta(p->meta) : Result<ReferralMeta>(p.status());
  if (meta.ok() && meta->status == ReferralStatus::kSent && meta->to == ctx.self()) {
    ctx.txn().Put(Column::kLocal, std::string(kReferralDuePrefix) + std::string(AsView(id)), "");
  }
  if (meta.ok() && meta->status == ReferralStatus::kErased) {
    // The pending column is scrubbed too, even when no stored entry had
    // to be (EraseStored keeps the range of those).
    std::string due_key = std::string(records::kScrubDuePrefix) + std::string(AsView(e.doc));
    MRC_ASSIGN_OR_RETURN(auto due, ctx.txn().Get(Column::kLocal, due_key));
    if (!due) ctx.txn().Put(Column::kLocal, due_key, "");
  }
  return Status::Ok();
}

Result<std::optional<Bytes>> ReferralRulesImpl::HeldForm(ApplyContext& ctx, const Entry& e,
                                                         std::string_view payload, bool frozen,
                                                         bool evidence) const {
  // Evidence never applies, nor does an entry of a frozen feed; a status of
  // a referral erased here waits in its erased form too. None of them keeps
  // its sealed part (the erased form proves the same signature).
  std::optional<ReferralInfo> referral;
  if (!evidence && !frozen && !e.IsRoot()) {
    MRC_ASSIGN_OR_RETURN(referral, Get(ctx.txn(), e.doc));
  }
  auto held = DecodeReferralPayload(payload);
  if ((evidence || frozen || (referral && referral->erased)) && held.ok() && !held->erased &&
      held->sealed_size > 0) {
    MRC_ASSIGN_OR_RETURN(Bytes erased, EraseReferralPayload(payload));
    return std::optional<Bytes>(std::move(erased));
  }
  return std::optional<Bytes>();
}

// A referral entry held here in its erased form, arriving whole: a relay
// may have passed on only the erased form (withholding the sealed part).
// The sealed part's hash is signed, so the whole form is the author's; it
// is stored unless the referral was erased here.
Result<bool> ReferralRulesImpl::Again(ApplyContext& ctx, const Entry&, const Hash32& id,
                                      std::string_view stored_in,
                                      const records::IdRecord& held_id) const {
  const records::IdRecord* r = &held_id;
  std::string_view signed_form, incoming;
  records::DecodeStored(stored_in, &signed_form, &incoming);
  auto in = DecodeReferralPayload(incoming);
  if (!in.ok() || in->erased) return false;
  Bytes key = records::FeedKey(r->author, r->seq);
  MRC_ASSIGN_OR_RETURN(auto stored, ctx.txn().Get(Column::kEntries, key));
  std::string_view held_form, held;
  if (!stored || !records::DecodeStored(*stored, &held_form, &held)) return false;
  auto mine = DecodeReferralPayload(held);
  if (!mine.ok() || !mine->erased) return false;
  MRC_ASSIGN_OR_RETURN(auto referral, Get(ctx.txn(), r->doc));
  if (!referral || referral->erased) return false;
  ctx.txn().Put(Column::kEntries, key, stored_in);
  // Addressed here and never received (its envelope was missing): now it is.
  // (Only when the receiving centre has said nothing yet: a "received"
  // after its decision would reopen the referral.)
  bool received =
      std::any_of(referral->steps.begin(), referral->steps.end(), [](const ReferralStep& s) {
        return s.status != ReferralStatus::kSent && s.status != ReferralStatus::kWithdrawn &&
               s.status != ReferralStatus::kErased;
      });
  if (r->doc == id && referral->to == ctx.self() && !received && !ctx.rebuilding())
    ctx.txn().Put(Column::kLocal, std::string(kReferralDuePrefix) + std::string(AsView(id)), "");
  return true;
}

Status ReferralRulesImpl::AfterCommit(Log& log) const {
  std::vector<BoxKeyPair> keys = log.referral_keys();
  if (keys.empty()) return Status::Ok();  // not yet known: stays due
  std::vector<std::string> due;
  {
    auto it = log.store()->NewPrefixIterator(Column::kLocal, kReferralDuePrefix);
    for (it->Seek(kReferralDuePrefix); it->Valid() && due.size() < 256; it->Next())
      due.emplace_back(it->key());
    MRC_RETURN_IF_ERROR(it->status());
  }
  for (const auto& key : due) {
    if (key.size() != kReferralDuePrefix.size() + 32)
      return Status::Corruption("unreadable referral-due record");
    Hash32 referral = Hash32FromView(std::string_view(key).substr(kReferralDuePrefix.size()));
    MRC_ASSIGN_OR_RETURN(Version sent, log.GetVersion(referral));
    MRC_ASSIGN_OR_RETURN(ReferralPayload p, DecodeReferralPayload(sent.payload));
    MRC_ASSIGN_OR_RETURN(ReferralInfo info, referrals::Find(log, referral));
    bool withdrawn = std::any_of(info.steps.begin(), info.steps.end(), [](const ReferralStep& s) {
      return s.status == ReferralStatus::kWithdrawn;
    });
    // Erased or withdrawn before this node saw it: nothing to receive.
    if (p.erased || withdrawn) {
      storage::WriteBatch forget;
      forget.Delete(Column::kLocal, key);
      MRC_RETURN_IF_ERROR(log.store()->Write(&forget));
      continue;
    }
    // Opened, and signed inside by the centre that sent it.
    bool opened = false;
    for (const auto& k : keys) {
      auto o = sync::Open(k, SentContext(log.self()), p.sealed);
      if (o.ok() && o->sender == sent.entry.author) opened = true;
      if (opened) break;
    }
    ReferralMeta meta;
    meta.status = ReferralStatus::kReceived;
    meta.opened = opened;
    Draft d{Kind::kReferral,
            Op::kPut,
            referral,
            {referral},
            EncodeReferralPayload(ReferralMetaJson(meta), "")};
    auto ids = log.AppendOwed({d}, {key});
    if (ids.ok()) continue;
    Status::Code code = ids.status().code();
    if (code != Status::Code::kPermissionDenied && code != Status::Code::kInvalidArgument)
      return ids.status();
    // The rules refuse it (withdrawn first, our key revoked): never retry.
    log::Warn("log", "referral receipt not signed: " + ids.status().message());
    storage::WriteBatch forget;
    forget.Delete(Column::kLocal, key);
    MRC_RETURN_IF_ERROR(log.store()->Write(&forget));
  }
  return due.size() == 256 ? AfterCommit(log) : Status::Ok();
}

const EntryRules& ReferralRules() {
  static const ReferralRulesImpl rules;
  return rules;
}

}  // namespace mrc::sync::referrals
