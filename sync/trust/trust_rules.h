// The trust statements' rules (kind member: approvals, revocations, key
// rotations, encryption keys; docs/trust.md), and the authority the log
// kernel asks who may write.
#pragma once

#include <vector>

#include "sync/log/kind_rules.h"

namespace mrc::sync::trust {

// The rules of trust statements.
const EntryRules& StatementRules();

// A key's standing from its approvals and revocations (trust_records.h).
const Authority& TrustAuthority();

}  // namespace mrc::sync::trust
