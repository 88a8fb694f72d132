#include "sync/content/document_rules.h"

#include <algorithm>

#include "sync/content/bulletin_flags.h"
#include "sync/content/content.h"
#include "sync/content/receipt_rules.h"
#include "sync/log/log.h"
#include "sync/log/log_txn.h"
#include "sync/log/records.h"
#include "sync/trust/trust.h"
#include "sync/trust/trust_records.h"

namespace mrc::sync {

using storage::Column;

namespace {

class DocumentRulesImpl : public EntryRules {
 public:
  DocumentRulesImpl()
      : EntryRules({Kind::kFaq, Kind::kGuide, Kind::kBulletin, Kind::kCentre},
                   {Column::kProposals}) {}
  Status CheckShape(const Entry& e) const override;
  Status Validate(const Entry& e, std::string_view payload) const override;
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override;
  // A bulletin of another centre applied here: a receipt is owed; the
  // guide sections a bulletin names are indexed (bulletin_flags.h).
  Status Recorded(ApplyContext& ctx, const Entry& e, const Hash32& id, std::string_view payload,
                  const Decision& d) const override;
};

}  // namespace

namespace {

bool IsAuthoritative(Kind kind, std::string_view payload) {
  if (kind == Kind::kBulletin) return true;
  if (kind != Kind::kGuide || payload.find("authoritative") == std::string_view::npos) return false;
  return GuideIsAuthoritative(payload);
}

// Whether a proposal was based on an authoritative version.
Result<bool> BasedOnAuthoritative(Txn& txn, const Hash32& proposal_id, const records::IdRecord& r) {
  MRC_ASSIGN_OR_RETURN(auto stored, txn.Get(Column::kEntries, records::FeedKey(r.author, r.seq)));
  std::string_view signed_form, payload;
  if (!stored || !records::DecodeStored(*stored, &signed_form, &payload)) {
    return Status::Corruption("entry " + Short(proposal_id) + " indexed but not stored");
  }
  MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
  for (const auto& p : d.entry.parents) {
    MRC_ASSIGN_OR_RETURN(
        auto base, GetDecoded<records::IdRecord>(txn, Column::kIds, AsView(p), records::DecodeId));
    if (base && base->authoritative) return true;
  }
  return false;
}

Result<Decision> CreateDoc(ApplyContext& ctx, const Entry& e, const Hash32& id) {
  DocState doc;
  doc.id = id;
  doc.kind = e.kind;
  doc.creator = e.author;
  doc.created_hlc = e.hlc;
  doc.heads = {Head{id, e.hlc, e.author, e.op}};
  doc.versions = 1;
  ctx.txn().Put(Column::kDocs, AsView(id), records::EncodeDoc(doc));
  return Decision::Applied();
}

Result<Decision> EditDoc(ApplyContext& ctx, const Entry& e, const Hash32& id, const Standing& m) {
  std::vector<records::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, ctx.Parents(e, id, &parents));
  if (pending) return *pending;
  bool parent_authoritative = false;
  for (std::size_t i = 0; i < parents.size(); ++i) {
    std::string what = Describe(e, id) + ": parent " + Short(e.parents[i]);
    if (parents[i].op == Op::kDecline) {
      return Decision::Rejected(
          MakeProblem(Problem::kBadParent, what + " is a decline, not a version"));
    }
    if (parents[i].doc != e.doc) {
      return Decision::Rejected(
          MakeProblem(Problem::kBadParent, what + " is a version of another document"));
    }
    if (parents[i].hlc >= e.hlc) {
      return Decision::Rejected(
          MakeProblem(Problem::kBadParent, what + " is not earlier than its child"));
    }
    parent_authoritative |= parents[i].authoritative;
  }
  MRC_ASSIGN_OR_RETURN(auto raw, ctx.txn().Get(Column::kDocs, AsView(e.doc)));
  std::optional<DocState> doc;
  if (raw) doc = records::DecodeDoc(e.doc, *raw);
  if (!doc) return Status::Corruption("document " + Short(e.doc) + " missing or unreadable");
  if (doc->kind != e.kind) {
    return Decision::Rejected(MakeProblem(
        Problem::kInvalidContent, Describe(e, id) + ": kind " + std::string(KindName(e.kind)) +
                                      " differs from the document's " +
                                      std::string(KindName(doc->kind))));
  }
  if (!m.hq) {
    if (parent_authoritative) {
      return Decision::Rejected(MakeProblem(
          Problem::kNotAuthorised, Describe(e, id) +
                                       ": the document is authoritative; only "
                                       "headquarters edits it (propose a change instead)"));
    }
    MRC_ASSIGN_OR_RETURN(bool owns, trust::Succeeds(ctx.txn(), ctx.root(), e.author, doc->creator));
    if (!owns) {
      return Decision::Rejected(MakeProblem(
          Problem::kNotAuthorised, Describe(e, id) + ": document " + Short(e.doc) + " belongs to " +
                                       Short(doc->creator) + " (propose a change instead)"));
    }
  }
  std::erase_if(doc->heads, [&](const Head& h) {
    return std::binary_search(e.parents.begin(), e.parents.end(), h.id);
  });
  Head head{id, e.hlc, e.author, e.op};
  doc->heads.insert(std::upper_bound(doc->heads.begin(), doc->heads.end(), head,
                                     [](const Head& a, const Head& b) { return a.id < b.id; }),
                    head);
  records::PickWinner(&*doc);
  doc->versions++;
  ctx.txn().Put(Column::kDocs, AsView(e.doc), records::EncodeDoc(*doc));
  // Naming a proposal as a parent accepts it (signed by the accepter).
  for (std::size_t i = 0; i < parents.size(); ++i) {
    if (parents[i].op != Op::kPropose) continue;
    trust::PutDecision(ctx.txn(), e.doc, e.parents[i], id, trust::kAccepted, e.author, e.hlc, "");
  }
  return Decision::Applied();
}

// A proposal: valid content based on applied versions of the document;
// anyone who is a member may make one. It changes nothing but is recorded
// for the owner to accept or decline.
Result<Decision> Propose(ApplyContext& ctx, const Entry& e, const Hash32& id) {
  std::vector<records::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, ctx.Parents(e, id, &parents));
  if (pending) return *pending;
  for (std::size_t i = 0; i < parents.size(); ++i) {
    std::string what = Describe(e, id) + ": base " + Short(e.parents[i]);
    if (parents[i].doc != e.doc || parents[i].kind != e.kind ||
        (parents[i].op != Op::kPut && parents[i].op != Op::kDelete)) {
      return Decision::Rejected(
          MakeProblem(Problem::kBadParent, what + " is not a version of this document"));
    }
    if (parents[i].hlc >= e.hlc)
      return Decision::Rejected(MakeProblem(Problem::kBadParent, what + " is not earlier"));
  }
  trust::PutProposal(ctx.txn(), e.doc, id, e.author, e.hlc);
  return Decision::Applied();
}

// The owner (headquarters, when a base version is authoritative) declines.
Result<Decision> Decline(ApplyContext& ctx, const Entry& e, const Hash32& id, const Standing& m,
                         std::string_view payload) {
  std::vector<records::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, ctx.Parents(e, id, &parents));
  if (pending) return *pending;
  const records::IdRecord& proposal = parents.front();
  if (proposal.op != Op::kPropose || proposal.doc != e.doc || proposal.hlc >= e.hlc) {
    return Decision::Rejected(MakeProblem(Problem::kBadParent, Describe(e, id) +
                                                                   ": its parent is not an earlier "
                                                                   "proposal for this document"));
  }
  if (!m.hq) {
    MRC_ASSIGN_OR_RETURN(auto raw, ctx.txn().Get(Column::kDocs, AsView(e.doc)));
    auto doc = raw ? records::DecodeDoc(e.doc, *raw) : std::nullopt;
    if (!doc) return Status::Corruption("document " + Short(e.doc) + " missing or unreadable");
    MRC_ASSIGN_OR_RETURN(bool owns, trust::Succeeds(ctx.txn(), ctx.root(), e.author, doc->creator));
    MRC_ASSIGN_OR_RETURN(bool on_authoritative,
                         BasedOnAuthoritative(ctx.txn(), e.parents.front(), proposal));
    if (!owns || on_authoritative) {
      return NotAuthorised(e, id,
                           on_authoritative ? "only headquarters decides on authoritative content"
                                            : "only the document's owner or headquarters decides");
    }
  }
  MRC_ASSIGN_OR_RETURN(std::string reason, ParseDecline(payload));
  trust::PutDecision(ctx.txn(), e.doc, e.parents.front(), id, trust::kDeclined, e.author, e.hlc,
                     reason);
  return Decision::Applied();
}

}  // namespace

Status DocumentRulesImpl::CheckShape(const Entry& e) const {
  auto malformed = [](std::string_view what) { return MakeProblem(Problem::kMalformed, what); };
  if (e.op > Op::kDecline) return malformed("unknown op");
  if ((e.op == Op::kPropose || e.op == Op::kDecline) && e.IsRoot())
    return malformed("a proposal or a decline names a document");
  if (e.op == Op::kDecline && e.parents.size() != 1)
    return malformed("a decline names exactly one proposal");
  if (e.IsRoot() && (!e.parents.empty() || e.op != Op::kPut))
    return malformed("a document's first entry must be a put without parents");
  if (!e.IsRoot() && e.parents.empty()) return malformed("an edit must name its parent versions");
  return Status::Ok();
}

Status DocumentRulesImpl::Validate(const Entry& e, std::string_view payload) const {
  return ValidateEntryPayload(e.kind, e.op, payload);
}

Result<Decision> DocumentRulesImpl::Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                                          std::string_view payload, const Standing& m) const {
  bool authoritative = e.op == Op::kPut && IsAuthoritative(e.kind, payload);
  if (!m.hq && authoritative) {
    return Decision::Rejected(
        MakeProblem(Problem::kNotAuthorised,
                    Describe(e, id) + (e.kind == Kind::kBulletin
                                           ? ": only headquarters publishes bulletins"
                                           : ": only headquarters marks content authoritative")));
  }
  if (e.op == Op::kPropose) return Propose(ctx, e, id);
  if (e.op == Op::kDecline) return Decline(ctx, e, id, m, payload);
  MRC_ASSIGN_OR_RETURN(Decision d, e.IsRoot() ? CreateDoc(ctx, e, id) : EditDoc(ctx, e, id, m));
  d.authoritative = d.effect == Effect::kApplied && authoritative;
  return d;
}

Status DocumentRulesImpl::Recorded(ApplyContext& ctx, const Entry& e, const Hash32& id,
                                   std::string_view payload, const Decision& d) const {
  if (d.effect == Effect::kApplied && e.kind == Kind::kBulletin && e.op == Op::kPut) {
    // The guide sections it names are to be reviewed (bulletin_flags.h).
    MRC_RETURN_IF_ERROR(IndexBulletinSections(ctx.txn(), e.DocId(id), e.hlc, payload));
  }
  if (d.effect == Effect::kApplied && e.kind == Kind::kBulletin && e.author != ctx.self() &&
      !ctx.rebuilding()) {
    // This node owes headquarters a receipt (ReceiptRules::AfterCommit).
    ctx.txn().Put(Column::kLocal, ReceiptDueKey(id), AsView(e.DocId(id)));
  }
  return Status::Ok();
}

const EntryRules& DocumentRules() {
  static const DocumentRulesImpl rules;
  return rules;
}

}  // namespace mrc::sync
