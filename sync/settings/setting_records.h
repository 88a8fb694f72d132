// The records of network settings (column settings), internal to
// sync/settings/. Every applied setting is kept, so that old values stay
// readable; beside them, the one in force per name: of the applied
// entries of that name, the one with the highest (hlc, id). That order is
// the same on every node whatever the order entries arrived in, and a
// rebuild reapplies them all to the same end.
//
//   "h" name "/" hlc(8) id(32) -> author(32) value   (history, oldest first)
//   "c" name                   -> hlc(8) id(32) author(32) value
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::storage {
class Store;
}

namespace mrc::sync {
class Txn;
}

namespace mrc::sync::settings {

struct SettingRecord {
  Hash32 id{};
  Hash32 author{};
  std::uint64_t hlc = 0;
  std::string value;  // canonical JSON text
};

// Records an applied setting, and makes it the one in force when it comes
// after the one in force now.
Status Record(Txn& txn, std::string_view name, const SettingRecord& r);

// The setting in force (nullopt: none was ever applied).
Result<std::optional<SettingRecord>> Current(storage::Store& store, std::string_view name);
// Every applied value of a name, newest first, at most `max`.
Result<std::vector<SettingRecord>> History(storage::Store& store, std::string_view name,
                                           std::size_t max);

}  // namespace mrc::sync::settings
