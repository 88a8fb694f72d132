#include <nlohmann/json.hpp>

#include "sync/trust/trust_service.h"
#include "web/api/common.h"
#include "web/api/handlers.h"
#include "web/api/trust_json.h"

namespace mrc::web::api {
namespace {

using nlohmann::json;

HttpResponse Unavailable() {
  return ErrorResponse(503, "UNAVAILABLE", "membership is not available here");
}

Status CheckId(const Call& c, const char* what, const char* ids) {
  if (c.args.empty() || IsHexId(c.args[0])) return Status::Ok();
  return Status::NotFound(std::string("no ") + what + " '" + std::string(c.args[0].substr(0, 80)) +
                          "': " + ids + " are 64 lowercase hex characters");
}

HttpResponse Acknowledge(Call& c) {
  if (!c.parts.trust) return Unavailable();
  auto req = ReadAcknowledge(c.http().body);
  if (!req.ok()) return JsonError(req.status());
  return Answer(c.parts.trust->Acknowledge(c.args[0], *req), AcknowledgedJson);
}

}  // namespace

Status CheckMemberKey(const Call& c) { return CheckId(c, "member", "keys"); }
Status CheckBulletinId(const Call& c) { return CheckId(c, "bulletin", "ids"); }

HttpResponse Members(Call& c) {
  if (!c.parts.trust) return Unavailable();
  return Answer(c.parts.trust->Members(), MembersJson);
}

HttpResponse ApproveMember(Call& c) {
  if (!c.parts.trust) return Unavailable();
  auto req = ReadApprove(c.http().body);
  if (!req.ok()) return JsonError(req.status());
  return Answer(c.parts.trust->Approve(*req), ApprovedJson, 201);
}

HttpResponse Member(Call& c) {
  if (!c.parts.trust) return Unavailable();
  return Answer(c.parts.trust->Member(c.args[0]), MemberJson);
}

HttpResponse RevokeMember(Call& c) {
  if (!c.parts.trust) return Unavailable();
  auto req = ReadRevoke(c.http().body);
  if (!req.ok()) return JsonError(req.status());
  return Answer(c.parts.trust->Revoke(c.args[0], *req), MemberJson);
}

HttpResponse Receipts(Call& c) {
  if (!c.parts.trust) return Unavailable();
  return Answer(c.parts.trust->Receipts(c.args[0]), ReceiptsJson);
}

HttpResponse AcknowledgeBulletin(Call& c) {
  const Principal* who = c.req.who;
  if (who == nullptr || who->local) return RunService(c, Acknowledge, false);
  const HttpRequest& r = c.http();
  auto body = r.body.empty() ? Result<json>(json::object()) : ParseBody(r);
  if (!body.ok()) return JsonError(body.status());
  // The account stays here: the name that travels is its display name.
  if (body->contains("by") && (*body)["by"] != who->user && (*body)["by"] != who->display_name) {
    return ErrorResponse(403, "PERMISSION_DENIED",
                         "an acknowledgement names the user who makes it (\"by\" may only be " +
                             who->display_name + ")");
  }
  HttpRequest named = r;
  (*body)["by"] = who->display_name;
  named.body = body->dump();
  PageRequest req = c.req;
  req.http = &named;
  Call signed_by{req, c.parts, c.state, c.rule, c.args};
  return RunService(signed_by, Acknowledge, false);
}

}  // namespace mrc::web::api
