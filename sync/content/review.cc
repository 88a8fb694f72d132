#include "sync/content/review.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace mrc::sync {

const ReviewIntervals& DefaultReviewIntervals() {
  // Procedures for visas and permits change more often than the rest.
  static const ReviewIntervals kDefaults = [] {
    ReviewIntervals r;
    r.guide_topics = {{"legislation", 6},
                      {"visas-and-embassy", 6},
                      {"residence-and-work-permits", 6},
                      {"quotas-and-agreements", 6}};
    return r;
  }();
  return kDefaults;
}

std::string DateOfMillis(std::uint64_t unix_millis) {
  return FormatTime(unix_millis).substr(0, 10);
}

bool HasReview(Kind kind) {
  return kind == Kind::kFaq || kind == Kind::kGuide || kind == Kind::kCentre;
}

std::uint32_t IntervalFor(const ReviewIntervals& intervals, Kind kind, std::string_view topic) {
  switch (kind) {
    case Kind::kFaq:
      return intervals.faq;
    case Kind::kCentre:
      return intervals.centre;
    case Kind::kGuide: {
      auto it = intervals.guide_topics.find(topic);
      return it != intervals.guide_topics.end() ? it->second : intervals.guide;
    }
    default:
      return 0;
  }
}

std::string AddMonths(std::string_view date, std::uint32_t months) {
  int year = 0, month = 0, day = 0;
  if (date.size() != 10 ||
      std::sscanf(std::string(date).c_str(), "%4d-%2d-%2d", &year, &month, &day) != 3) {
    return std::string(date);
  }
  long total = static_cast<long>(year) * 12 + (month - 1) + months;
  year = static_cast<int>(total / 12);
  month = static_cast<int>(total % 12) + 1;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int last = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > last) day = last;
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", year % 10000, month, day);
  return out;
}

ReviewState ReviewOf(Kind kind, const nlohmann::json& content, std::string_view version_date,
                     std::string_view today, const ReviewIntervals& intervals) {
  ReviewState r;
  if (!HasReview(kind) || !content.is_object()) return r;
  auto text = [&](const char* field) {
    auto it = content.find(field);
    return it != content.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  r.verified_on = text("verified_on");
  r.verified_by = text("verified_by");
  if (std::string own = text("review_due"); !own.empty()) {
    r.due = own;
    r.own_due = true;
  } else if (std::uint32_t months = IntervalFor(intervals, kind, text("topic")); months > 0) {
    r.due = AddMonths(r.verified_on.empty() ? version_date : r.verified_on, months);
  }
  // Dates in YYYY-MM-DD compare as text.
  r.overdue = !r.due.empty() && r.due < today;
  return r;
}

}  // namespace mrc::sync
