#include "sync/trust/trust_records.h"

#include <algorithm>
#include <map>

#include "sync/log/log.h"
#include "sync/log/records.h"

namespace mrc::sync::trust {
namespace {

using storage::Column;

Bytes Prefix(char tag, const Hash32& key) {
  Bytes k(1, tag);
  PutHash(&k, key);
  return k;
}

// Adds what one approval record says to `m`; keeps the latest name.
Status AddApproval(std::string_view value, Membership* m, std::uint64_t* latest_hlc) {
  Hash32 approver;
  std::uint64_t hlc;
  if (!GetHash(&value, &approver) || !GetU64(&value, &hlc)) {
    return Status::Corruption("unreadable approval record");
  }
  auto s = ParseStatement(value);
  if (!s.ok()) return Status::Corruption("unreadable approval statement: " + s.status().message());
  m->member = true;
  m->approvals++;
  if (s->has_role("hq")) m->hq = true;
  if (s->replaces &&
      std::find(m->replaces.begin(), m->replaces.end(), *s->replaces) == m->replaces.end()) {
    m->replaces.push_back(*s->replaces);
  }
  if (hlc >= *latest_hlc) {
    *latest_hlc = hlc;
    m->name = s->name;
    m->city = s->city;
    m->country = s->country;
  }
  return Status::Ok();
}

Status AddRevocation(std::string_view value, Membership* m) {
  std::uint64_t from_seq, hlc;
  Hash32 revoker;
  if (!GetU64(&value, &from_seq) || !GetHash(&value, &revoker) || !GetU64(&value, &hlc)) {
    return Status::Corruption("unreadable revocation record");
  }
  if (from_seq < m->revoked_from || (from_seq == m->revoked_from && value < m->revoke_reason)) {
    m->revoked_from = from_seq;
    m->revoke_reason = std::string(value);
  }
  return Status::Ok();
}

// The key's latest encryption key: the highest (hlc, statement id).
Status AddEncryptionKey(Txn& txn, const Hash32& key, Membership* m) {
  MRC_ASSIGN_OR_RETURN(auto ks, txn.KeysWithPrefix(Column::kTrust, Prefix('e', key)));
  std::uint64_t best = 0;
  for (const auto& k : ks) {
    MRC_ASSIGN_OR_RETURN(auto v, txn.Get(Column::kTrust, k));
    if (!v) continue;
    std::string_view in = *v;
    std::uint64_t hlc = 0;
    Hash32 x{};
    if (!GetU64(&in, &hlc) || !GetHash(&in, &x))
      return Status::Corruption("unreadable encryption key record");
    // Keys come in id order, so among equal hlcs the last id wins.
    if (!m->encryption_key || hlc >= best) {
      best = hlc;
      m->encryption_key = x;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Membership> Lookup(Txn& txn, const Hash32& root, const Hash32& key) {
  Membership m;
  if (key == root) {
    m.member = m.hq = m.root = true;
    m.name = "headquarters";
    MRC_RETURN_IF_ERROR(AddEncryptionKey(txn, key, &m));
    return m;
  }
  std::uint64_t latest = 0;
  MRC_ASSIGN_OR_RETURN(auto approvals, txn.KeysWithPrefix(Column::kTrust, Prefix('a', key)));
  for (const auto& k : approvals) {
    MRC_ASSIGN_OR_RETURN(auto v, txn.Get(Column::kTrust, k));
    if (v) MRC_RETURN_IF_ERROR(AddApproval(*v, &m, &latest));
  }
  MRC_ASSIGN_OR_RETURN(auto revocations, txn.KeysWithPrefix(Column::kTrust, Prefix('r', key)));
  for (const auto& k : revocations) {
    MRC_ASSIGN_OR_RETURN(auto v, txn.Get(Column::kTrust, k));
    if (v) MRC_RETURN_IF_ERROR(AddRevocation(*v, &m));
  }
  MRC_RETURN_IF_ERROR(AddEncryptionKey(txn, key, &m));
  return m;
}

Result<bool> Succeeds(Txn& txn, const Hash32& root, const Hash32& author, const Hash32& owner) {
  std::vector<Hash32> frontier = {author}, seen;
  for (int step = 0; step <= 16 && !frontier.empty(); ++step) {
    std::vector<Hash32> next;
    for (const auto& k : frontier) {
      if (k == owner) return true;
      if (std::find(seen.begin(), seen.end(), k) != seen.end()) continue;
      seen.push_back(k);
      MRC_ASSIGN_OR_RETURN(Membership m, Lookup(txn, root, k));
      next.insert(next.end(), m.replaces.begin(), m.replaces.end());
    }
    frontier = std::move(next);
  }
  return false;
}

void PutApproval(Txn& txn, const Hash32& key, const Hash32& approval_id, const Hash32& approver,
                 std::uint64_t hlc, std::string_view statement_json) {
  Bytes k = Prefix('a', key);
  PutHash(&k, approval_id);
  Bytes v;
  PutHash(&v, approver);
  PutU64(&v, hlc);
  v.append(statement_json);
  txn.Put(Column::kTrust, k, v);
}

void PutRevocation(Txn& txn, const Hash32& key, const Hash32& revocation_id, std::uint64_t from_seq,
                   const Hash32& revoker, std::uint64_t hlc, std::string_view reason) {
  Bytes k = Prefix('r', key);
  PutHash(&k, revocation_id);
  Bytes v;
  PutU64(&v, from_seq);
  PutHash(&v, revoker);
  PutU64(&v, hlc);
  v.append(reason);
  txn.Put(Column::kTrust, k, v);
}

void PutEncryptionKey(Txn& txn, const Hash32& key, const Hash32& statement_id, std::uint64_t hlc,
                      const Hash32& x25519) {
  Bytes k = Prefix('e', key);
  PutHash(&k, statement_id);
  Bytes v;
  PutU64(&v, hlc);
  PutHash(&v, x25519);
  txn.Put(Column::kTrust, k, v);
}

Bytes ReceiptKey(const Hash32& bulletin, const Hash32& author, char type, const Hash32& version) {
  Bytes k;
  PutHash(&k, bulletin);
  PutHash(&k, author);
  k.push_back(type);
  PutHash(&k, version);
  return k;
}

void PutReceipt(Txn& txn, const Hash32& bulletin, const Hash32& author, char type,
                const Hash32& version, std::uint64_t hlc, std::string_view by) {
  Bytes v;
  PutU64(&v, hlc);
  v.append(by);
  txn.Put(Column::kReceipts, ReceiptKey(bulletin, author, type, version), v);
}

Result<std::vector<MemberRecord>> AllMembers(Txn& txn, const Hash32& root) {
  std::map<Hash32, bool> keys;
  for (char tag : {'a', 'r'}) {
    MRC_ASSIGN_OR_RETURN(auto ks, txn.KeysWithPrefix(Column::kTrust, std::string(1, tag)));
    for (const auto& k : ks) {
      if (k.size() == 65) keys[Hash32FromView(std::string_view(k).substr(1, 32))] = true;
    }
  }
  keys[root] = true;
  std::vector<MemberRecord> out;
  for (const auto& [key, unused] : keys) {
    MRC_ASSIGN_OR_RETURN(Membership m, Lookup(txn, root, key));
    out.push_back({key, std::move(m)});
  }
  return out;
}

Result<std::vector<ReceiptRecord>> ReceiptsOf(Txn& txn, const Hash32& bulletin) {
  std::vector<ReceiptRecord> out;
  MRC_ASSIGN_OR_RETURN(auto ks, txn.KeysWithPrefix(Column::kReceipts, AsView(bulletin)));
  for (const auto& k : ks) {
    if (k.size() != 97) return Status::Corruption("unreadable receipt key");
    MRC_ASSIGN_OR_RETURN(auto v, txn.Get(Column::kReceipts, k));
    if (!v) continue;
    ReceiptRecord r;
    std::string_view key = k, value = *v;
    r.author = Hash32FromView(key.substr(32, 32));
    r.acknowledged = key[64] == kAcknowledged;
    r.version = Hash32FromView(key.substr(65, 32));
    if (!GetU64(&value, &r.hlc)) return Status::Corruption("unreadable receipt record");
    r.by = std::string(value);
    out.push_back(std::move(r));
  }
  return out;
}

void PutProposal(Txn& txn, const Hash32& doc, const Hash32& proposal, const Hash32& author,
                 std::uint64_t hlc) {
  Bytes k;
  PutHash(&k, doc);
  PutHash(&k, proposal);
  Bytes v;
  PutHash(&v, author);
  PutU64(&v, hlc);
  txn.Put(Column::kProposals, k, v);
}

void PutDecision(Txn& txn, const Hash32& doc, const Hash32& proposal, const Hash32& decision,
                 char type, const Hash32& author, std::uint64_t hlc, std::string_view reason) {
  Bytes k;
  PutHash(&k, doc);
  PutHash(&k, proposal);
  PutHash(&k, decision);
  Bytes v(1, type);
  PutHash(&v, author);
  PutU64(&v, hlc);
  v.append(reason);
  txn.Put(Column::kProposals, k, v);
}

Result<std::vector<ProposalRecord>> ProposalsOf(Txn& txn, const Hash32& doc) {
  std::vector<ProposalRecord> out;
  MRC_ASSIGN_OR_RETURN(auto keys, txn.KeysWithPrefix(Column::kProposals, AsView(doc)));
  for (const auto& k : keys) {  // in key order: a proposal, then its decisions
    MRC_ASSIGN_OR_RETURN(auto v, txn.Get(Column::kProposals, k));
    if (!v) continue;
    std::string_view value = *v;
    if (k.size() == 64) {
      ProposalRecord p;
      p.id = Hash32FromView(std::string_view(k).substr(32, 32));
      if (!GetHash(&value, &p.author) || !GetU64(&value, &p.hlc))
        return Status::Corruption("unreadable proposal");
      out.push_back(std::move(p));
    } else if (k.size() == 96 && !out.empty()) {
      DecisionRecord d;
      d.id = Hash32FromView(std::string_view(k).substr(64, 32));
      std::uint8_t type;
      if (!GetU8(&value, &type) || !GetHash(&value, &d.author) || !GetU64(&value, &d.hlc)) {
        return Status::Corruption("unreadable proposal decision");
      }
      d.accepted = type == kAccepted;
      d.reason = std::string(value);
      out.back().decisions.push_back(std::move(d));
    } else {
      return Status::Corruption("unreadable proposal key");
    }
  }
  return out;
}

namespace {

MemberInfo ToInfo(const Hash32& key, const Membership& m) {
  MemberInfo i;
  i.key = key;
  i.member = m.member;
  i.hq = m.hq;
  i.root = m.root;
  i.name = m.name;
  i.city = m.city;
  i.country = m.country;
  i.replaces = m.replaces;
  i.revoked_from = m.revoked_from == kNotRevoked ? 0 : m.revoked_from;
  i.revoke_reason = m.revoke_reason;
  i.encryption_key = m.encryption_key;
  return i;
}

// The key's entries held here, and how many of them wait for its approval.
Status AddCounts(storage::Store* store, MemberInfo* info) {
  auto feed = store->Get(Column::kFeeds, AsView(info->key));
  if (feed.ok()) {
    auto f = records::DecodeFeed(*feed);
    if (!f) return Status::Corruption("unreadable feed record of " + ToHex(info->key));
    info->seq = f->seq;
  } else if (!feed.status().IsNotFound()) {
    return feed.status();
  }
  Bytes prefix(1, records::kWaitMember);
  PutHash(&prefix, info->key);
  auto it = store->NewPrefixIterator(Column::kWaits, prefix);
  for (it->Seek(prefix); it->Valid(); it->Next()) info->waiting++;
  return it->status();
}

}  // namespace

Result<std::vector<MemberInfo>> Members(Log& log) {
  Txn view(log.store());  // never committed: reads only
  MRC_ASSIGN_OR_RETURN(auto all, AllMembers(view, log.root()));
  std::vector<MemberInfo> out;
  for (const auto& r : all) {
    MemberInfo info = ToInfo(r.key, r.membership);
    MRC_RETURN_IF_ERROR(AddCounts(log.store(), &info));
    out.push_back(std::move(info));
  }
  return out;
}

Result<MemberInfo> Member(Log& log, const Hash32& key) {
  Txn view(log.store());
  MRC_ASSIGN_OR_RETURN(Membership m, Lookup(view, log.root(), key));
  if (!m.member && m.revoked_from == kNotRevoked) {
    return Status::NotFound("key " + ToHex(key) + " is not a member of this network");
  }
  MemberInfo info = ToInfo(key, m);
  MRC_RETURN_IF_ERROR(AddCounts(log.store(), &info));
  return info;
}

Result<std::vector<Hash32>> OwnKeys(Log& log) {
  std::vector<Hash32> keys = {log.self()};
  // Rotations are approved one key at a time; 16 steps is more than a
  // centre makes in its life, and bounds a cycle no honest history holds.
  for (std::size_t i = 0; i < keys.size() && keys.size() <= 16; ++i) {
    MRC_ASSIGN_OR_RETURN(MemberInfo m, Member(log, keys[i]));
    for (const auto& old : m.replaces)
      if (std::find(keys.begin(), keys.end(), old) == keys.end()) keys.push_back(old);
  }
  return keys;
}

}  // namespace mrc::sync::trust
