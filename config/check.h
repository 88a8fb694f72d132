// Checking a config file for `mrcnode config check` (config.h parses it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mrc::config {

// Every problem Parse would stop at, not only the first, each naming its
// key and, where the file has the key, its line ("config.toml:7: http.tls:
// must be auto, on or off, got 'yes'"); empty when Parse accepts the text.
// A TOML syntax error is reported alone (with line and column).
std::vector<std::string> Check(std::string_view toml_text, std::string_view source);

}  // namespace mrc::config
