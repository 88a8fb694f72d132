#include "config/foundation/progress.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mrc {
namespace {

struct Shown {
  std::string text;
  Progress::Sink sink() {
    return [this](std::string_view s) { text += s; };
  }
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  return lines;
}

TEST(ProgressTest, PlainLinesEveryTenthAndEveryTwoSeconds) {
  ManualClock clock(1'000'000);
  Shown shown;
  Progress p("import", 100, false, shown.sink(), &clock);
  for (int i = 0; i < 9; ++i) p.Add();
  EXPECT_EQ("", shown.text);  // below a tenth, no time passed
  clock.Advance(1000);
  p.Add();
  EXPECT_EQ("import: 10/100 (10%), 10/s\n", shown.text);
  p.Add(5);  // same tenth, under two seconds: nothing
  EXPECT_EQ(1u, Lines(shown.text).size());
  clock.Advance(2000);
  p.Add();
  ASSERT_EQ(2u, Lines(shown.text).size());
  EXPECT_EQ("import: 16/100 (16%), 5.3/s", Lines(shown.text)[1]);
  p.Add(84);
  clock.Advance(1000);
  p.Done();
  auto lines = Lines(shown.text);
  ASSERT_EQ(3u, lines.size());  // no line for 100%: the final line says it
  EXPECT_EQ("import: done, 100 in 4.0 s (25/s)", lines[2]);
  p.Done();
  p.Add();
  EXPECT_EQ(3u, Lines(shown.text).size());
}

TEST(ProgressTest, TerminalRedrawsInPlaceAtMostTenTimesASecond) {
  ManualClock clock(5'000);
  Shown shown;
  {
    Progress p("verify", 48, true, shown.sink(), &clock);
    for (int i = 0; i < 12; ++i) {
      clock.Advance(50);
      p.Add(2);
    }
    // 600 ms: six redraws, each a carriage return and a cleared line.
    std::size_t redraws = 0;
    for (char c : shown.text) redraws += c == '\r';
    EXPECT_EQ(6u, redraws);
    EXPECT_EQ(std::string::npos, shown.text.find('\n'));
    EXPECT_NE(std::string::npos,
              shown.text.find("\rverify [############------------] 24/48  50%  40/s\x1b[K"));
    clock.Advance(600);
    p.Add(24);
    p.Done();
  }
  EXPECT_EQ("\rverify: done, 48 in 1.2 s (40/s)\x1b[K\n",
            shown.text.substr(shown.text.rfind('\r')));
}

TEST(ProgressTest, UnknownTotalShowsCountAndRate) {
  ManualClock clock(0);
  Shown plain, term;
  Progress p("bundle export", 0, false, plain.sink(), &clock);
  Progress t("bundle export", 0, true, term.sink(), &clock);
  clock.Advance(2000);
  p.Add(3000);
  t.Add(3000);
  EXPECT_EQ("bundle export: 3000, 1.5k/s\n", plain.text);
  EXPECT_EQ("\rbundle export 3000  1.5k/s\x1b[K", term.text);
  p.SetTotal(6000);
  clock.Advance(2000);
  p.Add(1);
  EXPECT_EQ("bundle export: 3001/6000 (50%), 750/s", Lines(plain.text)[1]);
}

TEST(ProgressTest, AbandonedTerminalLineIsEnded) {
  ManualClock clock(0);
  Shown shown;
  {
    Progress p("import", 10, true, shown.sink(), &clock);
    clock.Advance(200);
    p.Add(3);
  }
  EXPECT_EQ('\n', shown.text.back());
  EXPECT_EQ(std::string::npos, shown.text.find("done"));
}

TEST(ProgressTest, MessagesTakeTheirOwnLine) {
  ManualClock clock(0);
  Shown shown;
  Progress p("verify", 10, true, shown.sink(), &clock);
  clock.Advance(200);
  p.Add(3);
  p.Print("mrcnode: bad entry");
  EXPECT_TRUE(shown.text.ends_with("15/s\x1b[K\r\x1b[Kmrcnode: bad entry\n")) << shown.text;
  clock.Advance(200);
  p.Add(1);
  EXPECT_EQ("\rverify [#########---------------] 4/10  40%  10/s\x1b[K",
            shown.text.substr(shown.text.rfind('\r')));
}

TEST(RateMeterTest, RateOverTheLastSeconds) {
  RateMeter m(5000);
  EXPECT_EQ(0, m.PerSecond());
  m.Sample(0, 0);
  EXPECT_EQ(0, m.PerSecond());
  m.Sample(1000, 1000);
  EXPECT_DOUBLE_EQ(1000, m.PerSecond());
  for (std::uint64_t t = 2000; t <= 10000; t += 1000) m.Sample(t, 1000);  // stalled
  EXPECT_DOUBLE_EQ(0, m.PerSecond());
  m.Sample(11000, 1500);
  EXPECT_DOUBLE_EQ(100, m.PerSecond());
  EXPECT_EQ("999", ShortCount(999));
  EXPECT_EQ("1.5", ShortCount(1.5));
  EXPECT_EQ("12.3k", ShortCount(12345));
  EXPECT_EQ("4.5M", ShortCount(4.5e6));
}

}  // namespace
}  // namespace mrc
