#include "sync/content.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

TEST(ContentTest, CanonicalFormSortsKeys) {
  json j = json::parse(R"({"question":"Q","language":"ar","answer":"مرحبا"})");
  auto text = CanonicalContent(Kind::kFaq, j);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(R"({"answer":"مرحبا","language":"ar","question":"Q"})", *text);
}

}  // namespace
}  // namespace mrc::sync
