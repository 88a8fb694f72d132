// The referral routes of the JSON API, over sync::ReferralService (503
// UNAVAILABLE on a node without it); bodies are its JSON, see
// docs/referrals.md:
//   GET, POST /api/v1/referrals           list (direction, status, urgency); create
//   GET  /api/v1/referrals/targets        centres to refer to (service, language, place)
//   GET  /api/v1/referrals/audit          who viewed or changed referrals here (max)
//   GET  /api/v1/referrals/{id}           one referral
//   POST /api/v1/referrals/{id}/status    a new status
//   POST /api/v1/referrals/{id}/erase     erase the client's details
#pragma once

#include "web/route/route.h"

namespace mrc::web::api {

HttpResponse ListReferrals(Call& c);
HttpResponse CreateReferral(Call& c);
HttpResponse ReferralTargets(Call& c);
HttpResponse ReferralAudit(Call& c);
HttpResponse GetReferral(Call& c);
HttpResponse SetReferralStatus(Call& c);
HttpResponse EraseReferral(Call& c);

}  // namespace mrc::web::api
