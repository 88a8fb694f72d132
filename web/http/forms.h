// Query strings and HTML form bodies (application/x-www-form-urlencoded).
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "config/foundation/status.h"

namespace mrc::web {

using Params = std::map<std::string, std::string, std::less<>>;

// Decodes one component: %XX escapes, '+' for a space. InvalidArgument on a
// bad escape.
Result<std::string> PercentDecode(std::string_view in);
// Encodes for a query string or form value (unreserved characters kept).
std::string PercentEncode(std::string_view in);

// Parses "a=1&b=x%20y". A parameter not in `allowed`, or given twice, is an
// error: a misspelt filter must not silently return everything.
Result<Params> ParseQuery(std::string_view text, std::initializer_list<std::string_view> allowed);
// The same without a list of names (forms, whose fields the UI itself
// writes); a name given twice is still an error.
Result<Params> ParseForm(std::string_view text);

// The value of `name`, or "".
inline std::string Param(const Params& p, std::string_view name) {
  auto it = p.find(name);
  return it == p.end() ? std::string() : it->second;
}

// The path and query of an origin-form target ("/a/b?x=1").
inline std::string_view TargetPath(std::string_view target) {
  return target.substr(0, target.find('?'));
}
inline std::string_view TargetQuery(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

}  // namespace mrc::web
