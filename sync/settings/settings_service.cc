#include "sync/settings/settings_service.h"

#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"
#include "config/foundation/log.h"
#include "sync/log/log.h"
#include "sync/settings/setting.h"
#include "sync/settings/setting_records.h"

namespace mrc::sync {
namespace settings {

namespace {

SettingView View(std::string_view name, const SettingRecord& r) {
  return SettingView{std::string(name), r.value, ToHex(AsView(r.id)), ToHex(AsView(r.author)),
                     FormatTime(HlcMillis(r.hlc))};
}

Status KnownName(std::string_view name) {
  if (!IsKnownSetting(name))
    return Status::InvalidArgument("unknown setting '" + std::string(name).substr(0, 64) + "'");
  return Status::Ok();
}

}  // namespace

Result<std::optional<SettingView>> GetSetting(Log& log, std::string_view name) {
  MRC_RETURN_IF_ERROR(KnownName(name));
  MRC_ASSIGN_OR_RETURN(auto r, Current(*log.store(), name));
  if (!r) return std::optional<SettingView>();
  return std::optional<SettingView>(View(name, *r));
}

Result<std::vector<SettingView>> SettingHistory(Log& log, std::string_view name, std::size_t max) {
  MRC_RETURN_IF_ERROR(KnownName(name));
  MRC_ASSIGN_OR_RETURN(auto records, History(*log.store(), name, max));
  std::vector<SettingView> out;
  for (const auto& r : records) out.push_back(View(name, r));
  return out;
}

Result<SettingView> SetSetting(Log& log, std::string_view name, std::string_view value_json) {
  MRC_RETURN_IF_ERROR(KnownName(name));
  if (!JsonNestsAtMost(value_json, kMaxJsonNesting))
    return Status::InvalidArgument("the value nests too deep");
  auto value = nlohmann::json::parse(value_json, nullptr, false);
  if (value.is_discarded()) return Status::InvalidArgument("the value is not JSON");
  MRC_RETURN_IF_ERROR(ValidateValue(name, value));
  // The log refuses, before signing, an entry every node would reject: a
  // node other than headquarters gets PermissionDenied with the reason.
  MRC_ASSIGN_OR_RETURN(
      auto ids,
      log.Append({Draft{Kind::kSetting, Op::kPut, Hash32{}, {}, SettingPayload(name, value)}}));
  MRC_ASSIGN_OR_RETURN(auto history, History(*log.store(), name, 64));
  for (const auto& r : history) {
    if (r.id == ids.front()) return View(name, r);
  }
  return Status::Corruption("setting " + ToHex(AsView(ids.front())) + " not recorded");
}

}  // namespace settings

Result<ReviewIntervals> NetworkReviewIntervals(Log& log) {
  MRC_ASSIGN_OR_RETURN(auto r, settings::Current(*log.store(), settings::kReviewIntervals));
  if (!r) return DefaultReviewIntervals();
  auto value = nlohmann::json::parse(r->value, nullptr, false);
  // Applied only when valid (SettingRules), so unreadable is corruption.
  auto intervals = settings::ParseReviewIntervals(value);
  if (!intervals.ok())
    return Status::Corruption("review intervals in force unreadable: " +
                              intervals.status().message());
  return intervals;
}

ReviewIntervals ReviewIntervalsInForce(Log& log) {
  auto network = NetworkReviewIntervals(log);
  if (network.ok()) return *network;
  mrc::log::Warn("settings",
                 "review intervals: " + network.status().message() + "; using the defaults");
  return DefaultReviewIntervals();
}

}  // namespace mrc::sync
