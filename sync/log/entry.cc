#include "sync/log/entry.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "config/foundation/time.h"
#include "sync/log/erasable.h"

namespace mrc::sync {
namespace {

constexpr std::string_view kSigningTag = "mrc-entry-v1";

constexpr std::string_view kProblemNames[] = {
    "malformed",         "unknown-kind",  "oversized-entry",
    "oversized-payload", "bad-signature", "payload-mismatch",
    "broken-chain",      "seq-gap",       "invalid-content",
    "bad-parent",        "fork",          "not-authorised",
    "revoked",           "unapproved"};

}  // namespace

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kFaq:
      return "faq";
    case Kind::kGuide:
      return "guide";
    case Kind::kBulletin:
      return "bulletin";
    case Kind::kCentre:
      return "centre";
    case Kind::kMember:
      return "member";
    case Kind::kReceipt:
      return "receipt";
    case Kind::kReferral:
      return "referral";
    case Kind::kReport:
      return "report";
    case Kind::kSetting:
      return "setting";
  }
  return "unknown";
}

bool ParseKind(std::string_view name, Kind* kind) {
  for (Kind k : {Kind::kFaq, Kind::kGuide, Kind::kBulletin, Kind::kCentre}) {
    if (KindName(k) == name) {
      *kind = k;
      return true;
    }
  }
  return false;
}

std::string_view ProblemName(Problem p) { return kProblemNames[static_cast<int>(p)]; }

Status MakeProblem(Problem p, std::string_view detail) {
  return Status::Corruption(std::string(ProblemName(p)) + ": " + std::string(detail));
}

bool ProblemOf(const Status& s, Problem* p) {
  if (s.code() != Status::Code::kCorruption) return false;
  for (std::size_t i = 0; i < std::size(kProblemNames); ++i) {
    auto name = kProblemNames[i];
    if (s.message().size() > name.size() && s.message().compare(0, name.size(), name) == 0 &&
        s.message()[name.size()] == ':') {
      *p = static_cast<Problem>(i);
      return true;
    }
  }
  return false;
}

Bytes EncodeBody(const Entry& e) {
  Bytes out;
  out.reserve(kFixedBodyBytes + 32 * e.parents.size());
  out.push_back(static_cast<char>(kEntryFormat));
  out.push_back(static_cast<char>(e.kind));
  out.push_back(static_cast<char>(e.op));
  PutHash(&out, e.author);
  PutU64(&out, e.seq);
  PutHash(&out, e.prev);
  PutU64(&out, e.hlc);
  PutHash(&out, e.doc);
  PutU16(&out, static_cast<std::uint16_t>(e.parents.size()));
  for (const auto& p : e.parents) PutHash(&out, p);
  PutHash(&out, e.payload_hash);
  PutU32(&out, e.payload_size);
  return out;
}

Hash32 EntryId(std::string_view signed_form) { return Blake2b256(signed_form); }

Bytes SigningMessage(const Hash32& network_id, const Hash32& body_hash) {
  Bytes msg(kSigningTag);
  PutHash(&msg, network_id);
  PutHash(&msg, body_hash);
  return msg;
}

Bytes SignEntry(const KeyPair& key, const Hash32& network_id, Entry* e, Hash32* id) {
  e->author = key.public_key;
  Bytes body = EncodeBody(*e);
  e->signature = Sign(key, SigningMessage(network_id, Blake2b256(body)));
  body.append(reinterpret_cast<const char*>(e->signature.data()), e->signature.size());
  *id = EntryId(body);
  return body;
}

namespace {

Status Malformed(std::string_view what) { return MakeProblem(Problem::kMalformed, what); }

}  // namespace

Status CheckShape(const Entry& e) {
  for (std::size_t i = 1; i < e.parents.size(); ++i) {
    if (!(e.parents[i - 1] < e.parents[i])) return Malformed("parents not strictly ascending");
  }
  if (e.payload_size > kMaxPayloadBytes) {
    return MakeProblem(
        Problem::kOversizedPayload,
        std::to_string(e.payload_size) + " bytes, limit " + std::to_string(kMaxPayloadBytes));
  }
  return Status::Ok();
}

Result<DecodedEntry> DecodeEntry(std::string_view signed_form) {
  if (signed_form.size() > kMaxEntryBytes) {
    return MakeProblem(
        Problem::kOversizedEntry,
        std::to_string(signed_form.size()) + " bytes, limit " + std::to_string(kMaxEntryBytes));
  }
  if (signed_form.size() < kFixedBodyBytes + 64) return Malformed("entry too short");
  DecodedEntry d;
  Entry& e = d.entry;
  std::string_view in = signed_form;
  std::uint8_t format, kind, op;
  GetU8(&in, &format);
  GetU8(&in, &kind);
  GetU8(&in, &op);
  if (format != kEntryFormat) return Malformed("unknown entry format " + std::to_string(format));
  if (kind == 0) return MakeProblem(Problem::kUnknownKind, "kind 0");
  e.kind = static_cast<Kind>(kind);
  // A later version's kind may have ops of its own.
  if (op > kMaxOp && IsKnownKind(e.kind)) return Malformed("unknown op " + std::to_string(op));
  e.op = static_cast<Op>(op);
  std::uint16_t n = 0;
  GetHash(&in, &e.author);
  GetU64(&in, &e.seq);
  GetHash(&in, &e.prev);
  GetU64(&in, &e.hlc);
  GetHash(&in, &e.doc);
  GetU16(&in, &n);
  if (n > kMaxParents) {
    return MakeProblem(Problem::kOversizedEntry,
                       std::to_string(n) + " parents, limit " + std::to_string(kMaxParents));
  }
  if (in.size() != 32 * std::size_t{n} + 32 + 4 + 64) return Malformed("length does not match");
  e.parents.resize(n);
  for (auto& p : e.parents) GetHash(&in, &p);
  GetHash(&in, &e.payload_hash);
  GetU32(&in, &e.payload_size);
  std::string_view sig;
  GetBytes(&in, 64, &sig);
  std::memcpy(e.signature.data(), sig.data(), 64);

  if (e.seq == 0) return Malformed("seq must start at 1");
  if ((e.seq == 1) != IsZero(e.prev)) return Malformed("prev must be zero exactly when seq is 1");
  MRC_RETURN_IF_ERROR(CheckShape(e));
  d.body = signed_form.substr(0, signed_form.size() - 64);
  d.body_hash = Blake2b256(d.body);
  d.id = EntryId(signed_form);
  return d;
}

bool CheckSignature(const Hash32& network_id, const DecodedEntry& d) {
  return VerifySignature(d.entry.author, SigningMessage(network_id, d.body_hash),
                         d.entry.signature);
}

Status PayloadDigest(Kind kind, std::string_view payload, Hash32* hash, std::uint32_t* size) {
  if (kind != Kind::kReferral) {
    *hash = Blake2b256(payload);
    *size = static_cast<std::uint32_t>(payload.size());
    return Status::Ok();
  }
  MRC_ASSIGN_OR_RETURN(ReferralPayload p, DecodeReferralPayload(payload));
  *hash = ReferralPayloadHash(p);
  *size = ReferralPayloadSize(p);
  return Status::Ok();
}

Status CheckPayload(const Entry& e, std::string_view payload) {
  if (payload.size() > kMaxPayloadBytes) {
    return MakeProblem(Problem::kOversizedPayload, std::to_string(payload.size()) + " bytes");
  }
  Hash32 hash;
  std::uint32_t size = 0;
  if (!PayloadDigest(e.kind, payload, &hash, &size).ok() || size != e.payload_size ||
      hash != e.payload_hash) {
    return MakeProblem(Problem::kPayloadMismatch, "payload does not match the signed hash");
  }
  return Status::Ok();
}

std::uint64_t HybridClock::Now() {
  std::uint64_t wall = wall_->NowMillis() << 16;
  last_ = wall > last_ ? wall : last_ + 1;
  return last_;
}

void HybridClock::Observe(std::uint64_t remote) {
  if ((remote >> 16) > wall_->NowMillis() + kMaxDriftMillis) return;
  Advance(remote);
}

void HybridClock::Advance(std::uint64_t at_least) {
  if (at_least > last_) last_ = at_least;
}

std::uint64_t HlcMillis(std::uint64_t hlc) { return hlc >> 16; }

std::string FormatTime(std::uint64_t unix_millis) { return FormatUtcMillis(unix_millis); }

}  // namespace mrc::sync
