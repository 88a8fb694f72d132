#include "sync/log/records.h"

#include <algorithm>

namespace mrc::sync::records {

Bytes EncodeStored(std::string_view signed_form, std::string_view payload) {
  Bytes out;
  out.reserve(2 + signed_form.size() + payload.size());
  PutU16(&out, static_cast<std::uint16_t>(signed_form.size()));
  out.append(signed_form);
  out.append(payload);
  return out;
}

bool DecodeStored(std::string_view value, std::string_view* signed_form,
                  std::string_view* payload) {
  std::uint16_t n;
  if (!GetU16(&value, &n) || !GetBytes(&value, n, signed_form)) return false;
  *payload = value;
  return true;
}

Bytes FeedKey(const Hash32& author, std::uint64_t seq) {
  Bytes k;
  k.reserve(40);
  PutHash(&k, author);
  PutU64(&k, seq);
  return k;
}

bool DecodeScrubRange(std::string_view range, std::string_view* lo, std::string_view* hi) {
  if (range.size() != 80) return false;
  *lo = range.substr(0, 40);
  *hi = range.substr(40);
  return true;
}

Bytes WidenScrubRange(std::string_view range, std::string_view feed_key) {
  std::string_view lo = feed_key, hi = feed_key;
  if (DecodeScrubRange(range, &lo, &hi)) {
    lo = std::min(lo, feed_key);
    hi = std::max(hi, feed_key);
  }
  Bytes out(lo);
  out.append(hi);
  return out;
}

Bytes EncodeId(const IdRecord& r) {
  Bytes out;
  out.reserve(83);
  PutHash(&out, r.author);
  PutU64(&out, r.seq);
  out.push_back(static_cast<char>(r.effect));
  PutHash(&out, r.doc);
  PutU64(&out, r.hlc);
  out.push_back(static_cast<char>(r.kind));
  out.push_back(static_cast<char>(r.op));
  out.push_back(static_cast<char>(r.authoritative ? 1 : 0));
  return out;
}

Hash32 KindWaitId(Kind kind) {
  Hash32 h{};
  h[31] = static_cast<std::uint8_t>(kind);
  return h;
}

std::optional<IdRecord> DecodeId(std::string_view v) {
  IdRecord r;
  std::uint8_t effect, kind, op, flags;
  if (!GetHash(&v, &r.author) || !GetU64(&v, &r.seq) || !GetU8(&v, &effect) ||
      !GetHash(&v, &r.doc) || !GetU64(&v, &r.hlc) || !GetU8(&v, &kind) || !GetU8(&v, &op) ||
      !GetU8(&v, &flags) || !v.empty() || effect > 2 || kind == 0 ||
      (kind <= kMaxKind && op > kMaxOp) || flags > 1) {
    return std::nullopt;
  }
  r.authoritative = flags == 1;
  r.effect = static_cast<Effect>(effect);
  r.kind = static_cast<Kind>(kind);
  r.op = static_cast<Op>(op);
  return r;
}

Bytes EncodeFeed(const FeedRecord& r) {
  Bytes out;
  PutU64(&out, r.seq);
  PutHash(&out, r.head);
  PutU64(&out, r.hlc);
  out.push_back(r.forked ? 1 : 0);
  PutU64(&out, r.fork_seq);
  return out;
}

std::optional<FeedRecord> DecodeFeed(std::string_view v) {
  FeedRecord r;
  std::uint8_t forked;
  if (!GetU64(&v, &r.seq) || !GetHash(&v, &r.head) || !GetU64(&v, &r.hlc) || !GetU8(&v, &forked) ||
      !GetU64(&v, &r.fork_seq) || !v.empty()) {
    return std::nullopt;
  }
  r.forked = forked != 0;
  return r;
}

Bytes EncodeDoc(const DocState& d) {
  Bytes out;
  out.push_back(1);  // record format
  out.push_back(static_cast<char>(d.kind));
  PutHash(&out, d.creator);
  PutU64(&out, d.created_hlc);
  PutU32(&out, d.versions);
  PutU16(&out, static_cast<std::uint16_t>(d.heads.size()));
  for (const auto& h : d.heads) {
    PutHash(&out, h.id);
    PutU64(&out, h.hlc);
    PutHash(&out, h.author);
    out.push_back(static_cast<char>(h.op));
  }
  return out;
}

std::optional<DocState> DecodeDoc(const Hash32& id, std::string_view v) {
  DocState d;
  d.id = id;
  std::uint8_t format, kind;
  std::uint16_t n;
  if (!GetU8(&v, &format) || format != 1 || !GetU8(&v, &kind) || kind < 1 || kind > 4 ||
      !GetHash(&v, &d.creator) || !GetU64(&v, &d.created_hlc) || !GetU32(&v, &d.versions) ||
      !GetU16(&v, &n) || n == 0) {
    return std::nullopt;
  }
  d.kind = static_cast<Kind>(kind);
  d.heads.resize(n);
  for (auto& h : d.heads) {
    std::uint8_t op;
    if (!GetHash(&v, &h.id) || !GetU64(&v, &h.hlc) || !GetHash(&v, &h.author) || !GetU8(&v, &op) ||
        op > 1) {
      return std::nullopt;
    }
    h.op = static_cast<Op>(op);
  }
  if (!v.empty()) return std::nullopt;
  PickWinner(&d);
  return d;
}

void PickWinner(DocState* d) {
  // Last writer by hybrid clock; the larger id breaks a tie. Every node holds
  // the same heads, so every node shows the same winner.
  d->winner = *std::max_element(d->heads.begin(), d->heads.end(), [](const Head& a, const Head& b) {
    return a.hlc != b.hlc ? a.hlc < b.hlc : a.id < b.id;
  });
}

Bytes WaitKey(char tag, const Hash32& awaited, const Hash32& waiter) {
  Bytes k(1, tag);
  PutHash(&k, awaited);
  PutHash(&k, waiter);
  return k;
}

}  // namespace mrc::sync::records
