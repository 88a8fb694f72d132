#include "sync/wire.h"

#include "sync/entry.h"

namespace mrc::sync::wire {
namespace {

Status Bad(std::string_view what) {
  return Status::Corruption("malformed message: " + std::string(what));
}

struct Encoder {
  Bytes out;
  void operator()(const SummaryMsg& m) {
    out.push_back('S');
    PutU32(&out, static_cast<std::uint32_t>(m.feeds.size()));
    for (const auto& [author, seq] : m.feeds) {
      PutHash(&out, author);
      PutU64(&out, seq);
      auto head = m.heads.find(author);
      PutHash(&out, head == m.heads.end() ? Hash32{} : head->second);
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
    case 'S': {
      SummaryMsg m;
      std::uint32_t n;
      if (!GetU32(&in, &n) || n > kMaxSummaryFeeds || in.size() != std::size_t{n} * 72)
        return Bad("summary size");
      for (std::uint32_t i = 0; i < n; ++i) {
        Hash32 a, head;
        std::uint64_t seq;
        GetHash(&in, &a);
        GetU64(&in, &seq);
        GetHash(&in, &head);
        if (!m.feeds.emplace(a, seq).second) return Bad("summary lists an author twice");
        m.heads.emplace(a, head);
      }
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
