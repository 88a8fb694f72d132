#include "web/api/doc_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"
#include "web/api/request_json.h"

namespace mrc::web::api {
namespace {

using nlohmann::json;

// Content the service holds as text: null when absent, as the API has
// always shown a deleted document's.
json ContentValue(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return json::parse(*text, nullptr, /*allow_exceptions=*/false);
}

json SummaryJson(const sync::DocSummary& d) {
  return json{{"id", d.id},
              {"kind", d.kind},
              {"version", d.version},
              {"heads", d.heads},
              {"conflict", d.conflict},
              {"deleted", d.deleted},
              {"created_by", d.created_by},
              {"created_at", d.created_at},
              {"updated_by", d.updated_by},
              {"updated_at", d.updated_at},
              {"versions", d.versions}};
}

json ViewJson(const sync::DocView& d) {
  json out = SummaryJson(d);
  out["content"] = ContentValue(d.content);
  if (d.review) {
    out["review"] = {{"verified_on", d.review->verified_on},
                     {"verified_by", d.review->verified_by},
                     {"due", d.review->due},
                     {"overdue", d.review->overdue}};
  }
  if (d.translation) {
    const sync::TranslationState& t = *d.translation;
    out["translation"] = {{"of", t.source},
                          {"source_version", t.source_version},
                          {"source_current", t.source_current},
                          {"source_language", t.source_language},
                          {"stale", t.stale},
                          {"source_missing", t.source_missing},
                          {"source_deleted", t.source_deleted},
                          {"source_conflict", t.source_conflict}};
  }
  return out;
}

// The content field of a request as JSON text, nullopt when absent.
std::optional<std::string> ContentText(const json& req) {
  if (!req.contains("content")) return std::nullopt;
  return req["content"].dump();
}

// A field that should be a string; anything else is carried as its JSON
// text, which never equals the name or id it is compared with.
std::optional<std::string> EchoedField(const json& req, const char* name) {
  if (!req.contains(name)) return std::nullopt;
  const json& v = req[name];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

Result<std::string> DocJson(const sync::DocView& doc) { return DumpResponse(ViewJson(doc)); }

Result<std::string> SavedDocJson(const sync::SavedDoc& saved) {
  json out = saved.doc ? ViewJson(*saved.doc) : json{{"id", saved.id}, {"version", saved.version}};
  if (saved.waiting) out["waiting"] = *saved.waiting;
  return DumpResponse(out);
}

Result<std::string> DocListJson(const sync::DocList& list) {
  json docs = json::array();
  for (const auto& d : list.docs) docs.push_back(SummaryJson(d));
  json out{{"docs", docs}, {"next", nullptr}};
  if (list.next) out["next"] = *list.next;
  return DumpResponse(out);
}

Result<std::string> HistoryJson(const sync::HistoryView& history) {
  json list = json::array();
  for (const auto& v : history.versions) {
    list.push_back({{"version", v.version},
                    {"author", v.author},
                    {"seq", v.seq},
                    {"at", v.at},
                    {"hlc", v.hlc},
                    {"parents", v.parents},
                    {"op", v.op},
                    {"head", v.head},
                    {"content", ContentValue(v.content)}});
  }
  return DumpResponse(json{{"id", history.id}, {"versions", list}});
}

Result<std::string> DigestJson(const sync::DigestInfo& d) {
  return DumpResponse(json{{"digest", ToHex(d.digest)},
                           {"documents", d.documents},
                           {"entries", d.entries},
                           {"authors", d.authors},
                           {"pending", d.pending},
                           {"awaiting_upgrade", d.awaiting_upgrade},
                           {"forks", d.forks}});
}

Result<std::string> ProposedJson(const sync::ProposedChange& p) {
  json out{{"document", p.document}, {"proposal", p.proposal}, {"status", p.status}};
  if (p.waiting) out["waiting"] = *p.waiting;
  return DumpResponse(out);
}

Result<std::string> ProposalsJson(const sync::ProposalList& proposals) {
  json list = json::array();
  for (const auto& p : proposals.proposals) {
    json item{{"proposal", p.proposal},
              {"author", p.author},
              {"at", p.at},
              {"base", p.base},
              {"content", ContentValue(p.content)},
              {"status", p.status}};
    if (p.decided_by) item["decided_by"] = *p.decided_by;
    if (p.decided_at) item["decided_at"] = *p.decided_at;
    if (p.decision) item["decision"] = *p.decision;
    if (p.reason) item["reason"] = *p.reason;
    list.push_back(std::move(item));
  }
  return DumpResponse(json{{"id", proposals.id}, {"proposals", list}});
}

Result<sync::CreateDocRequest> ReadCreateDoc(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"kind", "content"}));
  sync::CreateDocRequest out;
  if (req.contains("kind") && req["kind"].is_string()) out.kind = req["kind"].get<std::string>();
  out.content = ContentText(req);
  return out;
}

Result<sync::UpdateDocRequest> ReadUpdateDoc(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"content", "base", "kind", "id"}));
  sync::UpdateDocRequest out;
  if (req.contains("base")) {
    const json& b = req["base"];
    if (b.is_string())
      out.base.push_back(b.get<std::string>());
    else if (b.is_array() &&
             std::all_of(b.begin(), b.end(), [](const json& x) { return x.is_string(); }))
      out.base = b.get<std::vector<std::string>>();
    else
      return Status::InvalidArgument("\"base\" must be a version id or a list of them");
  }
  out.content = ContentText(req);
  out.kind = EchoedField(req, "kind");
  out.id = EchoedField(req, "id");
  return out;
}

Result<std::optional<std::string>> ReadProposal(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"content"}));
  return ContentText(req);
}

Result<std::optional<std::string>> ReadAcceptance(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseOptionalRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"content"}));
  return ContentText(req);
}

Result<std::string> ReadDecline(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(body));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"reason"}));
  if (!req.contains("reason") || !req["reason"].is_string()) {
    return Status::InvalidArgument("\"reason\" is required: why the proposal is declined");
  }
  return req["reason"].get<std::string>();
}

Status ReadReviewed(std::string_view body) {
  MRC_ASSIGN_OR_RETURN(json req, ParseOptionalRequestObject(body));
  return OnlyKeys(req, {});
}

}  // namespace mrc::web::api
