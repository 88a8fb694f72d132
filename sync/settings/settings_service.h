// Network settings for the JSON API, the UI and the command line: read the
// value in force and its history, and (at headquarters) set a new one
// (docs/settings.md). Values are JSON text in and out; ids and keys 64
// lowercase hex characters, times RFC 3339.
//
// Errors: InvalidArgument (an unknown name, a value the name cannot hold;
// the message fit to show a user), PermissionDenied (this node is not
// headquarters: every node would reject its setting).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "sync/content/review.h"

namespace mrc::sync {

class Log;

namespace settings {

// One applied value of a setting.
struct SettingView {
  std::string name;
  std::string value;  // canonical JSON text
  std::string id;     // the entry that set it
  std::string author;
  std::string at;
};

// The value in force (nullopt: headquarters never set one).
Result<std::optional<SettingView>> GetSetting(Log& log, std::string_view name);
// Every value it had, newest first (the one in force first), at most `max`.
Result<std::vector<SettingView>> SettingHistory(Log& log, std::string_view name, std::size_t max);
// Signs a new value (`value_json`, JSON text) and answers it.
Result<SettingView> SetSetting(Log& log, std::string_view name, std::string_view value_json);

}  // namespace settings

// The review intervals in force in the network: headquarters' setting, or
// DefaultReviewIntervals() when it set none.
Result<ReviewIntervals> NetworkReviewIntervals(Log& log);
// The same for readers that show dates rather than fail (pages, the
// search index, DocService's source): the defaults when the setting
// cannot be read, with a warning in the log.
ReviewIntervals ReviewIntervalsInForce(Log& log);

}  // namespace mrc::sync
