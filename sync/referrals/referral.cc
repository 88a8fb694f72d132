#include "sync/referrals/referral.h"

#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"
#include "sync/log/entry.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

constexpr std::uint8_t kWhole = 0;
constexpr std::uint8_t kErasedForm = 1;
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

Result<ReferralPayload> DecodeReferralPayload(std::string_view payload) {
  std::string_view in = payload;
  std::uint8_t form = 0;
  std::uint32_t n = 0;
  ReferralPayload p;
  if (!GetU8(&in, &form) || form > kErasedForm || !GetU32(&in, &n) || !GetBytes(&in, n, &p.meta))
    return Status::InvalidArgument("referral payload: malformed");
  if (form == kWhole) {
    p.sealed = in;
    if (in.size() > UINT32_MAX) return Status::InvalidArgument("referral payload: too large");
    p.sealed_size = static_cast<std::uint32_t>(in.size());
    p.sealed_hash = Blake2b256(in);
    return p;
  }
  p.erased = true;
  if (!GetU32(&in, &p.sealed_size) || !GetHash(&in, &p.sealed_hash) || !in.empty())
    return Status::InvalidArgument("referral payload: malformed erased form");
  // The whole form it stands for must have been a payload at all.
  if (std::uint64_t{5} + p.meta.size() + p.sealed_size > kMaxPayloadBytes)
    return Status::InvalidArgument("referral payload: erased form of an oversized payload");
  return p;
}

Bytes EncodeReferralPayload(std::string_view meta, std::string_view sealed) {
  Bytes out;
  out.reserve(5 + meta.size() + sealed.size());
  out.push_back(static_cast<char>(kWhole));
  PutU32(&out, static_cast<std::uint32_t>(meta.size()));
  out += meta;
  out += sealed;
  return out;
}

Result<Bytes> EraseReferralPayload(std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(ReferralPayload p, DecodeReferralPayload(payload));
  if (p.erased || p.sealed_size == 0) return Bytes(payload);
  Bytes out;
  out.push_back(static_cast<char>(kErasedForm));
  PutU32(&out, static_cast<std::uint32_t>(p.meta.size()));
  out += p.meta;
  PutU32(&out, p.sealed_size);
  PutHash(&out, p.sealed_hash);
  return out;
}

Hash32 ReferralPayloadHash(const ReferralPayload& p) {
  Hasher h;
  h.Update("mrc-referral-v1");
  h.Update(AsView(Blake2b256(p.meta)));
  h.Update(AsView(p.sealed_hash));
  Bytes size;
  PutU32(&size, p.sealed_size);
  h.Update(size);
  return h.Finish();
}

std::uint32_t ReferralPayloadSize(const ReferralPayload& p) {
  return static_cast<std::uint32_t>(5 + p.meta.size() + p.sealed_size);
}

std::string SentContext(const Hash32& to) { return "mrc-referral-v1 sent to " + ToHex(to); }

std::string NoteContext(const Hash32& referral, ReferralStatus s) {
  return "mrc-referral-v1 " + ToHex(referral) + " " + std::string(ReferralStatusName(s));
}

}  // namespace mrc::sync
