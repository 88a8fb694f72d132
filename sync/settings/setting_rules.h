// The rules of network settings (kind setting): only headquarters sets
// them, on every node alike; a value a known name cannot hold is rejected
// (docs/settings.md).
#pragma once

#include "sync/log/kind_rules.h"

namespace mrc::sync::settings {

// The rules of settings.
const EntryRules& SettingRules();

}  // namespace mrc::sync::settings
