// App: authentication, CSRF and role checks, then the API, the pages and
// the assets. See app.h for the rules.
#include "web/app/app.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <nlohmann/json.hpp>

#include "config/base/bytes.h"
#include "config/base/log.h"
#include "sync/bundle.h"
#include "sync/log.h"
#include "sync/referral_service.h"
#include "web/api/api.h"
#include "web/text/body_cache.h"
#include "web/ui/embedded.h"
#include "web/http/forms.h"
#include "web/ui/i18n.h"
#include "web/text/json_text.h"
#include "web/search/index.h"
#include "web/ui/ui.h"

namespace mrc::web {
namespace {

using nlohmann::json;

constexpr Role kC = Role::kCounsellor;
constexpr Role kE = Role::kEditor;
constexpr Role kA = Role::kAdmin;

const RouteRule kRoutes[] = {
    // Open to anyone.
    {"GET", "/healthz", std::nullopt},
    {"GET", "/static/{file}", std::nullopt},
    {"GET", "/login", std::nullopt},
    {"POST", "/login", std::nullopt},
    {"POST", "/api/v1/login", std::nullopt},
    {"GET", "/api/v1/openapi.json", std::nullopt},
    // Pages.
    {"POST", "/logout", kC},
    {"GET", "/", kC},
    {"GET", "/faq", kC},
    {"GET", "/guides", kC},
    {"GET", "/guides/{country}", kC},
    {"GET", "/bulletins", kC},
    {"POST", "/bulletins/{id}/read", kC},
    {"GET", "/centres", kC},
    {"GET", "/referrals", kC},
    {"GET", "/referrals/new", kC},
    {"POST", "/referrals/new", kC},
    {"GET", "/referrals/audit", kA},
    {"GET", "/referrals/{id}", kC},
    {"POST", "/referrals/{id}/status", kC},
    {"POST", "/referrals/{id}/erase", kC},
    {"GET", "/docs/new", kE},
    {"POST", "/docs/new", kE},
    {"GET", "/docs/{id}", kC},
    {"GET", "/docs/{id}/history", kC},
    {"GET", "/docs/{id}/edit", kE},
    {"POST", "/docs/{id}/edit", kE},
    {"GET", "/docs/{id}/proposals", kC},
    {"POST", "/docs/{id}/proposals/{p}/accept", kE},
    {"POST", "/docs/{id}/proposals/{p}/decline", kE},
    {"GET", "/conflicts", kE},
    {"GET", "/settings", kC},
    {"POST", "/settings", kC},
    {"GET", "/sync", kA},
    {"GET", "/admin/users", kA},
    {"POST", "/admin/users", kA},
    {"POST", "/admin/users/{name}", kA},
    // JSON API.
    {"POST", "/api/v1/logout", kC},
    {"GET", "/api/v1/me", kC},
    {"PUT", "/api/v1/me", kC},
    {"GET", "/api/v1/search", kC},
    {"GET", "/api/v1/facets/{facet}", kC},
    {"GET", "/api/v1/digest", kC},
    {"GET", "/api/v1/status", kA},
    {"GET", "/api/v1/summary", kA},
    {"POST", "/api/v1/bundles/export", kA},
    {"POST", "/api/v1/bundles/import", kA},
    {"GET", "/api/v1/docs", kC},
    {"POST", "/api/v1/docs", kE},
    {"GET", "/api/v1/docs/{id}", kC},
    {"PUT", "/api/v1/docs/{id}", kE},
    {"DELETE", "/api/v1/docs/{id}", kE},
    {"GET", "/api/v1/docs/{id}/history", kC},
    {"GET", "/api/v1/docs/{id}/proposals", kC},
    {"POST", "/api/v1/docs/{id}/proposals", kE},
    {"POST", "/api/v1/docs/{id}/proposals/{p}/accept", kE},
    {"POST", "/api/v1/docs/{id}/proposals/{p}/decline", kE},
    {"GET", "/api/v1/bulletins/feed.atom", kC},
    {"GET", "/api/v1/bulletins/{id}/receipts", kC},
    {"POST", "/api/v1/bulletins/{id}/ack", kC},
    {"GET", "/api/v1/members", kC},
    {"GET", "/api/v1/members/{key}", kC},
    {"POST", "/api/v1/members", kA},
    {"POST", "/api/v1/members/{key}/revoke", kA},
    {"GET", "/api/v1/referrals", kC},
    {"POST", "/api/v1/referrals", kC},
    {"GET", "/api/v1/referrals/targets", kC},
    {"GET", "/api/v1/referrals/audit", kA},
    {"GET", "/api/v1/referrals/{id}", kC},
    {"POST", "/api/v1/referrals/{id}/status", kC},
    {"POST", "/api/v1/referrals/{id}/erase", kC},
    {"GET", "/api/v1/users", kA},
    {"POST", "/api/v1/users", kA},
    {"GET", "/api/v1/users/{name}", kA},
    {"PUT", "/api/v1/users/{name}", kA},
    {"DELETE", "/api/v1/users/{name}", kA},
    {"GET", "/api/v1/users/{name}/tokens", kA},
    {"POST", "/api/v1/users/{name}/tokens", kA},
    {"DELETE", "/api/v1/users/{name}/tokens/{id}", kA},
};

bool Matches(std::string_view pattern, std::string_view path) {
  while (!pattern.empty() && !path.empty()) {
    if (pattern == "*") return true;
    std::size_t ps = pattern.find('/', 1), ts = path.find('/', 1);
    std::string_view pseg = pattern.substr(0, ps), tseg = path.substr(0, ts);
    bool var = pseg.size() > 2 && pseg[1] == '{' && pseg.back() == '}';
    if (var ? tseg.size() < 2 : pseg != tseg) return false;
    pattern.remove_prefix(pseg.size());
    path.remove_prefix(tseg.size());
  }
  return pattern.empty() && path.empty();
}

// HEAD never gets here: App::Handle runs it as a GET.
bool IsStateChanging(std::string_view method) { return method != "GET"; }

// The value of cookie `name` in a Cookie header, or "".
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

// Constant-time comparison, for tokens.
bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// A browser's Origin must name this node (the Host it asked for), and its
// Sec-Fetch-Site must not say another site: a page elsewhere cannot post
// here with our cookie even if SameSite is ignored.
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

HttpResponse Json(int status, const json& j) {
  HttpResponse r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  AddStandardHeaders(&r);
  return r;
}

HttpResponse JsonError(const Status& s) {
  return ErrorResponse(HttpStatusOf(s), s.CodeName(), s.message());
}

std::string SessionCookie(std::string_view token, std::uint64_t max_age_s) {
  // HttpOnly: no script reads it; SameSite=Strict: no other site sends it.
  // (Not Secure: the node serves plain HTTP on loopback.)
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
}

json UserJson(const User& u) {
  return {{"name", u.name},
          {"role", RoleName(u.role)},
          {"language", u.language},
          {"created_ms", u.created_ms}};
}

Result<json> ParseBody(const HttpRequest& r) {
  if (!JsonNestsAtMost(r.body, kMaxJsonNesting))
    return Status::InvalidArgument("the body nests deeper than " + std::to_string(kMaxJsonNesting) +
                                   " levels");
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  return j;
}

Result<std::uint32_t> ParseCount(const Params& q, std::string_view name, std::uint32_t dflt) {
  std::string s = Param(q, name);
  if (s.empty()) return dflt;
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return Status::InvalidArgument("query parameter " + std::string(name) +
                                   " must be a whole number");
  return v;
}

}  // namespace

std::span<const RouteRule> Routes() { return kRoutes; }

const RouteRule* FindRoute(std::string_view method, std::string_view path) {
  for (const auto& rule : kRoutes) {
    std::string_view m = rule.method;
    if ((m == method || m == "*") && Matches(rule.pattern, path)) return &rule;
  }
  return nullptr;
}

bool PathHasRoute(std::string_view path) {
  for (const auto& rule : kRoutes) {
    if (Matches(rule.pattern, path)) return true;
  }
  return false;
}

struct App::Impl {
  AppParts parts;
  Api api;
  Ui ui;
  std::mutex local_mu;
  std::string local_token;  // guarded by local_mu
  BodyCache search_bodies;  // GET /api/v1/search answers

  explicit Impl(AppParts p) : parts(std::move(p)), api(parts.docs), ui(parts) {
    api.SetTrustService(parts.trust);
    api.SetStatusSource(parts.status);
  }

  std::optional<Principal> Authenticate(const HttpRequest& r, Status* why);
  HttpResponse HandleApi(const HttpRequest& r, std::string_view path, const Principal& who);
  HttpResponse ApiUsers(const HttpRequest& r, std::string_view path);
  HttpResponse ApiMe(const HttpRequest& r, const Principal& who);
  HttpResponse ApiSearch(const HttpRequest& r, const Principal& who);
  HttpResponse ApiReferrals(const HttpRequest& r, std::string_view path, const Principal& who);
  HttpResponse ApiBundles(const HttpRequest& r, bool write, const Principal& who);
  HttpResponse ApiLogin(const HttpRequest& r);
  HttpResponse Asset(std::string_view path);
  HttpResponse PageLogin(const HttpRequest& r, PageRequest& page);
  std::string Language(const HttpRequest& r, const Principal* who);
};

std::string App::Impl::Language(const HttpRequest& r, const Principal* who) {
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

std::optional<Principal> App::Impl::Authenticate(const HttpRequest& r, Status* why) {
  std::string bearer = BearerToken(r);
  if (!bearer.empty()) {
    {
      std::lock_guard lock(local_mu);
      if (SameSecret(bearer, local_token))
        return Principal{"local", Role::kAdmin, "", "", true, true};
    }
    auto p = parts.users->Token(bearer);
    if (p.ok()) return *p;
    *why = p.status();
    return std::nullopt;
  }
  std::string cookie = CookieValue(r, kSessionCookie);
  if (cookie.empty()) {
    *why = Status::Unauthenticated("log in first (a session cookie or an API token is needed)");
    return std::nullopt;
  }
  auto p = parts.users->Session(cookie);
  if (p.ok()) return *p;
  *why = p.status();
  return std::nullopt;
}

HttpResponse App::Impl::Asset(std::string_view path) {
  std::string_view name = path.substr(std::string_view("/static/").size());
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

HttpResponse App::Impl::ApiLogin(const HttpRequest& r) {
  // A page elsewhere must not log a browser in (or spend the login limits):
  // JSON only (a cross-site form cannot send it) and this node's Origin.
  const std::string* ct = r.Header("content-type");
  if (!ct || ct->compare(0, 16, "application/json") != 0)
    return ErrorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "send the login as application/json");
  if (!OriginAllowed(r))
    return ErrorResponse(403, "CSRF", "this login did not come from this node");
  auto body = ParseBody(r);
  if (!body.ok()) return JsonError(body.status());
  if (!(*body)["name"].is_string() || !(*body)["password"].is_string())
    return JsonError(Status::InvalidArgument("name and password (strings) are required"));
  auto s = parts.users->Login((*body)["name"].get<std::string>(),
                              (*body)["password"].get<std::string>(), r.ClientAddress());
  if (!s.ok()) {
    HttpResponse res = JsonError(s.status());
    if (s.status().code() == Status::Code::kResourceExhausted)
      res.headers.emplace_back("Retry-After", "900");
    return res;
  }
  HttpResponse res = Json(200, {{"user", s->principal.user},
                                {"role", RoleName(s->principal.role)},
                                {"csrf", s->csrf},
                                {"expires_ms", s->expires_ms}});
  res.headers.emplace_back("Set-Cookie", SessionCookie(s->token, Users::kSessionMillis / 1000));
  return res;
}

HttpResponse App::Impl::ApiSearch(const HttpRequest& r, const Principal& who) {
  auto q = ParseQuery(TargetQuery(r.target),
                      {"q", "kind", "category", "country", "topic", "language", "offset", "limit"});
  if (!q.ok()) return JsonError(q.status());
  SearchQuery sq;
  sq.text = Param(*q, "q");
  sq.kind = Param(*q, "kind");
  sq.category = Param(*q, "category");
  sq.country = Param(*q, "country");
  sq.topic = Param(*q, "topic");
  sq.language = Param(*q, "language");
  // Ranked for the reader as the search page ranks: their language first.
  sq.reader_language = Language(r, &who);
  auto offset = ParseCount(*q, "offset", 0);
  auto limit = ParseCount(*q, "limit", 20);
  if (!offset.ok()) return JsonError(offset.status());
  if (!limit.ok()) return JsonError(limit.status());
  sq.offset = *offset;
  sq.limit = *limit;
  // The answer depends on the query and the reader's language alone: kept
  // until a document changes (building the JSON costs several times more
  // than the cached search).
  auto generation = parts.log->LastDocChange();
  std::string key = sq.reader_language + ' ' + std::string(TargetQuery(r.target));
  if (generation.ok()) {
    if (auto body = search_bodies.Get(key, *generation)) {
      HttpResponse cached;
      cached.body = std::move(*body);
      AddStandardHeaders(&cached);
      return cached;
    }
  }
  auto res = parts.search->Search(sq);
  if (!res.ok()) return JsonError(res.status());
  // Written directly (a json value would be a tree of maps: most of the
  // cost of a new query's answer); keys in the order json::dump gives.
  HttpResponse out;
  std::string& b = out.body;
  b.reserve(512 + 1024 * res->hits.size());
  b += R"({"complete":)";
  b += res->complete ? "true" : "false";
  b += R"(,"estimated":)" + std::to_string(res->estimated) + R"(,"hits":[)";
  for (std::size_t i = 0; i < res->hits.size(); ++i) {
    const SearchHit& h = res->hits[i];
    b += i ? ",{" : "{";
    auto field = [&b](std::string_view key, std::string_view value) {
      AppendJsonString(&b, key);
      b += ':';
      AppendJsonString(&b, value);
      b += ',';
    };
    b += R"("categories":[)";
    for (std::size_t c = 0; c < h.categories.size(); ++c) {
      if (c) b += ',';
      AppendJsonString(&b, h.categories[c]);
    }
    b += "],";
    field("country", h.country);
    field("id", h.id);
    field("kind", h.kind);
    field("language", h.language);
    b += R"("percent":)" + std::to_string(h.percent) + R"(,"snippet":[)";
    for (std::size_t p = 0; p < h.snippet.size(); ++p) {
      b += p ? R"(,{"hit":)" : R"({"hit":)";
      b += h.snippet[p].hit ? "true" : "false";
      b += R"(,"text":)";
      AppendJsonString(&b, h.snippet[p].text);
      b += '}';
    }
    b += "],";
    field("title", h.title);
    AppendJsonString(&b, "topic");
    b += ':';
    AppendJsonString(&b, h.topic);
    b += '}';
  }
  b += "]}";
  AddStandardHeaders(&out);
  if (generation.ok() && res->complete) search_bodies.Put(key, *generation, out.body);
  return out;
}

HttpResponse App::Impl::ApiMe(const HttpRequest& r, const Principal& who) {
  if (r.method == "GET") {
    return Json(200, {{"user", who.user},
                      {"role", RoleName(who.role)},
                      {"language", who.language},
                      {"api_token", who.api_token}});
  }
  auto body = ParseBody(r);
  if (!body.ok()) return JsonError(body.status());
  for (const auto& [k, v] : body->items()) {
    if (k != "language" && k != "password" && k != "current_password")
      return JsonError(Status::InvalidArgument("unknown field '" + k + "'"));
  }
  if (who.local) return JsonError(Status::InvalidArgument("the local token has no account"));
  if (body->contains("password")) {
    if (!(*body)["password"].is_string() || !(*body)["current_password"].is_string())
      return JsonError(Status::InvalidArgument("password and current_password must be strings"));
    auto check = parts.users->Login(who.user, (*body)["current_password"].get<std::string>(),
                                    r.ClientAddress());
    if (!check.ok()) return JsonError(check.status());
    (void)parts.users->Logout(check->token);
    if (Status s = parts.users->SetPassword(who.user, (*body)["password"].get<std::string>());
        !s.ok())
      return JsonError(s);
  }
  if (body->contains("language")) {
    if (!(*body)["language"].is_string())
      return JsonError(Status::InvalidArgument("language must be a string"));
    if (Status s = parts.users->SetLanguage(who.user, (*body)["language"].get<std::string>());
        !s.ok())
      return JsonError(s);
  }
  auto u = parts.users->Get(who.user);
  if (!u.ok()) return JsonError(u.status());
  return Json(200, UserJson(*u));
}

HttpResponse App::Impl::ApiUsers(const HttpRequest& r, std::string_view path) {
  constexpr std::string_view kUsers = "/api/v1/users";
  Users& users = *parts.users;
  if (path == kUsers) {
    if (r.method == "GET") {
      auto list = users.List();
      if (!list.ok()) return JsonError(list.status());
      json out = json::array();
      for (const auto& u : *list) out.push_back(UserJson(u));
      return Json(200, {{"users", out}});
    }
    auto body = ParseBody(r);
    if (!body.ok()) return JsonError(body.status());
    json& b = *body;
    if (!b["name"].is_string() || !b["password"].is_string() || !b["role"].is_string())
      return JsonError(Status::InvalidArgument("name, role and password (strings) are required"));
    auto role = ParseRole(b["role"].get<std::string>());
    if (!role)
      return JsonError(Status::InvalidArgument("role must be counsellor, editor or admin"));
    std::string name = b["name"].get<std::string>();
    if (Status s = users.Add(name, *role, b["password"].get<std::string>()); !s.ok())
      return JsonError(s);
    auto u = users.Get(name);
    if (!u.ok()) return JsonError(u.status());
    HttpResponse res = Json(201, UserJson(*u));
    res.headers.emplace_back("Location", std::string(kUsers) + "/" + name);
    return res;
  }
  std::string_view rest = path.substr(kUsers.size() + 1);
  std::string name(rest.substr(0, rest.find('/')));
  std::string_view tail = rest.substr(name.size());
  if (tail.empty()) {
    if (r.method == "GET") {
      auto u = users.Get(name);
      return u.ok() ? Json(200, UserJson(*u)) : JsonError(u.status());
    }
    if (r.method == "DELETE") {
      Status s = users.Remove(name);
      return s.ok() ? Json(200, {{"removed", name}}) : JsonError(s);
    }
    auto body = ParseBody(r);
    if (!body.ok()) return JsonError(body.status());
    if (Status s = users.Get(name).status(); !s.ok()) return JsonError(s);
    for (const auto& [k, v] : body->items()) {
      if (!v.is_string()) return JsonError(Status::InvalidArgument(k + " must be a string"));
      Status s;
      if (k == "role") {
        auto role = ParseRole(v.get<std::string>());
        s = role ? users.SetRole(name, *role)
                 : Status::InvalidArgument("role must be counsellor, editor or admin");
      } else if (k == "password") {
        s = users.SetPassword(name, v.get<std::string>());
      } else if (k == "language") {
        s = users.SetLanguage(name, v.get<std::string>());
      } else {
        s = Status::InvalidArgument("unknown field '" + k + "'");
      }
      if (!s.ok()) return JsonError(s);
    }
    auto u = users.Get(name);
    return u.ok() ? Json(200, UserJson(*u)) : JsonError(u.status());
  }
  if (tail == "/tokens") {
    if (r.method == "GET") {
      auto list = users.Tokens(name);
      if (!list.ok()) return JsonError(list.status());
      json out = json::array();
      for (const auto& t : *list)
        out.push_back({{"id", t.id}, {"label", t.label}, {"created_ms", t.created_ms}});
      return Json(200, {{"tokens", out}});
    }
    auto body = ParseBody(r);
    if (!body.ok()) return JsonError(body.status());
    auto label_it = body->find("label");
    if (label_it != body->end() && !label_it->is_string())
      return JsonError(Status::InvalidArgument("\"label\" must be a string"));
    std::string label = label_it != body->end() ? label_it->get<std::string>() : "";
    auto token = users.CreateToken(name, label);
    if (!token.ok()) return JsonError(token.status());
    return Json(201, {{"token", *token}, {"label", label}});
  }
  constexpr std::string_view kTokens = "/tokens/";
  if (tail.substr(0, kTokens.size()) == kTokens) {
    Status s = users.RevokeToken(name, tail.substr(kTokens.size()));
    return s.ok() ? Json(200, {{"revoked", std::string(tail.substr(kTokens.size()))}})
                  : JsonError(s);
  }
  return ErrorResponse(404, "NOT_FOUND", "no such path");
}

HttpResponse App::Impl::HandleApi(const HttpRequest& r, std::string_view path,
                                  const Principal& who) {
  if (path == "/api/v1/logout") {
    (void)parts.users->Logout(CookieValue(r, kSessionCookie));
    HttpResponse res = Json(200, {{"logged_out", true}});
    res.headers.emplace_back("Set-Cookie", SessionCookie("", 0));
    return res;
  }
  if (path == "/api/v1/me") return ApiMe(r, who);
  if (path == "/api/v1/bulletins/feed.atom") {
    const std::string* host = r.Header("host");
    return BulletinFeed(parts, "http://" + (host ? *host : std::string("localhost")));
  }
  if (path == "/api/v1/search") return ApiSearch(r, who);
  constexpr std::string_view kFacets = "/api/v1/facets/";
  if (path.substr(0, kFacets.size()) == kFacets) {
    auto f = parts.search->Facet(path.substr(kFacets.size()));
    if (!f.ok()) return JsonError(f.status());
    json out = json::array();
    for (const auto& [v, n] : *f) out.push_back({{"value", v}, {"count", n}});
    return Json(200, {{"values", out}});
  }
  if (path == "/api/v1/users" || path.substr(0, 14) == "/api/v1/users/") return ApiUsers(r, path);
  if (path == "/api/v1/summary") {
    auto summary = sync::MakeSummary(parts.log);
    if (!summary.ok()) return JsonError(summary.status());
    HttpResponse res;
    res.body = sync::SummaryToJson(*summary);
    AddStandardHeaders(&res);
    return res;
  }
  if (path == "/api/v1/bundles/export" || path == "/api/v1/bundles/import") {
    return ApiBundles(r, path == "/api/v1/bundles/export", who);
  }
  if (path == "/api/v1/referrals" || path.substr(0, 18) == "/api/v1/referrals/")
    return ApiReferrals(r, path, who);
  if (path.substr(0, 18) == "/api/v1/bulletins/" && path.size() > 4 &&
      path.substr(path.size() - 4) == "/ack" && !who.local) {
    // An acknowledgement names who read the bulletin: the logged-in user,
    // not a name the request makes up. (The node's own command line, with
    // the local token, acknowledges for the person it names.)
    auto body = r.body.empty() ? Result<json>(json::object()) : ParseBody(r);
    if (!body.ok()) return JsonError(body.status());
    if (body->contains("by") && (*body)["by"] != who.user) {
      return ErrorResponse(
          403, "PERMISSION_DENIED",
          "an acknowledgement names the user who makes it (\"by\" may only be " + who.user + ")");
    }
    HttpRequest named = r;
    (*body)["by"] = who.user;
    named.body = body->dump();
    return api.Handle(named);
  }
  return api.Handle(r);
}

// A bundle (USB stick) written or read by the running node, so that a
// centre need not stop its node, and its UI, to carry entries on a stick.
// The request names a file on this machine, so only the node's own command
// line (its local token) may make it: `mrcnode bundle export|import`.
HttpResponse App::Impl::ApiBundles(const HttpRequest& r, bool write, const Principal& who) {
  if (!who.local) {
    return ErrorResponse(403, "PERMISSION_DENIED",
                         "bundles name files on the node's machine: use `mrcnode bundle "
                         "export` or `mrcnode bundle import` there");
  }
  auto body = ParseBody(r);
  if (!body.ok()) return JsonError(body.status());
  auto file = body->find("path");
  if (file == body->end() || !file->is_string() || file->get<std::string>().empty() ||
      file->get<std::string>()[0] != '/') {
    return JsonError(Status::InvalidArgument("\"path\" must be an absolute file path"));
  }
  std::string path = file->get<std::string>();
  if (write) {
    std::optional<sync::Summary> peer;
    if (auto it = body->find("summary"); it != body->end()) {
      auto s = sync::SummaryFromJson(it->dump());
      if (!s.ok()) return JsonError(s.status());
      peer = std::move(s).value();
    }
    auto stats = sync::ExportBundle(parts.log, peer ? &*peer : nullptr, path);
    if (!stats.ok()) return JsonError(stats.status());
    return Json(200, {{"path", path}, {"entries", stats->entries}, {"bytes", stats->bytes}});
  }
  auto report = sync::ImportBundle(parts.log, path);
  if (!report.ok()) return JsonError(report.status());
  return Json(200, {{"path", path},
                    {"entries", report->entries},
                    {"accepted", report->accepted},
                    {"duplicates", report->duplicates},
                    {"pending", report->pending},
                    {"refused", report->refused},
                    {"first_refusal", report->first_refusal}});
}

HttpResponse App::Impl::ApiReferrals(const HttpRequest& r, std::string_view path,
                                     const Principal& who) {
  sync::ReferralService* service = parts.referrals;
  if (service == nullptr) return ErrorResponse(503, "UNAVAILABLE", "referrals are not set up");
  auto parsed = ParseQuery(TargetQuery(r.target), {"direction", "status", "urgency", "service",
                                                   "language", "place", "max"});
  if (!parsed.ok()) return JsonError(parsed.status());
  const Params& q = *parsed;
  auto answer = [](const Result<std::string>& out, int ok_status = 200) {
    if (!out.ok()) return JsonError(out.status());
    HttpResponse res;
    res.status = ok_status;
    res.body = *out;
    AddStandardHeaders(&res);
    return res;
  };
  std::string_view rest = path.substr(std::string_view("/api/v1/referrals").size());
  if (rest.empty()) {
    if (r.method == "POST") return answer(service->Create(r.body, who.user), 201);
    return answer(service->List(Param(q, "direction"), Param(q, "status"), Param(q, "urgency")));
  }
  rest.remove_prefix(1);
  if (rest == "targets") {
    return answer(service->Targets(Param(q, "service"), Param(q, "language"), Param(q, "place")));
  }
  if (rest == "audit") {
    auto max = ParseCount(q, "max", 200);
    if (!max.ok()) return JsonError(max.status());
    return answer(service->Audit(*max));
  }
  std::string_view id = rest.substr(0, rest.find('/'));
  std::string_view action = rest.substr(id.size());
  if (action.empty()) return answer(service->Get(id, who.user));
  if (action == "/status") return answer(service->SetStatus(id, r.body, who.user));
  if (action == "/erase") return answer(service->Erase(id, who.user));
  return ErrorResponse(404, "NOT_FOUND", "no such route");
}

HttpResponse App::Impl::PageLogin(const HttpRequest& r, PageRequest& page) {
  std::string next = Param(page.query, "next");
  // Only a path on this node: never an open redirect to another site.
  // (Control characters too: browsers drop a tab, so "/\t/evil" would
  // become "//evil".)
  bool control = std::any_of(next.begin(), next.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
  if (control || next.empty() || next[0] != '/' ||
      (next.size() > 1 && (next[1] == '/' || next[1] == '\\')))
    next = "/";
  if (r.method == "GET") {
    std::string lang = Param(page.query, "lang");
    if (Catalogues::Get().Has(lang)) page.lang = lang;
    HttpResponse res = ui.LoginPage(page, 200, "", next);
    if (!lang.empty() && Catalogues::Get().Has(lang))
      res.headers.emplace_back("Set-Cookie",
                               "mrc_lang=" + lang + "; Path=/; SameSite=Strict; Max-Age=31536000");
    return res;
  }
  if (!OriginAllowed(r)) return ui.ErrorPage(page, 403, "origin");
  auto s =
      parts.users->Login(Param(page.form, "name"), Param(page.form, "password"), r.ClientAddress());
  if (!s.ok()) {
    bool limited = s.status().code() == Status::Code::kResourceExhausted;
    if (!limited && s.status().code() != Status::Code::kUnauthenticated)
      return ui.ErrorPage(page, HttpStatusOf(s.status()), s.status().message());
    HttpResponse res =
        ui.LoginPage(page, limited ? 429 : 401, limited ? "login.too_many" : "login.failed", next);
    if (limited) res.headers.emplace_back("Retry-After", "900");
    return res;
  }
  HttpResponse res = Redirect(next);
  res.headers.emplace_back("Set-Cookie", SessionCookie(s->token, Users::kSessionMillis / 1000));
  return res;
}

App::App(AppParts parts) : impl_(std::make_unique<Impl>(std::move(parts))) {}
App::~App() = default;

void App::SetLocalToken(std::string token) {
  std::lock_guard lock(impl_->local_mu);
  impl_->local_token = std::move(token);
}

HttpResponse App::Handle(const HttpRequest& request) {
  // Never throws: a handler's unexpected exception is a 500, not the end of
  // the process.
  try {
    if (request.method == "HEAD") {
      // HEAD is GET without the body (the server leaves it out): it runs
      // the GET handler and nothing else, so that a handler that tells a
      // read from a write by "not GET" can never write on a HEAD, which
      // passes no CSRF check.
      HttpRequest get = request;
      get.method = "GET";
      get.body.clear();
      return HandleRequest(get);
    }
    return HandleRequest(request);
  } catch (const std::exception& e) {
    log::Warn("http", std::string("request failed: ") + e.what());
    return ErrorResponse(500, "INTERNAL", "the request failed; see the node's log");
  }
}

HttpResponse App::HandleRequest(const HttpRequest& request) {
  Impl& s = *impl_;
  std::string_view path = TargetPath(request.target);
  bool api = path.substr(0, 5) == "/api/";
  if (path == "/healthz") return s.api.Handle(request);
  if (path.substr(0, 8) == "/static/") {
    if (request.method != "GET")
      return ErrorResponse(405, "METHOD_NOT_ALLOWED", "assets are read with GET");
    return s.Asset(path);
  }
  if (path == "/api/v1/openapi.json" && request.method == "GET")
    return s.Asset("/static/openapi.json");

  PageRequest page;
  page.http = &request;
  page.path = std::string(path);
  page.lang = s.Language(request, nullptr);
  if (!api) {
    auto q = ParseForm(TargetQuery(request.target));
    if (!q.ok()) return s.ui.ErrorPage(page, 400, q.status().message());
    page.query = std::move(q).value();
    if (request.method == "POST") {
      const std::string* ct = request.Header("content-type");
      if (!ct || ct->compare(0, 33, "application/x-www-form-urlencoded") != 0) {
        return s.ui.ErrorPage(page, 415, "forms must be sent as application/x-www-form-urlencoded");
      }
      auto f = ParseForm(request.body);
      if (!f.ok()) return s.ui.ErrorPage(page, 400, f.status().message());
      page.form = std::move(f).value();
    }
  }

  if (path == "/login") {
    if (request.method != "GET" && request.method != "POST")
      return s.ui.ErrorPage(page, 405, "use GET or POST");
    return s.PageLogin(request, page);
  }
  if (path == "/api/v1/login") {
    if (request.method != "POST") return ErrorResponse(405, "METHOD_NOT_ALLOWED", "use POST");
    return s.ApiLogin(request);
  }

  Status why;
  auto who = s.Authenticate(request, &why);
  if (!who) {
    if (api) return JsonError(why);
    if (request.method == "GET") return Redirect("/login?next=" + PercentEncode(request.target));
    return s.ui.LoginPage(page, 401, "login.expired", "/");
  }
  page.who = &*who;
  page.lang = s.Language(request, &*who);

  const RouteRule* rule = FindRoute(request.method, path);
  if (rule == nullptr) {
    if (PathHasRoute(path)) {
      std::string why = request.method.substr(0, 20) + " is not allowed here";
      return api ? ErrorResponse(405, "METHOD_NOT_ALLOWED", why) : s.ui.ErrorPage(page, 405, why);
    }
    return api ? ErrorResponse(404, "NOT_FOUND",
                               "no such path: " + std::string(path.substr(0, 200)))
               : s.ui.ErrorPage(page, 404, "not_found");
  }
  if (IsStateChanging(request.method) && !who->api_token) {
    std::string sent =
        api ? (request.Header(std::string(kCsrfHeader)) ? *request.Header(std::string(kCsrfHeader))
                                                        : std::string())
            : Param(page.form, kCsrfField);
    if (!SameSecret(sent, who->csrf) || !OriginAllowed(request)) {
      if (api) {
        return ErrorResponse(
            403, "CSRF", "missing or wrong CSRF token (send the session's token in X-CSRF-Token)");
      }
      return s.ui.ErrorPage(page, 403, "csrf");
    }
  }
  if (rule->role && static_cast<int>(who->role) < static_cast<int>(*rule->role)) {
    std::string msg = "this needs the " + std::string(RoleName(*rule->role)) + " role; " +
                      who->user + " is " + std::string(RoleName(who->role));
    return api ? ErrorResponse(403, "PERMISSION_DENIED", msg) : s.ui.ErrorPage(page, 403, "role");
  }
  if (api) return s.HandleApi(request, path, *who);
  if (path == "/logout") {
    (void)s.parts.users->Logout(CookieValue(request, kSessionCookie));
    HttpResponse res = Redirect("/login");
    res.headers.emplace_back("Set-Cookie", SessionCookie("", 0));
    return res;
  }
  return s.ui.Handle(page);
}

}  // namespace mrc::web
