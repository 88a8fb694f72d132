#include "sync/content/doc_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "config/foundation/clock.h"
#include "sync/content/content.h"
#include "sync/content/translation.h"
#include "sync/log/log.h"
#include "sync/trust/document_records.h"
#include "sync/trust/trust.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

std::string Hex(const Hash32& h) { return ToHex(h); }

std::string When(std::uint64_t hlc) { return FormatTime(HlcMillis(hlc)); }

DocSummary Summarize(const DocState& d) {
  DocSummary s;
  s.id = Hex(d.id);
  s.kind = KindName(d.kind);
  s.version = Hex(d.winner.id);
  for (const auto& h : d.heads) s.heads.push_back(Hex(h.id));
  s.conflict = d.conflict();
  s.deleted = d.deleted();
  s.created_by = Hex(d.creator);
  s.created_at = When(d.created_hlc);
  s.updated_by = Hex(d.winner.author);
  s.updated_at = When(d.winner.hlc);
  s.versions = d.versions;
  return s;
}

// Who signs a version is the server's to say: whatever `edited_by` the
// content came with gives way to the name of the logged-in staff member.
void StampEditor(json* content, const std::string& edited_by) {
  if (!content->is_object()) return;
  content->erase(kEditedByField);
  if (!edited_by.empty()) (*content)[kEditedByField] = edited_by;
}

// The canonical payload of content that arrives as JSON text (already
// bounded in size and nesting where it was read), signed by `edited_by`;
// a translation gets its source's current version unless it names one
// (`self`: the document's id, when it exists already).
Result<std::string> CanonicalText(Log& log, Kind kind, const Hash32* self, const std::string& text,
                                  const std::string& edited_by) {
  if (!JsonNestsAtMost(text, kMaxJsonNesting))
    return Status::InvalidArgument("\"content\" nests deeper than " +
                                   std::to_string(kMaxJsonNesting) + " levels");
  json content = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (content.is_discarded()) return Status::InvalidArgument("\"content\" is not valid JSON");
  StampEditor(&content, edited_by);
  MRC_RETURN_IF_ERROR(CompleteTranslation(log, kind, self, &content));
  return CanonicalContent(kind, content);
}

const char* OpName(Op op) {
  switch (op) {
    case Op::kPut:
      return "put";
    case Op::kDelete:
      return "delete";
    case Op::kPropose:
      return "propose";
    case Op::kDecline:
      return "decline";
  }
  return "unknown";
}

}  // namespace

DocService::DocService(Log* log) : log_(log), clock_(SystemClock()) {}

// The versions an edit replaces: the ones named, which must be the current
// heads (anything else is a stale edit), or by default the single head.
static Result<std::vector<Hash32>> ResolveBase(const DocState& doc,
                                               const std::vector<std::string>& named) {
  std::vector<Hash32> current;
  for (const auto& h : doc.heads) current.push_back(h.id);
  if (named.empty()) {
    if (doc.conflict()) {
      return Status::Conflict("document " + Hex(doc.id) + " is in conflict (" +
                              std::to_string(doc.heads.size()) +
                              " heads): name every head you merge in \"base\"");
    }
    return current;
  }
  std::vector<Hash32> base;
  for (const auto& s : named) {
    MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(s, "base version"));
    base.push_back(id);
  }
  std::sort(base.begin(), base.end());
  base.erase(std::unique(base.begin(), base.end()), base.end());
  if (base != current) {
    return Status::Conflict("document " + Hex(doc.id) +
                            " has changed: base does not match its current heads");
  }
  return base;
}

Result<SavedDoc> DocService::Create(const CreateDocRequest& req) {
  if (!req.kind) {
    return Status::InvalidArgument("\"kind\" is required: faq, guide, bulletin or centre");
  }
  Kind kind;
  if (!ParseKind(*req.kind, &kind)) {
    return Status::InvalidArgument("unknown kind '" + *req.kind +
                                   "': expected faq, guide, bulletin or centre");
  }
  if (!req.content) return Status::InvalidArgument("\"content\" is required");
  MRC_ASSIGN_OR_RETURN(std::string payload,
                       CanonicalText(*log_, kind, nullptr, *req.content, req.edited_by));
  Draft draft{kind, Op::kPut, Hash32{}, {}, std::move(payload)};
  MRC_ASSIGN_OR_RETURN(auto ids, log_->Append({draft}));
  SavedDoc saved{Hex(ids.front()), Hex(ids.front()), std::nullopt, std::nullopt};
  MRC_ASSIGN_OR_RETURN(saved.waiting, WaitingNote(ids.front()));
  if (saved.waiting) return saved;
  MRC_ASSIGN_OR_RETURN(saved.doc, Get(saved.id));
  return saved;
}

// Why a version this node just wrote is not applied yet (a centre not yet
// approved by headquarters), or nullopt when it is.
Result<std::optional<std::string>> DocService::WaitingNote(const Hash32& version) {
  MRC_ASSIGN_OR_RETURN(Version v, log_->GetVersion(version));
  if (v.effect != Effect::kWaiting) return std::optional<std::string>();
  return std::optional<std::string>(
      "saved, and kept until headquarters approves this centre (`mrcnode member request`): "
      "then it applies here and everywhere");
}

Result<SavedDoc> DocService::Update(std::string_view doc_id, const UpdateDocRequest& req) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (req.kind && *req.kind != KindName(doc.kind)) {
    return Status::InvalidArgument("a document's kind cannot change (it is " +
                                   std::string(KindName(doc.kind)) + ")");
  }
  if (req.id && *req.id != Hex(id)) {
    return Status::InvalidArgument("\"id\" in the body does not match the URL");
  }
  if (!req.content) return Status::InvalidArgument("\"content\" is required");
  MRC_ASSIGN_OR_RETURN(std::string payload,
                       CanonicalText(*log_, doc.kind, &id, *req.content, req.edited_by));
  MRC_ASSIGN_OR_RETURN(auto parents, ResolveBase(doc, req.base));
  return PutVersion(doc, parents, std::move(payload));
}

Result<SavedDoc> DocService::PutVersion(const DocState& doc, const std::vector<Hash32>& parents,
                                        std::string payload) {
  MRC_ASSIGN_OR_RETURN(
      auto ids, log_->Append({Draft{doc.kind, Op::kPut, doc.id, parents, std::move(payload)}}));
  SavedDoc saved{Hex(doc.id), Hex(ids.front()), std::nullopt, std::nullopt};
  MRC_ASSIGN_OR_RETURN(saved.doc, Get(saved.id));
  MRC_ASSIGN_OR_RETURN(saved.waiting, WaitingNote(ids.front()));
  return saved;
}

Result<DocView> DocService::Delete(std::string_view doc_id, const std::vector<std::string>& base) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (doc.deleted() && !doc.conflict())
    return Status::NotFound("document " + Hex(id) + " is already deleted");
  MRC_ASSIGN_OR_RETURN(auto parents, ResolveBase(doc, base));
  MRC_RETURN_IF_ERROR(log_->Append({Draft{doc.kind, Op::kDelete, id, parents, ""}}).status());
  return Get(Hex(id));
}

Result<DocView> DocService::Get(std::string_view doc_id) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  DocView out{Summarize(doc), std::nullopt, std::nullopt};
  if (!doc.deleted()) {
    MRC_ASSIGN_OR_RETURN(Version v, log_->GetVersion(doc.winner.id));
    out.content = std::move(v.payload);
    json content = json::parse(*out.content, nullptr, /*allow_exceptions=*/false);
    if (content.contains("translation_of")) {
      MRC_ASSIGN_OR_RETURN(out.translation,
                           TranslationOf(*log_, doc.kind, content, /*with_contents=*/false));
    }
    if (HasReview(doc.kind)) {
      out.review = ReviewOf(doc.kind, content, DateOfMillis(HlcMillis(doc.winner.hlc)),
                            DateOfMillis(clock_->NowMillis()),
                            review_intervals_ ? review_intervals_() : DefaultReviewIntervals());
    }
  }
  return out;
}

Result<DocList> DocService::List(const ListQuery& q) {
  if (q.limit < 1 || q.limit > 1000)
    return Status::InvalidArgument("limit must be between 1 and 1000");
  Kind kind{};
  if (!q.kind.empty() && !ParseKind(q.kind, &kind)) {
    return Status::InvalidArgument("unknown kind '" + q.kind +
                                   "': expected faq, guide, bulletin or centre");
  }
  std::optional<Hash32> after;
  if (!q.after.empty()) {
    MRC_ASSIGN_OR_RETURN(after, ParseHexId(q.after, "after"));
  }
  DocList out;
  bool more = false;
  MRC_RETURN_IF_ERROR(log_->ScanDocs(after ? &*after : nullptr, [&](const DocState& d) {
    if (!q.kind.empty() && d.kind != kind) return true;
    if (d.deleted() && !q.include_deleted && !d.conflict()) return true;
    if (q.conflicts_only && !d.conflict()) return true;
    if (out.docs.size() == q.limit) {
      more = true;
      return false;
    }
    out.docs.push_back(Summarize(d));
    return true;
  }));
  if (more) out.next = out.docs.back().id;
  return out;
}

Result<HistoryView> DocService::History(std::string_view doc_id) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  MRC_ASSIGN_OR_RETURN(auto versions, log_->History(id));
  HistoryView out{Hex(id), {}};
  for (auto& v : versions) {
    VersionView item;
    item.version = Hex(v.id);
    item.author = Hex(v.entry.author);
    item.seq = v.entry.seq;
    item.at = When(v.entry.hlc);
    item.hlc = v.entry.hlc;
    for (const auto& p : v.entry.parents) item.parents.push_back(Hex(p));
    item.op = OpName(v.entry.op);
    item.head = std::any_of(doc.heads.begin(), doc.heads.end(),
                            [&](const Head& h) { return h.id == v.id; });
    if (v.entry.op == Op::kPut || v.entry.op == Op::kPropose) item.content = std::move(v.payload);
    out.versions.push_back(std::move(item));
  }
  return out;
}

Result<ProposedChange> DocService::Propose(std::string_view doc_id,
                                           const std::optional<std::string>& content,
                                           const std::string& edited_by) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (!content) return Status::InvalidArgument("\"content\" is required: the proposed content");
  MRC_ASSIGN_OR_RETURN(std::string payload,
                       CanonicalText(*log_, doc.kind, &id, *content, edited_by));
  std::vector<Hash32> base;
  for (const auto& h : doc.heads) base.push_back(h.id);
  MRC_ASSIGN_OR_RETURN(auto ids,
                       log_->Append({Draft{doc.kind, Op::kPropose, id, base, std::move(payload)}}));
  ProposedChange out{Hex(id), Hex(ids.front()), "open", std::nullopt};
  MRC_ASSIGN_OR_RETURN(out.waiting, WaitingNote(ids.front()));
  return out;
}

Result<ProposalList> DocService::Proposals(std::string_view doc_id) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  MRC_ASSIGN_OR_RETURN(auto proposals, DocProposals(*log_, id));
  ProposalList out{Hex(doc.id), {}};
  for (const auto& p : proposals) {
    ProposalView item;
    item.proposal = Hex(p.version.id);
    item.author = Hex(p.version.entry.author);
    item.at = When(p.version.entry.hlc);
    for (const auto& b : p.version.entry.parents) item.base.push_back(Hex(b));
    item.content = p.version.payload;
    item.status = "open";
    // Accepted wins over declined when both happened (an edit cannot be undone).
    for (const auto& d : p.decisions) {
      if (item.status == "accepted" && !d.accepted) continue;
      item.status = d.accepted ? "accepted" : "declined";
      item.decided_by = Hex(d.author);
      item.decided_at = When(d.hlc);
      item.decision = Hex(d.id);
      item.reason = d.accepted ? std::nullopt : std::optional<std::string>(d.reason);
    }
    out.proposals.push_back(std::move(item));
  }
  return out;
}

// The proposal `proposal_id` of document `doc`, checked to be one.
static Result<Version> ProposalOf(Log* log, const Hash32& doc, std::string_view proposal_id) {
  MRC_ASSIGN_OR_RETURN(Hash32 pid, ParseHexId(proposal_id, "proposal id"));
  auto v = log->GetVersion(pid);
  if (!v.ok() || v->entry.op != Op::kPropose || v->doc != doc || v->effect != Effect::kApplied) {
    return Status::NotFound("document " + Hex(doc) + " has no proposal " + Hex(pid));
  }
  return v;
}

// A decided proposal stays decided: accepting it again wrote its content
// over whatever came after (a declined one included), and declining an
// accepted one cannot undo the edit that took it. (Two centres deciding at
// the same time, each before seeing the other's decision, both stand:
// Proposals() says accepted.)
static Status Undecided(Log* log, const Hash32& doc, const Version& proposal) {
  MRC_ASSIGN_OR_RETURN(auto proposals, DocProposals(*log, doc));
  for (const auto& p : proposals) {
    if (p.version.id != proposal.id || p.decisions.empty()) continue;
    bool accepted = std::any_of(p.decisions.begin(), p.decisions.end(),
                                [](const auto& d) { return d.accepted; });
    return Status::Conflict("proposal " + Hex(proposal.id) + " was already " +
                            (accepted ? "accepted" : "declined"));
  }
  return Status::Ok();
}

Result<DocView> DocService::Accept(std::string_view doc_id, std::string_view proposal_id,
                                   const std::optional<std::string>& amended_content,
                                   const std::string& edited_by) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  MRC_ASSIGN_OR_RETURN(Version proposal, ProposalOf(log_, id, proposal_id));
  std::lock_guard deciding(decide_mu_);
  MRC_RETURN_IF_ERROR(Undecided(log_, id, proposal));
  // The accepter signs the content: the proposal's, or its own amendment.
  std::string payload = proposal.payload;
  if (amended_content) {
    MRC_ASSIGN_OR_RETURN(payload, CanonicalText(*log_, doc.kind, &id, *amended_content, edited_by));
  } else if (!edited_by.empty()) {
    MRC_ASSIGN_OR_RETURN(payload, CanonicalText(*log_, doc.kind, &id, payload, edited_by));
  }
  std::vector<Hash32> parents{proposal.id};
  for (const auto& h : doc.heads) parents.push_back(h.id);
  std::sort(parents.begin(), parents.end());
  MRC_RETURN_IF_ERROR(
      log_->Append({Draft{doc.kind, Op::kPut, id, parents, std::move(payload)}}).status());
  return Get(Hex(id));
}

Result<ProposalList> DocService::Decline(std::string_view doc_id, std::string_view proposal_id,
                                         const std::string& reason) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  if (reason.empty()) {
    return Status::InvalidArgument("\"reason\" is required: why the proposal is declined");
  }
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  MRC_ASSIGN_OR_RETURN(Version proposal, ProposalOf(log_, id, proposal_id));
  std::lock_guard deciding(decide_mu_);
  MRC_RETURN_IF_ERROR(Undecided(log_, id, proposal));
  std::string payload = DeclinePayload(reason);
  MRC_RETURN_IF_ERROR(ParseDecline(payload).status());
  MRC_RETURN_IF_ERROR(
      log_->Append({Draft{doc.kind, Op::kDecline, id, {proposal.id}, payload}}).status());
  return Proposals(Hex(id));
}

Result<DigestInfo> DocService::Digest() { return log_->Digest(); }

Result<SavedDoc> DocService::MarkReviewed(std::string_view doc_id, const std::string& reviewer) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (!HasReview(doc.kind)) {
    return Status::InvalidArgument(std::string(KindName(doc.kind)) +
                                   " documents have no review dates");
  }
  if (reviewer.empty()) return Status::InvalidArgument("a review names who made it");
  if (doc.deleted() && !doc.conflict())
    return Status::NotFound("document " + Hex(id) + " is deleted");
  MRC_ASSIGN_OR_RETURN(auto parents, ResolveBase(doc, {}));
  MRC_ASSIGN_OR_RETURN(Version v, log_->GetVersion(doc.winner.id));
  json content = json::parse(v.payload, nullptr, /*allow_exceptions=*/false);
  if (!content.is_object()) return Status::Corruption("document " + Hex(id) + " is unreadable");
  std::string today = DateOfMillis(clock_->NowMillis());
  content["verified_on"] = today;
  content["verified_by"] = reviewer;
  // A date of its own that has come is what this review answers; one still
  // ahead stays (someone set it for a reason).
  if (auto due = content.find("review_due");
      due != content.end() && due->is_string() && due->get<std::string>() <= today) {
    content.erase(due);
  }
  StampEditor(&content, reviewer);
  MRC_ASSIGN_OR_RETURN(std::string payload, CanonicalContent(doc.kind, content));
  return PutVersion(doc, parents, std::move(payload));
}

}  // namespace mrc::sync
