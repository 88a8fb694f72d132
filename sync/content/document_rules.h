// The rules of documents (kinds faq, guide, bulletin, centre): versions
// with parents, heads and a winner; ownership, headquarters' authoritative
// content, proposals and their decisions (docs/architecture.md,
// "Documents and conflicts").
#pragma once

#include <vector>

#include "sync/log/kind_rules.h"

namespace mrc::sync {

// The rules of documents (faq, guide, bulletin, centre).
const EntryRules& DocumentRules();

}  // namespace mrc::sync
