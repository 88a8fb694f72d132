// ReferralService: referrals between centres for the JSON API, the UI and
// the command line, JSON text in and out (docs/referrals.md, docs/api.md).
//
// Only the two centres concerned can read a referral's details: they are
// sealed (sync/crypto/sealed.h) to the receiving centre's and the sending centre's
// published encryption keys, signed inside by the sender. Every other node
// stores and relays ciphertext.
//
// JSON shapes (ids and keys are 64 lowercase hex characters, times RFC 3339):
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
//     the reason, the outcome). Answers the detail.
//   Targets: {"centres": [{"key", "name", "city", "country", "languages",
//     "services", "directory"?: doc id}]}: centres that can receive one.
// Errors: InvalidArgument (bad request), NotFound, PermissionDenied (this
// centre may not set that status), Conflict (the receiving
// centre has published no encryption key yet).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"
#include "sync/crypto/sealed.h"

namespace mrc::storage {
class Store;
}

namespace mrc::sync {

class Log;

class ReferralService {
 public:
  // `log` and `store` are not owned. `keys`: this centre's encryption keys,
  // the current (published) one first, older ones after (to open referrals
  // sealed before a rotation). `store` holds the local audit log.
  ReferralService(Log* log, storage::Store* store, const KeyPair& identity,
                  std::vector<BoxKeyPair> keys);

  // `user` is who does it here (a login name); it goes into the sealed
  // details and into the local audit log, never in clear into the log.
  Result<std::string> Create(std::string_view request_json, std::string_view user);
  Result<std::string> List(std::string_view direction, std::string_view status,
                           std::string_view urgency);
  // Viewing a referral's details is recorded in the audit log.
  Result<std::string> Get(std::string_view id_hex, std::string_view user);
  Result<std::string> SetStatus(std::string_view id_hex, std::string_view request_json,
                                std::string_view user);
  Result<std::string> Erase(std::string_view id_hex, std::string_view user);
  // Centres a referral can go to, filtered (case-insensitive substrings) by
  // service, language and place (city or country).
  Result<std::string> Targets(std::string_view service, std::string_view language,
                              std::string_view place);
  // Erases the referrals this centre is party to that were completed,
  // declined or withdrawn more than `days` days before `now_millis`;
  // returns how many.
  Result<std::size_t> EraseExpired(std::uint64_t now_millis, std::uint32_t days);
  // The local audit log, newest first: {"events": [{"at", "user", "action",
  // "referral"}]}; at most `max` events.
  Result<std::string> Audit(std::size_t max);

 private:
  Status Record(std::string_view user, std::string_view action, const Hash32& referral);

  Log* log_;
  storage::Store* store_;
  KeyPair identity_;
  std::vector<BoxKeyPair> keys_;
};

}  // namespace mrc::sync
