#include <charconv>
#include <string>
#include <vector>

#include "sync/content/doc_service.h"
#include "web/api/common.h"
#include "web/api/doc_json.h"
#include "web/api/handlers.h"
#include "web/api/status_json.h"
#include "web/http/forms.h"

namespace mrc::web::api {
namespace {

constexpr std::string_view kDocs = "/api/v1/docs";

Status ParseBool(const Params& q, const std::string& name, bool* out) {
  auto it = q.find(name);
  if (it == q.end()) return Status::Ok();
  if (it->second == "true")
    *out = true;
  else if (it->second == "false")
    *out = false;
  else {
    return Status::InvalidArgument("query parameter " + name + " must be true or false, got '" +
                                   it->second.substr(0, 80) + "'");
  }
  return Status::Ok();
}

Result<sync::ListQuery> ParseListQuery(std::string_view text) {
  MRC_ASSIGN_OR_RETURN(
      Params q, ParseQuery(text, {"kind", "after", "limit", "include_deleted", "conflicts"}));
  sync::ListQuery lq;
  if (auto it = q.find("kind"); it != q.end()) lq.kind = it->second;
  if (auto it = q.find("after"); it != q.end()) lq.after = it->second;
  if (auto it = q.find("limit"); it != q.end()) {
    // Digits only: from_chars would take "-1" and stop quietly at "10x".
    const std::string& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), lq.limit);
    if (s.empty() || s[0] == '-' || ec != std::errc() || end != s.data() + s.size()) {
      return Status::InvalidArgument(
          "query parameter limit must be a whole number from 1 to "
          "1000, got '" +
          s.substr(0, 80) + "'");
    }
  }
  MRC_RETURN_IF_ERROR(ParseBool(q, "include_deleted", &lq.include_deleted));
  MRC_RETURN_IF_ERROR(ParseBool(q, "conflicts", &lq.conflicts_only));
  return lq;
}

// "v1,v2" -> {"v1","v2"}; DocService checks each id.
Result<std::vector<std::string>> ParseBase(std::string_view text) {
  MRC_ASSIGN_OR_RETURN(Params q, ParseQuery(text, {"base"}));
  std::vector<std::string> base;
  auto it = q.find("base");
  if (it == q.end()) return base;
  std::string_view list = it->second;
  while (true) {
    std::string_view item = list.substr(0, list.find(','));
    if (item.empty()) {
      return Status::InvalidArgument(
          "query parameter base must list version ids separated by "
          "commas, got '" +
          it->second.substr(0, 200) + "'");
    }
    base.emplace_back(item);
    if (item.size() == list.size()) break;
    list.remove_prefix(item.size() + 1);
  }
  return base;
}

}  // namespace

Status CheckDocIds(const Call& c) {
  if (c.args.size() > 1 && !IsHexId(c.args[1])) {
    return Status::NotFound("no proposal '" + std::string(c.args[1].substr(0, 80)) +
                            "': ids are 64 lowercase hex characters");
  }
  if (!c.args.empty() && !IsHexId(c.args[0])) {
    return Status::NotFound("no document '" + std::string(c.args[0].substr(0, 80)) +
                            "': document ids are 64 lowercase hex characters");
  }
  return Status::Ok();
}

HttpResponse Health(Call&) { return JsonText(200, R"({"status":"ok"})"); }

HttpResponse Digest(Call& c) { return Answer(c.parts.docs->Digest(), DigestJson); }

HttpResponse GetStatus(Call& c) {
  if (!c.parts.status) return ErrorResponse(503, "UNAVAILABLE", "status is not available");
  return Answer(c.parts.status(), NodeStatusJson);
}

HttpResponse ListDocs(Call& c) {
  auto q = ParseListQuery(TargetQuery(c.http().target));
  if (!q.ok()) return JsonError(q.status());
  return Answer(c.parts.docs->List(*q), DocListJson);
}

// 201 with a Location naming the new document.
HttpResponse CreateDoc(Call& c) {
  auto req = ReadCreateDoc(c.http().body);
  if (!req.ok()) return JsonError(req.status());
  req->edited_by = c.req.signer();
  auto saved = c.parts.docs->Create(*req);
  HttpResponse res = Answer(saved, SavedDocJson, 201);
  if (res.status == 201) res.headers.emplace_back("Location", std::string(kDocs) + "/" + saved->id);
  return res;
}

HttpResponse GetDoc(Call& c) { return Answer(c.parts.docs->Get(c.args[0]), DocJson); }

HttpResponse UpdateDoc(Call& c) {
  auto req = ReadUpdateDoc(c.http().body);
  if (!req.ok()) return JsonError(req.status());
  req->edited_by = c.req.signer();
  return Answer(c.parts.docs->Update(c.args[0], *req), SavedDocJson);
}

HttpResponse DeleteDoc(Call& c) {
  auto base = ParseBase(TargetQuery(c.http().target));
  if (!base.ok()) return JsonError(base.status());
  return Answer(c.parts.docs->Delete(c.args[0], *base), DocJson);
}

HttpResponse DocHistory(Call& c) { return Answer(c.parts.docs->History(c.args[0]), HistoryJson); }

HttpResponse DocProposals(Call& c) {
  return Answer(c.parts.docs->Proposals(c.args[0]), ProposalsJson);
}

HttpResponse Propose(Call& c) {
  auto content = ReadProposal(c.http().body);
  if (!content.ok()) return JsonError(content.status());
  return Answer(c.parts.docs->Propose(c.args[0], *content, c.req.signer()), ProposedJson, 201);
}

HttpResponse AcceptProposal(Call& c) {
  auto content = ReadAcceptance(c.http().body);
  if (!content.ok()) return JsonError(content.status());
  return Answer(c.parts.docs->Accept(c.args[0], c.args[1], *content, c.req.signer()), DocJson);
}

HttpResponse DeclineProposal(Call& c) {
  auto reason = ReadDecline(c.http().body);
  if (!reason.ok()) return JsonError(reason.status());
  return Answer(c.parts.docs->Decline(c.args[0], c.args[1], *reason), ProposalsJson);
}

HttpResponse MarkReviewed(Call& c) {
  if (Status s = ReadReviewed(c.http().body); !s.ok()) return JsonError(s);
  return Answer(c.parts.docs->MarkReviewed(c.args[0], c.req.signer()), SavedDocJson);
}

}  // namespace mrc::web::api
