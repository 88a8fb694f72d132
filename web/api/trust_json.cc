#include "web/api/trust_json.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "web/api/request_json.h"

namespace mrc::web::api {
namespace {

using nlohmann::json;

json MemberValue(const sync::MemberView& m) {
  json j{{"key", m.key},
         {"name", m.name},
         {"roles", m.roles},
         {"root", m.root},
         {"member", m.member},
         {"replaces", m.replaces},
         {"entries", m.entries},
         {"waiting", m.waiting},
         {"revoked_from", m.revoked_from ? json(*m.revoked_from) : json(nullptr)},
         {"encryption_key", m.encryption_key ? json(*m.encryption_key) : json(nullptr)}};
  if (!m.city.empty()) j["city"] = m.city;
  if (!m.country.empty()) j["country"] = m.country;
  if (m.revoked_from) j["revoke_reason"] = m.revoke_reason;
  return j;
}

json MarkValue(const std::optional<sync::ReceiptMark>& r) {
  if (!r) return nullptr;
  json j{{"version", r->version}, {"at", r->at}, {"current", r->current}};
  if (!r->by.empty()) j["by"] = r->by;
  return j;
}

}  // namespace

Result<std::string> MemberJson(const sync::MemberView& member) {
  return DumpResponse(MemberValue(member));
}

Result<std::string> MembersJson(const sync::MemberList& members) {
  json list = json::array();
  for (const auto& m : members.members) list.push_back(MemberValue(m));
  return DumpResponse(json{{"members", list}});
}

Result<std::string> ApprovedJson(const sync::ApproveResult& approved) {
  if (approved.member) return MemberJson(*approved.member);
  return DumpResponse(
      json{{"key", approved.key}, {"member", false}, {"waiting", approved.waiting.value_or("")}});
}

Result<std::string> ReceiptsJson(const sync::ReceiptsView& receipts) {
  json centres = json::array();
  for (const auto& c : receipts.centres) {
    centres.push_back({{"key", c.key},
                       {"name", c.name},
                       {"received", MarkValue(c.received)},
                       {"acknowledged", MarkValue(c.acknowledged)}});
  }
  return DumpResponse(json{{"bulletin", receipts.bulletin},
                           {"title", receipts.title},
                           {"version", receipts.version},
                           {"centres", centres},
                           {"not_received", receipts.not_received},
                           {"not_acknowledged", receipts.not_acknowledged}});
}

Result<std::string> AcknowledgedJson(const sync::Acknowledgement& ack) {
  return DumpResponse(
      json{{"bulletin", ack.bulletin}, {"version", ack.version}, {"acknowledged", true}});
}

Result<sync::ApproveRequest> ReadApprove(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseOptionalRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"request", "roles", "replaces"}));
  sync::ApproveRequest out;
  if (req.contains("request") && req["request"].is_string())
    out.request = req["request"].get<std::string>();
  if (req.contains("roles")) {
    const json& roles = req["roles"];
    if (!roles.is_array() ||
        !std::all_of(roles.begin(), roles.end(), [](const json& x) { return x.is_string(); })) {
      return Status::InvalidArgument("\"roles\" must be a list such as [\"centre\"]");
    }
    out.roles = roles.get<std::vector<std::string>>();
  }
  if (req.contains("replaces")) {
    if (!req["replaces"].is_string()) return Status::InvalidArgument("\"replaces\" must be a key");
    out.replaces = req["replaces"].get<std::string>();
  }
  return out;
}

Result<sync::RevokeRequest> ReadRevoke(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseOptionalRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"from_seq", "reason"}));
  sync::RevokeRequest out;
  if (req.contains("reason") && req["reason"].is_string())
    out.reason = req["reason"].get<std::string>();
  if (req.contains("from_seq")) {
    // The service refuses 0 with the same words.
    if (!req["from_seq"].is_number_unsigned())
      return Status::InvalidArgument("\"from_seq\" must be a number >= 1");
    out.from_seq = req["from_seq"].get<std::uint64_t>();
  }
  return out;
}

Result<sync::AcknowledgeRequest> ReadAcknowledge(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseOptionalRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"by"}));
  sync::AcknowledgeRequest out;
  if (req.contains("by")) {
    if (!req["by"].is_string()) return Status::InvalidArgument("\"by\" must be a name");
    out.by = req["by"].get<std::string>();
  }
  return out;
}

}  // namespace mrc::web::api
