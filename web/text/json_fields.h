// Reading fields of documents' JSON content leniently (internal to web/):
// content was validated when it was written, so a missing or mistyped field
// here only means "not set".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mrc::web {

// The string at `key`, or "".
inline std::string JsonString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The strings of the array at `key` (other items skipped), or none.
inline std::vector<std::string> JsonStrings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace mrc::web
