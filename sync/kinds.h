// The entry kinds of this version: one line per rule set (kinds.cc). A new
// kind is a folder of its own under sync/ with its EntryRules
// (sync/log/kind_rules.h), and a line here.
#pragma once

#include <memory>

#include "config/foundation/status.h"
#include "sync/log/kind_rules.h"
#include "sync/log/log.h"

namespace mrc::sync {

// Every kind this version applies, with the trust rules as the authority.
const KindRegistry& StandardKinds();

// Log::Open with StandardKinds().
Result<std::unique_ptr<Log>> OpenLog(storage::Store* store, const KeyPair& identity,
                                     const Hash32& network_id, const Hash32& root,
                                     const LogOptions& options = LogOptions());

}  // namespace mrc::sync
