// The erasable payload: a payload whose sealed part an erasure can drop
// while every signature in the log still verifies. Referrals (kind 7,
// docs/referrals.md) carry their client's details in it. It is part of the
// kernel because verifying an entry's payload against its signed hash is:
// a node checks it for entries it relays whatever rules it has.
//
// The format, as stored and as it travels:
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
#pragma once

#include <cstdint>
#include <string_view>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::sync {

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

}  // namespace mrc::sync
