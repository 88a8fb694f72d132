// The membership and receipt routes of the JSON API, over
// sync::TrustService (503 UNAVAILABLE on a node without it):
//   GET    /api/v1/members                  Members
//   POST   /api/v1/members                  Approve an enrolment request; 201
//   GET    /api/v1/members/{key}            Member
//   POST   /api/v1/members/{key}/revoke     Revoke
//   GET    /api/v1/bulletins/{id}/receipts  Receipts
//   POST   /api/v1/bulletins/{id}/ack       Acknowledge
// Each runs through api::Service (web/api/common.h); keys and ids are 64
// lowercase hex characters.
#pragma once

#include "config/foundation/status.h"
#include "web/route/route.h"

namespace mrc::web::api {

HttpResponse Members(Call& c);
HttpResponse ApproveMember(Call& c);
HttpResponse Member(Call& c);
HttpResponse RevokeMember(Call& c);
HttpResponse Receipts(Call& c);
// An acknowledgement names who read the bulletin: the logged-in user, not
// a name the request makes up (403 for a "by" naming anyone else). The
// node's own command line (the local token), and Api without login,
// acknowledge for the person the body names. Runs api::Service itself,
// after that check.
HttpResponse AcknowledgeBulletin(Call& c);

Status CheckMemberKey(const Call& c);
Status CheckBulletinId(const Call& c);

}  // namespace mrc::web::api
