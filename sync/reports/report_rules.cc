// A report is applied once the version it names is (ctx.Parents waits for
// it), and a reply once its report is, so that a reply that travels faster
// than its report waits for it instead of being refused. Who may reply is
// judged from the document's creator and the trust records, which a
// rebuild recomputes when they change; whether a report is closed is read
// from its replies and the document's versions (report_service.cc), never
// stored, so no arrival order can leave two nodes disagreeing.
#include "sync/reports/report_rules.h"

#include "sync/log/log.h"
#include "sync/log/log_txn.h"
#include "sync/log/records.h"
#include "sync/reports/report.h"
#include "sync/reports/report_records.h"
#include "sync/trust/trust_records.h"

namespace mrc::sync::reports {
namespace {

using storage::Column;

Decision BadParent(const Entry& e, const Hash32& id, std::string_view why) {
  return Decision::Rejected(
      MakeProblem(Problem::kBadParent, Describe(e, id) + ": " + std::string(why)));
}

Result<Decision> ApplyReport(ApplyContext& ctx, const Entry& e, const Hash32& id,
                             std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(ReportBody body, ParseReport(payload));
  std::vector<records::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, ctx.Parents(e, id, &parents));
  if (pending) return *pending;
  const records::IdRecord& seen = parents.front();
  if (!IsDocumentKind(seen.kind) || seen.op != Op::kPut || seen.doc != e.doc)
    return BadParent(e, id, "a report names a version of the document it reports on");
  if (seen.hlc >= e.hlc) return BadParent(e, id, "the version reported on is not earlier");
  ReportRecord r;
  r.id = id;
  r.doc = e.doc;
  r.version = e.parents.front();
  r.author = e.author;
  r.hlc = e.hlc;
  r.category = body.category;
  r.by = std::move(body.by);
  r.note = std::move(body.note);
  PutReport(ctx.txn(), r);
  return Decision::Applied();
}

Result<Decision> ApplyReply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                            std::string_view payload, const Standing& author) {
  MRC_ASSIGN_OR_RETURN(ReplyBody body, ParseReply(payload));
  std::vector<records::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, ctx.Parents(e, id, &parents));
  if (pending) return *pending;
  MRC_ASSIGN_OR_RETURN(auto report, GetReport(ctx.txn(), e.parents.front()));
  if (parents.front().kind != Kind::kReport || !report || report->doc != e.doc)
    return BadParent(e, id, "a reply names a problem report on its document");
  if (parents.front().hlc >= e.hlc) return BadParent(e, id, "the report is not earlier");
  if (!author.hq) {
    MRC_ASSIGN_OR_RETURN(auto raw, ctx.txn().Get(Column::kDocs, AsView(report->doc)));
    auto doc = raw ? records::DecodeDoc(report->doc, *raw) : std::nullopt;
    if (!doc)
      return Status::Corruption("document " + Short(report->doc) + " missing or unreadable");
    MRC_ASSIGN_OR_RETURN(bool owns, trust::Succeeds(ctx.txn(), ctx.root(), e.author, doc->creator));
    if (!owns) {
      return NotAuthorised(e, id,
                           "only the document's owner (" + Short(doc->creator) +
                               ") or headquarters replies to a report on it");
    }
  }
  ReplyRecord r;
  r.id = id;
  r.author = e.author;
  r.hlc = e.hlc;
  r.close = body.close;
  r.by = std::move(body.by);
  r.text = std::move(body.reply);
  PutReply(ctx.txn(), report->id, r);
  return Decision::Applied();
}

class ReportRulesImpl : public EntryRules {
 public:
  ReportRulesImpl() : EntryRules({Kind::kReport}, {Column::kReports}) {}
  Status CheckShape(const Entry& e) const override {
    if (e.IsRoot() || e.parents.size() != 1 || e.op != Op::kPut) {
      return MakeProblem(Problem::kMalformed,
                         "a report or a reply names a document and one parent");
    }
    return Status::Ok();
  }
  Status Validate(const Entry&, std::string_view payload) const override {
    return IsReplyPayload(payload) ? ParseReply(payload).status() : ParseReport(payload).status();
  }
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override {
    return IsReplyPayload(payload) ? ApplyReply(ctx, e, id, payload, author)
                                   : ApplyReport(ctx, e, id, payload);
  }
};

}  // namespace

const EntryRules& ReportRules() {
  static const ReportRulesImpl rules;
  return rules;
}

}  // namespace mrc::sync::reports
