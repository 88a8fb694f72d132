// Referral state as the log applies it (internal to sync/), in the
// `referrals` column, keyed by the entries that made it so that it is the
// same whatever order they arrived in:
//   referral(32)          -> sender(32) to(32) hlc(8) erased(1)
//                            [eraser(32) erase hlc(8) erase entry(32)]
//   referral(32) step(32) -> status(1) author(32) hlc(8) sealed size(4)
// A step is the referral's sent entry or a status entry applied to it.
#pragma once

#include <optional>
#include <vector>

#include "config/foundation/status.h"
#include "sync/log/log.h"
#include "sync/log/log_txn.h"
#include "sync/referrals/referral.h"

namespace mrc::sync::referrals {

// Referrals known here (sent, received or relayed), and one of them
// (NotFound when unknown).
Result<std::vector<ReferralInfo>> List(Log& log);
Result<ReferralInfo> Find(Log& log, const Hash32& id);

void PutReferral(Txn& txn, const ReferralInfo& r);  // the head record (steps ignored)
void PutStep(Txn& txn, const Hash32& referral, const ReferralStep& s);
// nullopt when the referral is not known here.
Result<std::optional<ReferralInfo>> Get(Txn& txn, const Hash32& referral);  // with its steps
Result<std::optional<ReferralStep>> GetStep(Txn& txn, const Hash32& referral, const Hash32& step);
Result<std::vector<ReferralInfo>> All(Txn& txn);

}  // namespace mrc::sync::referrals
