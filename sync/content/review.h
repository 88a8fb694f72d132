// When a document is due for review, and whether it is overdue.
//
// FAQ entries, guide sections and centre records carry `verified_on` (the
// date someone last checked them), `verified_by` (that person's name) and
// may set their own `review_due`. Otherwise a document is due an interval
// after it was verified (or, never verified, after its version's date):
// months per kind, and per guide topic, set by headquarters for the whole
// network. Bulletins are never due: they have an effective date instead.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "sync/log/entry.h"

namespace mrc::sync {

// Months between reviews; 0: never due.
struct ReviewIntervals {
  std::uint32_t faq = 12;
  std::uint32_t guide = 12;
  std::uint32_t centre = 12;
  // Overrides `guide` for the sections of a topic.
  std::map<std::string, std::uint32_t, std::less<>> guide_topics;

  bool operator==(const ReviewIntervals&) const = default;
};

// What a network uses until headquarters says otherwise.
const ReviewIntervals& DefaultReviewIntervals();

class Log;

// The date (YYYY-MM-DD, UTC) of a time in Unix milliseconds.
std::string DateOfMillis(std::uint64_t unix_millis);

// The months for a document of this kind (and guide topic; "" for none).
std::uint32_t IntervalFor(const ReviewIntervals& intervals, Kind kind, std::string_view topic);

// `date` (YYYY-MM-DD) plus `months`, the day clamped to the month's last:
// 2026-01-31 plus one month is 2026-02-28.
std::string AddMonths(std::string_view date, std::uint32_t months);

struct ReviewState {
  std::string verified_on;  // "" when never verified
  std::string verified_by;  // "" when not recorded
  // The date it is due ("" when never due), and whether the document set
  // it itself (`review_due`) rather than taking the network's interval.
  std::string due;
  bool own_due = false;
  bool overdue = false;  // due before `today`
};

// The review state of a document's content. `version_date` (YYYY-MM-DD)
// is the date of the version shown, the base when it was never verified;
// `today` is YYYY-MM-DD.
ReviewState ReviewOf(Kind kind, const nlohmann::json& content, std::string_view version_date,
                     std::string_view today, const ReviewIntervals& intervals);

// Whether documents of this kind carry review dates.
bool HasReview(Kind kind);

}  // namespace mrc::sync
