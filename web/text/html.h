// Building HTML safely: every piece of text that reaches a page goes
// through Esc (or an attribute helper), never string concatenation alone.
#pragma once

#include <string>
#include <string_view>

namespace mrc::web {

// Escapes & < > " ' for text and quoted attribute values. Invalid UTF-8 is
// replaced, so a page is always valid UTF-8.
std::string Esc(std::string_view text);

// The text with each invalid UTF-8 byte replaced by U+FFFD.
std::string ToValidUtf8(std::string_view s);

}  // namespace mrc::web
