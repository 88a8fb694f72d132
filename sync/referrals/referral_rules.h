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

class ReferralRules : public EntryRules {
 public:
  std::vector<Kind> kinds() const override;
  Status CheckShape(const Entry& e) const override;
  Status Validate(const Entry& e, std::string_view payload) const override;
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override;
  // A rejected referral loses its sealed parts; one sent here is owed a
  // "received"; an erasure is scrubbed from disk after the commit.
  Status Recorded(ApplyContext& ctx, const Entry& e, const Hash32& id, std::string_view payload,
                  const Decision& d) const override;
  Result<std::optional<Bytes>> HeldForm(ApplyContext& ctx, const Entry& e,
                                        std::string_view payload, bool frozen,
                                        bool evidence) const override;
  Result<bool> Again(ApplyContext& ctx, const Entry& e, const Hash32& id, std::string_view stored,
                     const records::IdRecord& held) const override;
  std::vector<storage::Column> Columns() const override;
  // Signs the "received" statuses owed for referrals to this node, once
  // the log has the keys to open their envelopes (Log::SetReferralKeys).
  Status AfterCommit(Log& log) const override;
};

// Replaces the stored payload of an entry with its erased form.
Status EraseStored(Txn& txn, const Hash32& author, std::uint64_t seq);
// Every sealed part of an erased referral: its steps, its statuses that
// were rejected (kLocal "referral-rejected/"), entries in `pending`.
Status EraseSealedParts(Txn& txn, const ReferralInfo& r);

}  // namespace mrc::sync::referrals
