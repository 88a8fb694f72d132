#include "sync/trust/trust_service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "sync/log/log.h"
#include "sync/log/request_json.h"
#include "sync/trust/document_records.h"
#include "sync/trust/trust.h"
#include "sync/trust/trust_records.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

json MemberJson(const trust::MemberInfo& m) {
  json roles = json::array();
  if (m.member && !m.hq) roles.push_back("centre");
  if (m.hq) roles.push_back("hq");
  json replaces = json::array();
  for (const auto& r : m.replaces) replaces.push_back(ToHex(r));
  json j{{"key", ToHex(m.key)},
         {"name", m.name},
         {"roles", roles},
         {"root", m.root},
         {"member", m.member},
         {"replaces", replaces},
         {"entries", m.seq},
         {"waiting", m.waiting},
         {"revoked_from", m.revoked_from ? json(m.revoked_from) : json(nullptr)}};
  if (!m.city.empty()) j["city"] = m.city;
  if (!m.country.empty()) j["country"] = m.country;
  if (m.revoked_from) j["revoke_reason"] = m.revoke_reason;
  j["encryption_key"] = m.encryption_key ? json(ToHex(*m.encryption_key)) : json(nullptr);
  return j;
}

// Our own statement, refused with PermissionDenied when this node may not
// make it (the rules are checked on apply, here as everywhere).
Status AppendStatement(Log* log, const Statement& st, std::vector<Hash32> parents = {}) {
  MRC_ASSIGN_OR_RETURN(std::string payload, StatementPayload(st));
  return log
      ->Append({Draft{Kind::kMember, Op::kPut, Hash32{}, std::move(parents), std::move(payload)}})
      .status();
}

// Approvals and revocations by a key without the role they need are refused
// here, before anything is signed. The trust rules refuse them too, but a
// centre not yet approved would otherwise sign one that waits, unapplied,
// for its own approval, and be rejected by every node after it.
Status RequireOwnRole(Log* log, bool root_only) {
  auto found = trust::Member(*log, log->self());
  if (!found.ok() && !found.status().IsNotFound()) return found.status();
  trust::MemberInfo me =
      found.ok() ? *found : trust::MemberInfo{};  // not found: not (yet) a member
  if (root_only && !me.root) {
    return Status::PermissionDenied("only the network's root key revokes keys; this node's key " +
                                    ToHex(log->self()).substr(0, 12) + " is not the root");
  }
  if (!me.root && !(me.member && me.hq)) {
    return Status::PermissionDenied("only headquarters approves members; this node's key " +
                                    ToHex(log->self()).substr(0, 12) + " is not an hq member");
  }
  // A revocation rejects the key's entries from its seq on: the statement
  // signed next takes the seq after the last one of our feed.
  if (me.revoked_from != 0 && me.revoked_from <= me.seq + 1) {
    return Status::PermissionDenied("this node's key " + ToHex(log->self()).substr(0, 12) +
                                    " is revoked from entry " + std::to_string(me.revoked_from) +
                                    " on: " + me.revoke_reason);
  }
  return Status::Ok();
}

}  // namespace

Result<bool> TrustService::PublishEncryptionKey(const Hash32& x25519) {
  const Hash32& self = log_->self();
  auto me = trust::Member(*log_, self);
  if (me.ok() && me->encryption_key == x25519) return false;
  if (!me.ok() && !me.status().IsNotFound()) return me.status();
  // Until headquarters approves this centre its statements wait unapplied:
  // one already in its own feed is not said again.
  if (!me.ok() || !me->member) {
    std::uint64_t from = 1;
    for (int pages = 0; pages < 1000; ++pages) {
      MRC_ASSIGN_OR_RETURN(auto entries, log_->ReadFeed(self, from, 1000));
      for (const auto& in : entries) {
        auto d = DecodeEntry(in.signed_form);
        if (!d.ok() || d->entry.kind != Kind::kMember) continue;
        auto st = ParseStatement(in.payload);
        if (st.ok() && st->type == Statement::Type::kEncryption && st->key == x25519) return false;
      }
      if (entries.size() < 1000) break;
      from += entries.size();
    }
  }
  Statement st;
  st.type = Statement::Type::kEncryption;
  st.key = x25519;
  MRC_RETURN_IF_ERROR(AppendStatement(log_, st));
  return true;
}

Result<std::string> TrustService::Members() {
  MRC_ASSIGN_OR_RETURN(auto members, trust::Members(*log_));
  json list = json::array();
  for (const auto& m : members) list.push_back(MemberJson(m));
  return DumpResponse(json{{"members", list}});
}

Result<std::string> TrustService::Member(std::string_view key_hex) {
  MRC_ASSIGN_OR_RETURN(Hash32 key, ParseHexId(key_hex, "key"));
  MRC_ASSIGN_OR_RETURN(trust::MemberInfo m, trust::Member(*log_, key));
  return DumpResponse(MemberJson(m));
}

Result<std::string> TrustService::Approve(std::string_view request_json) {
  MRC_RETURN_IF_ERROR(RequireOwnRole(log_, /*root_only=*/false));
  MRC_ASSIGN_OR_RETURN(json req, ParseOptionalRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"request", "roles", "replaces"}));
  if (!req.contains("request") || !req["request"].is_string()) {
    return Status::InvalidArgument(
        "\"request\" is required: the text `mrcnode member request` printed");
  }
  MRC_ASSIGN_OR_RETURN(EnrolmentRequest r, ParseEnrolmentRequest(req["request"].get<std::string>(),
                                                                 log_->network_id()));
  Statement st;
  st.type = Statement::Type::kApprove;
  st.key = r.key;
  st.name = r.name;
  st.city = r.city;
  st.country = r.country;
  st.replaces = r.replaces;
  if (req.contains("roles")) {
    const json& roles = req["roles"];
    if (!roles.is_array() ||
        !std::all_of(roles.begin(), roles.end(), [](const json& x) { return x.is_string(); })) {
      return Status::InvalidArgument("\"roles\" must be a list such as [\"centre\"]");
    }
    st.roles = roles.get<std::vector<std::string>>();
    std::sort(st.roles.begin(), st.roles.end());
  } else if (r.replaces) {
    auto old = trust::Member(*log_, *r.replaces);
    st.roles = {old.ok() && old->hq ? "hq" : "centre"};
  } else {
    st.roles = {"centre"};
  }
  if (req.contains("replaces")) {
    // Re-admission: headquarters vouches that this key takes over another's
    // documents (a lost or forked key that cannot sign a rotation).
    if (r.replaces)
      return Status::InvalidArgument("a rotation request already names the key it replaces");
    if (!req["replaces"].is_string()) return Status::InvalidArgument("\"replaces\" must be a key");
    MRC_ASSIGN_OR_RETURN(Hash32 old, ParseHexId(req["replaces"].get<std::string>(), "replaces"));
    st.replaces = old;
  }
  std::vector<Hash32> parents;
  if (r.rotation) parents.push_back(*r.rotation);
  MRC_RETURN_IF_ERROR(AppendStatement(log_, st, parents));
  auto m = trust::Member(*log_, r.key);
  if (m.ok() && m->member) return DumpResponse(MemberJson(*m));
  if (!m.ok() && !m.status().IsNotFound()) return m.status();
  // A rotation approved before the old key's rotate statement arrived here:
  // signed and kept; it applies (everywhere) when that statement arrives.
  return DumpResponse(
      json{{"key", ToHex(r.key)},
           {"member", false},
           {"waiting", "approved; takes effect when the old key's rotate statement arrives"}});
}

Result<std::string> TrustService::Revoke(std::string_view key_hex, std::string_view request_json) {
  MRC_RETURN_IF_ERROR(RequireOwnRole(log_, /*root_only=*/true));
  MRC_ASSIGN_OR_RETURN(Hash32 key, ParseHexId(key_hex, "key"));
  MRC_ASSIGN_OR_RETURN(json req, ParseOptionalRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"from_seq", "reason"}));
  Statement st;
  st.type = Statement::Type::kRevoke;
  st.key = key;
  if (!req.contains("reason") || !req["reason"].is_string()) {
    return Status::InvalidArgument("\"reason\" is required: why the key is revoked");
  }
  st.reason = req["reason"].get<std::string>();
  if (req.contains("from_seq")) {
    if (!req["from_seq"].is_number_unsigned() || req["from_seq"].get<std::uint64_t>() < 1) {
      return Status::InvalidArgument("\"from_seq\" must be a number >= 1");
    }
    st.from_seq = req["from_seq"].get<std::uint64_t>();
  } else {
    // From the first entry of that key we have not seen: what we hold stays.
    std::uint64_t held = 0;
    MRC_ASSIGN_OR_RETURN(auto feeds, log_->Feeds());
    for (const auto& f : feeds) {
      if (f.author == key) held = f.seq;
    }
    st.from_seq = held + 1;
  }
  MRC_RETURN_IF_ERROR(AppendStatement(log_, st));
  MRC_ASSIGN_OR_RETURN(trust::MemberInfo m, trust::Member(*log_, key));
  return DumpResponse(MemberJson(m));
}

Result<std::string> TrustService::Receipts(std::string_view bulletin_id) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(bulletin_id, "bulletin id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (doc.kind != Kind::kBulletin) {
    return Status::InvalidArgument("document " + ToHex(id) + " is a " +
                                   std::string(KindName(doc.kind)) + ", not a bulletin");
  }
  std::string title;
  if (!doc.deleted()) {
    MRC_ASSIGN_OR_RETURN(Version v, log_->GetVersion(doc.winner.id));
    json content = json::parse(v.payload, nullptr, false);
    if (content.is_object()) title = content.value("title", "");
  }
  MRC_ASSIGN_OR_RETURN(auto receipts, BulletinReceipts(*log_, id));
  // The latest receipt and acknowledgement of each author.
  std::map<Hash32, const ReceiptInfo*> received, acked;
  for (const auto& r : receipts) {
    auto& slot = r.acknowledged ? acked[r.author] : received[r.author];
    if (!slot || r.hlc > slot->hlc) slot = &r;
  }
  auto at = [&](const ReceiptInfo* r) {
    if (!r) return json(nullptr);
    json j{{"version", ToHex(r->version)},
           {"at", FormatTime(HlcMillis(r->hlc))},
           {"current", r->version == doc.winner.id}};
    if (!r->by.empty()) j["by"] = r->by;
    return j;
  };
  MRC_ASSIGN_OR_RETURN(auto members, trust::Members(*log_));
  json centres = json::array(), not_received = json::array(), not_acked = json::array();
  for (const auto& m : members) {
    if (!m.member || m.hq || m.revoked_from) continue;
    const ReceiptInfo* rec = received.count(m.key) ? received[m.key] : nullptr;
    const ReceiptInfo* ack = acked.count(m.key) ? acked[m.key] : nullptr;
    centres.push_back({{"key", ToHex(m.key)},
                       {"name", m.name},
                       {"received", at(rec)},
                       {"acknowledged", at(ack)}});
    if (!rec && !ack) not_received.push_back(ToHex(m.key));
    if (!ack) not_acked.push_back(ToHex(m.key));
  }
  return DumpResponse(json{{"bulletin", ToHex(id)},
                           {"title", title},
                           {"version", ToHex(doc.winner.id)},
                           {"centres", centres},
                           {"not_received", not_received},
                           {"not_acknowledged", not_acked}});
}

Result<std::string> TrustService::Acknowledge(std::string_view bulletin_id,
                                              std::string_view request_json) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(bulletin_id, "bulletin id"));
  MRC_ASSIGN_OR_RETURN(json req, ParseOptionalRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"by"}));
  ReceiptBody body;
  body.acknowledged = true;
  if (req.contains("by")) {
    if (!req["by"].is_string()) return Status::InvalidArgument("\"by\" must be a name");
    body.by = req["by"].get<std::string>();
  }
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (doc.kind != Kind::kBulletin)
    return Status::InvalidArgument("document " + ToHex(id) + " is not a bulletin");
  if (doc.deleted()) return Status::NotFound("bulletin " + ToHex(id) + " was withdrawn");
  std::string payload = ReceiptPayload(body);
  MRC_RETURN_IF_ERROR(ParseReceipt(payload).status());
  MRC_RETURN_IF_ERROR(
      log_->Append({Draft{Kind::kReceipt, Op::kPut, id, {doc.winner.id}, payload}}).status());
  return DumpResponse(
      json{{"bulletin", ToHex(id)}, {"version", ToHex(doc.winner.id)}, {"acknowledged", true}});
}

std::string TrustService::EnrolmentRequestText(const Hash32& network_id, std::string_view name,
                                               std::string_view city,
                                               std::string_view country) const {
  EnrolmentRequest r;
  r.network_id = network_id;
  r.key = identity_.public_key;
  r.name = name;
  r.city = city;
  r.country = country;
  return MakeEnrolmentRequest(identity_, r);
}

}  // namespace mrc::sync
