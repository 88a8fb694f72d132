// The JSON of the membership and receipt routes (web/api/handlers.h) and of
// the member and bulletin commands (node/), written from and read into
// TrustService's values. These are the API's shapes; keep them byte for
// byte, clients parse them (keys and ids are 64 lowercase hex characters):
//   member:   {"key", "name", "city"?, "country"?, "roles": ["centre"|"hq"],
//              "root": bool, "member": bool, "revoked_from": seq|null,
//              "revoke_reason"?, "replaces": [key..], "entries": n,
//              "waiting": n, "encryption_key": hex|null}
//              (waiting: its entries held until it is approved;
//              encryption_key: its X25519 key for referrals, once published)
//   Members:  {"members": [member..]}
//   Approve request: {"request": "mrc-enrol-1....", "roles": ["centre"],
//                     "replaces"?: key}   (re-admission: the new key takes
//                     over a lost or forked key's documents)
//                    answers the member, or {"key", "member": false,
//                    "waiting"} for a rotation whose rotate statement has
//                    not arrived here yet
//                    roles optional: ["centre"], or for a rotation the old
//                    key's roles
//   Revoke request:  {"from_seq"?: n, "reason": "..."}   from_seq defaults
//                    to the seq after the last entry of the key held here;
//                    answers the member
//   Receipts: {"bulletin", "title", "version", "centres": [{"key", "name",
//              "received": {"version", "at", "current": bool}|null,
//              "acknowledged": {"version", "at", "by"?, "current": bool}|null}],
//              "not_received": [key..], "not_acknowledged": [key..]}
//             `centres` lists every member but headquarters keys; "current"
//             says whether it is the bulletin's current version.
//   Acknowledge request: {"by"?: "name of the person who read it"}
//                        -> {"bulletin", "version", "acknowledged": true}
// Request bodies may be left out ("" reads as {}). Readers answer
// InvalidArgument with a message fit to show a user; writers answer
// InvalidArgument only if the text cannot be encoded.
#pragma once

#include <string>
#include <string_view>

#include "config/foundation/status.h"
#include "sync/trust/trust_service.h"
#include "web/api/written.h"

namespace mrc::web::api {

Result<std::string> MemberJson(const sync::MemberView& member);
Result<std::string> MembersJson(const sync::MemberList& members);
Result<std::string> ApprovedJson(const sync::ApproveResult& approved);
Result<std::string> ReceiptsJson(const sync::ReceiptsView& receipts);
Result<std::string> AcknowledgedJson(const sync::Acknowledgement& ack);

Result<sync::ApproveRequest> ReadApprove(std::string_view body);
Result<sync::RevokeRequest> ReadRevoke(std::string_view body);
Result<sync::AcknowledgeRequest> ReadAcknowledge(std::string_view body);

}  // namespace mrc::web::api
