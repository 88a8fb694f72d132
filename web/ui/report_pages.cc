// Problem reports in the pages: the "Report a problem" form on every
// document page, and the problems page where editors see the reports on
// this centre's documents, with counts, and reply to or close each. All of
// it goes through sync::ReportService, as the JSON API does; the forms work
// without JavaScript.
#include "sync/reports/report_service.h"
#include "web/http/forms.h"
#include "web/ui/page.h"
#include "web/ui/pages_impl.h"

namespace mrc::web::pages_impl {
namespace {

constexpr const char* kCategories[] = {"outdated", "wrong", "unclear", "broken-link"};

std::string User(const Page& p) { return p.req().who ? p.req().who->user : ""; }

// "Name, Centre", as authors show.
std::string ByLine(const std::string& by, const sync::ReportCentre& c) {
  return by + ", " + (c.name.empty() ? c.key.substr(0, 12) : c.name);
}

std::string CategoryText(const Page& p, const std::string& category) {
  std::string id = "report.category." + category;
  for (char& ch : id)
    if (ch == '-') ch = '_';
  return p.H(id);
}

// A document's title in the reader's language, read once a page.
class Titles {
 public:
  explicit Titles(const AppParts& parts) : parts_(parts) {}
  const std::string& Of(const Page& p, const std::string& doc, const std::string& kind) {
    auto it = titles_.find(doc);
    if (it != titles_.end()) return it->second;
    std::string title;
    if (auto d = parts_.docs->Get(doc); d.ok()) {
      json c = ContentOf(d->content);
      if (c.is_object()) title = DocTitle(p, kind, c);
    }
    if (title.empty()) title = p.T("kind." + kind) + " " + doc.substr(0, 12);
    return titles_.emplace(doc, std::move(title)).first->second;
  }

 private:
  const AppParts& parts_;
  std::map<std::string, std::string> titles_;
};

std::string ReplyForm(Page& p, const sync::ReportView& r) {
  return "<form method=\"post\" action=\"/problems/" + Esc(r.id) + "/reply\">" + p.CsrfField() +
         "<p><label for=\"reply-" + Esc(r.id) + "\">" + p.H("report.reply") +
         "</label><textarea id=\"reply-" + Esc(r.id) +
         "\" name=\"reply\" rows=\"3\" maxlength=\"2000\"></textarea></p><p><label><input "
         "type=\"checkbox\" name=\"close\" value=\"yes\"> " +
         p.H("report.close") + "</label> <button type=\"submit\">" + p.H("report.send_reply") +
         "</button></p></form>";
}

// One report; `titles` names its document (nullptr: on the document's own page).
std::string ReportItem(Page& p, const sync::ReportView& r, Titles* titles) {
  std::string doc;
  if (titles) {
    doc =
        " · <a href=\"/docs/" + Esc(r.doc) + "\">" + Esc(titles->Of(p, r.doc, r.doc_kind)) + "</a>";
  }
  std::string h = "<li class=\"report report-" + Esc(r.status) + "\"><p><strong>" +
                  CategoryText(p, r.category) + "</strong>" + doc + " · " +
                  Esc(ByLine(r.by, r.centre)) + " · " + Esc(ShortTime(r.at)) + " · " +
                  p.H("report.status." + r.status) + "</p>";
  if (!r.note.empty()) h += "<blockquote>" + Esc(r.note) + "</blockquote>";
  if (r.closed_by == "edit") h += "<p>" + p.H("report.closed_by_edit") + "</p>";
  for (const auto& reply : r.replies) {
    h += "<p class=\"reply\">" + Esc(ByLine(reply.by, reply.centre)) + " · " +
         Esc(ShortTime(reply.at)) + (reply.close ? " · " + p.H("report.closed") : "") + "<br>" +
         Esc(reply.text) + "</p>";
  }
  if (titles && r.can_reply && r.status == "open") h += ReplyForm(p, r);
  return h + "</li>";
}

HttpResponse Unavailable(Page& p) { return ErrorHtml(p, 503, p.T("report.unavailable")); }

HttpResponse ProblemsPage(Page& p, const AppParts& parts) {
  if (parts.reports == nullptr) return Unavailable(p);
  sync::ReportQuery q;
  std::string status = Param(p.req().query, "status");
  q.status = status == "closed" || status == "all" ? status : "open";
  q.limit = 200;
  auto list = parts.reports->ListForOwner(q);
  if (!list.ok()) return FromStatus(p, list.status());
  Titles titles(parts);
  std::string h = "<h1>" + p.H("report.problems") + "</h1>";
  if (std::string notice = Param(p.req().query, "error"); !notice.empty())
    h += "<p class=\"error\" role=\"alert\">" + Esc(notice) + "</p>";
  h += "<p class=\"tabs\">";
  for (const char* s : {"open", "closed", "all"}) {
    std::size_t n = std::string_view(s) == "open"     ? list->open
                    : std::string_view(s) == "closed" ? list->closed
                                                      : list->open + list->closed;
    h += "<a href=\"/problems?status=" + std::string(s) + "\"" +
         (q.status == s ? " aria-current=\"page\"" : "") + ">" +
         p.H("report.tab." + std::string(s), {{"count", std::to_string(n)}}) + "</a> ";
  }
  h += "</p><section><h2>" + p.H("report.by_category") + "</h2><ul class=\"inline-list\">";
  for (const char* c : kCategories) {
    auto it = list->categories.find(c);
    h += "<li>" + CategoryText(p, c) + ": " +
         std::to_string(it == list->categories.end() ? 0 : it->second) + "</li>";
  }
  h += "</ul><h2>" + p.H("report.by_document") + "</h2><table><thead><tr><th scope=\"col\">" +
       p.H("report.document") + "</th><th scope=\"col\">" + p.H("report.open") +
       "</th><th scope=\"col\">" + p.H("report.closed") + "</th></tr></thead><tbody>";
  for (const auto& d : list->documents) {
    h += "<tr><th scope=\"row\"><a href=\"/docs/" + Esc(d.doc) + "\">" +
         Esc(titles.Of(p, d.doc, d.doc_kind)) + "</a></th><td>" + std::to_string(d.open) +
         "</td><td>" + std::to_string(d.closed) + "</td></tr>";
  }
  h += "</tbody></table></section><section><h2>" + p.H("report.list") + "</h2>";
  if (list->reports.empty()) h += "<p>" + p.H("report.none") + "</p>";
  h += "<ul class=\"reports\">";
  for (const auto& r : list->reports) h += ReportItem(p, r, &titles);
  h += "</ul></section>";
  return p.Render(200, p.T("report.problems"), h, "/problems");
}

HttpResponse ReplyPost(Page& p, const AppParts& parts, const std::string& id) {
  if (parts.reports == nullptr) return Unavailable(p);
  const Params& f = p.req().form;
  auto out = parts.reports->Reply(id, Param(f, "reply"), Param(f, "close") == "yes", User(p));
  if (!out.ok()) {
    if (out.status().code() == Status::Code::kNotFound) return FromStatus(p, out.status());
    return Redirect("/problems?error=" + PercentEncode(out.status().message()));
  }
  return Redirect("/problems");
}

HttpResponse ReportPost(Page& p, const AppParts& parts, const std::string& id) {
  if (parts.reports == nullptr) return Unavailable(p);
  const Params& f = p.req().form;
  auto out = parts.reports->Report(id, Param(f, "version"), Param(f, "category"), Param(f, "note"),
                                   User(p));
  if (!out.ok()) {
    if (out.status().code() == Status::Code::kNotFound) return FromStatus(p, out.status());
    return ErrorHtml(p, 400, out.status().message());
  }
  std::string h = "<h1>" + p.H("report.thanks") + "</h1><p>" + p.H("report.sent") +
                  "</p><p><a href=\"/docs/" + Esc(id) + "\">" + p.H("report.back") + "</a></p>";
  return p.Render(200, p.T("report.thanks"), h, "");
}

HttpResponse WithId(Call& c, HttpResponse (*render)(Page&, const AppParts&, const std::string&)) {
  Page p(c.req, c.parts);
  std::string id = c.Arg(0);
  if (!IsId(id)) return ErrorHtml(p, 404, p.T("error.not_found"));
  return render(p, c.parts, id);
}

}  // namespace

std::string ReportFormHtml(Page& p, const AppParts& parts, const std::string& id,
                           const std::string& version) {
  if (parts.reports == nullptr) return "";
  std::string options;
  for (const char* c : kCategories)
    options += "<option value=\"" + std::string(c) + "\">" + CategoryText(p, c) + "</option>";
  std::string h =
      "<section class=\"report-problem\"><h2 id=\"report\">" + p.H("report.title") + "</h2>";
  sync::ReportQuery q;
  q.limit = 20;
  if (auto open = parts.reports->ListForDocument(id, q); open.ok() && open->total > 0) {
    h += "<p>" + p.H("report.open_count", {{"count", std::to_string(open->total)}}) + "</p><ul>";
    for (const auto& r : open->reports) h += ReportItem(p, r, nullptr);
    h += "</ul>";
  }
  return h + "<form method=\"post\" action=\"/docs/" + Esc(id) + "/report\">" + p.CsrfField() +
         "<input type=\"hidden\" name=\"version\" value=\"" + Esc(version) +
         "\"><p><label for=\"report-category\">" + p.H("report.category") +
         "</label> <select id=\"report-category\" name=\"category\">" + options +
         "</select></p><p><label for=\"report-note\">" + p.H("report.note") +
         "</label><textarea id=\"report-note\" name=\"note\" rows=\"3\" "
         "maxlength=\"2000\"></textarea></p><p><button type=\"submit\">" +
         p.H("report.send") + "</button></p></form></section>";
}

}  // namespace mrc::web::pages_impl

namespace mrc::web::pages {

HttpResponse Problems(Call& c) {
  page::Page p(c.req, c.parts);
  return pages_impl::ProblemsPage(p, c.parts);
}
HttpResponse ReplyProblem(Call& c) { return pages_impl::WithId(c, pages_impl::ReplyPost); }
HttpResponse ReportProblem(Call& c) { return pages_impl::WithId(c, pages_impl::ReportPost); }

}  // namespace mrc::web::pages
