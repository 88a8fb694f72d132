#include "sync/trust/trust_service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sync/log/log.h"
#include "sync/trust/document_records.h"
#include "sync/trust/trust.h"
#include "sync/trust/trust_records.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

MemberView View(const trust::MemberInfo& m) {
  MemberView v;
  v.key = ToHex(m.key);
  v.name = m.name;
  v.city = m.city;
  v.country = m.country;
  if (m.member && !m.hq) v.roles.push_back("centre");
  if (m.hq) v.roles.push_back("hq");
  v.root = m.root;
  v.member = m.member;
  if (m.revoked_from) {
    v.revoked_from = m.revoked_from;
    v.revoke_reason = m.revoke_reason;
  }
  for (const auto& r : m.replaces) v.replaces.push_back(ToHex(r));
  v.entries = m.seq;
  v.waiting = m.waiting;
  if (m.encryption_key) v.encryption_key = ToHex(*m.encryption_key);
  return v;
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

// The roles an approval grants: those asked for, else for a rotation the
// old key's, else a centre's.
std::vector<std::string> GrantedRoles(Log& log, const ApproveRequest& req,
                                      const EnrolmentRequest& r) {
  if (req.roles) {
    std::vector<std::string> roles = *req.roles;
    std::sort(roles.begin(), roles.end());
    return roles;
  }
  if (r.replaces) {
    auto old = trust::Member(log, *r.replaces);
    return {old.ok() && old->hq ? "hq" : "centre"};
  }
  return {"centre"};
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

Result<MemberList> TrustService::Members() {
  MRC_ASSIGN_OR_RETURN(auto members, trust::Members(*log_));
  MemberList list;
  for (const auto& m : members) list.members.push_back(View(m));
  return list;
}

Result<MemberView> TrustService::Member(std::string_view key_hex) {
  MRC_ASSIGN_OR_RETURN(Hash32 key, ParseHexId(key_hex, "key"));
  MRC_ASSIGN_OR_RETURN(trust::MemberInfo m, trust::Member(*log_, key));
  return View(m);
}

Result<ApproveResult> TrustService::Approve(const ApproveRequest& req) {
  MRC_RETURN_IF_ERROR(RequireOwnRole(log_, /*root_only=*/false));
  if (!req.request) {
    return Status::InvalidArgument(
        "\"request\" is required: the text `mrcnode member request` printed");
  }
  MRC_ASSIGN_OR_RETURN(EnrolmentRequest r, ParseEnrolmentRequest(*req.request, log_->network_id()));
  Statement st;
  st.type = Statement::Type::kApprove;
  st.key = r.key;
  st.name = r.name;
  st.city = r.city;
  st.country = r.country;
  st.replaces = r.replaces;
  st.roles = GrantedRoles(*log_, req, r);
  if (req.replaces) {
    // Re-admission: headquarters vouches that this key takes over another's
    // documents (a lost or forked key that cannot sign a rotation).
    if (r.replaces)
      return Status::InvalidArgument("a rotation request already names the key it replaces");
    MRC_ASSIGN_OR_RETURN(Hash32 old, ParseHexId(*req.replaces, "replaces"));
    st.replaces = old;
  }
  std::vector<Hash32> parents;
  if (r.rotation) parents.push_back(*r.rotation);
  MRC_RETURN_IF_ERROR(AppendStatement(log_, st, parents));
  ApproveResult out;
  out.key = ToHex(r.key);
  auto m = trust::Member(*log_, r.key);
  if (m.ok() && m->member) {
    out.member = View(*m);
    return out;
  }
  if (!m.ok() && !m.status().IsNotFound()) return m.status();
  // A rotation approved before the old key's rotate statement arrived here:
  // signed and kept; it applies (everywhere) when that statement arrives.
  out.waiting = "approved; takes effect when the old key's rotate statement arrives";
  return out;
}

Result<MemberView> TrustService::Revoke(std::string_view key_hex, const RevokeRequest& req) {
  MRC_RETURN_IF_ERROR(RequireOwnRole(log_, /*root_only=*/true));
  MRC_ASSIGN_OR_RETURN(Hash32 key, ParseHexId(key_hex, "key"));
  Statement st;
  st.type = Statement::Type::kRevoke;
  st.key = key;
  if (!req.reason) return Status::InvalidArgument("\"reason\" is required: why the key is revoked");
  st.reason = *req.reason;
  if (req.from_seq) {
    if (*req.from_seq < 1) return Status::InvalidArgument("\"from_seq\" must be a number >= 1");
    st.from_seq = *req.from_seq;
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
  return View(m);
}

Result<ReceiptsView> TrustService::Receipts(std::string_view bulletin_id) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(bulletin_id, "bulletin id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (doc.kind != Kind::kBulletin) {
    return Status::InvalidArgument("document " + ToHex(id) + " is a " +
                                   std::string(KindName(doc.kind)) + ", not a bulletin");
  }
  ReceiptsView out;
  out.bulletin = ToHex(id);
  out.version = ToHex(doc.winner.id);
  if (!doc.deleted()) {
    MRC_ASSIGN_OR_RETURN(Version v, log_->GetVersion(doc.winner.id));
    json content = json::parse(v.payload, nullptr, false);
    if (content.is_object()) out.title = content.value("title", "");
  }
  MRC_ASSIGN_OR_RETURN(auto receipts, BulletinReceipts(*log_, id));
  // The latest receipt and acknowledgement of each author.
  std::map<Hash32, const ReceiptInfo*> received, acked;
  for (const auto& r : receipts) {
    auto& slot = r.acknowledged ? acked[r.author] : received[r.author];
    if (!slot || r.hlc > slot->hlc) slot = &r;
  }
  auto latest = [&](const std::map<Hash32, const ReceiptInfo*>& of,
                    const Hash32& key) -> std::optional<ReceiptMark> {
    auto it = of.find(key);
    if (it == of.end()) return std::nullopt;
    const ReceiptInfo& r = *it->second;
    return ReceiptMark{ToHex(r.version), FormatTime(HlcMillis(r.hlc)), r.by,
                       r.version == doc.winner.id};
  };
  MRC_ASSIGN_OR_RETURN(auto members, trust::Members(*log_));
  for (const auto& m : members) {
    if (!m.member || m.hq || m.revoked_from) continue;
    CentreReceipt c{ToHex(m.key), m.name, latest(received, m.key), latest(acked, m.key)};
    if (!c.received && !c.acknowledged) out.not_received.push_back(c.key);
    if (!c.acknowledged) out.not_acknowledged.push_back(c.key);
    out.centres.push_back(std::move(c));
  }
  return out;
}

Result<Acknowledgement> TrustService::Acknowledge(std::string_view bulletin_id,
                                                  const AcknowledgeRequest& req) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(bulletin_id, "bulletin id"));
  ReceiptBody body;
  body.acknowledged = true;
  body.by = req.by.value_or("");
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (doc.kind != Kind::kBulletin)
    return Status::InvalidArgument("document " + ToHex(id) + " is not a bulletin");
  if (doc.deleted()) return Status::NotFound("bulletin " + ToHex(id) + " was withdrawn");
  std::string payload = ReceiptPayload(body);
  MRC_RETURN_IF_ERROR(ParseReceipt(payload).status());
  MRC_RETURN_IF_ERROR(
      log_->Append({Draft{Kind::kReceipt, Op::kPut, id, {doc.winner.id}, payload}}).status());
  return Acknowledgement{ToHex(id), ToHex(doc.winner.id)};
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
