#include "sync/content/doc_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "sync/content/content.h"
#include "sync/log/log.h"
#include "sync/log/request_json.h"
#include "sync/trust/document_records.h"
#include "sync/trust/trust.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

std::string Hex(const Hash32& h) { return ToHex(h); }

json DocJson(const DocState& d) {
  json heads = json::array();
  for (const auto& h : d.heads) heads.push_back(Hex(h.id));
  return json{{"id", Hex(d.id)},
              {"kind", KindName(d.kind)},
              {"version", Hex(d.winner.id)},
              {"heads", heads},
              {"conflict", d.conflict()},
              {"deleted", d.deleted()},
              {"created_by", Hex(d.creator)},
              {"created_at", FormatTime(HlcMillis(d.created_hlc))},
              {"updated_by", Hex(d.winner.author)},
              {"updated_at", FormatTime(HlcMillis(d.winner.hlc))},
              {"versions", d.versions}};
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

Result<std::string> DocService::Create(std::string_view request_json) {
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"kind", "content"}));
  if (!req.contains("kind") || !req["kind"].is_string()) {
    return Status::InvalidArgument("\"kind\" is required: faq, guide, bulletin or centre");
  }
  Kind kind;
  if (!ParseKind(req["kind"].get<std::string>(), &kind)) {
    return Status::InvalidArgument("unknown kind '" + req["kind"].get<std::string>() +
                                   "': expected faq, guide, bulletin or centre");
  }
  if (!req.contains("content")) return Status::InvalidArgument("\"content\" is required");
  MRC_ASSIGN_OR_RETURN(std::string payload, CanonicalContent(kind, req["content"]));
  Draft draft{kind, Op::kPut, Hash32{}, {}, std::move(payload)};
  MRC_ASSIGN_OR_RETURN(auto ids, log_->Append({draft}));
  MRC_ASSIGN_OR_RETURN(auto waiting, WaitingNote(ids.front()));
  if (waiting)
    return DumpResponse(
        json{{"id", Hex(ids.front())}, {"version", Hex(ids.front())}, {"waiting", *waiting}});
  return Get(Hex(ids.front()));
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

Result<std::string> DocService::Update(std::string_view doc_id, std::string_view request_json) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"content", "base", "kind", "id"}));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (req.contains("kind") && req["kind"] != KindName(doc.kind)) {
    return Status::InvalidArgument("a document's kind cannot change (it is " +
                                   std::string(KindName(doc.kind)) + ")");
  }
  if (req.contains("id") && req["id"] != Hex(id)) {
    return Status::InvalidArgument("\"id\" in the body does not match the URL");
  }
  std::vector<std::string> named;
  if (req.contains("base")) {
    const json& b = req["base"];
    if (b.is_string())
      named.push_back(b.get<std::string>());
    else if (b.is_array() &&
             std::all_of(b.begin(), b.end(), [](const json& x) { return x.is_string(); }))
      named = b.get<std::vector<std::string>>();
    else
      return Status::InvalidArgument("\"base\" must be a version id or a list of them");
  }
  if (!req.contains("content")) return Status::InvalidArgument("\"content\" is required");
  MRC_ASSIGN_OR_RETURN(std::string payload, CanonicalContent(doc.kind, req["content"]));
  MRC_ASSIGN_OR_RETURN(auto parents, ResolveBase(doc, named));
  MRC_ASSIGN_OR_RETURN(auto ids,
                       log_->Append({Draft{doc.kind, Op::kPut, id, parents, std::move(payload)}}));
  MRC_ASSIGN_OR_RETURN(std::string out, Get(Hex(id)));
  MRC_ASSIGN_OR_RETURN(auto waiting, WaitingNote(ids.front()));
  if (!waiting) return out;
  json j = json::parse(out);
  j["waiting"] = *waiting;
  return DumpResponse(j);
}

Result<std::string> DocService::Delete(std::string_view doc_id,
                                       const std::vector<std::string>& base) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (doc.deleted() && !doc.conflict())
    return Status::NotFound("document " + Hex(id) + " is already deleted");
  MRC_ASSIGN_OR_RETURN(auto parents, ResolveBase(doc, base));
  MRC_RETURN_IF_ERROR(log_->Append({Draft{doc.kind, Op::kDelete, id, parents, ""}}).status());
  return Get(Hex(id));
}

Result<std::string> DocService::Get(std::string_view doc_id) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  json out = DocJson(doc);
  out["content"] = nullptr;
  if (!doc.deleted()) {
    MRC_ASSIGN_OR_RETURN(Version v, log_->GetVersion(doc.winner.id));
    out["content"] = json::parse(v.payload, nullptr, false);
  }
  return DumpResponse(out);
}

Result<std::string> DocService::List(const ListQuery& q) {
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
  json docs = json::array();
  bool more = false;
  MRC_RETURN_IF_ERROR(log_->ScanDocs(after ? &*after : nullptr, [&](const DocState& d) {
    if (!q.kind.empty() && d.kind != kind) return true;
    if (d.deleted() && !q.include_deleted && !d.conflict()) return true;
    if (q.conflicts_only && !d.conflict()) return true;
    if (docs.size() == q.limit) {
      more = true;
      return false;
    }
    docs.push_back(DocJson(d));
    return true;
  }));
  json out{{"docs", docs}, {"next", nullptr}};
  if (more) out["next"] = docs.back()["id"];
  return DumpResponse(out);
}

Result<std::string> DocService::History(std::string_view doc_id) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  MRC_ASSIGN_OR_RETURN(auto versions, log_->History(id));
  json list = json::array();
  for (const auto& v : versions) {
    json parents = json::array();
    for (const auto& p : v.entry.parents) parents.push_back(Hex(p));
    bool head = std::any_of(doc.heads.begin(), doc.heads.end(),
                            [&](const Head& h) { return h.id == v.id; });
    json content = nullptr;
    if (v.entry.op == Op::kPut || v.entry.op == Op::kPropose)
      content = json::parse(v.payload, nullptr, false);
    list.push_back({{"version", Hex(v.id)},
                    {"author", Hex(v.entry.author)},
                    {"seq", v.entry.seq},
                    {"at", FormatTime(HlcMillis(v.entry.hlc))},
                    {"hlc", v.entry.hlc},
                    {"parents", parents},
                    {"op", OpName(v.entry.op)},
                    {"head", head},
                    {"content", content}});
  }
  return DumpResponse(json{{"id", Hex(id)}, {"versions", list}});
}

Result<std::string> DocService::Propose(std::string_view doc_id, std::string_view request_json) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"content"}));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  if (!req.contains("content"))
    return Status::InvalidArgument("\"content\" is required: the proposed content");
  MRC_ASSIGN_OR_RETURN(std::string payload, CanonicalContent(doc.kind, req["content"]));
  std::vector<Hash32> base;
  for (const auto& h : doc.heads) base.push_back(h.id);
  MRC_ASSIGN_OR_RETURN(auto ids,
                       log_->Append({Draft{doc.kind, Op::kPropose, id, base, std::move(payload)}}));
  json out{{"document", Hex(id)}, {"proposal", Hex(ids.front())}, {"status", "open"}};
  MRC_ASSIGN_OR_RETURN(auto waiting, WaitingNote(ids.front()));
  if (waiting) out["waiting"] = *waiting;
  return DumpResponse(out);
}

Result<std::string> DocService::Proposals(std::string_view doc_id) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  MRC_ASSIGN_OR_RETURN(auto proposals, DocProposals(*log_, id));
  json list = json::array();
  for (const auto& p : proposals) {
    json base = json::array();
    for (const auto& b : p.version.entry.parents) base.push_back(Hex(b));
    json item{{"proposal", Hex(p.version.id)},
              {"author", Hex(p.version.entry.author)},
              {"at", FormatTime(HlcMillis(p.version.entry.hlc))},
              {"base", base},
              {"content", json::parse(p.version.payload, nullptr, false)},
              {"status", "open"}};
    // Accepted wins over declined when both happened (an edit cannot be undone).
    for (const auto& d : p.decisions) {
      if (item["status"] == "accepted" && !d.accepted) continue;
      item["status"] = d.accepted ? "accepted" : "declined";
      item["decided_by"] = Hex(d.author);
      item["decided_at"] = FormatTime(HlcMillis(d.hlc));
      item["decision"] = Hex(d.id);
      if (!d.accepted)
        item["reason"] = d.reason;
      else
        item.erase("reason");
    }
    list.push_back(std::move(item));
  }
  return DumpResponse(json{{"id", Hex(doc.id)}, {"proposals", list}});
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

Result<std::string> DocService::Accept(std::string_view doc_id, std::string_view proposal_id,
                                       std::string_view request_json) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(json req, ParseOptionalRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"content"}));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  MRC_ASSIGN_OR_RETURN(Version proposal, ProposalOf(log_, id, proposal_id));
  std::lock_guard deciding(decide_mu_);
  MRC_RETURN_IF_ERROR(Undecided(log_, id, proposal));
  // The accepter signs the content: the proposal's, or its own amendment.
  std::string payload = proposal.payload;
  if (req.contains("content")) {
    MRC_ASSIGN_OR_RETURN(payload, CanonicalContent(doc.kind, req["content"]));
  }
  std::vector<Hash32> parents{proposal.id};
  for (const auto& h : doc.heads) parents.push_back(h.id);
  std::sort(parents.begin(), parents.end());
  MRC_RETURN_IF_ERROR(
      log_->Append({Draft{doc.kind, Op::kPut, id, parents, std::move(payload)}}).status());
  return Get(Hex(id));
}

Result<std::string> DocService::Decline(std::string_view doc_id, std::string_view proposal_id,
                                        std::string_view request_json) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(doc_id, "document id"));
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"reason"}));
  if (!req.contains("reason") || !req["reason"].is_string()) {
    return Status::InvalidArgument("\"reason\" is required: why the proposal is declined");
  }
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(id));
  MRC_ASSIGN_OR_RETURN(Version proposal, ProposalOf(log_, id, proposal_id));
  std::lock_guard deciding(decide_mu_);
  MRC_RETURN_IF_ERROR(Undecided(log_, id, proposal));
  std::string payload = DeclinePayload(req["reason"].get<std::string>());
  MRC_RETURN_IF_ERROR(ParseDecline(payload).status());
  MRC_RETURN_IF_ERROR(
      log_->Append({Draft{doc.kind, Op::kDecline, id, {proposal.id}, payload}}).status());
  return Proposals(Hex(id));
}

Result<std::string> DocService::Digest() {
  MRC_ASSIGN_OR_RETURN(DigestInfo d, log_->Digest());
  return DumpResponse(json{{"digest", Hex(d.digest)},
                           {"documents", d.documents},
                           {"entries", d.entries},
                           {"authors", d.authors},
                           {"pending", d.pending},
                           {"awaiting_upgrade", d.awaiting_upgrade},
                           {"forks", d.forks}});
}

}  // namespace mrc::sync
