// The trust statements' rules (kind member: approvals, revocations, key
// rotations, encryption keys; docs/trust.md), and the authority the log
// kernel asks who may write.
#pragma once

#include <vector>

#include "sync/log/kind_rules.h"

namespace mrc::sync::trust {

class StatementRules : public EntryRules {
 public:
  std::vector<Kind> kinds() const override;
  Status CheckShape(const Entry& e) const override;
  Status Validate(const Entry& e, std::string_view payload) const override;
  // The root key's statements first (they alone revoke), then the others.
  int RebuildPhase(const Entry& e, const Hash32& root) const override;
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override;
  std::vector<storage::Column> Columns() const override;
};

// A key's standing from its approvals and revocations (trust_records.h).
class TrustAuthority : public Authority {
 public:
  Result<Standing> StandingOf(Txn& txn, const Hash32& root, const Hash32& key) const override;
};

}  // namespace mrc::sync::trust
