// Referral entries (docs/referrals.md): their visible status, and a payload
// format that lets an erasure drop the sealed part while every signature in
// the log still verifies.
//
// Payload of a kReferral entry, as stored and as it travels:
//   form(1)      0 whole, 1 erased
//   u32 n, meta  n bytes of canonical JSON: the status (visible to all)
//   whole:       the sealed part (an envelope, sync/crypto/sealed.h; may be empty)
//   erased:      u32 sealed size, BLAKE2b-256 of the sealed part
// The entry signs
//   hash = BLAKE2b-256("mrc-referral-v1" || BLAKE2b-256(meta) ||
//                      BLAKE2b-256(sealed) || u32 sealed size)
//   size = the whole form's size
// so the erased form proves the same status against the same signature
// without the sealed bytes: a node that dropped them still verifies and
// serves its log, and the sealed bytes can never be put back under another
// hash.
//
// Statuses (meta "status"): sent (the first entry; meta names the receiving
// centre "to"), received (automatic at the receiving centre; "opened" says
// whether the envelope opened), accepted, declined, completed (receiving
// centre), withdrawn (sending centre), erased (either). Which centre may set
// which, and after what, is decided in sync/log/log_apply.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"

namespace mrc::sync {

enum class ReferralStatus : std::uint8_t {
  kSent = 1,
  kReceived = 2,
  kAccepted = 3,
  kDeclined = 4,
  kCompleted = 5,
  kWithdrawn = 6,
  kErased = 7,
};
std::string_view ReferralStatusName(ReferralStatus s);
bool ParseReferralStatus(std::string_view name, ReferralStatus* s);

struct ReferralMeta {
  ReferralStatus status = ReferralStatus::kSent;
  Hash32 to{};         // sent: the receiving centre's signing key
  bool opened = true;  // received: the envelope opened with the centre's key
};
// InvalidArgument naming the field (unknown fields refused).
Result<ReferralMeta> ParseReferralMeta(std::string_view json);
std::string ReferralMetaJson(const ReferralMeta& m);

struct ReferralPayload {
  std::string_view meta;
  bool erased = false;
  std::string_view sealed;  // the whole form only
  Hash32 sealed_hash{};
  std::uint32_t sealed_size = 0;
};
// Points into `payload`. InvalidArgument when it is not one of the two forms.
Result<ReferralPayload> DecodeReferralPayload(std::string_view payload);
Bytes EncodeReferralPayload(std::string_view meta, std::string_view sealed);
// The erased form of a payload (unchanged when it is erased already or has
// no sealed part).
Result<Bytes> EraseReferralPayload(std::string_view payload);
// What the entry signs for it (see the file comment).
Hash32 ReferralPayloadHash(const ReferralPayload& p);
std::uint32_t ReferralPayloadSize(const ReferralPayload& p);

// The context a referral's sealed parts are bound to (sync/crypto/sealed.h): the
// sent envelope to its receiving centre (the entry's id does not exist yet
// when it is sealed), a status note to the referral and the status.
std::string SentContext(const Hash32& to);
std::string NoteContext(const Hash32& referral, ReferralStatus s);

}  // namespace mrc::sync
