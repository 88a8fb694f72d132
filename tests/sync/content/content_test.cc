#include "sync/content/content.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <utility>

namespace mrc::sync {
namespace {

using nlohmann::json;

// "ok", or the validation message.
std::string Check(Kind kind, const std::string& text) {
  Status s = ValidatePayload(kind, text);
  return s.ok() ? "ok" : s.message();
}

TEST(ContentTest, FaqRules) {
  EXPECT_EQ("ok", Check(Kind::kFaq, R"({"question":"Q?","answer":"A","language":"en"})"));
  EXPECT_EQ("ok", Check(Kind::kFaq, R"({"question":"Q?","answer":"A","language":"pt-BR",
      "categories":["work","visas"],"tags":["seasonal work"],"translation_group":"visa-1"})"));
  EXPECT_EQ("content.answer: is required",
            Check(Kind::kFaq, R"({"question":"Q?","language":"en"})"));
  EXPECT_EQ("content.colour: unknown field for a faq document",
            Check(Kind::kFaq, R"({"question":"Q","answer":"A","language":"en","colour":"red"})"));
  EXPECT_EQ("content.language: must be a language tag such as \"en\" or \"pt-BR\"",
            Check(Kind::kFaq, R"({"question":"Q","answer":"A","language":"English"})"));
  EXPECT_EQ(
      "content.categories: every item must be a lowercase slug [a-z0-9-]",
      Check(Kind::kFaq, R"({"question":"Q","answer":"A","language":"en","categories":["Work"]})"));
  EXPECT_EQ("content.question: must not be empty",
            Check(Kind::kFaq, R"({"question":"","answer":"A","language":"en"})"));
  EXPECT_EQ("content is not valid JSON", Check(Kind::kFaq, "{"));
  EXPECT_EQ("content must be a JSON object", Check(Kind::kFaq, "[]"));
}

// Text is printed into pages and terminals: a control character other than
// tab and newline is refused with the field and the character named, on the
// quick path and the full one alike.
TEST(ContentTest, TextRefusesControlCharactersButTabAndNewline) {
  auto faq = [](const std::string& question) {
    return R"({"question":")" + question + R"(","answer":"A","language":"en"})";
  };
  EXPECT_EQ("ok", Check(Kind::kFaq, faq(R"(Q\tq\nq)")));
  EXPECT_TRUE(QuickAccept(Kind::kFaq, faq(R"(Q\tq\nq)")));
  const std::pair<std::string, std::string> refused[] = {
      {R"(Q\u001b[31m)", "U+001B"}, {R"(Q\u0007)", "U+0007"}, {R"(Q\b)", "U+0008"},
      {R"(Q\r)", "U+000D"},         {R"(Q\f)", "U+000C"},     {"Q\x7f", "U+007F"},
      {R"(Q\u007f)", "U+007F"},     {R"(Q\u0000)", "U+0000"},
  };
  for (const auto& [text, name] : refused) {
    EXPECT_EQ("content.question: holds the control character " + name +
                  " (only tab and newline are allowed)",
              Check(Kind::kFaq, faq(text)))
        << text;
    EXPECT_FALSE(QuickAccept(Kind::kFaq, faq(text))) << text;
  }
  EXPECT_EQ(
      "content.tags: holds the control character U+001B (only tab and newline are allowed)",
      Check(Kind::kFaq, R"({"question":"Q","answer":"A","language":"en","tags":["a\u001b"]})"));
  EXPECT_EQ(
      "content.location.address: holds the control character U+0008 (only tab and newline are "
      "allowed)",
      Check(Kind::kCentre,
            R"({"name":"C","location":{"city":"X","country":"DE","address":"a\b"}})"));
}

TEST(ContentTest, ADeclineReasonRefusesControlCharacters) {
  EXPECT_TRUE(
      ValidateEntryPayload(Kind::kFaq, Op::kDecline, R"({"reason":"Out of date.\nSee below."})")
          .ok());
  Status s = ValidateEntryPayload(Kind::kFaq, Op::kDecline, R"({"reason":"Out\u0007"})");
  EXPECT_NE(std::string::npos, s.message().find("reason")) << s.ToString();
  EXPECT_NE(std::string::npos, s.message().find("U+0007")) << s.ToString();
}

TEST(ContentTest, GuideRules) {
  EXPECT_EQ("ok", Check(Kind::kGuide, R"({"country":"DE","topic":"study","language":"en",
      "body":"Text","sources":["https://example.org"],"verified_on":"2026-10-01"})"));
  EXPECT_EQ(
      "ok",
      Check(Kind::kGuide,
            R"({"country":"XK","section":"Local transport","language":"sq","body":"Tekst"})"));
  EXPECT_NE("ok", Check(Kind::kGuide, R"({"country":"DE","language":"en","body":"T"})"));
  EXPECT_NE("ok",
            Check(Kind::kGuide,
                  R"({"country":"DE","topic":"study","section":"x","language":"en","body":"T"})"));
  EXPECT_EQ(
      "content.topic: must be one of the guide topics (entry-and-stay, legislation, ...)",
      Check(Kind::kGuide, R"({"country":"DE","topic":"weather","language":"en","body":"T"})"));
  EXPECT_EQ(
      "content.country: must be an ISO 3166-1 alpha-2 code such as \"DE\"",
      Check(Kind::kGuide, R"({"country":"Germany","topic":"study","language":"en","body":"T"})"));
  EXPECT_EQ(
      "content.verified_on: must be YYYY-MM-DD",
      Check(
          Kind::kGuide,
          R"({"country":"DE","topic":"study","language":"en","body":"T","verified_on":"2026-13-01"})"));
  EXPECT_EQ(12u, GuideTopics().size());
}

TEST(ContentTest, CountriesAndDatesAreReal) {
  auto guide = [](const std::string& country, const std::string& date) {
    return Check(Kind::kGuide, R"({"country":")" + country +
                                   R"(","topic":"study","language":"en","body":"T",
        "verified_on":")" + date + R"("})");
  };
  EXPECT_EQ("ok", guide("XK", "2028-02-29"));
  EXPECT_NE("ok", guide("XX", "2026-01-01"));
  EXPECT_NE("ok", guide("DE", "2026-02-29"));
  EXPECT_NE("ok", guide("DE", "2026-04-31"));
  EXPECT_EQ("ok", guide("DE", "2000-02-29"));
  EXPECT_NE("ok", guide("DE", "1900-02-29"));
}

TEST(ContentTest, BulletinAndCentreRules) {
  EXPECT_EQ("ok", Check(Kind::kBulletin, R"({"title":"Quota change","summary":"S","body":"B",
      "countries":["IT"],"topics":["quotas-and-agreements"],"effective_date":"2027-01-01",
      "urgency":"high","language":"en"})"));
  std::string id(64, 'a');
  EXPECT_EQ("ok",
            Check(Kind::kBulletin, R"({"title":"New quota","body":"B","effective_date":"2027-01-01",
      "urgency":"high","language":"en","supersedes":[")" +
                                       id + R"("],"guide_sections":[")" + id + R"("]})"));
  EXPECT_EQ("content.supersedes: every item must be a document id (64 lowercase hex characters)",
            Check(Kind::kBulletin,
                  R"({"title":"T","body":"B","effective_date":"2027-01-01","urgency":"high",
                "language":"en","supersedes":["last year's"]})"));
  EXPECT_EQ(
      "content.urgency: must be low, normal, high or urgent",
      Check(
          Kind::kBulletin,
          R"({"title":"T","body":"B","effective_date":"2027-01-01","urgency":"now","language":"en"})"));
  EXPECT_EQ("ok", Check(Kind::kCentre,
                        R"({"name":"MRC Tirana","location":{"city":"Tirana","country":"AL"},
      "contact":{"email":"info@example.org"},"languages":["sq","en"],"services":["referral"],"hours":"9-17"})"));
  EXPECT_EQ("content.location.city: is required",
            Check(Kind::kCentre, R"({"name":"MRC","location":{"country":"AL"}})"));
  EXPECT_EQ(
      "content.location.lat: must be a number within +-90",
      Check(Kind::kCentre, R"({"name":"MRC","location":{"city":"T","country":"AL","lat":91}})"));
}

// Content nested deeper than any kind allows is refused before it is
// parsed into a tree (dumping such a tree would overflow the stack).
TEST(ContentTest, ContentNestedTooDeepIsRefusedWithAClearError) {
  std::string deep = R"({"question":"Q?","answer":"A","language":"en","tags":)" +
                     std::string(100000, '[') + std::string(100000, ']') + "}";
  Status s = ValidatePayload(Kind::kFaq, deep);
  EXPECT_EQ(Status::Code::kInvalidArgument, s.code());
  EXPECT_NE(std::string::npos, s.message().find("nests deeper")) << s.message();
}

TEST(ContentTest, CanonicalFormSortsKeys) {
  json j = json::parse(R"({"question":"Q","language":"ar","answer":"مرحبا"})");
  auto text = CanonicalContent(Kind::kFaq, j);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(R"({"answer":"مرحبا","language":"ar","question":"Q"})", *text);
}

// The one-pass check must never accept what the full check refuses, and
// must accept the usual forms (or it would not save anything).
bool FullCheckAccepts(Kind kind, const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return !j.is_discarded() && ValidateContent(kind, j).ok();
}

TEST(ContentTest, TheQuickCheckAcceptsUsualContent) {
  const std::string q500 = std::string(498, 'q') + "\\u00e9";  // 500 bytes unescaped
  const std::string q501 = std::string(499, 'q') + "\\u00e9";
  struct Case {
    Kind kind;
    std::string text;
    bool quick;  // what QuickAccept answers
  } cases[] = {
      {Kind::kFaq, R"({"answer":"A","language":"en","question":"Q?"})", true},
      {Kind::kFaq,
       " {\"question\" : \"Q\",\n\t\"answer\":\"A\\n\\\"b\\\" \\/ "
       "\\u0009\",\r\"language\":\"pt-BR\"} ",
       true},
      {Kind::kFaq,
       R"({"answer":"مرحبا 😀 \ud83d\ude00","language":"ar","question":"Q","categories":["a-1"],"tags":[],"translation_group":"g"})",
       true},
      {Kind::kFaq, R"({"answer":"A","language":"en","question":")" + q500 + R"("})", true},
      {Kind::kFaq, R"({"answer":"A","language":"en","question":")" + q501 + R"("})", false},
      {Kind::kFaq, R"({"answer":"A","language":"en","question":"Q","question":"R"})", false},
      {Kind::kFaq, R"({"answer":"A","language":"en","question":"\ud800"})", false},
      {Kind::kFaq, R"({"answer":"A","language":"en","question":"\udc00\ud800"})", false},
      {Kind::kFaq, "{\"answer\":\"\xc0\x80\",\"language\":\"en\",\"question\":\"Q\"}", false},
      {Kind::kFaq, "{\"answer\":\"\xed\xa0\x80\",\"language\":\"en\",\"question\":\"Q\"}", false},
      {Kind::kFaq, "{\"answer\":\"\xf4\x90\x80\x80\",\"language\":\"en\",\"question\":\"Q\"}",
       false},
      {Kind::kFaq, "{\"answer\":\"a\tb\",\"language\":\"en\",\"question\":\"Q\"}", false},
      {Kind::kFaq, R"({"answer":"A","language":"en","question":"Q"} x)", false},
      {Kind::kFaq, R"({"answer":"A","language":"en","question":"Q",})", false},
      {Kind::kFaq, R"({"answer":"A","language":"en"})", false},
      {Kind::kFaq, R"({"answer":"","language":"en","question":"Q"})", false},
      {Kind::kGuide,
       R"({"authoritative":true,"body":"B","country":"DE","language":"de","topic":"study","verified_on":"2028-02-29","sources":["s"]})",
       true},
      {Kind::kGuide, R"({"body":"B","country":"DE","language":"de","topic":"study","section":"S"})",
       false},
      {Kind::kGuide, R"({"body":"B","country":"DE","language":"de"})", false},
      {Kind::kBulletin,
       R"({"body":"B","countries":["IT"],"effective_date":"2027-01-01","language":"en","title":"T","topics":["study"],"urgency":"high"})",
       true},
      {Kind::kBulletin,
       R"({"body":"B","effective_date":"2027-01-01","language":"en","title":"T","urgency":"soon"})",
       false},
      // Forms the quick check leaves to the full one, though they are valid.
      {Kind::kCentre, R"({"name":"MRC","location":{"city":"T","country":"AL","lat":41.3}})", false},
      {Kind::kFaq, "\xef\xbb\xbf{\"answer\":\"A\",\"language\":\"en\",\"question\":\"Q\"}", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.quick, QuickAccept(c.kind, c.text)) << c.text;
    if (c.quick) {
      EXPECT_TRUE(FullCheckAccepts(c.kind, c.text)) << c.text;
    }
    EXPECT_EQ(FullCheckAccepts(c.kind, c.text), ValidatePayload(c.kind, c.text).ok()) << c.text;
  }
  EXPECT_TRUE(FullCheckAccepts(Kind::kFaq,
                               R"({"answer":"A","language":"en","question":"Q","question":"R"})"));
}

TEST(ContentTest, TheQuickCheckNeverAcceptsWhatTheFullCheckRefuses) {
  const std::pair<Kind, std::string> seeds[] = {
      {Kind::kFaq,
       R"({"answer":"A \"b\" \u00e9\ud83d\ude00 é","categories":["work","a-1"],"language":"pt-BR","question":"Q?","tags":["x"],"translation_group":"g-1"})"},
      {Kind::kGuide,
       R"({"authoritative":false,"body":"B","country":"DE","language":"de","sources":["s"],"topic":"study","verified_on":"2028-02-29"})"},
      {Kind::kGuide, R"({"body":"B","country":"XK","language":"sq","section":"S"})"},
      {Kind::kBulletin,
       R"({"body":"B","countries":["IT","DE"],"effective_date":"2027-01-01","guide_sections":[],"language":"en","summary":"S","title":"T","topics":["study"],"urgency":"urgent"})"},
  };
  // Bytes that matter to JSON and UTF-8, most likely to turn a valid text
  // into an almost-valid one.
  const std::string alphabet = std::string("\"\\{}[],:tfnu0aAéDE ") + "\x80\xbf\xc3\xed\xf0\x01";
  std::mt19937 rng(20261124);
  int quick_accepted = 0;
  for (const auto& [kind, seed] : seeds) {
    ASSERT_TRUE(QuickAccept(kind, seed)) << seed;
    for (int round = 0; round < 5000; ++round) {
      std::string t = seed;
      int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits && !t.empty(); ++e) {
        std::size_t at = rng() % t.size();
        char c = alphabet[rng() % alphabet.size()];
        switch (rng() % 4) {
          case 0:
            t[at] = c;
            break;
          case 1:
            t.insert(t.begin() + static_cast<std::ptrdiff_t>(at), c);
            break;
          case 2:
            t.erase(at, 1 + rng() % 4);
            break;
          default:
            t.insert(at, t.substr(rng() % t.size(), 1 + rng() % 12));
        }
      }
      if (QuickAccept(kind, t)) {
        ++quick_accepted;
        EXPECT_TRUE(FullCheckAccepts(kind, t)) << t;
      }
    }
  }
  // Some mutations stay valid (a changed letter in a text): the quick check
  // was exercised on both answers.
  EXPECT_GT(quick_accepted, 100);
}

}  // namespace
}  // namespace mrc::sync
