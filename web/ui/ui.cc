// The HTML pages. Each is plain HTML built with Esc() around every value,
// in the reader's language (web/ui/i18n), with one stylesheet and one small
// script from /static; no page needs the script.
#include "web/ui/ui.h"

#include <sodium.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "config/foundation/bytes.h"
#include "config/foundation/time.h"
#include "sync/content/content.h"
#include "sync/content/doc_service.h"
#include "sync/log/log.h"
#include "sync/trust/trust_records.h"
#include "web/search/index.h"
#include "web/text/body_cache.h"
#include "web/text/diff.h"
#include "web/text/html.h"
#include "web/text/markdown.h"
#include "web/ui/embedded.h"
#include "web/ui/page.h"
#include "web/ui/pages_impl.h"

namespace mrc::web {

using namespace page;  // NOLINT: the shared page helpers

HttpResponse HtmlResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  // Not "no-referrer" (the API's): under it browsers send "Origin: null"
  // with a form, and the CSRF check needs the real origin. Nothing leaves
  // this node: same-origin sends no referrer to other sites.
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  AddStandardHeaders(&r);
  return r;
}

HttpResponse Redirect(std::string location) {
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", std::move(location));
  AddStandardHeaders(&r);
  return r;
}

HttpResponse Ui::ErrorPage(const PageRequest& r, int status, std::string_view message) {
  Page p(r, parts_);
  std::string id = "error." + std::string(message);
  std::string text = p.T(id);
  return ErrorHtml(p, status, text == id ? std::string(message) : text);
}

HttpResponse Ui::LoginPage(const PageRequest& r, int status, std::string_view error_id,
                           std::string_view next,
                           const std::map<std::string, std::string>& error_args) {
  Page p(r, parts_);
  std::string b = "<div class=\"login\"><h1>" + p.H("login.title") + "</h1>";
  if (!error_id.empty())
    b += "<p class=\"error\" role=\"alert\">" + p.H(error_id, error_args) + "</p>";
  b += "<form method=\"post\" action=\"/login?next=" + Esc(PercentEncode(next)) + "\">";
  b += "<div class=\"field\"><label for=\"name\">" + p.H("login.name") +
       "</label><input id=\"name\" name=\"name\" required autocomplete=\"username\" "
       "autocapitalize=\"none\" autofocus value=\"" +
       Esc(r.path == "/login" ? Param(r.form, "name") : "") + "\"></div>";
  b += "<div class=\"field\"><label for=\"password\">" + p.H("login.password") +
       "</label><input id=\"password\" type=\"password\" name=\"password\" required "
       "autocomplete=\"current-password\"></div>";
  b += "<button type=\"submit\" class=\"primary\">" + p.H("login.button") + "</button></form>";
  b += "<p class=\"languages\">";
  for (const auto& l : Catalogues::Get().languages()) {
    b += "<a href=\"/login?lang=" + Esc(l) + "&amp;next=" + Esc(PercentEncode(next)) +
         "\" lang=\"" + Esc(l) + "\" hreflang=\"" + Esc(l) + "\">" +
         Esc(Catalogues::Get().Name(l)) + "</a> ";
  }
  b += "</p></div>";
  return p.Render(status, p.T("login.title"), b, "");
}

namespace pages {

using namespace pages_impl;  // NOLINT: the pages the routes render

namespace {

// A page about one document: the path's id checked first.
HttpResponse WithDocId(Call& c,
                       HttpResponse (*render)(Page&, const AppParts&, const std::string&)) {
  Page p(c.req, c.parts);
  std::string id = c.Arg(0);
  if (!IsId(id)) return ErrorHtml(p, 404, p.T("doc.no_such"));
  return render(p, c.parts, id);
}

HttpResponse Whole(Call& c, HttpResponse (*render)(Page&, const AppParts&)) {
  Page p(c.req, c.parts);
  return render(p, c.parts);
}

HttpResponse Decide(Call& c, bool accept) {
  Page p(c.req, c.parts);
  std::string id = c.Arg(0), proposal = c.Arg(1);
  if (!IsId(id)) return ErrorHtml(p, 404, p.T("doc.no_such"));
  if (!IsId(proposal)) return ErrorHtml(p, 404, p.T("error.not_found"));
  return DecideProposal(p, c.parts, id, proposal, accept);
}

}  // namespace

HttpResponse Search(Call& c) { return Whole(c, SearchPage); }
HttpResponse Faq(Call& c) { return Whole(c, FaqPage); }
HttpResponse Guides(Call& c) { return Whole(c, GuidesPage); }
HttpResponse Guide(Call& c) {
  Page p(c.req, c.parts);
  return GuidePage(p, c.parts, c.Arg(0));
}
HttpResponse GuideHandout(Call& c) {
  Page p(c.req, c.parts);
  return pages_impl::GuideHandout(p, c.parts, c.Arg(0));
}
HttpResponse Bulletins(Call& c) { return Whole(c, BulletinsPage); }
HttpResponse MarkBulletinRead(Call& c) {
  Page p(c.req, c.parts);
  std::string id = c.Arg(0);
  if (!IsId(id)) return ErrorHtml(p, 404, p.T("error.not_found"));
  return MarkRead(p, c.parts, id);
}
HttpResponse Centres(Call& c) { return Whole(c, CentresPage); }
HttpResponse NewDoc(Call& c) {
  Page p(c.req, c.parts);
  return EditPage(p, c.parts, "");
}
HttpResponse Doc(Call& c) { return WithDocId(c, DocPage); }
HttpResponse DocHistory(Call& c) { return WithDocId(c, HistoryPage); }
HttpResponse DocHandout(Call& c) { return WithDocId(c, pages_impl::DocHandout); }
HttpResponse EditDoc(Call& c) { return WithDocId(c, EditPage); }
HttpResponse Proposals(Call& c) { return WithDocId(c, ProposalsPage); }
HttpResponse AcceptProposal(Call& c) { return Decide(c, true); }
HttpResponse DeclineProposal(Call& c) { return Decide(c, false); }
HttpResponse MarkReviewed(Call& c) { return WithDocId(c, MarkReviewedPost); }
HttpResponse Conflicts(Call& c) { return Whole(c, ConflictsPage); }
HttpResponse Translations(Call& c) { return Whole(c, TranslationsPage); }
HttpResponse Review(Call& c) { return Whole(c, ReviewPage); }
HttpResponse Settings(Call& c) { return Whole(c, SettingsPage); }
HttpResponse Sync(Call& c) { return Whole(c, SyncPage); }
HttpResponse Users(Call& c) {
  Page p(c.req, c.parts);
  return UsersPage(p, c.parts, "");
}
HttpResponse AddUser(Call& c) {
  Page p(c.req, c.parts);
  return UsersPost(p, c.parts, "");
}
HttpResponse ChangeUser(Call& c) {
  Page p(c.req, c.parts);
  return UsersPost(p, c.parts, c.Arg(0));
}
PasswordWork SettingsPassword(const Call& c) {
  if (c.method() != "POST" || c.req.who == nullptr || c.req.who->local ||
      Param(c.req.form, "op") != "password")
    return {};
  return {true, c.req.who->user};
}
PasswordWork UsersPassword(const Call& c) {
  return {c.method() == "POST" && !Param(c.req.form, "password").empty(), ""};
}
HttpResponse BulletinFeed(Call& c) {
  const std::string* host = c.http().Header("host");
  return AtomFeed(c.parts, std::string(c.http().tls ? "https://" : "http://") +
                               (host ? *host : std::string("localhost")));
}

}  // namespace pages

}  // namespace mrc::web
