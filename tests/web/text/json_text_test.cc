// AppendJsonString against nlohmann::json's own writer, on chosen and
// random strings (control characters, quotes, invalid UTF-8: replaced byte
// by byte, as pages replace it, where json::dump replaces each maximal bad
// sequence once).
#include "web/text/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "config/foundation/bytes.h"
#include "web/text/html.h"

namespace mrc::web {
namespace {

using nlohmann::json;

std::string Written(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

std::string Dumped(std::string_view s) {
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(JsonTextTest, WritesStringsAsJsonDumpDoes) {
  for (std::string_view s :
       {std::string_view(""), std::string_view("plain"), std::string_view("quote \" back \\ slash"),
        std::string_view("line\nfeed\ttab\rreturn\b\f"), std::string_view("\x01\x1f\x7f", 3),
        std::string_view("\0nul", 4), std::string_view("Österreich, виза, تأشيرة"),
        std::string_view("cut \xC3"), std::string_view("</script>")}) {
    EXPECT_EQ(Dumped(s), Written(s));
  }
}

TEST(JsonTextTest, RandomTextIsWrittenAsJsonDumpDoesAndBadBytesAreReplaced) {
  std::mt19937 random(5);
  const std::string alphabet = std::string("aZ \"\\\n\t\x01\x1f\x7f", 11) +
                               "\xC3\xA9\xD0\xB2\xE2\x82\xAC\xF0\x9F\x98\x80\xFF\x80";
  for (int round = 0; round < 5000; ++round) {
    std::string s;
    int n = static_cast<int>(random() % 24);
    for (int i = 0; i < n; ++i) s += alphabet[random() % alphabet.size()];
    std::string written = Written(s);
    if (IsValidUtf8(s)) {
      ASSERT_EQ(Dumped(s), written) << round;
    }
    json back = json::parse(written);
    ASSERT_TRUE(back.is_string());
    ASSERT_EQ(ToValidUtf8(s), back.get<std::string>()) << round;
  }
}

}  // namespace
}  // namespace mrc::web
