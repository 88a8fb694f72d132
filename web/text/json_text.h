// Writing JSON text directly, for answers built often enough that building
// a json value first (a tree of maps) costs more than the work behind them.
#pragma once

#include <string>
#include <string_view>

namespace mrc::web {

// Appends `s` as a JSON string: quoted, with quotes, backslashes and control
// characters escaped, and each invalid UTF-8 byte replaced by U+FFFD (as
// json::dump with error_handler_t::replace).
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace mrc::web
