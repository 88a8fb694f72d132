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

// The rules of bulletin receipts.
const EntryRules& ReceiptRules();

}  // namespace mrc::sync
