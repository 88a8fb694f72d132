#include "sync/referrals/referral_service.h"
#include "web/api/common.h"
#include "web/api/handlers.h"
#include "web/api/referral_json.h"

namespace mrc::web::api {
namespace {

// Every referral route takes the same query parameters (each reads its
// own), and answers 503 when the node has no referrals.
HttpResponse Run(Call& c, Result<std::string> (*act)(Call&, sync::ReferralService&, const Params&),
                 int ok_status = 200) {
  sync::ReferralService* service = c.parts.referrals;
  if (service == nullptr) return ErrorResponse(503, "UNAVAILABLE", "referrals are not set up");
  auto q = ParseQuery(TargetQuery(c.http().target),
                      {"direction", "status", "urgency", "service", "language", "place", "max"});
  if (!q.ok()) return JsonError(q.status());
  return FromResult(act(c, *service, *q), ok_status);
}

const std::string& User(const Call& c) { return c.req.who->user; }

}  // namespace

HttpResponse ListReferrals(Call& c) {
  return Run(c, [](Call&, sync::ReferralService& s, const Params& q) {
    return Written(s.List(Param(q, "direction"), Param(q, "status"), Param(q, "urgency")),
                   ReferralListJson);
  });
}

HttpResponse CreateReferral(Call& c) {
  return Run(
      c,
      [](Call& call, sync::ReferralService& s, const Params&) -> Result<std::string> {
        MRC_ASSIGN_OR_RETURN(auto req, ReadCreateReferral(call.http().body));
        return Written(s.Create(req, User(call)), CreatedReferralJson);
      },
      201);
}

HttpResponse ReferralTargets(Call& c) {
  return Run(c, [](Call&, sync::ReferralService& s, const Params& q) {
    return Written(s.Targets(Param(q, "service"), Param(q, "language"), Param(q, "place")),
                   TargetsJson);
  });
}

HttpResponse ReferralAudit(Call& c) {
  return Run(c, [](Call&, sync::ReferralService& s, const Params& q) -> Result<std::string> {
    MRC_ASSIGN_OR_RETURN(std::uint32_t max, ParseCount(q, "max", 200));
    return Written(s.Audit(max), AuditJson);
  });
}

HttpResponse GetReferral(Call& c) {
  return Run(c, [](Call& call, sync::ReferralService& s, const Params&) {
    return Written(s.Get(call.args[0], User(call)), ReferralJson);
  });
}

HttpResponse SetReferralStatus(Call& c) {
  return Run(c, [](Call& call, sync::ReferralService& s, const Params&) -> Result<std::string> {
    MRC_ASSIGN_OR_RETURN(auto req, ReadStatusRequest(call.http().body));
    return Written(s.SetStatus(call.args[0], req, User(call)), ReferralJson);
  });
}

HttpResponse EraseReferral(Call& c) {
  return Run(c, [](Call& call, sync::ReferralService& s, const Params&) {
    return Written(s.Erase(call.args[0], User(call)), ReferralJson);
  });
}

}  // namespace mrc::web::api
