#include "web/api/referral_json.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "web/api/request_json.h"

namespace mrc::web::api {
namespace {

using nlohmann::json;

Status Bad(std::string_view field, std::string_view why) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(why));
}

// A string field, nullopt when absent.
Result<std::optional<std::string>> TextField(const json& j, const char* field) {
  if (!j.contains(field)) return std::optional<std::string>();
  if (!j[field].is_string()) return Bad(field, "must be a string");
  return std::optional<std::string>(j[field].get<std::string>());
}

// The same for a field that may be left out: "" when absent.
Result<std::string> OptionalTextField(const json& j, const char* field) {
  MRC_ASSIGN_OR_RETURN(std::optional<std::string> v, TextField(j, field));
  return v.value_or("");
}

Result<sync::CreateReferralRequest::Client> ReadClient(const json& c) {
  MRC_RETURN_IF_ERROR(OnlyKeys(c, {"name", "contact", "languages", "notes"}));
  sync::CreateReferralRequest::Client out;
  MRC_ASSIGN_OR_RETURN(out.name, TextField(c, "name"));
  MRC_ASSIGN_OR_RETURN(out.contact, OptionalTextField(c, "contact"));
  MRC_ASSIGN_OR_RETURN(out.notes, OptionalTextField(c, "notes"));
  if (c.contains("languages")) {
    if (!c["languages"].is_array())
      return Bad("client.languages", "must be a list of at most 20 languages");
    for (const auto& l : c["languages"]) {
      if (!l.is_string())
        return Bad("client.languages", "each language is a short non-empty string");
      out.languages.push_back(l.get<std::string>());
    }
  }
  return out;
}

Result<sync::CreateReferralRequest::Consent> ReadConsent(const json& k) {
  MRC_RETURN_IF_ERROR(OnlyKeys(k, {"given", "scope"}));
  sync::CreateReferralRequest::Consent out;
  out.given = k.contains("given") && k["given"] == true;
  MRC_ASSIGN_OR_RETURN(out.scope, TextField(k, "scope"));
  return out;
}

json CentreJson(const sync::ReferralCentre& c) { return json{{"key", c.key}, {"name", c.name}}; }

json SummaryJson(const sync::ReferralSummary& s) {
  json j{{"id", s.id},
         {"direction", s.direction},
         {"from", CentreJson(s.from)},
         {"to", CentreJson(s.to)},
         {"sent_at", s.sent_at},
         {"status", s.status},
         {"updated_at", s.updated_at},
         {"erased", s.erased}};
  if (s.service) j["service"] = *s.service;
  if (s.urgency) j["urgency"] = *s.urgency;
  return j;
}

json DetailsJson(const sync::SentDetails& d) {
  return json{{"service", d.service},
              {"reason", d.reason},
              {"urgency", d.urgency},
              {"by", d.by},
              {"client",
               {{"name", d.client.name},
                {"contact", d.client.contact},
                {"notes", d.client.notes},
                {"languages", d.client.languages}}},
              {"consent",
               {{"given", d.consent.given},
                {"scope", d.consent.scope},
                {"recorded_at", d.consent.recorded_at}}}};
}

json TrailJson(const std::vector<sync::TrailStep>& trail) {
  json out = json::array();
  for (const auto& s : trail) {
    json t{{"id", s.id}, {"status", s.status}, {"centre", CentreJson(s.centre)}, {"at", s.at}};
    if (s.opened) t["opened"] = *s.opened;
    if (s.note) {
      t["note"] = s.note->note;
      t["by"] = s.note->by;
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

Result<std::string> CreatedReferralJson(const std::string& id) {
  return DumpResponse(json{{"id", id}});
}

Result<std::string> ReferralListJson(const sync::ReferralList& list) {
  json referrals = json::array();
  for (const auto& s : list.referrals) referrals.push_back(SummaryJson(s));
  json counts = json::object();
  for (const auto& [status, n] : list.counts) counts[status] = n;
  counts["total"] = list.total;
  const sync::ReferralDirections& d = list.directions;
  json directions{{"in", d.in}, {"out", d.out}, {"relayed", d.relayed}, {"all", d.all}};
  return DumpResponse(
      json{{"referrals", referrals}, {"counts", counts}, {"directions", directions}});
}

Result<std::string> ReferralJson(const sync::ReferralDetail& referral) {
  json j = SummaryJson(referral);
  j["readable"] = referral.details.has_value();
  if (referral.details) {
    j["details"] = DetailsJson(*referral.details);
  } else {
    j["unreadable_reason"] = referral.unreadable_reason;
  }
  j["trail"] = TrailJson(referral.trail);
  j["actions"] = referral.actions;
  if (referral.erased_by) j["erased_by"] = CentreJson(*referral.erased_by);
  if (referral.erased_at) j["erased_at"] = *referral.erased_at;
  return DumpResponse(j);
}

Result<std::string> TargetsJson(const std::vector<sync::TargetCentre>& centres) {
  json out = json::array();
  for (const auto& c : centres) {
    json j{{"key", c.key},         {"name", c.name},           {"city", c.city},
           {"country", c.country}, {"languages", c.languages}, {"services", c.services}};
    if (c.directory) j["directory"] = *c.directory;
    out.push_back(std::move(j));
  }
  return DumpResponse(json{{"centres", out}});
}

Result<std::string> AuditJson(const std::vector<sync::AuditEvent>& events) {
  json out = json::array();
  for (const auto& e : events) {
    out.push_back(
        json{{"at", e.at}, {"user", e.user}, {"action", e.action}, {"referral", e.referral}});
  }
  return DumpResponse(json{{"events", out}});
}

Result<sync::CreateReferralRequest> ReadCreateReferral(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"to", "service", "reason", "urgency", "client", "consent"}));
  sync::CreateReferralRequest out;
  // A "to" that is not a string is as good as none: the service says so.
  if (req.contains("to") && req["to"].is_string()) out.to = req["to"].get<std::string>();
  MRC_ASSIGN_OR_RETURN(out.service, TextField(req, "service"));
  MRC_ASSIGN_OR_RETURN(out.reason, TextField(req, "reason"));
  MRC_ASSIGN_OR_RETURN(out.urgency, OptionalTextField(req, "urgency"));
  // So is a client or consent that is not an object.
  if (req.contains("client") && req["client"].is_object()) {
    MRC_ASSIGN_OR_RETURN(out.client, ReadClient(req["client"]));
  }
  if (req.contains("consent") && req["consent"].is_object()) {
    MRC_ASSIGN_OR_RETURN(out.consent, ReadConsent(req["consent"]));
  }
  return out;
}

Result<sync::SetStatusRequest> ReadStatusRequest(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"status", "note"}));
  sync::SetStatusRequest out;
  MRC_ASSIGN_OR_RETURN(out.status, TextField(req, "status"));
  MRC_ASSIGN_OR_RETURN(out.note, TextField(req, "note"));
  return out;
}

}  // namespace mrc::web::api
