#include "web/http/forms.h"

#include <algorithm>

#include "config/foundation/bytes.h"

namespace mrc::web {
namespace {

Result<Params> Parse(std::string_view text,
                     const std::initializer_list<std::string_view>* allowed) {
  Params q;
  while (!text.empty()) {
    std::string_view pair = text.substr(0, text.find('&'));
    text.remove_prefix(std::min(text.size(), pair.size() + 1));
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    MRC_ASSIGN_OR_RETURN(std::string name, PercentDecode(pair.substr(0, eq)));
    std::string value;
    if (eq != std::string_view::npos) {
      MRC_ASSIGN_OR_RETURN(value, PercentDecode(pair.substr(eq + 1)));
    }
    // Everything downstream (JSON, HTML, the index) takes text.
    if (!IsValidUtf8(name) || !IsValidUtf8(value)) {
      return Status::InvalidArgument("a parameter's name or value is not valid UTF-8 text");
    }
    if (allowed && std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
      std::string names;
      for (auto a : *allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      return Status::InvalidArgument(
          "unknown query parameter '" + name.substr(0, 80) + "'" +
          (names.empty() ? " (this path takes none)" : " (expected " + names + ")"));
    }
    if (!q.emplace(std::move(name), std::move(value)).second) {
      return Status::InvalidArgument("parameter '" + std::string(pair.substr(0, eq)).substr(0, 80) +
                                     "' is given more than once");
    }
  }
  return q;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] != '%') {
      out += in[i];
    } else {
      auto byte = i + 2 < in.size() ? FromHex(in.substr(i + 1, 2)) : std::nullopt;
      if (!byte) {
        return Status::InvalidArgument("bad percent-escape in query string near '" +
                                       std::string(in.substr(i, 3)) + "'");
      }
      out += *byte;
      i += 2;
    }
  }
  return out;
}

std::string PercentEncode(std::string_view in) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<Params> ParseQuery(std::string_view text, std::initializer_list<std::string_view> allowed) {
  return Parse(text, &allowed);
}

Result<Params> ParseForm(std::string_view text) { return Parse(text, nullptr); }

}  // namespace mrc::web
