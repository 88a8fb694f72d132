// The network settings (docs/settings.md) over sync/settings: the value in
// force, where it comes from, and its history.
#include <nlohmann/json.hpp>

#include "sync/settings/setting.h"
#include "sync/settings/settings_service.h"
#include "web/api/common.h"
#include "web/api/handlers.h"

namespace mrc::web::api {
namespace {

using nlohmann::json;

constexpr std::size_t kHistory = 20;

json ViewJson(const sync::settings::SettingView& v) {
  return {{"value", json::parse(v.value, nullptr, false)},
          {"id", v.id},
          {"author", v.author},
          {"at", v.at}};
}

// {"name", "value" (in force), "source" ("network" or "default"), "id",
// "author", "at" (of the entry in force, when set), "history" (newest
// first)}.
Result<std::string> ReviewIntervalsAnswer(sync::Log& log) {
  using namespace sync::settings;
  MRC_ASSIGN_OR_RETURN(auto current, GetSetting(log, kReviewIntervals));
  MRC_ASSIGN_OR_RETURN(auto history, SettingHistory(log, kReviewIntervals, kHistory));
  json out = {{"name", kReviewIntervals}};
  if (current) {
    out.update(ViewJson(*current));
    out["source"] = "network";
  } else {
    out["value"] = ReviewIntervalsJson(sync::DefaultReviewIntervals());
    out["source"] = "default";
  }
  out["history"] = json::array();
  for (const auto& v : history) out["history"].push_back(ViewJson(v));
  return out.dump();
}

}  // namespace

HttpResponse ReviewIntervals(Call& c) {
  sync::Log* log = c.parts.log;
  if (log == nullptr) return ErrorResponse(503, "UNAVAILABLE", "the log is not open");
  if (c.method() == "PUT") {
    auto body = ParseBody(c.http());
    if (!body.ok()) return JsonError(body.status());
    auto set = sync::settings::SetSetting(*log, sync::settings::kReviewIntervals, body->dump());
    if (!set.ok()) return JsonError(set.status());
  }
  return FromResult(ReviewIntervalsAnswer(*log));
}

}  // namespace mrc::web::api
