#include "sync/referrals/referral.h"

#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"
#include "sync/log/entry.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

constexpr std::string_view kNames[] = {"sent",      "received",  "accepted", "declined",
                                       "completed", "withdrawn", "erased"};

Status Bad(std::string_view why) {
  return Status::InvalidArgument("referral status: " + std::string(why));
}

}  // namespace

std::string_view ReferralStatusName(ReferralStatus s) {
  auto i = static_cast<std::size_t>(s);
  return i >= 1 && i <= std::size(kNames) ? kNames[i - 1] : "unknown";
}

bool ParseReferralStatus(std::string_view name, ReferralStatus* s) {
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) {
      *s = static_cast<ReferralStatus>(i + 1);
      return true;
    }
  }
  return false;
}

Result<ReferralMeta> ParseReferralMeta(std::string_view text) {
  if (!JsonNestsAtMost(text, kMaxJsonNesting)) return Bad("nested too deep");
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Bad("not a JSON object");
  if (!j.contains("status") || !j["status"].is_string()) return Bad("status is required");
  ReferralMeta m;
  if (!ParseReferralStatus(j["status"].get<std::string>(), &m.status))
    return Bad("unknown status \"" + j["status"].get<std::string>() + "\"");
  for (const auto& [key, value] : j.items()) {
    bool allowed = key == "status" || (key == "to" && m.status == ReferralStatus::kSent) ||
                   (key == "opened" && m.status == ReferralStatus::kReceived);
    if (!allowed)
      return Bad("unknown field " + key + " for status " + j["status"].get<std::string>());
  }
  if (m.status == ReferralStatus::kSent) {
    if (!j.contains("to") || !j["to"].is_string()) return Bad("a sent referral names \"to\"");
    auto to = Hash32FromHex(j["to"].get<std::string>());
    if (!to) return Bad("\"to\" must be 64 lowercase hex characters");
    m.to = *to;
  }
  if (m.status == ReferralStatus::kReceived) {
    if (!j.contains("opened") || !j["opened"].is_boolean())
      return Bad("a received status says whether it \"opened\"");
    m.opened = j["opened"].get<bool>();
  }
  if (ReferralMetaJson(m) != text) return Bad("not in canonical form");
  return m;
}

std::string ReferralMetaJson(const ReferralMeta& m) {
  json j = {{"status", ReferralStatusName(m.status)}};
  if (m.status == ReferralStatus::kSent) j["to"] = ToHex(m.to);
  if (m.status == ReferralStatus::kReceived) j["opened"] = m.opened;
  return j.dump();
}

std::string SentContext(const Hash32& to) { return "mrc-referral-v1 sent to " + ToHex(to); }

std::string NoteContext(const Hash32& referral, ReferralStatus s) {
  return "mrc-referral-v1 " + ToHex(referral) + " " + std::string(ReferralStatusName(s));
}

}  // namespace mrc::sync
