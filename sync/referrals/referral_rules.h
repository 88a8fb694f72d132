// The rules of referrals (kind referral, docs/referrals.md): who may set
// which status after which, and what becomes of sealed parts: an erasure
// drops them everywhere, and what is held without effect never keeps them.
#pragma once

#include <optional>
#include <vector>

#include "sync/log/kind_rules.h"

namespace mrc::sync {
struct ReferralInfo;
class Txn;
}  // namespace mrc::sync

namespace mrc::sync::referrals {

// The rules of referrals.
const EntryRules& ReferralRules();

// Replaces the stored payload of an entry with its erased form.
Status EraseStored(Txn& txn, const Hash32& author, std::uint64_t seq);
// Every sealed part of an erased referral: its steps, its statuses that
// were rejected (kLocal "referral-rejected/"), entries in `pending`.
Status EraseSealedParts(Txn& txn, const ReferralInfo& r);

}  // namespace mrc::sync::referrals
