// The JSON of the referral routes (web/api/handlers.h), written from and
// read into ReferralService's values. These are the API's shapes; keep them
// byte for byte, clients parse them (ids and keys are 64 lowercase hex
// characters, times RFC 3339):
//   Create request: {"to": key, "service": "...", "reason": "...",
//     "urgency"?: "routine"|"urgent"|"emergency",
//     "client": {"name": "name or pseudonym", "contact"?, "languages"?: [..],
//                "notes"?},
//     "consent": {"given": true, "scope": "what the client agreed to"}}
//     answers {"id"}.
//   Summary: {"id", "direction": "out"|"in"|"relayed", "from": centre,
//     "to": centre, "sent_at", "status", "updated_at", "erased": bool,
//     "service"?, "urgency"? (when this node can read them)}
//     centre = {"key", "name"}
//   List: {"referrals": [summary..], "counts": {"<status>": n, "total": n},
//     "directions": {"in": n, "out": n, "relayed": n, "all": n}}
//     filtered by direction ("in", "out", "relayed", "all"), status and
//     urgency; counts are of the direction and urgency chosen, directions
//     of every referral known here.
//   Detail: summary + {"readable": bool, "unreadable_reason"?,
//     "details"?: the create request's fields plus "by" (who sent it),
//     "trail": [{"id", "status", "centre", "at", "opened"?, "note"?, "by"?}],
//     "actions": [status..] (what this node may set next),
//     "erased_by"?: centre, "erased_at"?}
//   Status request: {"status": "accepted"|"declined"|"completed"|
//     "withdrawn", "note"?: "..."} (declined and completed need the note:
//     the reason, the outcome). Answers the detail; so does an erasure.
//   Targets: {"centres": [{"key", "name", "city", "country", "languages",
//     "services", "directory"?: doc id}]}: centres that can receive one.
//   Audit: {"events": [{"at", "user", "action", "referral"}]}, newest first.
// Readers answer InvalidArgument with a message fit to show a user (a field
// of the wrong type, an unknown field); what a field must hold is checked
// by the service. Writers answer InvalidArgument only if the text cannot be
// encoded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "sync/referrals/referral_service.h"
#include "web/api/written.h"

namespace mrc::web::api {

// Create's answer, from the new referral's id.
Result<std::string> CreatedReferralJson(const std::string& id);
Result<std::string> ReferralListJson(const sync::ReferralList& list);
Result<std::string> ReferralJson(const sync::ReferralDetail& referral);
Result<std::string> TargetsJson(const std::vector<sync::TargetCentre>& centres);
Result<std::string> AuditJson(const std::vector<sync::AuditEvent>& events);

Result<sync::CreateReferralRequest> ReadCreateReferral(std::string_view body);
Result<sync::SetStatusRequest> ReadStatusRequest(std::string_view body);

}  // namespace mrc::web::api
