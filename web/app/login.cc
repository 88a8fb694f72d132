// Login, logout and the assets: the routes open to anyone (and logout).
#include "web/app/login.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "web/api/common.h"
#include "web/app/app.h"
#include "web/http/forms.h"
#include "web/ui/embedded.h"
#include "web/ui/i18n.h"
#include "web/ui/ui.h"
#include "web/users/users.h"

namespace mrc::web::app {
namespace {

using api::Json;
using api::JsonError;
using api::ParseBody;

std::string SessionCookie(std::string_view token, std::uint64_t max_age_s) {
  // HttpOnly: no script reads it; SameSite=Strict: no other site sends it.
  // (Not Secure: the node serves plain HTTP on loopback.)
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
}

HttpResponse ServeAsset(std::string_view name) {
  // Only names listed in the binary are served: nothing maps to the disk,
  // so "..", "%2e%2e" or an absolute path find nothing.
  const EmbeddedFile* f = FindEmbedded("assets/" + std::string(name));
  if (f == nullptr || name.find('/') != std::string_view::npos) {
    return ErrorResponse(404, "NOT_FOUND", "no such asset");
  }
  HttpResponse r;
  r.body = std::string(f->data);
  std::string_view ext = name.substr(name.rfind('.') + 1);
  if (ext == "css")
    r.content_type = "text/css; charset=utf-8";
  else if (ext == "js")
    r.content_type = "text/javascript; charset=utf-8";
  else if (ext == "svg")
    r.content_type = "image/svg+xml";
  else if (ext == "json")
    r.content_type = "application/json; charset=utf-8";
  else
    r.content_type = "application/octet-stream";
  // Pages link assets with ?v=<hash of the binary's assets>: cache for long.
  r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  AddStandardHeaders(&r);
  return r;
}

}  // namespace

std::string CookieValue(const HttpRequest& r, std::string_view name) {
  const std::string* header = r.Header("cookie");
  if (!header) return "";
  std::string_view rest = *header;
  while (!rest.empty()) {
    std::string_view item = rest.substr(0, rest.find(';'));
    rest.remove_prefix(std::min(rest.size(), item.size() + 1));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.substr(0, name.size()) == name && item.size() > name.size() &&
        item[name.size()] == '=')
      return std::string(item.substr(name.size() + 1));
  }
  return "";
}

std::string BearerToken(const HttpRequest& r) {
  const std::string* h = r.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!h || h->compare(0, kBearer.size(), kBearer) != 0) return "";
  return h->substr(kBearer.size());
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool OriginAllowed(const HttpRequest& r) {
  if (const std::string* site = r.Header("sec-fetch-site");
      site && *site != "same-origin" && *site != "none") {
    return false;
  }
  const std::string* origin = r.Header("origin");
  if (!origin) return true;
  const std::string* host = r.Header("host");
  return host && (*origin == "http://" + *host || *origin == "https://" + *host);
}

std::string Language(const HttpRequest& r, const Principal* who) {
  const Catalogues& c = Catalogues::Get();
  if (who && !who->language.empty()) {
    std::string primary = who->language.substr(0, who->language.find('-'));
    if (c.Has(primary)) return primary;
  }
  std::string cookie = CookieValue(r, "mrc_lang");
  if (c.Has(cookie)) return cookie;
  const std::string* accept = r.Header("accept-language");
  return c.Negotiate(accept ? *accept : "");
}

std::optional<HttpResponse> ParsePage(const HttpRequest& r, const AppParts& parts,
                                      PageRequest* page) {
  Ui ui(parts);
  auto q = ParseForm(TargetQuery(r.target));
  if (!q.ok()) return ui.ErrorPage(*page, 400, q.status().message());
  page->query = std::move(q).value();
  if (r.method == "POST") {
    const std::string* ct = r.Header("content-type");
    if (!ct || ct->compare(0, 33, "application/x-www-form-urlencoded") != 0) {
      return ui.ErrorPage(*page, 415, "forms must be sent as application/x-www-form-urlencoded");
    }
    auto f = ParseForm(r.body);
    if (!f.ok()) return ui.ErrorPage(*page, 400, f.status().message());
    page->form = std::move(f).value();
  }
  return std::nullopt;
}

HttpResponse Asset(Call& c) {
  if (c.method() != "GET")
    return ErrorResponse(405, "METHOD_NOT_ALLOWED", "assets are read with GET");
  return ServeAsset(c.args.empty() ? std::string_view() : c.args[0]);
}

HttpResponse OpenApi(Call&) { return ServeAsset("openapi.json"); }

namespace {

// Why POST /api/v1/login is refused before any password is checked, or
// nullopt. A page elsewhere must not log a browser in (or spend the login
// delays): JSON only (a cross-site form cannot send it) and this node's
// Origin.
std::optional<HttpResponse> ApiLoginRefusal(const HttpRequest& r, Result<nlohmann::json>* body) {
  if (r.method != "POST") return ErrorResponse(405, "METHOD_NOT_ALLOWED", "use POST");
  const std::string* ct = r.Header("content-type");
  if (!ct || ct->compare(0, 16, "application/json") != 0)
    return ErrorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "send the login as application/json");
  if (!OriginAllowed(r))
    return ErrorResponse(403, "CSRF", "this login did not come from this node");
  *body = ParseBody(r);
  if (!body->ok()) return JsonError(body->status());
  if (!(**body)["name"].is_string() || !(**body)["password"].is_string())
    return JsonError(Status::InvalidArgument("name and password (strings) are required"));
  return std::nullopt;
}

// The login form's page: the form read, `next` kept to a path on this node.
struct LoginForm {
  PageRequest page;
  std::string next;
};

std::optional<HttpResponse> ReadLoginForm(Call& c, LoginForm* form) {
  const HttpRequest& r = c.http();
  Ui ui(c.parts);
  form->page = c.req;
  if (auto error = ParsePage(r, c.parts, &form->page)) return *error;
  if (r.method != "GET" && r.method != "POST")
    return ui.ErrorPage(form->page, 405, "use GET or POST");
  std::string next = Param(form->page.query, "next");
  // Only a path on this node: never an open redirect to another site.
  // (Control characters too: browsers drop a tab, so "/\t/evil" would
  // become "//evil".)
  bool control = std::any_of(next.begin(), next.end(), [](char ch) {
    return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F;
  });
  if (control || next.empty() || next[0] != '/' ||
      (next.size() > 1 && (next[1] == '/' || next[1] == '\\')))
    next = "/";
  form->next = next;
  return std::nullopt;
}

}  // namespace

PasswordWork ApiLoginPassword(const Call& c) {
  Result<nlohmann::json> body = Status::InvalidArgument("");
  if (ApiLoginRefusal(c.http(), &body)) return {};
  return {true, (*body)["name"].get<std::string>()};
}

PasswordWork LoginPagePassword(const Call& c) {
  const HttpRequest& r = c.http();
  const std::string* ct = r.Header("content-type");
  if (r.method != "POST" || !OriginAllowed(r) || !ct ||
      ct->compare(0, 33, "application/x-www-form-urlencoded") != 0)
    return {};
  auto form = ParseForm(r.body);
  if (!form.ok() || !ParseForm(TargetQuery(r.target)).ok()) return {};
  return {true, Param(*form, "name")};
}

HttpResponse ApiLogin(Call& c) {
  const HttpRequest& r = c.http();
  Result<nlohmann::json> body = Status::InvalidArgument("");
  if (auto refused = ApiLoginRefusal(r, &body)) return *refused;
  std::string name = (*body)["name"].get<std::string>();
  auto s = c.parts.users->Login(name, (*body)["password"].get<std::string>(), r.ClientAddress(),
                                c.req.may_hash);
  if (!s.ok()) {
    HttpResponse res = JsonError(s.status());
    if (s.status().code() == Status::Code::kResourceExhausted)
      res.headers.emplace_back("Retry-After", LoginRetryAfter(*c.parts.users, name, r));
    return res;
  }
  HttpResponse res = Json(200, {{"user", s->principal.user},
                                {"role", RoleName(s->principal.role)},
                                {"csrf", s->csrf},
                                {"expires_ms", s->expires_ms}});
  res.headers.emplace_back("Set-Cookie", SessionCookie(s->token, Users::kSessionMillis / 1000));
  return res;
}

HttpResponse LoginPage(Call& c) {
  const HttpRequest& r = c.http();
  Ui ui(c.parts);
  LoginForm form;
  if (auto error = ReadLoginForm(c, &form)) return *error;
  PageRequest& page = form.page;
  if (r.method == "GET") {
    std::string lang = Param(page.query, "lang");
    if (Catalogues::Get().Has(lang)) page.lang = lang;
    HttpResponse res = ui.LoginPage(page, 200, "", form.next);
    if (!lang.empty() && Catalogues::Get().Has(lang))
      res.headers.emplace_back("Set-Cookie",
                               "mrc_lang=" + lang + "; Path=/; SameSite=Strict; Max-Age=31536000");
    return res;
  }
  if (!OriginAllowed(r)) return ui.ErrorPage(page, 403, "origin");
  std::string name = Param(page.form, "name");
  auto s =
      c.parts.users->Login(name, Param(page.form, "password"), r.ClientAddress(), c.req.may_hash);
  if (!s.ok()) {
    bool limited = s.status().code() == Status::Code::kResourceExhausted;
    if (!limited && s.status().code() != Status::Code::kUnauthenticated)
      return ui.ErrorPage(page, HttpStatusOf(s.status()), s.status().message());
    if (!limited) return ui.LoginPage(page, 401, "login.failed", form.next);
    std::string wait = LoginRetryAfter(*c.parts.users, name, r);
    HttpResponse res = ui.LoginPage(page, 429, "login.too_many", form.next, {{"seconds", wait}});
    res.headers.emplace_back("Retry-After", wait);
    return res;
  }
  HttpResponse res = Redirect(form.next);
  res.headers.emplace_back("Set-Cookie", SessionCookie(s->token, Users::kSessionMillis / 1000));
  return res;
}

HttpResponse Logout(Call& c) {
  (void)c.parts.users->Logout(CookieValue(c.http(), kSessionCookie));
  HttpResponse res = Redirect("/login");
  res.headers.emplace_back("Set-Cookie", SessionCookie("", 0));
  return res;
}

HttpResponse ApiLogout(Call& c) {
  (void)c.parts.users->Logout(CookieValue(c.http(), kSessionCookie));
  HttpResponse res = Json(200, {{"logged_out", true}});
  res.headers.emplace_back("Set-Cookie", SessionCookie("", 0));
  return res;
}

}  // namespace mrc::web::app
