#include "sync/peer/wire.h"

#include <cstring>

#include "sync/log/entry.h"

namespace mrc::sync::wire {
namespace {

Status Bad(std::string_view what) {
  return Status::Corruption("malformed message: " + std::string(what));
}

struct Encoder {
  Bytes out;
  void operator()(const ReconcileMsg& m) {
    out.push_back('R');
    PutU32(&out, static_cast<std::uint32_t>(m.items.size()));
    for (const auto& item : m.items) {
      out.push_back(static_cast<char>(item.range.depth));
      out.append(reinterpret_cast<const char*>(item.range.prefix.data()),
                 (item.range.depth + 1) / 2);
      out.push_back(static_cast<char>(item.kind));
      if (item.kind == RangeItem::Kind::kFingerprint) {
        PutU32(&out, item.fingerprint.count);
        PutU64(&out, item.fingerprint.entries);
        out.append(reinterpret_cast<const char*>(item.fingerprint.hash.data()),
                   item.fingerprint.hash.size());
        continue;
      }
      PutU32(&out, static_cast<std::uint32_t>(item.heads.size()));
      for (const auto& h : item.heads) {
        PutHash(&out, h.author);
        PutU64(&out, h.seq);
        PutHash(&out, h.id);
      }
    }
  }
  void operator()(const EntriesMsg& m) {
    out.push_back('E');
    PutU64(&out, m.batch);
    PutU32(&out, static_cast<std::uint32_t>(m.entries.size()));
    for (const auto& e : m.entries) {
      PutU32(&out, static_cast<std::uint32_t>(e.signed_form.size()));
      out.append(e.signed_form);
      PutU32(&out, static_cast<std::uint32_t>(e.payload.size()));
      out.append(e.payload);
    }
  }
  void operator()(const VersionMsg& m) {
    out.push_back('V');
    PutU16(&out, m.lowest);
    PutU16(&out, m.highest);
    std::string_view sw = std::string_view(m.software).substr(0, kMaxSoftwareBytes);
    out.push_back(static_cast<char>(sw.size()));
    out.append(sw);
  }
  void operator()(const AckMsg& m) {
    out.push_back('A');
    PutU64(&out, m.batch);
  }
  void operator()(const PingMsg& m) {
    out.push_back(m.pong ? 'Q' : 'P');
    PutU64(&out, m.nonce);
  }
};

Status GetField(std::string_view* in, std::size_t limit, Bytes* out) {
  std::uint32_t n;
  std::string_view v;
  if (!GetU32(in, &n) || n > limit || !GetBytes(in, n, &v)) return Bad("bad entry field");
  out->assign(v);
  return Status::Ok();
}

Status GetRangeItem(std::string_view* in, RangeItem* item) {
  std::string_view prefix;
  std::uint8_t kind;
  if (!GetU8(in, &item->range.depth) || item->range.depth > reconcile::kMaxDepth ||
      !GetBytes(in, (item->range.depth + 1) / 2, &prefix) || !GetU8(in, &kind) || kind > 2)
    return Bad("range");
  std::memcpy(item->range.prefix.data(), prefix.data(), prefix.size());
  if (!item->range.Canonical()) return Bad("range prefix has digits past its depth");
  item->kind = static_cast<RangeItem::Kind>(kind);
  if (item->kind == RangeItem::Kind::kFingerprint) {
    std::string_view hash;
    if (!GetU32(in, &item->fingerprint.count) || !GetU64(in, &item->fingerprint.entries) ||
        !GetBytes(in, item->fingerprint.hash.size(), &hash))
      return Bad("fingerprint");
    std::memcpy(item->fingerprint.hash.data(), hash.data(), hash.size());
    // Each feed held has at least one entry; no feed is all zeros.
    const auto& f = item->fingerprint;
    if (f.entries < f.count) return Bad("fingerprint with fewer entries than feeds");
    if (f.count == 0 && !(f == reconcile::Fingerprint{})) return Bad("fingerprint of no feed");
    return Status::Ok();
  }
  std::uint32_t n;
  if (!GetU32(in, &n) || n > kMaxRangeHeads || in->size() < std::size_t{n} * 72)
    return Bad("range heads");
  item->heads.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto& h = item->heads[i];
    GetHash(in, &h.author);
    GetU64(in, &h.seq);
    GetHash(in, &h.id);
    if (h.seq == 0) return Bad("a head at seq 0");
    if (!item->range.Contains(h.author)) return Bad("a head outside its range");
    if (i > 0 && !(item->heads[i - 1].author < h.author))
      return Bad("range heads out of order or repeated");
  }
  return Status::Ok();
}

}  // namespace

Bytes Encode(const Message& m) {
  Encoder e;
  std::visit(e, m);
  return std::move(e.out);
}

Result<Message> Decode(std::string_view in) {
  std::uint8_t type;
  if (!GetU8(&in, &type)) return Bad("empty");
  switch (type) {
    case 'R': {
      ReconcileMsg m;
      std::uint32_t n;
      // An item takes at least 6 bytes: the count is checked against what
      // the message holds before anything is allocated for it.
      if (!GetU32(&in, &n) || n > kMaxRangeItems || n > in.size() / 6) return Bad("range count");
      if (n == 0) return Bad("no ranges");
      m.items.resize(n);
      for (auto& item : m.items) MRC_RETURN_IF_ERROR(GetRangeItem(&in, &item));
      if (!in.empty()) return Bad("trailing bytes");
      return Message(std::move(m));
    }
    case 'E': {
      EntriesMsg m;
      std::uint32_t n;
      if (!GetU64(&in, &m.batch) || !GetU32(&in, &n) || n > kMaxBatchEntries)
        return Bad("entries header");
      m.entries.resize(n);
      for (auto& e : m.entries) {
        MRC_RETURN_IF_ERROR(GetField(&in, kMaxEntryBytes, &e.signed_form));
        MRC_RETURN_IF_ERROR(GetField(&in, kMaxPayloadBytes, &e.payload));
      }
      if (!in.empty()) return Bad("trailing bytes");
      return Message(std::move(m));
    }
    case 'V': {
      VersionMsg m;
      std::uint8_t n;
      std::string_view sw;
      if (!GetU16(&in, &m.lowest) || !GetU16(&in, &m.highest) || !GetU8(&in, &n) ||
          n > kMaxSoftwareBytes || !GetBytes(&in, n, &sw) || !in.empty() || m.lowest > m.highest)
        return Bad("version");
      m.software = sw;
      return Message(std::move(m));
    }
    case 'A': {
      AckMsg m;
      if (!GetU64(&in, &m.batch) || !in.empty()) return Bad("ack");
      return Message(m);
    }
    case 'P':
    case 'Q': {
      PingMsg m;
      m.pong = type == 'Q';
      if (!GetU64(&in, &m.nonce) || !in.empty()) return Bad("ping");
      return Message(m);
    }
  }
  return Bad("unknown type " + std::to_string(type));
}

}  // namespace mrc::sync::wire
