// TrustService: membership and bulletin receipts for the JSON API and the
// command line, JSON text in and out (the counterpart of DocService).
//
// JSON shapes (keys and ids are 64 lowercase hex characters):
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
//                    to the seq after the last entry of the key held here
//   Receipts: {"bulletin", "title", "version", "centres": [{"key", "name",
//              "received": {"version", "at", "current": bool}|null,
//              "acknowledged": {"version", "at", "by"?, "current": bool}|null}],
//              "not_received": [key..], "not_acknowledged": [key..]}
//             `centres` lists every member but headquarters keys; "current"
//             says whether it is the bulletin's current version.
//   Acknowledge request: {"by"?: "name of the person who read it"}
// Errors as DocService: InvalidArgument, NotFound, PermissionDenied (this
// node may not make the statement: only headquarters approves, only the root
// key revokes).
#pragma once

#include <string>
#include <string_view>

#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"

namespace mrc::sync {

class Log;

class TrustService {
 public:
  // `log` is not owned. `identity` is the log's key, used to sign requests.
  TrustService(Log* log, const KeyPair& identity) : log_(log), identity_(identity) {}

  // Publishes this centre's X25519 key for referrals in a signed statement,
  // unless the log already has it; true when a statement was appended.
  Result<bool> PublishEncryptionKey(const Hash32& x25519);

  Result<std::string> Members();
  Result<std::string> Member(std::string_view key_hex);
  Result<std::string> Approve(std::string_view request_json);
  Result<std::string> Revoke(std::string_view key_hex, std::string_view request_json);
  Result<std::string> Receipts(std::string_view bulletin_id);
  Result<std::string> Acknowledge(std::string_view bulletin_id, std::string_view request_json);

  // This node's enrolment request text, to hand to headquarters.
  std::string EnrolmentRequestText(const Hash32& network_id, std::string_view name,
                                   std::string_view city, std::string_view country) const;

 private:
  Log* log_;
  KeyPair identity_;
};

}  // namespace mrc::sync
