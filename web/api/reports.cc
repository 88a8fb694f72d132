// The problem report routes, over sync::ReportService (docs/api.md,
// "Problem reports"). The shapes, ids 64 lowercase hex characters and times
// RFC 3339:
//   New report: {"category": "outdated"|"wrong"|"unclear"|"broken-link",
//     "note"?: text, "version"?: the version seen (default: the current one)}
//   Reply: {"reply": text, "close"?: bool (default false)}
//   Report: {"id", "doc", "doc_kind", "version", "category", "note", "by",
//     "centre": {"key", "name"}, "at", "status": "open"|"closed",
//     "closed_by"?: "reply"|"edit", "closed_at"?, "closed_with"?: id,
//     "replies": [{"id", "by", "centre", "at", "text", "close"}],
//     "can_reply": bool}
//   List: {"reports": [report..], "total", "open", "closed",
//     "categories": {"<category>": open n}, "documents": [{"doc",
//     "doc_kind", "open", "closed"}], "truncated": bool}
// "by" is the logged-in user's name, never a field of the request.
#include <nlohmann/json.hpp>

#include "sync/reports/report_service.h"
#include "web/api/common.h"
#include "web/api/handlers.h"

namespace mrc::web::api {
namespace {

using nlohmann::json;

json CentreJson(const sync::ReportCentre& c) { return json{{"key", c.key}, {"name", c.name}}; }

json ReportJson(const sync::ReportView& v) {
  json replies = json::array();
  for (const auto& r : v.replies) {
    replies.push_back(json{{"id", r.id},
                           {"by", r.by},
                           {"centre", CentreJson(r.centre)},
                           {"at", r.at},
                           {"text", r.text},
                           {"close", r.close}});
  }
  json j{{"id", v.id},
         {"doc", v.doc},
         {"doc_kind", v.doc_kind},
         {"version", v.version},
         {"category", v.category},
         {"note", v.note},
         {"by", v.by},
         {"centre", CentreJson(v.centre)},
         {"at", v.at},
         {"status", v.status},
         {"replies", replies},
         {"can_reply", v.can_reply}};
  if (v.closed_by) j["closed_by"] = *v.closed_by;
  if (v.closed_at) j["closed_at"] = *v.closed_at;
  if (v.closed_with) j["closed_with"] = *v.closed_with;
  return j;
}

Result<std::string> Dump(const json& j) {
  try {
    return j.dump();
  } catch (const json::exception&) {
    return Status::InvalidArgument("the answer holds text that is not UTF-8");
  }
}

Result<std::string> ReportText(const sync::ReportView& v) { return Dump(ReportJson(v)); }

Result<std::string> ListText(const sync::ReportList& l) {
  json reports = json::array(), docs = json::array();
  for (const auto& r : l.reports) reports.push_back(ReportJson(r));
  for (const auto& d : l.documents) {
    docs.push_back(
        json{{"doc", d.doc}, {"doc_kind", d.doc_kind}, {"open", d.open}, {"closed", d.closed}});
  }
  return Dump(json{{"reports", reports},
                   {"total", l.total},
                   {"open", l.open},
                   {"closed", l.closed},
                   {"categories", l.categories},
                   {"documents", docs},
                   {"truncated", l.truncated}});
}

Result<sync::ReportQuery> ReadQuery(const Params& q) {
  sync::ReportQuery out;
  if (std::string s = Param(q, "status"); !s.empty()) out.status = s;
  MRC_ASSIGN_OR_RETURN(out.offset, ParseCount(q, "offset", 0));
  MRC_ASSIGN_OR_RETURN(out.limit, ParseCount(q, "limit", 50));
  return out;
}

// A field of the body that must be a string when present.
Result<std::string> Text(const json& j, const char* field, bool required) {
  if (!j.contains(field)) {
    if (required) return Status::InvalidArgument(std::string(field) + ": is required");
    return std::string();
  }
  if (!j[field].is_string())
    return Status::InvalidArgument(std::string(field) + ": must be a string");
  return j[field].get<std::string>();
}

Status OnlyFields(const json& j, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return Status::InvalidArgument(key + ": unknown field");
  }
  return Status::Ok();
}

using Act = Result<std::string> (*)(Call&, sync::ReportService&, const Params&);

// Every report route: the path's id (404 when it is not one), the media
// type of a POST (415), the query (400), then the service, whose Status
// code picks the HTTP status.
HttpResponse Run(Call& c, Act act, int ok_status = 200) {
  sync::ReportService* service = c.parts.reports;
  if (service == nullptr) return ErrorResponse(503, "UNAVAILABLE", "reports are not set up");
  if (!c.args.empty() && !IsHexId(c.args[0])) {
    return JsonError(Status::NotFound("no such id '" + std::string(c.args[0].substr(0, 80)) +
                                      "': ids are 64 lowercase hex characters"));
  }
  if (c.method() == "POST" && !IsJsonContentType(c.http().Header("content-type")))
    return UnsupportedMediaType();
  auto q = ParseQuery(TargetQuery(c.http().target), {"status", "offset", "limit"});
  if (!q.ok()) return JsonError(q.status());
  try {
    return FromResult(act(c, *service, *q), ok_status);
  } catch (const std::exception& e) {
    return ErrorResponse(500, "INTERNAL", std::string("internal error: ") + e.what());
  }
}

std::string User(const Call& c) { return c.req.who ? c.req.who->user : ""; }

}  // namespace

HttpResponse ReportDoc(Call& c) {
  return Run(
      c,
      [](Call& call, sync::ReportService& s, const Params&) -> Result<std::string> {
        MRC_ASSIGN_OR_RETURN(json body, ParseBody(call.http()));
        MRC_RETURN_IF_ERROR(OnlyFields(body, {"category", "note", "version"}));
        MRC_ASSIGN_OR_RETURN(std::string category, Text(body, "category", true));
        MRC_ASSIGN_OR_RETURN(std::string note, Text(body, "note", false));
        MRC_ASSIGN_OR_RETURN(std::string version, Text(body, "version", false));
        MRC_ASSIGN_OR_RETURN(auto v, s.Report(call.args[0], version, category, note, User(call)));
        return ReportText(v);
      },
      201);
}

HttpResponse DocReports(Call& c) {
  return Run(c, [](Call& call, sync::ReportService& s, const Params& q) -> Result<std::string> {
    MRC_ASSIGN_OR_RETURN(auto query, ReadQuery(q));
    MRC_ASSIGN_OR_RETURN(auto list, s.ListForDocument(call.args[0], query));
    return ListText(list);
  });
}

HttpResponse OwnerReports(Call& c) {
  return Run(c, [](Call&, sync::ReportService& s, const Params& q) -> Result<std::string> {
    MRC_ASSIGN_OR_RETURN(auto query, ReadQuery(q));
    MRC_ASSIGN_OR_RETURN(auto list, s.ListForOwner(query));
    return ListText(list);
  });
}

HttpResponse ReplyReport(Call& c) {
  return Run(c, [](Call& call, sync::ReportService& s, const Params&) -> Result<std::string> {
    MRC_ASSIGN_OR_RETURN(json body, ParseBody(call.http()));
    MRC_RETURN_IF_ERROR(OnlyFields(body, {"reply", "close"}));
    MRC_ASSIGN_OR_RETURN(std::string text, Text(body, "reply", false));
    bool close = false;
    if (body.contains("close")) {
      if (!body["close"].is_boolean())
        return Status::InvalidArgument("close: must be true or false");
      close = body["close"].get<bool>();
    }
    MRC_ASSIGN_OR_RETURN(auto v, s.Reply(call.args[0], text, close, User(call)));
    return ReportText(v);
  });
}

}  // namespace mrc::web::api
