#include "sync/reports/report_service.h"

#include <algorithm>

#include "config/foundation/bytes.h"
#include "sync/log/log.h"
#include "sync/log/log_txn.h"
#include "sync/reports/report.h"
#include "sync/reports/report_records.h"
#include "sync/trust/trust_records.h"

namespace mrc::sync {
namespace {

using reports::ReportRecord;

std::string At(std::uint64_t hlc) { return FormatTime(HlcMillis(hlc)); }

// What a list or a view reads more than once: documents, whether this
// centre owns them, centre names.
class View {
 public:
  explicit View(Log* log) : log_(log), txn_(log->store()) {}

  Status Init() {
    MRC_ASSIGN_OR_RETURN(Standing self, log_->StandingOf(log_->self()));
    hq_ = self.hq;
    return Status::Ok();
  }

  // nullopt when the document is unknown here.
  Result<const DocState*> Doc(const Hash32& id) {
    auto it = docs_.find(id);
    if (it == docs_.end()) {
      auto d = log_->GetDoc(id);
      if (!d.ok() && d.status().code() != Status::Code::kNotFound) return d.status();
      it = docs_.emplace(id, d.ok() ? std::optional<DocState>(*d) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
  }

  Result<bool> Owns(const DocState& doc) {
    auto it = owns_.find(doc.creator);
    if (it == owns_.end()) {
      MRC_ASSIGN_OR_RETURN(bool owns,
                           trust::Succeeds(txn_, log_->root(), log_->self(), doc.creator));
      it = owns_.emplace(doc.creator, owns).first;
    }
    return it->second;
  }

  ReportCentre Centre(const Hash32& key) {
    auto it = names_.find(key);
    if (it == names_.end()) {
      auto m = trust::Member(*log_, key);
      it = names_.emplace(key, m.ok() ? m->name : "").first;
    }
    return ReportCentre{ToHex(key), it->second};
  }

  Result<ReportView> Make(const ReportRecord& r);
  bool hq() const { return hq_; }

 private:
  Log* log_;
  Txn txn_;
  bool hq_ = false;
  std::map<Hash32, std::optional<DocState>> docs_;
  std::map<Hash32, bool> owns_;
  std::map<Hash32, std::string> names_;
};

// Closed by the first closing reply, or by the document's newest version
// when it is later than the report, whichever came first.
void SetClosed(const ReportRecord& r, const DocState* doc, ReportView* v) {
  std::optional<std::uint64_t> when;
  for (const auto& reply : r.replies) {
    if (!reply.close) continue;
    when = reply.hlc;
    v->closed_by = "reply";
    v->closed_with = ToHex(reply.id);
    break;
  }
  if (doc) {
    const Head* latest = nullptr;
    for (const Head& h : doc->heads) {
      if (h.hlc > r.hlc && (!latest || h.hlc > latest->hlc)) latest = &h;
    }
    if (latest && (!when || latest->hlc < *when)) {
      when = latest->hlc;
      v->closed_by = "edit";
      v->closed_with = ToHex(latest->id);
    }
  }
  v->status = when ? "closed" : "open";
  if (when) v->closed_at = At(*when);
}

Result<ReportView> View::Make(const ReportRecord& r) {
  ReportView v;
  v.id = ToHex(r.id);
  v.doc = ToHex(r.doc);
  v.version = ToHex(r.version);
  v.category = std::string(reports::CategoryName(r.category));
  v.note = r.note;
  v.by = r.by;
  v.centre = Centre(r.author);
  v.at = At(r.hlc);
  MRC_ASSIGN_OR_RETURN(const DocState* doc, Doc(r.doc));
  if (doc) {
    v.doc_kind = std::string(KindName(doc->kind));
    MRC_ASSIGN_OR_RETURN(bool owns, Owns(*doc));
    v.can_reply = hq_ || owns;
  }
  for (const auto& reply : r.replies) {
    v.replies.push_back(ReportReplyView{ToHex(reply.id), reply.by, Centre(reply.author),
                                        At(reply.hlc), reply.text, reply.close});
  }
  SetClosed(r, doc, &v);
  return v;
}

Status CheckQuery(const ReportQuery& q) {
  if (q.status != "open" && q.status != "closed" && q.status != "all")
    return Status::InvalidArgument("status: must be open, closed or all");
  if (q.limit < 1 || q.limit > 200) return Status::InvalidArgument("limit: must be from 1 to 200");
  return Status::Ok();
}

// Counts over every report read, then the page of those of the status asked.
ReportList Page(std::vector<ReportView> all, const ReportQuery& q) {
  ReportList out;
  std::map<std::string, ReportDocCount> docs;
  for (const auto& v : all) {
    bool open = v.status == "open";
    ++(open ? out.open : out.closed);
    if (open) ++out.categories[v.category];
    ReportDocCount& c = docs[v.doc];
    c.doc = v.doc;
    c.doc_kind = v.doc_kind;
    ++(open ? c.open : c.closed);
  }
  for (auto& [id, c] : docs) out.documents.push_back(c);
  std::stable_sort(out.documents.begin(), out.documents.end(),
                   [](const ReportDocCount& a, const ReportDocCount& b) {
                     return a.open != b.open ? a.open > b.open : a.closed > b.closed;
                   });
  std::erase_if(all,
                [&](const ReportView& v) { return q.status != "all" && v.status != q.status; });
  std::sort(all.begin(), all.end(), [](const ReportView& a, const ReportView& b) {
    if (a.status != b.status) return a.status == "open";
    return a.at != b.at ? a.at > b.at : a.id < b.id;
  });
  out.total = all.size();
  for (std::size_t i = q.offset; i < all.size() && out.reports.size() < q.limit; ++i)
    out.reports.push_back(std::move(all[i]));
  return out;
}

// The page of `records` asked for; `truncated` when reading them stopped
// at the bound.
Result<ReportList> Listed(View& view, const std::vector<ReportRecord>& records, bool truncated,
                          const ReportQuery& q) {
  std::vector<ReportView> views;
  for (const auto& r : records) {
    MRC_ASSIGN_OR_RETURN(ReportView v, view.Make(r));
    views.push_back(std::move(v));
  }
  ReportList out = Page(std::move(views), q);
  out.truncated = truncated;
  return out;
}

}  // namespace

Result<ReportView> ReportService::Report(std::string_view doc_hex, std::string_view version_hex,
                                         std::string_view category, std::string_view note,
                                         std::string_view by) {
  MRC_ASSIGN_OR_RETURN(Hash32 doc_id, ParseHexId(doc_hex, "document id"));
  MRC_ASSIGN_OR_RETURN(DocState doc, log_->GetDoc(doc_id));
  if (!IsDocumentKind(doc.kind)) return Status::NotFound("no such document");
  Hash32 version = doc.winner.id;
  if (!version_hex.empty()) {
    MRC_ASSIGN_OR_RETURN(version, ParseHexId(version_hex, "version"));
    auto v = log_->GetVersion(version);
    if (!v.ok() || v->doc != doc_id || v->effect != Effect::kApplied || v->entry.op != Op::kPut)
      return Status::InvalidArgument("version: not a version of this document");
  } else if (doc.deleted()) {
    return Status::InvalidArgument("the document is deleted: name the version reported on");
  }
  reports::ReportBody body;
  if (!reports::ParseCategory(category, &body.category))
    return Status::InvalidArgument("category: must be outdated, wrong, unclear or broken-link");
  body.note = std::string(note);
  body.by = std::string(by);
  MRC_ASSIGN_OR_RETURN(std::string payload, reports::ReportPayload(body));
  MRC_ASSIGN_OR_RETURN(auto ids,
                       log_->Append({Draft{Kind::kReport, Op::kPut, doc_id, {version}, payload}}));
  return Get(ToHex(ids.front()));
}

Result<ReportView> ReportService::Reply(std::string_view report_hex, std::string_view text,
                                        bool close, std::string_view by) {
  MRC_ASSIGN_OR_RETURN(ReportView report, Get(report_hex));
  if (!report.can_reply) {
    return Status::PermissionDenied(
        "only the document's owner or headquarters replies to a report on it");
  }
  MRC_ASSIGN_OR_RETURN(std::string payload, reports::ReplyPayload(reports::ReplyBody{
                                                std::string(text), close, std::string(by)}));
  Hash32 id = *Hash32FromHex(report.id), doc = *Hash32FromHex(report.doc);
  MRC_RETURN_IF_ERROR(
      log_->Append({Draft{Kind::kReport, Op::kPut, doc, {id}, std::move(payload)}}).status());
  return Get(report.id);
}

Result<ReportView> ReportService::Get(std::string_view report_hex) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(report_hex, "report id"));
  MRC_ASSIGN_OR_RETURN(auto r, reports::ReadReport(log_->store(), id));
  if (!r) return Status::NotFound("report " + std::string(report_hex) + " is not known here");
  View view(log_);
  MRC_RETURN_IF_ERROR(view.Init());
  return view.Make(*r);
}

Result<ReportList> ReportService::ListForOwner(const ReportQuery& query) {
  MRC_RETURN_IF_ERROR(CheckQuery(query));
  View view(log_);
  MRC_RETURN_IF_ERROR(view.Init());
  bool more = false;
  MRC_ASSIGN_OR_RETURN(auto records, reports::ReadAll(log_->store(), kMaxScanned, &more,
                                                      [&](const Hash32& doc_id) -> Result<bool> {
                                                        MRC_ASSIGN_OR_RETURN(const DocState* doc,
                                                                             view.Doc(doc_id));
                                                        if (!doc) return false;
                                                        return view.Owns(*doc);
                                                      }));
  return Listed(view, records, more, query);
}

Result<ReportList> ReportService::ListForDocument(std::string_view doc_hex,
                                                  const ReportQuery& query) {
  MRC_RETURN_IF_ERROR(CheckQuery(query));
  MRC_ASSIGN_OR_RETURN(Hash32 doc_id, ParseHexId(doc_hex, "document id"));
  MRC_RETURN_IF_ERROR(log_->GetDoc(doc_id).status());
  bool more = false;
  MRC_ASSIGN_OR_RETURN(auto records, reports::ReadOfDoc(log_->store(), doc_id, kMaxScanned, &more));
  View view(log_);
  MRC_RETURN_IF_ERROR(view.Init());
  return Listed(view, records, more, query);
}

}  // namespace mrc::sync
