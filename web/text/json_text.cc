#include "web/text/json_text.h"

#include <array>

#include "config/foundation/bytes.h"
#include "web/text/html.h"

namespace mrc::web {

void AppendJsonString(std::string* out, std::string_view s) {
  // One pass: runs of characters written as they are (printable ASCII and
  // valid UTF-8) are copied whole; an invalid sequence sends the text
  // through ToValidUtf8 first, which is rare.
  static constexpr auto kAsIs = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
    return t;
  }();
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t start = out->size();
  out->push_back('"');
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (kAsIs[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      std::size_t len = Utf8SequenceAt(s, i);
      if (len == 0) {
        out->resize(start);
        AppendJsonString(out, ToValidUtf8(s));
        return;
      }
      i += len;
      continue;
    }
    out->append(s.substr(plain, i - plain));
    plain = ++i;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->append(s.substr(plain));
  out->push_back('"');
}

}  // namespace mrc::web
