// The rules of documents (kinds faq, guide, bulletin, centre): versions
// with parents, heads and a winner; ownership, headquarters' authoritative
// content, proposals and their decisions (docs/architecture.md,
// "Documents and conflicts").
#pragma once

#include <vector>

#include "sync/log/kind_rules.h"

namespace mrc::sync {

class DocumentRules : public EntryRules {
 public:
  std::vector<Kind> kinds() const override;
  Status CheckShape(const Entry& e) const override;
  Status Validate(const Entry& e, std::string_view payload) const override;
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override;
  // A bulletin of another centre applied here: a receipt is owed.
  Status Recorded(ApplyContext& ctx, const Entry& e, const Hash32& id, std::string_view payload,
                  const Decision& d) const override;
  std::vector<storage::Column> Columns() const override;
};

}  // namespace mrc::sync
