// App::Handle without a socket, over a real store, log, search index and
// user accounts: login and sessions, CSRF on every state-changing route, the
// role of every route, script injection, path traversal, security headers.
#include "web/app/app.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "storage/store.h"
#include "sync/content/doc_service.h"
#include "sync/crypto/crypto.h"
#include "sync/kinds.h"
#include "sync/log/log.h"
#include "sync/referrals/referral_service.h"
#include "sync/trust/document_records.h"
#include "sync/trust/trust_service.h"
#include "tests/support/node_parts.h"
#include "tests/web/app/login_calls.h"
#include "tests/web/doc_calls.h"
#include "web/search/index.h"
#include "web/users/users.h"

namespace mrc::web {
namespace {

using nlohmann::json;

std::string CookieOf(const HttpResponse& r) {
  const std::string* c = r.Header("Set-Cookie");
  if (!c) return "";
  return c->substr(0, c->find(';'));  // "mrc_session=..."
}

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mrc-app-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    ASSERT_TRUE(sync::InitCrypto().ok());
    network_.fill(5);
    key_ = sync::GenerateKeyPair();
    auto node = mrc::testing::NodeParts::Open(dir_, key_, network_, key_.public_key);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(node).value();
    box_ = node_->box;
    store_ = node_->store.get();
    log_ = node_->log.get();
    docs_ = node_->docs.get();
    trust_ = node_->trust.get();
    referrals_ = node_->referrals.get();
    search_ = node_->search.get();
    users_ = node_->users.get();
    app_ = node_->app.get();
    for (const char* role : {"counsellor", "editor", "admin"}) {
      ASSERT_TRUE(users_->Add(role, *ParseRole(role), std::string(role) + "-password").ok());
    }
  }
  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  using Session = login_calls::Session;
  // Logs in through the JSON API (one Argon2id check).
  Session Login(const std::string& user) { return LoginAt(app_, user); }
  // This fixture's parts, for an app with parts of a test's own added.
  AppParts PartsOfTheFixture() {
    AppParts parts;
    parts.log = log_;
    parts.docs = docs_;
    parts.trust = trust_;
    parts.referrals = referrals_;
    parts.search = search_;
    parts.users = users_;
    return parts;
  }
  Session LoginAt(App* app, const std::string& user) { return login_calls::ApiLogin(app, user); }

  HttpResponse Do(const std::string& method, const std::string& target, const Session* s,
                  std::string body = "", bool with_csrf = true, bool form = false) {
    return DoAt(app_, method, target, s, std::move(body), with_csrf, form);
  }
  HttpResponse DoAt(App* app, const std::string& method, const std::string& target,
                    const Session* s, std::string body = "", bool with_csrf = true,
                    bool form = false) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.remote = "127.0.0.1:5000";
    r.headers["host"] = "127.0.0.1:8080";
    if (s) r.headers["cookie"] = "other=1; " + s->cookie;
    bool api = target.rfind("/api/", 0) == 0;
    if (api) {
      if (method != "GET") r.headers["content-type"] = "application/json";
      if (s && with_csrf) r.headers["x-csrf-token"] = s->csrf;
    } else if (method == "POST" || form) {
      r.headers["content-type"] = "application/x-www-form-urlencoded";
      if (s && with_csrf) body = "csrf=" + s->csrf + (body.empty() ? "" : "&" + body);
    }
    r.body = body;
    return app->Handle(r);
  }

  // Another centre's node, in dir_/NAME, approved by this one (the
  // network's root).
  Result<std::unique_ptr<mrc::testing::NodeParts>> OpenApprovedCentre(const std::string& name) {
    std::filesystem::create_directories(dir_ + "/" + name);
    MRC_ASSIGN_OR_RETURN(auto centre,
                         mrc::testing::NodeParts::Open(dir_ + "/" + name, sync::GenerateKeyPair(),
                                                       network_, key_.public_key));
    std::string request = centre->trust->EnrolmentRequestText(network_, name, "", "");
    MRC_RETURN_IF_ERROR(trust_->Approve({.request = request}).status());
    return centre;
  }

  std::string CreateBulletin(const std::string& title) {
    json req = {{"kind", "bulletin"},
                {"content",
                 {{"title", title},
                  {"body", "New quota."},
                  {"effective_date", "2027-01-01"},
                  {"urgency", "high"},
                  {"language", "en"}}}};
    auto r = doc_calls::Create(*docs_, req.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r)["id"].get<std::string>() : "";
  }

  std::string CreateFaq(const std::string& question, const std::string& answer) {
    json req = {{"kind", "faq"},
                {"content", {{"question", question}, {"answer", answer}, {"language", "en"}}}};
    auto r = doc_calls::Create(*docs_, req.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r)["id"].get<std::string>() : "";
  }

  std::string dir_;
  Hash32 network_{};
  sync::KeyPair key_;
  sync::BoxKeyPair box_;
  std::unique_ptr<mrc::testing::NodeParts> node_;
  // node_'s parts, by their short names.
  storage::Store* store_ = nullptr;
  sync::Log* log_ = nullptr;
  sync::DocService* docs_ = nullptr;
  sync::TrustService* trust_ = nullptr;
  sync::ReferralService* referrals_ = nullptr;
  SearchIndex* search_ = nullptr;
  Users* users_ = nullptr;
  App* app_ = nullptr;
};

// A concrete path for a route pattern.
std::string Instantiate(std::string pattern) {
  const std::string hex(64, 'a');
  for (auto [var, value] :
       std::vector<std::pair<std::string, std::string>>{{"{id}", hex},
                                                        {"{p}", hex},
                                                        {"{key}", hex},
                                                        {"{name}", "nobody"},
                                                        {"{country}", "DE"},
                                                        {"{file}", "style.css"},
                                                        {"{facet}", "category"}}) {
    for (auto pos = pattern.find(var); pos != std::string::npos; pos = pattern.find(var))
      pattern.replace(pos, var.size(), value);
  }
  // Tokens are 16 hex characters.
  if (pattern.rfind("/api/v1/users/nobody/tokens/", 0) == 0)
    pattern = pattern.substr(0, 28) + "0123456789abcdef";
  return pattern;
}

std::size_t Occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

bool DeniedForRole(const HttpResponse& r) {
  return r.status == 403 && (r.body.find("role") != std::string::npos);
}

TEST_F(AppTest, LoginSetsAnHttpOnlySameSiteCookieThatIsNewEachTimeAndEndsAtLogout) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/login?next=%2Ffaq";
  r.headers["content-type"] = "application/x-www-form-urlencoded";
  r.headers["host"] = "127.0.0.1:8080";
  r.body = "name=editor&password=editor-password";
  HttpResponse first = app_->Handle(r);
  EXPECT_EQ(303, first.status);
  ASSERT_NE(nullptr, first.Header("Location"));
  EXPECT_EQ("/faq", *first.Header("Location"));
  const std::string* cookie = first.Header("Set-Cookie");
  ASSERT_NE(nullptr, cookie);
  EXPECT_NE(std::string::npos, cookie->find("HttpOnly"));
  EXPECT_NE(std::string::npos, cookie->find("SameSite=Strict"));
  EXPECT_NE(std::string::npos, cookie->find("Max-Age=43200"));
  HttpResponse second = app_->Handle(r);
  EXPECT_NE(CookieOf(first), CookieOf(second)) << "a new session at every login";

  Session s{CookieOf(first), ""};
  EXPECT_EQ(200, Do("GET", "/", &s).status);
  // The page carries the session's CSRF token; logging out needs it.
  HttpResponse page = Do("GET", "/", &s);
  auto at = page.body.find("name=\"csrf\" value=\"");
  ASSERT_NE(std::string::npos, at);
  s.csrf = page.body.substr(at + 19, 32);
  EXPECT_EQ(303, Do("POST", "/logout", &s).status);
  HttpResponse after = Do("GET", "/", &s);
  EXPECT_EQ(303, after.status);
  EXPECT_EQ(0u, after.Header("Location")->rfind("/login", 0));
  // The other session is still open.
  Session other{CookieOf(second), ""};
  EXPECT_EQ(200, Do("GET", "/", &other).status);
}

TEST_F(AppTest, WithoutASessionPagesRedirectToLoginAndTheApiAnswers401) {
  HttpResponse page = Do("GET", "/guides/DE", nullptr);
  EXPECT_EQ(303, page.status);
  EXPECT_EQ("/login?next=%2Fguides%2FDE", *page.Header("Location"));
  HttpResponse api = Do("GET", "/api/v1/docs", nullptr);
  EXPECT_EQ(401, api.status);
  EXPECT_NE(std::string::npos, api.body.find("UNAUTHENTICATED"));
  Session forged{"mrc_session=" + std::string(64, 'f'), ""};
  EXPECT_EQ(401, Do("GET", "/api/v1/docs", &forged).status);
  // Open to anyone: health, assets, the login page, the API description.
  EXPECT_EQ(200, Do("GET", "/healthz", nullptr).status);
  EXPECT_EQ(200, Do("GET", "/static/style.css", nullptr).status);
  EXPECT_EQ(200, Do("GET", "/login", nullptr).status);
  EXPECT_EQ(200, Do("GET", "/api/v1/openapi.json", nullptr).status);
}

TEST_F(AppTest, EveryStateChangingRouteRefusesAMissingOrWrongCsrfToken) {
  Session admin = Login("admin");
  int checked = 0;
  for (const auto& rule : Routes()) {
    std::string method = rule.method;
    if (method == "GET" || !rule.role) continue;
    std::string path = Instantiate(rule.pattern);
    bool api = path.rfind("/api/", 0) == 0;
    std::string body = api ? "{}" : "";
    HttpResponse missing = Do(method, path, &admin, body, /*with_csrf=*/false);
    EXPECT_EQ(403, missing.status) << method << " " << path << ": " << missing.body.substr(0, 200);
    Session wrong = admin;
    wrong.csrf = std::string(32, '0');
    HttpResponse bad = Do(method, path, &wrong, body);
    EXPECT_EQ(403, bad.status) << method << " " << path;
    if (api) {
      EXPECT_NE(std::string::npos, bad.body.find("CSRF")) << path;
    }
    // From another site, even with the right token.
    HttpRequest r;
    r.method = method;
    r.target = path;
    r.headers["host"] = "127.0.0.1:8080";
    r.headers["origin"] = "http://evil.example";
    r.headers["cookie"] = admin.cookie;
    r.headers["x-csrf-token"] = admin.csrf;
    r.headers["content-type"] = api ? "application/json" : "application/x-www-form-urlencoded";
    r.body = api ? "{}" : "csrf=" + admin.csrf;
    EXPECT_EQ(403, app_->Handle(r).status) << "origin " << path;
    r.headers["origin"] = "null";  // a sandboxed frame of another site
    EXPECT_EQ(403, app_->Handle(r).status) << "null origin " << path;
    r.headers.erase("origin");
    r.headers["sec-fetch-site"] = "cross-site";
    EXPECT_EQ(403, app_->Handle(r).status) << "cross-site " << path;
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST_F(AppTest, EveryApiWriteRefusesABodyNotDeclaredJson) {
  Session admin = Login("admin");
  int checked = 0;
  for (const auto& rule : Routes()) {
    std::string method = rule.method;
    std::string path = Instantiate(rule.pattern);
    if ((method != "POST" && method != "PUT") || !rule.role || path.rfind("/api/", 0) != 0)
      continue;
    for (const char* type : {"text/plain", "application/x-www-form-urlencoded", ""}) {
      HttpRequest r;
      r.method = method;
      r.target = path;
      r.remote = "127.0.0.1:5000";
      r.headers["host"] = "127.0.0.1:8080";
      r.headers["cookie"] = admin.cookie;
      r.headers["x-csrf-token"] = admin.csrf;
      if (*type) r.headers["content-type"] = type;
      r.body = "{}";
      HttpResponse res = app_->Handle(r);
      EXPECT_EQ(415, res.status) << method << " " << path << " as '" << type
                                 << "': " << res.body.substr(0, 200);
    }
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

TEST_F(AppTest, EachRoleGetsExactlyItsRoutes) {
  std::map<Role, Session> sessions;
  for (Role role : {Role::kCounsellor, Role::kEditor, Role::kAdmin})
    sessions[role] = Login(std::string(RoleName(role)));
  int checked = 0;
  for (const auto& rule : Routes()) {
    if (!rule.role) continue;
    std::string method = rule.method;
    std::string path = Instantiate(rule.pattern);
    if (path == "/logout" || path == "/api/v1/logout") continue;  // would end the session
    bool api = path.rfind("/api/", 0) == 0;
    for (Role role : {Role::kCounsellor, Role::kEditor, Role::kAdmin}) {
      HttpResponse r = Do(method, path, &sessions[role], api && method != "GET" ? "{}" : "");
      bool allowed = static_cast<int>(role) >= static_cast<int>(*rule.role);
      EXPECT_EQ(!allowed, DeniedForRole(r)) << RoleName(role) << " " << method << " " << path
                                            << " -> " << r.status << " " << r.body.substr(0, 200);
      ++checked;
    }
  }
  EXPECT_GE(checked, 150);
  // An API token carries its user's role, and needs no CSRF token.
  auto token = users_->CreateToken("editor", "test");
  ASSERT_TRUE(token.ok());
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/v1/docs";
  r.headers["authorization"] = "Bearer " + *token;
  r.headers["content-type"] = "application/json";
  r.body = R"({"kind":"faq","content":{"question":"Q?","answer":"A.","language":"en"}})";
  EXPECT_EQ(201, app_->Handle(r).status);
  r.target = "/api/v1/users";
  r.method = "GET";
  EXPECT_EQ(403, app_->Handle(r).status);
  auto tokens = users_->Tokens("editor");
  ASSERT_TRUE(tokens.ok() && tokens->size() == 1);
  ASSERT_TRUE(users_->RevokeToken("editor", (*tokens)[0].id).ok());
  r.target = "/api/v1/docs";
  EXPECT_EQ(401, app_->Handle(r).status);
}

TEST_F(AppTest, TheOpenApiDescriptionListsEveryApiRouteWithItsRole) {
  HttpResponse r = Do("GET", "/api/v1/openapi.json", nullptr);
  ASSERT_EQ(200, r.status);
  json spec = json::parse(r.body);
  int checked = 0;
  for (const auto& rule : Routes()) {
    std::string path = rule.pattern;
    if (path.rfind("/api/", 0) != 0 && path != "/healthz") continue;
    std::string method = rule.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(spec["paths"].contains(path)) << path;
    ASSERT_TRUE(spec["paths"][path].contains(method)) << method << " " << path;
    std::string role = rule.role ? std::string(RoleName(*rule.role)) : "anyone";
    const json& op = spec["paths"][path][method];
    EXPECT_EQ(role, op["x-role"]) << method << " " << path;
    // Every answer it lists is described, and refusals are listed.
    for (const auto& [code, answer] : op["responses"].items()) {
      if (answer.contains("$ref")) {
        std::string ref = answer["$ref"];
        ASSERT_EQ(0u, ref.rfind("#/components/responses/", 0)) << ref;
        EXPECT_TRUE(spec["components"]["responses"].contains(ref.substr(23))) << ref;
      } else {
        EXPECT_TRUE(answer.contains("description")) << method << " " << path << " " << code;
      }
    }
    if (rule.role) {
      EXPECT_TRUE(op["responses"].contains("401")) << method << " " << path;
    }
    ++checked;
  }
  EXPECT_GE(checked, 25);
  // Statuses the node answers with, as documented.
  EXPECT_TRUE(spec["paths"]["/api/v1/members"]["post"]["responses"].contains("201"));
  EXPECT_TRUE(
      spec["paths"]["/api/v1/docs/{id}/proposals/{p}/accept"]["post"].contains("requestBody"));
}

TEST_F(AppTest, ARequestNoRouteNamesIsRefused) {
  Session admin = Login("admin");
  EXPECT_EQ(404, Do("GET", "/no/such/page", &admin).status);
  EXPECT_EQ(404, Do("GET", "/api/v1/nothing", &admin).status);
  // A known path with a method it does not take.
  EXPECT_EQ(405, Do("DELETE", "/faq", &admin, "").status);
  EXPECT_EQ(405, Do("GET", "/bulletins/" + std::string(64, 'a') + "/read", &admin).status);
}

// The only script element in a page is its own, from /static; no image, no
// event-handler attribute, no javascript: link came from the content.
void ExpectNoInjectedMarkup(const HttpResponse& r, const std::string& target) {
  // The only script element is the page's own, from /static.
  std::size_t scripts = 0;
  for (auto pos = r.body.find("<script"); pos != std::string::npos;
       pos = r.body.find("<script", pos + 1)) {
    EXPECT_EQ(0u, r.body.compare(pos, 27, "<script src=\"/static/app.js")) << target;
    ++scripts;
  }
  EXPECT_LE(scripts, 1u) << target;
  auto img = r.body.find("<img");
  EXPECT_EQ(std::string::npos, img)
      << target << ": "
      << r.body.substr(img == std::string::npos ? 0 : img - std::min<std::size_t>(img, 80), 200);
  // No element with an event handler attribute (escaped text may say
  // "onerror=", as a reader wrote it).
  // (Attributes are read whole, quoted values included, as a browser does.)
  static const std::regex handler(
      R"re(<[a-zA-Z][a-zA-Z0-9]*(\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?)*\s+on[a-z]+\s*=)re",
      std::regex::icase);
  EXPECT_FALSE(std::regex_search(r.body, handler)) << target;
  EXPECT_EQ(std::string::npos, r.body.find("href=\"javascript")) << target;
}

TEST_F(AppTest, ScriptInContentNeverReachesAPage) {
  const std::string evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  std::string id =
      CreateFaq(evil + " visa",
                "Text " + evil + " [x](javascript:alert(3)) <a href=\"javascript:alert(4)\">y</a>");
  auto centre = doc_calls::Create(*docs_, json({{"kind", "centre"},
                                                {"content",
                                                 {{"name", evil},
                                                  {"location", {{"city", evil}, {"country", "AL"}}},
                                                  {"services", {evil}}}}})
                                              .dump());
  ASSERT_TRUE(centre.ok()) << centre.status().ToString();
  ASSERT_TRUE(search_->CatchUp().ok());
  Session editor = Login("editor");
  for (const std::string& target : std::vector<std::string>{
           "/docs/" + id, "/docs/" + id + "/history", "/docs/" + id + "/edit", "/?q=visa", "/faq",
           "/centres", "/docs/" + json::parse(*centre)["id"].get<std::string>(),
           std::string("/?q=") + "%3Cscript%3E", "/api/v1/bulletins/feed.atom"}) {
    HttpResponse r = Do("GET", target, &editor);
    EXPECT_EQ(200, r.status) << target;
    ExpectNoInjectedMarkup(r, target);
  }
  // A preview of unsaved text is rendered the same way.
  HttpResponse preview = Do("POST", "/docs/new?kind=faq", &editor,
                            "action=preview&f.question=Q&f.language=en&f.answer=" +
                                std::string("%3Cscript%3Ealert(1)%3C%2Fscript%3E"));
  EXPECT_EQ(200, preview.status);
  EXPECT_EQ(std::string::npos, preview.body.find("<script>alert"));
}

TEST_F(AppTest, ScriptInAReferralNeverReachesAPage) {
  // A second centre, approved by this node (the network's root), publishes
  // its encryption key; this node refers a client to it and reads the
  // referral back (it is sealed to both).
  storage::Options options;
  options.sync_writes = false;
  auto store2 = storage::Store::Open(dir_ + "/c2", options);
  ASSERT_TRUE(store2.ok());
  sync::KeyPair key2 = sync::GenerateKeyPair();
  auto log2 = sync::OpenLog(store2->get(), key2, network_, key_.public_key);
  ASSERT_TRUE(log2.ok());
  sync::TrustService trust2(log2->get(), key2);
  const std::string evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  std::string request = trust2.EnrolmentRequestText(network_, "Centre " + evil, "", "");
  ASSERT_TRUE(trust_->Approve({.request = request}).ok());
  ASSERT_TRUE((*log2)->Ingest((*log_).ReadFeed(key_.public_key, 1, SIZE_MAX).value()).ok());
  ASSERT_TRUE(trust2.PublishEncryptionKey(sync::GenerateBoxKeyPair().public_key).ok());
  ASSERT_TRUE(log_->Ingest((*log2)->ReadFeed(key2.public_key, 1, SIZE_MAX).value()).ok());
  Session counsellor = Login("counsellor");
  json req{
      {"to", ToHex(key2.public_key)},
      {"service", evil},
      {"reason", evil},
      {"urgency", "urgent"},
      {"client", {{"name", evil}, {"contact", evil}, {"languages", {"<b>x</b>"}}, {"notes", evil}}},
      {"consent", {{"given", true}, {"scope", evil}}}};
  HttpResponse created = Do("POST", "/api/v1/referrals", &counsellor, req.dump());
  ASSERT_EQ(201, created.status) << created.body;
  std::string id = json::parse(created.body)["id"];
  Session admin = Login("admin");
  for (const std::string& target :
       {std::string("/referrals?box=out"), "/referrals/" + id, std::string("/referrals/new"),
        std::string("/referrals/audit")}) {
    HttpResponse r = Do("GET", target, &admin);
    EXPECT_EQ(200, r.status) << target;
    ExpectNoInjectedMarkup(r, target);
  }
  // And the page did show the (escaped) details.
  EXPECT_NE(std::string::npos, Do("GET", "/referrals/" + id, &admin).body.find("&lt;script&gt;"));
  // A form post with the same: refused for the missing consent, page escaped.
  HttpResponse refused = Do(
      "POST", "/referrals/new", &admin,
      "to=" + ToHex(key2.public_key) + "&service=%3Cscript%3E&reason=x&client_name=y", true, true);
  EXPECT_EQ(400, refused.status);
  ExpectNoInjectedMarkup(refused, "POST /referrals/new");
}

TEST_F(AppTest, SearchAnswersHoldEveryFieldOfAHit) {
  CreateFaq("Where to renew a \"zanzibarite\" permit?", "At the office.\nBring\tyour passport.");
  ASSERT_TRUE(search_->CatchUp().ok());
  Session counsellor = Login("counsellor");
  HttpResponse r = Do("GET", "/api/v1/search?q=zanzibarite", &counsellor);
  ASSERT_EQ(200, r.status) << r.body;
  json answer = json::parse(r.body);
  EXPECT_EQ(true, answer["complete"]);
  EXPECT_EQ(1, answer["estimated"]);
  ASSERT_EQ(1u, answer["hits"].size());
  const json& hit = answer["hits"][0];
  std::set<std::string> keys;
  for (const auto& [k, v] : hit.items()) keys.insert(k);
  EXPECT_EQ(std::set<std::string>({"categories", "country", "id", "kind", "language", "percent",
                                   "review", "snippet", "title", "topic"}),
            keys);
  // A new FAQ entry is due a year after its version, and not overdue yet.
  EXPECT_EQ(10u, hit["review"]["due"].get<std::string>().size());
  EXPECT_EQ(false, hit["review"]["overdue"]);
  EXPECT_EQ("faq", hit["kind"]);
  EXPECT_EQ("Where to renew a \"zanzibarite\" permit?", hit["title"]);
  EXPECT_EQ("en", hit["language"]);
  EXPECT_EQ(64u, hit["id"].get<std::string>().size());
  EXPECT_TRUE(hit["categories"].is_array());
  EXPECT_TRUE(hit["percent"].is_number_integer());
  std::string text;
  for (const auto& piece : hit["snippet"]) {
    EXPECT_TRUE(piece["hit"].is_boolean());
    text += piece["text"].get<std::string>();
  }
  EXPECT_NE(std::string::npos, text.find("Bring your passport")) << text;
}

TEST_F(AppTest, KeptSearchAnswersGiveWayToNewContent) {
  CreateFaq("Where to renew a zanzibarite permit?", "At the office.");
  ASSERT_TRUE(search_->CatchUp().ok());
  Session counsellor = Login("counsellor");
  auto count = [&](const std::string& target) {
    HttpResponse r = Do("GET", target, &counsellor);
    EXPECT_EQ(200, r.status) << r.body;
    return json::parse(r.body)["hits"].size();
  };
  EXPECT_EQ(1u, count("/api/v1/search?q=zanzibarite"));
  EXPECT_EQ(1u, count("/api/v1/search?q=zanzibarite")) << "the same, kept";
  std::string page = Do("GET", "/?q=zanzibarite", &counsellor).body;
  EXPECT_NE(std::string::npos, page.find("Where to renew a"));
  CreateFaq("Zanzibarite documents for students", "At the university.");
  ASSERT_TRUE(search_->CatchUp().ok());
  EXPECT_EQ(2u, count("/api/v1/search?q=zanzibarite")) << "a new document is found at once";
  page = Do("GET", "/?q=zanzibarite", &counsellor).body;
  EXPECT_NE(std::string::npos, page.find("documents for students"));
}

TEST_F(AppTest, TheProposalsPageComparesAtMostTwentyProposals) {
  std::string id = CreateFaq("Which office?", "The labour office.");
  for (int i = 0; i < 23; ++i) {
    json change{{"content",
                 {{"question", "Which office?"},
                  {"answer", "Office " + std::to_string(i)},
                  {"language", "en"}}}};
    auto r = doc_calls::Propose(*docs_, id, change.dump());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  Session editor = Login("editor");
  HttpResponse page = Do("GET", "/docs/" + id + "/proposals", &editor);
  ASSERT_EQ(200, page.status);
  auto count = [&](const std::string& needle) { return Occurrences(page.body, needle); };
  EXPECT_EQ(20u, count("<pre class=\"diff\">"));
  EXPECT_EQ(3u, count("are not shown"));
  EXPECT_EQ(23u, count("/accept\""));
}

// A decided proposal shows what it asked for (against the version it was
// made on), not its difference from what the document became since.
TEST_F(AppTest, DecidedProposalsAreComparedWithTheVersionTheyWereMadeOn) {
  std::string id = CreateFaq("Which office?", "The labour office.");
  auto propose = [&](const std::string& answer) {
    json change{
        {"content", {{"question", "Which office?"}, {"answer", answer}, {"language", "en"}}}};
    return json::parse(doc_calls::Propose(*docs_, id, change.dump()).value())["proposal"]
        .get<std::string>();
  };
  std::string a = propose("Office A"), b = propose("Office B");
  ASSERT_TRUE(doc_calls::Accept(*docs_, id, a, "").ok());
  ASSERT_TRUE(doc_calls::Decline(*docs_, id, b, R"({"reason":"no"})").ok());
  Session editor = Login("editor");
  HttpResponse page = Do("GET", "/docs/" + id + "/proposals", &editor);
  ASSERT_EQ(200, page.status);
  auto count = [&](const std::string& needle) { return Occurrences(page.body, needle); };
  EXPECT_EQ(2u, count("<del>-   The labour office.")) << page.body;
  EXPECT_EQ(1u, count("<ins>+   Office A"));
  EXPECT_EQ(1u, count("<ins>+   Office B"));
  EXPECT_EQ(0u, count("<del>-   Office A"));
  EXPECT_EQ(0u, count("/accept\"")) << "decided proposals offer no decision";
}

TEST_F(AppTest, AnAcknowledgementNamesTheUserWhoMakesIt) {
  std::string id = CreateBulletin("Quota");
  ASSERT_FALSE(id.empty());
  Session counsellor = Login("counsellor");
  std::string target = "/api/v1/bulletins/" + id + "/ack";
  EXPECT_EQ(403, Do("POST", target, &counsellor, R"({"by":"Someone else"})").status);
  EXPECT_EQ(400, Do("POST", target, &counsellor, "[1]").status);
  HttpResponse ok = Do("POST", target, &counsellor, "{}");
  ASSERT_EQ(200, ok.status) << ok.body;
  auto receipts = sync::BulletinReceipts(*log_, *Hash32FromHex(id));
  ASSERT_TRUE(receipts.ok());
  bool named = false;
  for (const auto& r : *receipts) named |= r.acknowledged && r.by == "counsellor";
  EXPECT_TRUE(named) << "the acknowledgement names the logged-in user";
}

// A bulletin's page shows, centre by centre, who received its current
// version and who acknowledged it.
TEST_F(AppTest, ABulletinsPageShowsWhichCentresReceivedAndReadIt) {
  auto reading = OpenApprovedCentre("Reading centre");
  auto silent = OpenApprovedCentre("Silent centre");
  ASSERT_TRUE(reading.ok() && silent.ok());
  std::string id = CreateBulletin("Quota");
  ASSERT_FALSE(id.empty());
  mrc::testing::NodeParts& centre = **reading;
  ASSERT_TRUE(centre.log->Ingest(log_->ReadFeed(key_.public_key, 1, SIZE_MAX).value()).ok());
  ASSERT_TRUE(centre.trust->Acknowledge(id, {.by = "Amira"}).ok());
  ASSERT_TRUE(
      log_->Ingest(centre.log->ReadFeed(centre.identity.public_key, 1, SIZE_MAX).value()).ok());
  Session counsellor = Login("counsellor");
  HttpResponse page = Do("GET", "/docs/" + id, &counsellor);
  ASSERT_EQ(200, page.status);
  EXPECT_NE(std::string::npos,
            page.body.find("Of 2 centres, 1 received the current version and 1 acknowledged it."))
      << page.body;
  EXPECT_NE(std::string::npos, page.body.find("<th scope=\"row\">Reading centre</th>"));
  EXPECT_NE(std::string::npos, page.body.find(" · Amira</td>"));
  EXPECT_NE(std::string::npos,
            page.body.find("<th scope=\"row\">Silent centre</th><td>not yet</td><td>not yet</td>"));
}

// The sync page counts documents in conflict, and links to them.
TEST_F(AppTest, TheSyncPageCountsDocumentsInConflict) {
  auto opened = OpenApprovedCentre("Editing centre");
  ASSERT_TRUE(opened.ok());
  mrc::testing::NodeParts& centre = **opened;
  const Hash32 centre_key = centre.identity.public_key;
  ASSERT_TRUE(centre.log->Ingest(log_->ReadFeed(key_.public_key, 1, SIZE_MAX).value()).ok());
  auto made = doc_calls::Create(
      *centre.docs,
      json({{"kind", "faq"},
            {"content", {{"question", "Fees?"}, {"answer", "Ten."}, {"language", "en"}}}})
          .dump());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  std::string id = json::parse(*made)["id"];
  ASSERT_TRUE(log_->Ingest(centre.log->ReadFeed(centre_key, 1, SIZE_MAX).value()).ok());
  std::string v1 = json::parse(*doc_calls::Get(*docs_, id))["heads"][0];
  auto edit = [&](sync::DocService* docs, const std::string& answer) {
    return doc_calls::Update(
               *docs, id,
               json({{"base", {v1}},
                     {"content", {{"question", "Fees?"}, {"answer", answer}, {"language", "en"}}}})
                   .dump())
        .status();
  };
  ASSERT_TRUE(edit(docs_, "Twelve.").ok());
  ASSERT_TRUE(edit(centre.docs.get(), "Eleven.").ok());
  ASSERT_TRUE(log_->Ingest(centre.log->ReadFeed(centre_key, 1, SIZE_MAX).value()).ok());
  Session admin = Login("admin");
  HttpResponse page = Do("GET", "/sync", &admin);
  ASSERT_EQ(200, page.status);
  EXPECT_NE(std::string::npos,
            page.body.find("<dt>Documents in conflict</dt><dd><a href=\"/conflicts\">1</a></dd>"))
      << page.body;
}

// Nodes of mixed versions: the sync page counts what this node holds for a
// newer version, and shows why a peer of another protocol version was cut.
TEST_F(AppTest, TheSyncPageShowsEntriesForANewerVersionAndAPeersVersionError) {
  AppParts parts = PartsOfTheFixture();
  const std::string why =
      "peer (mrcnode 9.0.0) speaks peer protocol 2; this node (mrcnode 0.1.0) speaks 1: upgrade "
      "the older of the two";
  parts.status = [&] {
    NodeStatus status;
    status.digest.awaiting_upgrade = 3;
    sync::PeerLinkStatus link;
    link.address = "10.0.0.2:7400";
    link.direction = "out";
    link.last_error = why;
    status.peers.push_back(link);
    return Result<NodeStatus>(status);
  };
  App app(parts);
  Session admin = LoginAt(&app, "admin");
  HttpResponse page = DoAt(&app, "GET", "/sync", &admin);
  ASSERT_EQ(200, page.status);
  EXPECT_NE(
      std::string::npos,
      page.body.find("<dt>Entries for a newer version (applied after upgrading)</dt><dd>3</dd>"))
      << page.body;
  EXPECT_NE(std::string::npos, page.body.find("speaks peer protocol 2")) << page.body;
}

// Long work in progress: a catch-up from a peer and a search index rebuild.
TEST_F(AppTest, TheSyncPageShowsACatchUpsPositionAndRateAndARebuildsPercent) {
  AppParts parts = PartsOfTheFixture();
  parts.status = [&] {
    NodeStatus status;
    sync::PeerLinkStatus link;
    link.address = "10.0.0.2:7400";
    link.direction = "out";
    link.connected = true;
    link.stats.entries_received = 2500;
    link.stats.we_lack = 7500;
    link.stats.entries_per_second = 812.4;
    status.peers.push_back(link);
    status.search = SearchProgress{3, 9, 100, true, 400, 1600};
    return Result<NodeStatus>(status);
  };
  App app(parts);
  Session admin = LoginAt(&app, "admin");
  HttpResponse page = DoAt(&app, "GET", "/sync", &admin);
  ASSERT_EQ(200, page.status);
  EXPECT_NE(std::string::npos,
            page.body.find("Catching up: 2500 of 10000 entries (25%), 812 a second"))
      << page.body;
  EXPECT_NE(std::string::npos,
            page.body.find("Search index: rebuilding, 25% (400 of 1600 documents)"))
      << page.body;
}

TEST_F(AppTest, TheEditFormFollowsTheContentRulesNestedFieldsIncluded) {
  Session editor = Login("editor");
  // The form lists every field of the kind, nested ones spread out.
  HttpResponse form = Do("GET", "/docs/new?kind=centre", &editor);
  ASSERT_EQ(200, form.status);
  for (const char* field : {"f.name", "f.location.city", "f.location.country", "f.location.lat",
                            "f.contact.email", "f.services", "f.hours"}) {
    EXPECT_NE(std::string::npos, form.body.find(std::string("name=\"") + field + "\"")) << field;
  }
  HttpResponse bad = Do("POST", "/docs/new?kind=centre", &editor,
                        "action=save&kind=centre&f.name=MRC+Durres&f.location.city=Durres&"
                        "f.location.country=AL&f.location.lat=north");
  EXPECT_EQ(400, bad.status);
  EXPECT_NE(std::string::npos, bad.body.find("content.location.lat")) << bad.body.substr(0, 300);
  EXPECT_NE(std::string::npos, bad.body.find("value=\"MRC Durres\""))
      << "the form keeps what was typed";
  HttpResponse saved =
      Do("POST", "/docs/new?kind=centre", &editor,
         "action=save&kind=centre&f.name=MRC+Durres&f.location.city=Durres&"
         "f.location.country=AL&f.location.lat=41.32&f.services=counselling%0D%0Areferral");
  ASSERT_EQ(303, saved.status) << saved.body.substr(0, 300);
  std::string id = saved.Header("Location")->substr(6);
  json doc = json::parse(*doc_calls::Get(*docs_, id));
  EXPECT_DOUBLE_EQ(41.32, doc["content"]["location"]["lat"].get<double>());
  EXPECT_EQ(json({"counselling", "referral"}), doc["content"]["services"]);
}

// An edit saved after someone else's version arrived keeps the editor's
// text, shows the other version, and saves on the second try.
TEST_F(AppTest, AnEditThatMeetsAnotherVersionKeepsTheTextAndSavesOnTheSecondTry) {
  Session editor = Login("editor");
  std::string id = CreateFaq("Visa fees?", "Forty euros.");
  HttpResponse form = Do("GET", "/docs/" + id + "/edit", &editor);
  ASSERT_EQ(200, form.status);
  auto base_of = [](const std::string& page) {
    const std::string mark = "name=\"base\" value=\"";
    auto at = page.find(mark);
    if (at == std::string::npos) return std::string();
    at += mark.size();
    return page.substr(at, page.find('"', at) - at);
  };
  std::string opened_at = base_of(form.body);
  ASSERT_FALSE(opened_at.empty());
  // Another version arrives while the editor types.
  auto theirs = doc_calls::Update(*docs_, id,
                                  json({{"base", {opened_at}},
                                        {"content",
                                         {{"question", "Visa fees?"},
                                          {"answer", "Sixty euros since May."},
                                          {"language", "en"}}}})
                                      .dump());
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  std::string typed =
      "action=save&f.question=Visa+fees%3F&f.answer=Forty+euros%2C+paid+at+the+embassy.&"
      "f.language=en&base=" +
      opened_at;
  HttpResponse first = Do("POST", "/docs/" + id + "/edit", &editor, typed);
  EXPECT_EQ(409, first.status);
  EXPECT_NE(std::string::npos, first.body.find("Forty euros, paid at the embassy."))
      << "the editor's text is kept";
  EXPECT_NE(std::string::npos, first.body.find("Sixty euros since May."))
      << "the other version is shown";
  EXPECT_NE(std::string::npos, first.body.find("<h4>Visa fees?</h4>")) << "with its title";
  EXPECT_NE(std::string::npos, first.body.find("<li>language: en</li>")) << "and other fields";
  std::string now_at = base_of(first.body);
  EXPECT_NE(opened_at, now_at) << "the form builds on the current version";
  HttpResponse second = Do("POST", "/docs/" + id + "/edit", &editor,
                           typed.substr(0, typed.find("&base=")) + "&base=" + now_at);
  ASSERT_EQ(303, second.status) << second.body.substr(0, 400);
  json doc = json::parse(*doc_calls::Get(*docs_, id));
  EXPECT_EQ("Forty euros, paid at the embassy.", doc["content"]["answer"]);
  EXPECT_EQ(1u, doc["heads"].size());
}

// At a centre, a document headquarters wrote cannot be edited; the edit
// form offers to propose the change instead, and the proposal is listed.
TEST_F(AppTest, AnEditorAtACentreProposesAChangeToADocumentItDoesNotOwn) {
  auto opened = OpenApprovedCentre("Centre two");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  mrc::testing::NodeParts& centre = **opened;
  const sync::KeyPair& key2 = centre.identity;
  std::string id = CreateFaq("Visa fees?", "Forty euros.");
  ASSERT_TRUE(centre.log->Ingest(log_->ReadFeed(key_.public_key, 1, SIZE_MAX).value()).ok());
  ASSERT_TRUE(centre.users->Add("editor", Role::kEditor, "editor-password").ok());
  App* app = centre.app.get();
  Session editor = LoginAt(app, "editor");
  HttpResponse form = DoAt(app, "GET", "/docs/" + id + "/edit", &editor);
  ASSERT_EQ(200, form.status) << form.body.substr(0, 300);
  EXPECT_NE(std::string::npos, form.body.find("value=\"propose\""));
  std::string base = json::parse(*doc_calls::Get(*centre.docs, id))["heads"][0];
  std::string typed =
      "f.question=Visa+fees%3F&f.answer=Sixty+euros+since+May.&f.language=en&base=" + base;
  HttpResponse saved = DoAt(app, "POST", "/docs/" + id + "/edit", &editor, "action=save&" + typed);
  EXPECT_EQ(403, saved.status);
  EXPECT_NE(std::string::npos, saved.body.find("Sixty euros since May.")) << "the text is kept";
  EXPECT_NE(std::string::npos,
            saved.body.find("<button type=\"submit\" name=\"action\" value=\"propose\" "
                            "class=\"primary\">"))
      << "proposing is the way forward";
  HttpResponse proposed =
      DoAt(app, "POST", "/docs/" + id + "/edit", &editor, "action=propose&" + typed);
  ASSERT_EQ(303, proposed.status) << proposed.body.substr(0, 400);
  EXPECT_EQ("/docs/" + id + "/proposals", *proposed.Header("Location"));
  json listed = json::parse(*doc_calls::Proposals(*centre.docs, id));
  ASSERT_EQ(1u, listed["proposals"].size());
  EXPECT_EQ("open", listed["proposals"][0]["status"]);
  EXPECT_EQ("Forty euros.", json::parse(*doc_calls::Get(*centre.docs, id))["content"]["answer"])
      << "the document itself is unchanged until its owner accepts";
  // Nor does a centre offer to write bulletins, which only headquarters may.
  HttpResponse bulletins = DoAt(app, "GET", "/bulletins", &editor);
  EXPECT_EQ(std::string::npos, bulletins.body.find("/docs/new?kind=bulletin"));
  Session hq_editor = Login("editor");
  EXPECT_NE(std::string::npos,
            Do("GET", "/bulletins", &hq_editor).body.find("/docs/new?kind=bulletin"));
  // The owner sees it waiting, on the document's page.
  ASSERT_TRUE(log_->Ingest(centre.log->ReadFeed(key2.public_key, 1, SIZE_MAX).value()).ok());
  Session owner = Login("editor");
  HttpResponse page = Do("GET", "/docs/" + id, &owner);
  EXPECT_NE(std::string::npos, page.body.find("Proposed changes (1 open)"))
      << page.body.substr(0, 2000);
}

// HEAD is a GET without its body: whatever it carries, it writes nothing
// (it passes no CSRF check), and it answers wherever GET does.
TEST_F(AppTest, HeadRunsTheGetHandlerAndWritesNothing) {
  Session admin = Login("admin");
  HttpResponse users =
      Do("HEAD", "/api/v1/users", &admin,
         json({{"name", "intruder"}, {"password", "password9"}, {"role", "admin"}}).dump(),
         /*with_csrf=*/false);
  EXPECT_EQ(200, users.status);
  EXPECT_FALSE(users_->Get("intruder").ok()) << "no account was made";
  HttpResponse me = Do("HEAD", "/api/v1/me", &admin, json({{"language", "fr"}}).dump(), false);
  EXPECT_EQ(200, me.status);
  EXPECT_NE("fr", users_->Get("admin")->language);
  HttpResponse promote =
      Do("HEAD", "/api/v1/users/counsellor", &admin, json({{"role", "admin"}}).dump(), false);
  EXPECT_NE(201, promote.status);
  EXPECT_EQ(Role::kCounsellor, users_->Get("counsellor")->role);
  EXPECT_EQ(200, Do("HEAD", "/api/v1/docs", &admin).status);
  EXPECT_EQ(200, Do("HEAD", "/api/v1/openapi.json", nullptr).status);
  EXPECT_EQ(200, Do("HEAD", "/guides", &admin).status);
}

// A request body nested tens of thousands deep (well under the size
// limit) gets a 400 on every route, never a stack overflow; so does a field
// of the wrong type.
TEST_F(AppTest, ABodyNestedTooDeepOrOfTheWrongShapeGetsAClearError) {
  Session admin = Login("admin");
  std::string deep = "{\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  for (const char* target : {"/api/v1/bulletins/x/ack", "/api/v1/docs", "/api/v1/referrals",
                             "/api/v1/users", "/api/v1/members"}) {
    HttpResponse r = Do("POST", target, &admin, deep);
    EXPECT_EQ(400, r.status) << target << ": " << r.body.substr(0, 200);
  }
  EXPECT_EQ(400, Do("PUT", "/api/v1/me", &admin, deep).status);
  for (const char* label : {"5", "null", "[]"}) {
    HttpResponse r =
        Do("POST", "/api/v1/users/admin/tokens", &admin, std::string("{\"label\":") + label + "}");
    EXPECT_EQ(400, r.status) << label << ": " << r.body;
  }
}

// The Atom feed is well-formed XML whatever the text holds, and names its
// author (RFC 4287).
// Content refuses control characters (older versions stored them); what
// XML cannot carry at all, noncharacters included, never reaches the feed.
TEST_F(AppTest, TheBulletinFeedIsValidAtomWhateverTheText) {
  auto bulletin = [](const std::string& title, const std::string& summary) {
    return json({{"kind", "bulletin"},
                 {"content",
                  {{"title", title},
                   {"summary", summary},
                   {"body", "Text with\tno controls"},
                   {"effective_date", "2026-12-01"},
                   {"urgency", "high"},
                   {"language", "en"}}}})
        .dump();
  };
  auto refused = doc_calls::Create(*docs_, bulletin("New quota\x07", "Bell"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(std::string::npos, refused.status().message().find("content.title"))
      << refused.status().ToString();
  auto made = doc_calls::Create(*docs_, bulletin("New quota", "Bell and tab here\uFFFE\uFFFF"));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  Session counsellor = Login("counsellor");
  HttpResponse feed = Do("GET", "/api/v1/bulletins/feed.atom", &counsellor);
  ASSERT_EQ(200, feed.status);
  for (unsigned char c : feed.body) {
    EXPECT_TRUE(c >= 0x20 || c == '\n' || c == '\t' || c == '\r') << int(c);
  }
  EXPECT_EQ(std::string::npos, feed.body.find("\xEF\xBF\xBE"));
  EXPECT_EQ(std::string::npos, feed.body.find("\xEF\xBF\xBF"));
  EXPECT_NE(std::string::npos, feed.body.find("<author><name>"));
  EXPECT_NE(std::string::npos, feed.body.find("Bell and tab here"));
}

// A guide page exists for every country code and no other; each section
// says whether it is authoritative either way.
TEST_F(AppTest, GuidePagesAreForRealCountriesAndSayWhoseTextASectionIs) {
  Session counsellor = Login("counsellor");
  EXPECT_EQ(404, Do("GET", "/guides/ZZ", &counsellor).status);
  EXPECT_EQ(404, Do("GET", "/guides/12", &counsellor).status);
  auto made = doc_calls::Create(*docs_, json({{"kind", "guide"},
                                              {"content",
                                               {{"country", "DE"},
                                                {"topic", "study"},
                                                {"language", "en"},
                                                {"body", "Universities charge no fees."},
                                                {"verified_on", "2026-10-01"}}}})
                                            .dump());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(search_->CatchUp().ok());
  HttpResponse de = Do("GET", "/guides/de", &counsellor);
  ASSERT_EQ(200, de.status);
  EXPECT_NE(std::string::npos, de.body.find("not authoritative: a centre&#39;s own text"))
      << de.body.substr(0, 3000);
}

// Content is laid out in its own language's direction, whatever the
// interface's.
TEST_F(AppTest, ContentInAnRtlLanguageIsLaidOutRightToLeftOnAnyPage) {
  auto made = doc_calls::Create(
      *docs_,
      json({{"kind", "faq"},
            {"content",
             {{"question", "ما هي التأشيرة؟"}, {"answer", "وثيقة سفر."}, {"language", "ar"}}}})
          .dump());
  ASSERT_TRUE(made.ok());
  std::string id = json::parse(*made)["id"];
  ASSERT_TRUE(search_->CatchUp().ok());
  Session editor = Login("editor");
  HttpResponse page = Do("GET", "/docs/" + id, &editor);
  EXPECT_NE(std::string::npos, page.body.find("<html lang=\"en\" dir=\"ltr\">"));
  EXPECT_NE(std::string::npos, page.body.find("<article lang=\"ar\" dir=\"rtl\">"));
  HttpResponse preview = Do("POST", "/docs/new?kind=faq", &editor,
                            "action=preview&f.question=Q&f.answer=A&f.language=ar");
  EXPECT_NE(std::string::npos, preview.body.find("<div lang=\"ar\" dir=\"rtl\"><h3>"));
}

// A refused form keeps what was typed, passwords aside.
TEST_F(AppTest, RefusedLoginAndNewUserFormsKeepWhatWasTyped) {
  HttpResponse refused = Do("POST", "/login", nullptr, "name=editor&password=wrong-password");
  EXPECT_EQ(401, refused.status);
  EXPECT_NE(std::string::npos,
            refused.body.find("name=\"name\" required autocomplete=\"username\" "
                              "autocapitalize=\"none\" autofocus value=\"editor\""))
      << refused.body;
  Session admin = Login("admin");
  HttpResponse taken =
      Do("POST", "/admin/users", &admin, "name=editor&role=admin&password=long-enough-password");
  EXPECT_EQ(409, taken.status);
  EXPECT_NE(std::string::npos, taken.body.find("value=\"editor\"></div>"));
  EXPECT_NE(std::string::npos, taken.body.find("<option value=\"admin\" selected>"));
  // A login page answering another form's post (the session expired) is
  // not filled from that form.
  HttpResponse expired = Do("POST", "/admin/users", nullptr, "name=newuser&role=admin");
  EXPECT_EQ(401, expired.status);
  EXPECT_EQ(std::string::npos, expired.body.find("value=\"newuser\""));
}

// Form fields are text: bytes that are not UTF-8 get a page saying so.
TEST_F(AppTest, AFormFieldThatIsNotUtf8GetsAClearError) {
  Session editor = Login("editor");
  HttpResponse r = Do("POST", "/docs/new?kind=faq", &editor,
                      "action=save&kind=faq&f.question=%FF%FE&f.answer=x&f.language=en");
  EXPECT_EQ(400, r.status);
  EXPECT_EQ(0u, r.content_type.rfind("text/html", 0)) << r.content_type;
  EXPECT_NE(std::string::npos, r.body.find("UTF-8"));
}

TEST_F(AppTest, PathTraversalFindsNothing) {
  Session admin = Login("admin");
  for (const char* target :
       {"/static/../CMakeLists.txt", "/static/%2e%2e/CMakeLists.txt", "/static/..%2fapi.cc",
        "/static/assets/style.css", "/static//etc/passwd", "/static/", "/docs/../../etc/passwd",
        "/docs/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/guides/../../etc"}) {
    HttpResponse r = Do("GET", target, &admin);
    EXPECT_EQ(404, r.status) << target << ": " << r.body.substr(0, 100);
  }
}

TEST_F(AppTest, EveryResponseCarriesSecurityHeaders) {
  Session counsellor = Login("counsellor");
  for (const char* target : {"/", "/login", "/faq", "/static/app.js", "/api/v1/docs", "/nope"}) {
    HttpResponse r = Do("GET", target, target == std::string("/login") ? nullptr : &counsellor);
    EXPECT_NE(nullptr, r.Header("Content-Security-Policy")) << target;
    EXPECT_NE(nullptr, r.Header("X-Content-Type-Options")) << target;
    EXPECT_NE(nullptr, r.Header("Referrer-Policy")) << target;
  }
  HttpResponse page = Do("GET", "/", &counsellor);
  const std::string* csp = page.Header("Content-Security-Policy");
  ASSERT_NE(nullptr, csp);
  EXPECT_NE(std::string::npos, csp->find("script-src 'self'"));
  EXPECT_EQ(std::string::npos, csp->find("unsafe"));
  EXPECT_NE(nullptr, page.Header("X-Frame-Options"));
  // Same-origin (not no-referrer): browsers then send the page's real Origin
  // with its forms, which the CSRF check needs.
  EXPECT_EQ("same-origin", *page.Header("Referrer-Policy"));
}

TEST_F(AppTest, LoginNeverRedirectsToAnotherSite) {
  for (const char* next : {"//evil.example/", "https://evil.example/", "/\\evil.example", "evil",
                           "/%09/evil.example"}) {
    HttpRequest r;
    r.method = "POST";
    r.target = std::string("/login?next=") + next;
    r.headers["content-type"] = "application/x-www-form-urlencoded";
    r.body = "name=admin&password=admin-password";
    HttpResponse res = app_->Handle(r);
    ASSERT_EQ(303, res.status) << next;
    EXPECT_EQ("/", *res.Header("Location")) << next;
  }
}

TEST_F(AppTest, ARoleOrPasswordChangeEndsTheUsersSessions) {
  Session editor = Login("editor");
  EXPECT_EQ(200, Do("GET", "/api/v1/me", &editor).status);
  ASSERT_TRUE(users_->SetRole("editor", Role::kCounsellor).ok());
  EXPECT_EQ(401, Do("GET", "/api/v1/me", &editor).status);
  Session again = Login("editor");
  ASSERT_TRUE(users_->SetPassword("editor", "editor-password").ok());
  EXPECT_EQ(401, Do("GET", "/api/v1/me", &again).status);
}

TEST_F(AppTest, TheInterfaceFollowsTheUserOrTheBrowsersLanguage) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/login";
  r.headers["accept-language"] = "ar-EG,ar;q=0.9,en;q=0.5";
  HttpResponse ar = app_->Handle(r);
  EXPECT_NE(std::string::npos, ar.body.find("<html lang=\"ar\" dir=\"rtl\">"));
  r.headers["accept-language"] = "de-DE, fr;q=0.8";
  EXPECT_NE(std::string::npos, app_->Handle(r).body.find("<html lang=\"fr\" dir=\"ltr\">"));
  ASSERT_TRUE(users_->SetLanguage("counsellor", "ru").ok());
  Session s = Login("counsellor");
  HttpResponse page = Do("GET", "/", &s);
  EXPECT_NE(std::string::npos, page.body.find("<html lang=\"ru\" dir=\"ltr\">"));
}

}  // namespace
}  // namespace mrc::web
