#include <gtest/gtest.h>

#include "config/foundation/bytes.h"
#include "config/foundation/clock.h"
#include "config/foundation/status.h"

namespace mrc {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  MRC_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, CodesAndMessages) {
  EXPECT_EQ("OK", Status::Ok().ToString());
  EXPECT_EQ("NOT_FOUND: doc x", Status::NotFound("doc x").ToString());
  EXPECT_EQ("CONFLICT: a: b", Status::Conflict("b").Annotate("a").ToString());
  EXPECT_EQ(2, Quarter(8).value());
  EXPECT_EQ("INVALID_ARGUMENT: odd: 3", Quarter(6).status().ToString());
}

TEST(BytesTest, HexRoundTrip) {
  EXPECT_EQ("00ff10", ToHex(std::string("\x00\xff\x10", 3)));
  EXPECT_EQ(std::string("\x00\xff\x10", 3), FromHex("00FF10").value());
  EXPECT_FALSE(FromHex("0").has_value());
  EXPECT_FALSE(FromHex("zz").has_value());
  EXPECT_FALSE(Hash32FromHex(std::string(62, 'a')).has_value());
  Hash32 h = Hash32FromHex(std::string(64, 'a')).value();
  EXPECT_EQ(std::string(64, 'a'), ToHex(h));
}

TEST(BytesTest, BigEndianCoding) {
  Bytes b;
  PutU16(&b, 0x0102);
  PutU32(&b, 0x03040506);
  PutU64(&b, 0x0708090a0b0c0d0eULL);
  EXPECT_EQ("0102030405060708090a0b0c0d0e", ToHex(b));
  std::string_view in = b;
  std::uint16_t a;
  std::uint32_t c;
  std::uint64_t d;
  ASSERT_TRUE(GetU16(&in, &a) && GetU32(&in, &c) && GetU64(&in, &d));
  EXPECT_EQ(0x0102, a);
  EXPECT_EQ(0x03040506u, c);
  EXPECT_EQ(0x0708090a0b0c0d0eULL, d);
  EXPECT_FALSE(GetU16(&in, &a));
}

TEST(BytesTest, JsonNestingIsCountedOutsideStrings) {
  EXPECT_TRUE(JsonNestsAtMost("{}", 1));
  EXPECT_FALSE(JsonNestsAtMost("{}", 0));
  EXPECT_TRUE(JsonNestsAtMost(R"({"a":[1,{"b":2}],"c":{}})", 3));
  EXPECT_FALSE(JsonNestsAtMost(R"({"a":[1,{"b":2}],"c":{}})", 2));
  // Brackets in strings, escaped quotes and backslashes included, are text.
  EXPECT_TRUE(JsonNestsAtMost(R"({"a":"[[[{{{"})", 1));
  EXPECT_TRUE(JsonNestsAtMost(R"({"a":"\"[[[","b":"\\"})", 1));
  EXPECT_FALSE(JsonNestsAtMost(R"({"a":"\\","b":[[]]})", 2));
  // Closing more than was opened does not earn depth.
  EXPECT_FALSE(JsonNestsAtMost("]]]][[[[[", 4));
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(JsonNestsAtMost(deep, kMaxJsonNesting));
  EXPECT_TRUE(JsonNestsAtMost(deep, 100000));
}

TEST(BytesTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Österreich مرحبا"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));      // truncated
}

TEST(ClockTest, OffsetAndManualClocks) {
  ManualClock base(10'000);
  OffsetClock ahead(&base, 2'500), behind(&base, -2'500), before_epoch(&base, -20'000);
  EXPECT_EQ(12'500u, ahead.NowMillis());
  EXPECT_EQ(7'500u, behind.NowMillis());
  EXPECT_EQ(0u, before_epoch.NowMillis());
  base.Advance(1);
  EXPECT_EQ(12'501u, ahead.NowMillis());
  base.Set(5);
  EXPECT_EQ(2'505u, ahead.NowMillis());
  EXPECT_LT(1'577'836'800'000u, SystemClock()->NowMillis());  // after 2020-01-01
}

}  // namespace
}  // namespace mrc
