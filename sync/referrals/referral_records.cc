#include "sync/referrals/referral_records.h"

#include <algorithm>

namespace mrc::sync::referrals {
namespace {

using storage::Column;

Bytes StepKey(const Hash32& referral, const Hash32& step) {
  Bytes k;
  PutHash(&k, referral);
  PutHash(&k, step);
  return k;
}

bool DecodeHead(const Hash32& id, std::string_view v, ReferralInfo* r) {
  r->id = id;
  std::uint8_t erased = 0;
  if (!GetHash(&v, &r->sender) || !GetHash(&v, &r->to) || !GetU64(&v, &r->hlc) ||
      !GetU8(&v, &erased) || erased > 1)
    return false;
  r->erased = erased == 1;
  if (r->erased &&
      (!GetHash(&v, &r->erased_by) || !GetU64(&v, &r->erased_hlc) || !GetHash(&v, &r->erase_entry)))
    return false;
  return v.empty();
}

bool DecodeStep(const Hash32& id, std::string_view v, ReferralStep* s) {
  s->id = id;
  std::uint8_t status = 0;
  if (!GetU8(&v, &status) || status < 1 || status > 7 || !GetHash(&v, &s->author) ||
      !GetU64(&v, &s->hlc) || !GetU32(&v, &s->sealed_size) || !v.empty())
    return false;
  s->status = static_cast<ReferralStatus>(status);
  return true;
}

}  // namespace

void PutReferral(Txn& txn, const ReferralInfo& r) {
  Bytes v;
  PutHash(&v, r.sender);
  PutHash(&v, r.to);
  PutU64(&v, r.hlc);
  v.push_back(r.erased ? 1 : 0);
  if (r.erased) {
    PutHash(&v, r.erased_by);
    PutU64(&v, r.erased_hlc);
    PutHash(&v, r.erase_entry);
  }
  txn.Put(Column::kReferrals, AsView(r.id), v);
}

void PutStep(Txn& txn, const Hash32& referral, const ReferralStep& s) {
  Bytes v(1, static_cast<char>(s.status));
  PutHash(&v, s.author);
  PutU64(&v, s.hlc);
  PutU32(&v, s.sealed_size);
  txn.Put(Column::kReferrals, StepKey(referral, s.id), v);
}

Result<std::optional<ReferralStep>> GetStep(Txn& txn, const Hash32& referral, const Hash32& step) {
  MRC_ASSIGN_OR_RETURN(auto v, txn.Get(Column::kReferrals, StepKey(referral, step)));
  if (!v) return std::optional<ReferralStep>();
  ReferralStep s;
  if (!DecodeStep(step, *v, &s)) return Status::Corruption("unreadable referral step");
  return std::optional<ReferralStep>(s);
}

Result<std::optional<ReferralInfo>> Get(Txn& txn, const Hash32& referral) {
  MRC_ASSIGN_OR_RETURN(auto keys, txn.KeysWithPrefix(Column::kReferrals, AsView(referral)));
  std::optional<ReferralInfo> out;
  for (const auto& k : keys) {  // the head record first (the shortest key)
    MRC_ASSIGN_OR_RETURN(auto v, txn.Get(Column::kReferrals, k));
    if (!v) continue;
    if (k.size() == 32) {
      out.emplace();
      if (!DecodeHead(referral, *v, &*out)) return Status::Corruption("unreadable referral");
    } else if (k.size() == 64 && out) {
      ReferralStep s;
      if (!DecodeStep(Hash32FromView(std::string_view(k).substr(32)), *v, &s))
        return Status::Corruption("unreadable referral step");
      out->steps.push_back(s);
    } else {
      return Status::Corruption("unreadable referral key");
    }
  }
  if (out) {
    std::sort(out->steps.begin(), out->steps.end(),
              [](const ReferralStep& a, const ReferralStep& b) {
                return a.hlc != b.hlc ? a.hlc < b.hlc : a.id < b.id;
              });
  }
  return out;
}

Result<std::vector<ReferralInfo>> All(Txn& txn) {
  MRC_ASSIGN_OR_RETURN(auto keys, txn.KeysWithPrefix(Column::kReferrals, ""));
  std::vector<ReferralInfo> out;
  for (const auto& k : keys) {
    if (k.size() != 32) continue;
    MRC_ASSIGN_OR_RETURN(auto r, Get(txn, Hash32FromView(k)));
    if (r) out.push_back(std::move(*r));
  }
  return out;
}

Result<std::vector<ReferralInfo>> List(Log& log) {
  Txn view(log.store());
  return All(view);
}

Result<ReferralInfo> Find(Log& log, const Hash32& id) {
  Txn view(log.store());
  MRC_ASSIGN_OR_RETURN(auto r, Get(view, id));
  if (!r) return Status::NotFound("referral " + ToHex(id) + " is not known here");
  return std::move(*r);
}

}  // namespace mrc::sync::referrals
