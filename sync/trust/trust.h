// Trust statements and enrolment requests: who is a member of the network,
// with which roles, and which keys are revoked (see docs/trust.md).
//
// A trust statement is the payload of a `member` entry, canonical JSON:
//   approve  {"type":"approve","key":K,"roles":["centre"|"hq",..],"name":N,
//             "city"?:C,"country"?:CC,"replaces"?:OLD}
//            signed by headquarters: K is a member from now on. "hq" may be
//            granted by the genesis root key only. With "replaces", K is OLD's
//            new key (a rotation): the entry names OLD's rotate statement as
//            its parent, K inherits OLD's documents and OLD is revoked after
//            its rotate statement.
//   revoke   {"type":"revoke","key":K,"from_seq":S,"reason":R}
//            signed by headquarters (the root key for an hq key): K's entries
//            from seq S on are rejected everywhere; earlier ones stay valid.
//   rotate   {"type":"rotate","new_key":K}
//            signed by the old key: announces its successor; takes effect
//            when headquarters approves K with "replaces".
//   encryption {"type":"encryption","key":X}
//            signed by a member about itself: X is its X25519 key for
//            referrals sealed to it (docs/referrals.md); the latest (by
//            hlc) is the current one.
// A receipt's payload: {"type":"received"} or {"type":"acknowledged","by"?:N}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"

namespace mrc::sync {

struct Statement {
  enum class Type { kApprove, kRevoke, kRotate, kEncryption };
  Type type = Type::kApprove;
  Hash32 key{};  // approve, revoke: the subject; rotate: the new key; encryption: X25519
  std::vector<std::string> roles;  // approve: sorted, from {"centre", "hq"}
  std::string name;                // approve
  std::string city, country;       // approve, optional
  std::optional<Hash32> replaces;  // approve after a rotation
  std::uint64_t from_seq = 0;      // revoke, >= 1
  std::string reason;              // revoke

  bool has_role(std::string_view r) const;
};

// InvalidArgument naming the field when the payload is not a valid statement.
Result<Statement> ParseStatement(std::string_view payload);
// Canonical payload text; InvalidArgument when the statement is not valid.
Result<std::string> StatementPayload(const Statement& s);

struct ReceiptBody {
  bool acknowledged = false;
  std::string by;  // who acknowledged (a person's name), optional
};
Result<ReceiptBody> ParseReceipt(std::string_view payload);
std::string ReceiptPayload(const ReceiptBody& r);

// A decline's payload: {"reason": "..."} (reason required, <= 500 bytes).
Result<std::string> ParseDecline(std::string_view payload);
std::string DeclinePayload(std::string_view reason);

// What a new centre (or a rotated key) hands to headquarters: its public key,
// its name and place, signed by that key for the given network, so that
// headquarters knows the requester holds the key. Text form:
// "mrc-enrol-1." followed by the hex of the canonical JSON and signature.
struct EnrolmentRequest {
  Hash32 network_id{};
  Hash32 key{};
  std::string name, city, country;
  std::optional<Hash32> replaces;  // a rotation: the old key ...
  std::optional<Hash32> rotation;  // ... and the id of its rotate statement
};
std::string MakeEnrolmentRequest(const KeyPair& key, const EnrolmentRequest& r);
// Verifies the signature and that it is for `network_id`; InvalidArgument
// with the reason otherwise.
Result<EnrolmentRequest> ParseEnrolmentRequest(std::string_view text, const Hash32& network_id);

}  // namespace mrc::sync
