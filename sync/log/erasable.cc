// The erasable payload format (see erasable.h).
#include "sync/log/erasable.h"

#include "config/foundation/bytes.h"
#include "sync/crypto/crypto.h"
#include "sync/log/entry.h"

namespace mrc::sync {
namespace {

constexpr std::uint8_t kWhole = 0;
constexpr std::uint8_t kErasedForm = 1;

}  // namespace

Result<ReferralPayload> DecodeReferralPayload(std::string_view payload) {
  std::string_view in = payload;
  std::uint8_t form = 0;
  std::uint32_t n = 0;
  ReferralPayload p;
  if (!GetU8(&in, &form) || form > kErasedForm || !GetU32(&in, &n) || !GetBytes(&in, n, &p.meta))
    return Status::InvalidArgument("referral payload: malformed");
  if (form == kWhole) {
    p.sealed = in;
    if (in.size() > UINT32_MAX) return Status::InvalidArgument("referral payload: too large");
    p.sealed_size = static_cast<std::uint32_t>(in.size());
    p.sealed_hash = Blake2b256(in);
    return p;
  }
  p.erased = true;
  if (!GetU32(&in, &p.sealed_size) || !GetHash(&in, &p.sealed_hash) || !in.empty())
    return Status::InvalidArgument("referral payload: malformed erased form");
  // The whole form it stands for must have been a payload at all.
  if (std::uint64_t{5} + p.meta.size() + p.sealed_size > kMaxPayloadBytes)
    return Status::InvalidArgument("referral payload: erased form of an oversized payload");
  return p;
}

Bytes EncodeReferralPayload(std::string_view meta, std::string_view sealed) {
  Bytes out;
  out.reserve(5 + meta.size() + sealed.size());
  out.push_back(static_cast<char>(kWhole));
  PutU32(&out, static_cast<std::uint32_t>(meta.size()));
  out += meta;
  out += sealed;
  return out;
}

Result<Bytes> EraseReferralPayload(std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(ReferralPayload p, DecodeReferralPayload(payload));
  if (p.erased || p.sealed_size == 0) return Bytes(payload);
  Bytes out;
  out.push_back(static_cast<char>(kErasedForm));
  PutU32(&out, static_cast<std::uint32_t>(p.meta.size()));
  out += p.meta;
  PutU32(&out, p.sealed_size);
  PutHash(&out, p.sealed_hash);
  return out;
}

Hash32 ReferralPayloadHash(const ReferralPayload& p) {
  Hasher h;
  h.Update("mrc-referral-v1");
  h.Update(AsView(Blake2b256(p.meta)));
  h.Update(AsView(p.sealed_hash));
  Bytes size;
  PutU32(&size, p.sealed_size);
  h.Update(size);
  return h.Finish();
}

std::uint32_t ReferralPayloadSize(const ReferralPayload& p) {
  return static_cast<std::uint32_t>(5 + p.meta.size() + p.sealed_size);
}

}  // namespace mrc::sync
