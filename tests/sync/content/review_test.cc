#include "sync/content/review.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sync/content/content.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

TEST(ReviewTest, AddMonthsClampsTheDay) {
  EXPECT_EQ(AddMonths("2026-01-31", 1), "2026-02-28");
  EXPECT_EQ(AddMonths("2028-01-31", 1), "2028-02-29");
  EXPECT_EQ(AddMonths("2026-11-15", 3), "2027-02-15");
  EXPECT_EQ(AddMonths("2026-05-01", 0), "2026-05-01");
  EXPECT_EQ(AddMonths("2026-12-31", 12), "2027-12-31");
}

TEST(ReviewTest, TopicIntervalOverridesTheKind) {
  ReviewIntervals r;
  r.guide = 12;
  r.guide_topics = {{"visas-and-embassy", 3}};
  EXPECT_EQ(IntervalFor(r, Kind::kGuide, "visas-and-embassy"), 3u);
  EXPECT_EQ(IntervalFor(r, Kind::kGuide, "citizenship"), 12u);
  EXPECT_EQ(IntervalFor(r, Kind::kGuide, ""), 12u);
  EXPECT_EQ(IntervalFor(r, Kind::kFaq, "visas-and-embassy"), r.faq);
  EXPECT_EQ(IntervalFor(r, Kind::kBulletin, ""), 0u);
}

TEST(ReviewTest, DueFromVerifiedOnThenVersionDate) {
  ReviewIntervals r;
  r.guide_topics = {{"visas-and-embassy", 3}};
  json section = {
      {"country", "DE"}, {"topic", "visas-and-embassy"}, {"language", "en"},
      {"body", "x"},     {"verified_on", "2026-01-10"},  {"verified_by", "Amal Haddad"}};
  ReviewState s = ReviewOf(Kind::kGuide, section, "2026-06-01", "2026-04-10", r);
  EXPECT_EQ(s.verified_on, "2026-01-10");
  EXPECT_EQ(s.verified_by, "Amal Haddad");
  EXPECT_EQ(s.due, "2026-04-10");
  EXPECT_FALSE(s.own_due);
  EXPECT_FALSE(s.overdue);  // due today is not yet overdue
  EXPECT_TRUE(ReviewOf(Kind::kGuide, section, "2026-06-01", "2026-04-11", r).overdue);

  section.erase("verified_on");
  s = ReviewOf(Kind::kGuide, section, "2026-06-01", "2026-08-01", r);
  EXPECT_EQ(s.verified_on, "");
  EXPECT_EQ(s.due, "2026-09-01");
  EXPECT_FALSE(s.overdue);
}

TEST(ReviewTest, OwnDueDateWins) {
  json faq = {{"question", "q"},
              {"answer", "a"},
              {"language", "en"},
              {"verified_on", "2026-01-01"},
              {"review_due", "2026-02-01"}};
  ReviewState s = ReviewOf(Kind::kFaq, faq, "2026-01-01", "2026-03-01", DefaultReviewIntervals());
  EXPECT_TRUE(s.own_due);
  EXPECT_EQ(s.due, "2026-02-01");
  EXPECT_TRUE(s.overdue);
}

TEST(ReviewTest, ZeroMonthsAndBulletinsAreNeverDue) {
  ReviewIntervals r;
  r.centre = 0;
  json centre = {{"name", "n"}, {"location", {{"city", "c"}, {"country", "DE"}}}};
  EXPECT_EQ(ReviewOf(Kind::kCentre, centre, "2000-01-01", "2026-01-01", r).due, "");
  EXPECT_FALSE(ReviewOf(Kind::kCentre, centre, "2000-01-01", "2026-01-01", r).overdue);
  json bulletin = {{"title", "t"}, {"body", "b"}, {"effective_date", "2000-01-01"}};
  EXPECT_FALSE(ReviewOf(Kind::kBulletin, bulletin, "2000-01-01", "2026-01-01", r).overdue);
}

TEST(ReviewTest, ReviewFieldsAreValidContent) {
  json faq = {{"question", "q"},          {"answer", "a"},
              {"language", "en"},         {"verified_on", "2026-01-01"},
              {"verified_by", "Jon Doe"}, {"review_due", "2026-07-01"}};
  EXPECT_TRUE(ValidateContent(Kind::kFaq, faq).ok());
  faq["review_due"] = "2026-02-30";
  EXPECT_FALSE(ValidateContent(Kind::kFaq, faq).ok());
  json centre = {
      {"name", "n"}, {"location", {{"city", "c"}, {"country", "DE"}}}, {"verified_by", "Jon\x01"}};
  EXPECT_FALSE(ValidateContent(Kind::kCentre, centre).ok());
}

}  // namespace
}  // namespace mrc::sync
