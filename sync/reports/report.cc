#include "sync/reports/report.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"

namespace mrc::sync::reports {
namespace {

using nlohmann::json;

Status Bad(std::string_view field, std::string_view why) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(why));
}

Result<json> ParseObject(std::string_view payload, std::string_view what,
                         std::initializer_list<std::string_view> keys) {
  json j = JsonNestsAtMost(payload, kMaxJsonNesting)
               ? json::parse(payload, nullptr, /*allow_exceptions=*/false)
               : json(json::value_t::discarded);
  if (j.is_discarded() || !j.is_object())
    return Status::InvalidArgument(std::string(what) + " is not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      return Bad(key, "unknown field in " + std::string(what));
  }
  return j;
}

// A text field: a string of at most `max` bytes without control
// characters but tab and newline; "" when absent and not required.
Status CheckText(std::string_view field, std::string_view v, bool required, std::size_t max) {
  if (required && v.empty()) return Bad(field, "is required");
  if (v.size() > max) return Bad(field, "must be at most " + std::to_string(max) + " bytes");
  if (!IsValidUtf8(v)) return Bad(field, "is not valid UTF-8");
  if (auto problem = ControlCharProblem(v)) return Bad(field, *problem);
  return Status::Ok();
}

Result<std::string> Text(const json& j, const char* field, bool required, std::size_t max) {
  if (!j.contains(field)) {
    if (required) return Bad(field, "is required");
    return std::string();
  }
  if (!j[field].is_string()) return Bad(field, "must be a string");
  std::string v = j[field].get<std::string>();
  MRC_RETURN_IF_ERROR(CheckText(field, v, required, max));
  return v;
}

Status CheckReply(const ReplyBody& r) {
  MRC_RETURN_IF_ERROR(CheckText("reply", r.reply, !r.close, kMaxNoteBytes));
  return CheckText("by", r.by, true, kMaxNameBytes);
}

Status CheckReport(const ReportBody& r) {
  if (CategoryName(r.category).empty()) return Bad("category", "unknown category");
  MRC_RETURN_IF_ERROR(CheckText("note", r.note, false, kMaxNoteBytes));
  return CheckText("by", r.by, true, kMaxNameBytes);
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::strict); }

}  // namespace

std::string_view CategoryName(Category c) {
  switch (c) {
    case Category::kOutdated:
      return "outdated";
    case Category::kWrong:
      return "wrong";
    case Category::kUnclear:
      return "unclear";
    case Category::kBrokenLink:
      return "broken-link";
  }
  return "";
}

bool ParseCategory(std::string_view name, Category* c) {
  for (Category k : kCategories) {
    if (CategoryName(k) == name) {
      *c = k;
      return true;
    }
  }
  return false;
}

bool IsReplyPayload(std::string_view payload) {
  if (payload.find("\"close\"") == std::string_view::npos) return false;
  json j = JsonNestsAtMost(payload, kMaxJsonNesting)
               ? json::parse(payload, nullptr, /*allow_exceptions=*/false)
               : json(json::value_t::discarded);
  return j.is_object() && j.contains("close") && !j.contains("category");
}

Result<ReportBody> ParseReport(std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(json j, ParseObject(payload, "a report", {"category", "note", "by"}));
  ReportBody r;
  MRC_ASSIGN_OR_RETURN(std::string category, Text(j, "category", true, 20));
  if (!ParseCategory(category, &r.category))
    return Bad("category", "must be outdated, wrong, unclear or broken-link");
  MRC_ASSIGN_OR_RETURN(r.note, Text(j, "note", false, kMaxNoteBytes));
  MRC_ASSIGN_OR_RETURN(r.by, Text(j, "by", true, kMaxNameBytes));
  return r;
}

Result<ReplyBody> ParseReply(std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(json j, ParseObject(payload, "a reply", {"reply", "close", "by"}));
  ReplyBody r;
  if (!j.contains("close") || !j["close"].is_boolean())
    return Bad("close", "is required (true or false)");
  r.close = j["close"].get<bool>();
  MRC_ASSIGN_OR_RETURN(r.reply, Text(j, "reply", false, kMaxNoteBytes));
  MRC_ASSIGN_OR_RETURN(r.by, Text(j, "by", true, kMaxNameBytes));
  MRC_RETURN_IF_ERROR(CheckReply(r));
  return r;
}

Result<std::string> ReportPayload(const ReportBody& r) {
  MRC_RETURN_IF_ERROR(CheckReport(r));
  return Dump(json{{"category", CategoryName(r.category)}, {"note", r.note}, {"by", r.by}});
}

Result<std::string> ReplyPayload(const ReplyBody& r) {
  MRC_RETURN_IF_ERROR(CheckReply(r));
  return Dump(json{{"reply", r.reply}, {"close", r.close}, {"by", r.by}});
}

}  // namespace mrc::sync::reports
