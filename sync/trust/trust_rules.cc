#include "sync/trust/trust_rules.h"

#include "sync/log/log_txn.h"
#include "sync/log/records.h"
#include "sync/trust/trust.h"
#include "sync/trust/trust_records.h"

namespace mrc::sync::trust {

namespace {

using storage::Column;

namespace {

class StatementRulesImpl : public EntryRules {
 public:
  StatementRulesImpl() : EntryRules({Kind::kMember}, {Column::kTrust}) {}
  Status CheckShape(const Entry& e) const override {
    if (!e.IsRoot() || e.op != Op::kPut)
      return MakeProblem(Problem::kMalformed, "a trust statement is a put with no document");
    return Status::Ok();
  }
  Status Validate(const Entry&, std::string_view payload) const override {
    return ParseStatement(payload).status();
  }
  // The root key's statements first (they alone revoke), then the others.
  int RebuildPhase(const Entry& e, const Hash32& root) const override;
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override;
};

}  // namespace

// The (old key, statement) of a rotate statement, or nullopt if the entry
// is not one.
Result<std::optional<std::pair<Hash32, Statement>>> RotationOf(Txn& txn, const Hash32& id,
                                                               const records::IdRecord& r) {
  using Out = std::optional<std::pair<Hash32, Statement>>;
  if (r.kind != Kind::kMember) return Out();
  MRC_ASSIGN_OR_RETURN(auto stored, txn.Get(Column::kEntries, records::FeedKey(r.author, r.seq)));
  std::string_view signed_form, payload;
  if (!stored || !records::DecodeStored(*stored, &signed_form, &payload)) {
    return Status::Corruption("entry " + Short(id) + " indexed but not stored");
  }
  auto s = ParseStatement(payload);
  if (!s.ok() || s->type != Statement::Type::kRotate) return Out();
  return Out(std::make_pair(r.author, *s));
}

}  // namespace

int StatementRulesImpl::RebuildPhase(const Entry& e, const Hash32& root) const {
  return e.author == root ? 0 : 1;
}

Result<Decision> StatementRulesImpl::Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                                           std::string_view payload, const Standing& author) const {
  ctx.StandingsChanged(std::nullopt);
  MRC_ASSIGN_OR_RETURN(Statement s, ParseStatement(payload));
  std::vector<records::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, ctx.Parents(e, id, &parents));
  if (pending) return *pending;
  switch (s.type) {
    case Statement::Type::kApprove: {
      if (!author.hq) return NotAuthorised(e, id, "only headquarters approves members");
      if (s.has_role("hq") && !author.root) {
        return NotAuthorised(e, id, "only the network's root key grants the hq role");
      }
      if (s.key == ctx.root()) return NotAuthorised(e, id, "the root key needs no approval");
      std::optional<std::uint64_t> rotated_at;
      if (!parents.empty()) {
        // A rotation: the parent is the old key's statement naming this key.
        MRC_ASSIGN_OR_RETURN(auto rotation,
                             RotationOf(ctx.txn(), e.parents.front(), parents.front()));
        if (parents.size() != 1 || !s.replaces || !rotation || rotation->first != *s.replaces ||
            rotation->second.key != s.key) {
          return NotAuthorised(e, id,
                               "an approval's parent must be the replaced key's rotate "
                               "statement naming the approved key");
        }
        rotated_at = parents.front().seq;
      }
      MRC_ASSIGN_OR_RETURN(Membership before, Lookup(ctx.txn(), ctx.root(), s.key));
      PutApproval(ctx.txn(), s.key, id, e.author, e.hlc, payload);
      MRC_ASSIGN_OR_RETURN(std::uint64_t seq, ctx.FeedSeq(s.key));
      if (before.member && seq > 0) ctx.RequestRebuild();  // roles or ownership may change
      if (rotated_at) {
        PutRevocation(ctx.txn(), *s.replaces, id, *rotated_at + 1, e.author, e.hlc,
                      "rotated to " + Short(s.key));
        MRC_ASSIGN_OR_RETURN(std::uint64_t old_seq, ctx.FeedSeq(*s.replaces));
        if (old_seq > *rotated_at) ctx.RequestRebuild();
      }
      ctx.StandingsChanged(s.key);
      return Decision::Applied();
    }
    case Statement::Type::kRevoke: {
      if (!author.root) return NotAuthorised(e, id, "only the network's root key revokes keys");
      if (s.key == ctx.root()) return NotAuthorised(e, id, "the root key cannot be revoked");
      PutRevocation(ctx.txn(), s.key, id, s.from_seq, e.author, e.hlc, s.reason);
      MRC_ASSIGN_OR_RETURN(std::uint64_t seq, ctx.FeedSeq(s.key));
      if (seq >= s.from_seq) ctx.RequestRebuild();
      return Decision::Applied();
    }
    case Statement::Type::kRotate:
      if (s.key == e.author) return NotAuthorised(e, id, "a key cannot rotate to itself");
      return Decision::Applied();
    case Statement::Type::kEncryption:
      // About its author only (the statement names no other key); any
      // member may publish its own.
      PutEncryptionKey(ctx.txn(), e.author, id, e.hlc, s.key);
      return Decision::Applied();
  }
  return Decision::Applied();
}

namespace {

class TrustAuthorityImpl : public Authority {
 public:
  Result<Standing> StandingOf(Txn& txn, const Hash32& root, const Hash32& key) const override;
};

}  // namespace

Result<Standing> TrustAuthorityImpl::StandingOf(Txn& txn, const Hash32& root,
                                                const Hash32& key) const {
  MRC_ASSIGN_OR_RETURN(Membership m, Lookup(txn, root, key));
  Standing s;
  s.member = m.member;
  s.hq = m.hq;
  s.root = m.root;
  s.revoked_from = m.revoked_from;
  s.revoke_reason = std::move(m.revoke_reason);
  return s;
}

const Authority& TrustAuthority() {
  static const TrustAuthorityImpl authority;
  return authority;
}

const EntryRules& StatementRules() {
  static const StatementRulesImpl rules;
  return rules;
}

}  // namespace mrc::sync::trust
