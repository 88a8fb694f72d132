// Network settings (kind setting): values headquarters sets for the whole
// network, each under a name, such as the review intervals of documents
// (docs/settings.md). A setting entry's payload is canonical JSON:
//
//   {"name":"review-intervals","value":{...}}
//
// The value's shape depends on the name. A name this version does not know
// belongs to a later one: its entries are kept and relayed, and read by no
// one here.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "config/foundation/status.h"
#include "sync/content/review.h"

namespace mrc::sync::settings {

// Months between reviews, per kind and per guide topic.
inline constexpr std::string_view kReviewIntervals = "review-intervals";

// A name: 1 to 64 of a-z, 0-9 and '-'.
bool IsSettingName(std::string_view name);
// Whether this version knows what a setting of this name holds.
bool IsKnownSetting(std::string_view name);

struct SettingBody {
  std::string name;
  std::string value;  // canonical JSON text
};

// The frame of a payload (a JSON object of exactly "name" and "value"):
// InvalidArgument naming what is wrong. The value is not checked here.
Result<SettingBody> ParseSetting(std::string_view payload);
// The canonical payload of a setting.
std::string SettingPayload(std::string_view name, const nlohmann::json& value);
// The value's content for a known name: InvalidArgument naming the field
// and the cause. Unknown names pass.
Status ValidateValue(std::string_view name, const nlohmann::json& value);

// {"faq":12,"guide":12,"centre":12,"guide_topics":{"visas-and-embassy":3}}:
// each kind's months required, topics optional, each 0 (never due) to 120;
// topics among GuideTopics(); no other key.
Result<ReviewIntervals> ParseReviewIntervals(const nlohmann::json& value);
nlohmann::json ReviewIntervalsJson(const ReviewIntervals& intervals);

}  // namespace mrc::sync::settings
