#include "sync/settings/setting.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"
#include "sync/content/content.h"

namespace mrc::sync::settings {

namespace {

constexpr std::uint32_t kMaxMonths = 120;

Status Invalid(std::string_view what) { return Status::InvalidArgument(std::string(what)); }

// A month count: a whole number from 0 to kMaxMonths.
Result<std::uint32_t> Months(const nlohmann::json& v, const std::string& field) {
  if (!v.is_number_integer() && !v.is_number_unsigned())
    return Invalid(field + ": months must be a whole number");
  auto n = v.get<std::int64_t>();
  if (n < 0 || n > kMaxMonths)
    return Invalid(field + ": months must be from 0 to " + std::to_string(kMaxMonths) + ", not " +
                   std::to_string(n));
  return static_cast<std::uint32_t>(n);
}

}  // namespace

bool IsSettingName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsKnownSetting(std::string_view name) { return name == kReviewIntervals; }

Result<SettingBody> ParseSetting(std::string_view payload) {
  if (!JsonNestsAtMost(payload, kMaxJsonNesting)) return Invalid("a setting nests too deep");
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Invalid("a setting is a JSON object of a name and a value");
  if (j.size() != 2 || !j.contains("name") || !j.contains("value"))
    return Invalid("a setting holds exactly \"name\" and \"value\"");
  if (!j["name"].is_string() || !IsSettingName(j["name"].get<std::string>()))
    return Invalid("a setting's name is 1 to 64 of a-z, 0-9 and '-'");
  return SettingBody{j["name"].get<std::string>(), j["value"].dump()};
}

std::string SettingPayload(std::string_view name, const nlohmann::json& value) {
  return nlohmann::json{{"name", name}, {"value", value}}.dump();
}

Status ValidateValue(std::string_view name, const nlohmann::json& value) {
  if (name == kReviewIntervals) return ParseReviewIntervals(value).status();
  return Status::Ok();
}

Result<ReviewIntervals> ParseReviewIntervals(const nlohmann::json& value) {
  if (!value.is_object()) return Invalid("review intervals are a JSON object");
  ReviewIntervals r;
  r.guide_topics.clear();
  for (const char* kind : {"faq", "guide", "centre"}) {
    if (!value.contains(kind)) return Invalid(std::string(kind) + ": required");
  }
  for (const auto& [key, v] : value.items()) {
    if (key == "faq" || key == "guide" || key == "centre") {
      MRC_ASSIGN_OR_RETURN(std::uint32_t m, Months(v, key));
      (key == "faq" ? r.faq : key == "guide" ? r.guide : r.centre) = m;
    } else if (key == "guide_topics") {
      if (!v.is_object()) return Invalid("guide_topics: an object of topic to months");
      const auto& topics = GuideTopics();
      for (const auto& [topic, months] : v.items()) {
        if (std::find(topics.begin(), topics.end(), topic) == topics.end())
          return Invalid("guide_topics: unknown topic '" + topic + "'");
        MRC_ASSIGN_OR_RETURN(r.guide_topics[topic], Months(months, "guide_topics." + topic));
      }
    } else {
      return Invalid("unknown key '" + key + "'");
    }
  }
  return r;
}

nlohmann::json ReviewIntervalsJson(const ReviewIntervals& intervals) {
  nlohmann::json topics = nlohmann::json::object();
  for (const auto& [topic, months] : intervals.guide_topics) topics[topic] = months;
  return {{"faq", intervals.faq},
          {"guide", intervals.guide},
          {"centre", intervals.centre},
          {"guide_topics", topics}};
}

}  // namespace mrc::sync::settings
