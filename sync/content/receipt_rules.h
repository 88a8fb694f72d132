// The rules of bulletin receipts (kind receipt): a centre's signed word
// that it received, or acknowledged, a version of a bulletin
// (docs/trust.md, "Receipts"). Every node that applies a bulletin of
// another centre owes one, signed after the commit.
#pragma once

#include <string_view>
#include <vector>

#include "sync/log/kind_rules.h"

namespace mrc::sync {

// kLocal: a bulletin version applied here that this node has not yet
// signed a receipt for, keyed by the version; the value is the bulletin.
inline constexpr std::string_view kReceiptDuePrefix = "receipt-due/";
Bytes ReceiptDueKey(const Hash32& version);

class ReceiptRules : public EntryRules {
 public:
  std::vector<Kind> kinds() const override;
  Status CheckShape(const Entry& e) const override;
  Status Validate(const Entry& e, std::string_view payload) const override;
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override;
  std::vector<storage::Column> Columns() const override;
  // Signs the receipts owed for bulletins applied here.
  Status AfterCommit(Log& log) const override;
};

}  // namespace mrc::sync
