// The review intervals through the App: the JSON API (who may read and set
// them, and every refusal as a 4xx) and the page with its form; and a guide
// section's page flagged by a bulletin that names it.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "sync/content/doc_service.h"
#include "sync/crypto/crypto.h"
#include "sync/log/log.h"
#include "sync/trust/trust_service.h"
#include "tests/support/node_parts.h"
#include "tests/support/temp_dir.h"
#include "tests/web/app/login_calls.h"
#include "web/app/app.h"
#include "web/users/users.h"

namespace mrc::web {
namespace {

using nlohmann::json;
using NodeParts = mrc::testing::NodeParts;

constexpr const char* kPath = "/api/v1/settings/review-intervals";

// A logged-in user of one node's App.
struct Session {
  App* app;
  std::string cookie, csrf;
};

class SettingsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    network_.fill(6);
    root_ = sync::GenerateKeyPair();
    hq_ = Open("hq", root_);
    centre_ = Open("centre", sync::GenerateKeyPair());
    // The centre approved by headquarters, and knowing it.
    std::string request = centre_->trust->EnrolmentRequestText(network_, "centre", "", "");
    ASSERT_TRUE(hq_->trust->Approve({.request = request}).ok());
    SyncToCentre();
  }

  std::unique_ptr<NodeParts> Open(const std::string& name, const sync::KeyPair& key) {
    std::filesystem::create_directories(dir_.Sub(name));
    auto n = NodeParts::Open(dir_.Sub(name), key, network_, root_.public_key);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    for (const char* role : {"counsellor", "editor", "admin"})
      EXPECT_TRUE((*n)->users->Add(role, *ParseRole(role), std::string(role) + "-password").ok());
    return std::move(n).value();
  }
  void SyncToCentre() {
    auto feed = hq_->log->ReadFeed(root_.public_key, 1, SIZE_MAX);
    ASSERT_TRUE(feed.ok());
    ASSERT_TRUE(centre_->log->Ingest(*feed).ok());
  }

  Session Login(NodeParts& n, const std::string& user) {
    login_calls::Session in = login_calls::ApiLogin(n.app.get(), user);
    return {n.app.get(), in.cookie, in.csrf};
  }
  // A request as a browser (a form) or an API client (JSON) sends it.
  HttpResponse Do(const Session& s, const std::string& method, const std::string& target,
                  std::string body = "", const char* type = "application/json") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.remote = "127.0.0.1:5000";
    r.headers["host"] = "127.0.0.1:8080";
    r.headers["cookie"] = s.cookie;
    if (method != "GET") {
      r.headers["content-type"] = type;
      if (target.rfind("/api/", 0) == 0)
        r.headers["x-csrf-token"] = s.csrf;
      else
        body = "csrf=" + s.csrf + (body.empty() ? "" : "&" + body);
    }
    r.body = body;
    return s.app->Handle(r);
  }

  mrc::testing::TempDir dir_;
  Hash32 network_{};
  sync::KeyPair root_;
  std::unique_ptr<NodeParts> hq_, centre_;
};

TEST_F(SettingsApiTest, HeadquartersSetsTheIntervalsAndEveryoneReadsThem) {
  Session admin = Login(*hq_, "admin");
  HttpResponse r = Do(admin, "GET", kPath);
  ASSERT_EQ(200, r.status) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ("default", j["source"]);
  EXPECT_EQ(6, j["value"]["guide_topics"]["legislation"]);

  json value = {{"faq", 12},
                {"guide", 12},
                {"centre", 24},
                {"guide_topics", {{"visas-and-embassy", 3}, {"citizenship", 12}}}};
  r = Do(admin, "PUT", kPath, value.dump());
  ASSERT_EQ(200, r.status) << r.body;
  j = json::parse(r.body);
  EXPECT_EQ("network", j["source"]);
  EXPECT_EQ(value, j["value"]);
  EXPECT_EQ(ToHex(root_.public_key), j["author"]);
  EXPECT_EQ(1u, j["history"].size());

  // It reaches the centre, whose editors read it.
  SyncToCentre();
  Session editor = Login(*centre_, "editor");
  r = Do(editor, "GET", kPath);
  ASSERT_EQ(200, r.status) << r.body;
  EXPECT_EQ(3, json::parse(r.body)["value"]["guide_topics"]["visas-and-embassy"]);
}

TEST_F(SettingsApiTest, RefusalsAreClear4xx) {
  Session admin = Login(*hq_, "admin");
  auto code = [&](const Session& s, const std::string& method, const std::string& body,
                  const char* type = "application/json") {
    HttpResponse r = Do(s, method, kPath, body, type);
    return std::to_string(r.status) +
           (r.status >= 400 ? " " + json::parse(r.body)["error"]["message"].get<std::string>()
                            : "");
  };
  EXPECT_EQ("400 faq: months must be from 0 to 120, not 121",
            code(admin, "PUT", R"({"faq":121,"guide":1,"centre":1})"));
  EXPECT_EQ("400 unknown key 'bulletin'",
            code(admin, "PUT", R"({"faq":1,"guide":1,"centre":1,"bulletin":2})"));
  EXPECT_EQ("400 guide_topics: unknown topic 'weather'",
            code(admin, "PUT", R"({"faq":1,"guide":1,"centre":1,"guide_topics":{"weather":2}})"));
  EXPECT_EQ("400 the body must be a JSON object", code(admin, "PUT", "[1]"));
  EXPECT_EQ("400 the body must be a JSON object", code(admin, "PUT", "{"));
  EXPECT_EQ(415, Do(admin, "PUT", kPath, "{}", "text/plain").status);
  // Only admins set them; counsellors do not read them.
  EXPECT_EQ(403,
            Do(Login(*hq_, "editor"), "PUT", kPath, R"({"faq":1,"guide":1,"centre":1})").status);
  EXPECT_EQ(403, Do(Login(*hq_, "counsellor"), "GET", kPath).status);
  // A centre's admin: refused with the reason every node would give.
  std::string refused = code(Login(*centre_, "admin"), "PUT", R"({"faq":1,"guide":1,"centre":1})");
  EXPECT_EQ(0u, refused.rfind("403 not-authorised: ", 0)) << refused;
  EXPECT_NE(std::string::npos, refused.find("only headquarters sets network settings")) << refused;
  // Nothing was set by any of them.
  EXPECT_EQ("default", json::parse(Do(admin, "GET", kPath).body)["source"]);
}

TEST_F(SettingsApiTest, ThePageShowsTheIntervalsAndHeadquartersAdminsSetThem) {
  Session admin = Login(*hq_, "admin");
  HttpResponse r = Do(admin, "GET", "/admin/review-intervals");
  ASSERT_EQ(200, r.status);
  EXPECT_NE(std::string::npos, r.body.find("name=\"topic.visas-and-embassy\""));
  EXPECT_NE(std::string::npos, r.body.find("name=\"csrf\""));
  EXPECT_NE(std::string::npos, r.body.find("id=\"intervals-source\""));

  r = Do(admin, "POST", "/admin/review-intervals",
         "faq=6&guide=12&centre=24&topic.visas-and-embassy=3&topic.citizenship=",
         "application/x-www-form-urlencoded");
  ASSERT_EQ(303, r.status) << r.body;
  json j = json::parse(Do(admin, "GET", kPath).body);
  EXPECT_EQ(6, j["value"]["faq"]);
  EXPECT_EQ(json({{"visas-and-embassy", 3}}), j["value"]["guide_topics"]);

  // A value the rules refuse: the page again, with the reason.
  r = Do(admin, "POST", "/admin/review-intervals", "faq=500&guide=12&centre=24",
         "application/x-www-form-urlencoded");
  EXPECT_EQ(400, r.status);
  EXPECT_NE(std::string::npos, r.body.find("faq: months must be from 0 to 120, not 500"));
  r = Do(admin, "POST", "/admin/review-intervals", "faq=six&guide=12&centre=24",
         "application/x-www-form-urlencoded");
  EXPECT_EQ(400, r.status);

  // Without the CSRF token: refused.
  HttpRequest forged;
  forged.method = "POST";
  forged.target = "/admin/review-intervals";
  forged.remote = "127.0.0.1:5000";
  forged.headers["host"] = "127.0.0.1:8080";
  forged.headers["cookie"] = admin.cookie;
  forged.headers["content-type"] = "application/x-www-form-urlencoded";
  forged.body = "faq=1&guide=1&centre=1";
  EXPECT_EQ(403, hq_->app->Handle(forged).status);

  // At a centre, editors read it with no form; its admin posts in vain.
  SyncToCentre();
  Session editor = Login(*centre_, "editor");
  r = Do(editor, "GET", "/admin/review-intervals");
  ASSERT_EQ(200, r.status);
  EXPECT_EQ(std::string::npos, r.body.find("<form method=\"post\" action=\"/admin/review"));
  EXPECT_NE(std::string::npos, r.body.find("value=\"6\""));
  r = Do(Login(*centre_, "admin"), "POST", "/admin/review-intervals", "faq=1&guide=1&centre=1",
         "application/x-www-form-urlencoded");
  EXPECT_EQ(403, r.status);
}

TEST_F(SettingsApiTest, AGuideSectionShowsTheBulletinsThatChangedIt) {
  auto create = [&](const std::string& kind, const json& content) {
    sync::CreateDocRequest req;
    req.kind = kind;
    req.content = content.dump();
    auto saved = hq_->docs->Create(req);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? saved->id : "";
  };
  std::string section = create("guide", {{"country", "DE"},
                                         {"topic", "visas-and-embassy"},
                                         {"language", "en"},
                                         {"body", "Apply at the embassy."},
                                         {"verified_on", "2026-01-10"}});
  Session counsellor = Login(*hq_, "counsellor");
  HttpResponse r = Do(counsellor, "GET", "/docs/" + section);
  ASSERT_EQ(200, r.status);
  EXPECT_EQ(std::string::npos, r.body.find("id=\"bulletin-flags\""));

  std::string bulletin = create("bulletin", {{"title", "Visa fees <doubled>"},
                                             {"body", "New fees."},
                                             {"effective_date", "2026-03-01"},
                                             {"urgency", "high"},
                                             {"language", "en"},
                                             {"guide_sections", {section}}});
  r = Do(counsellor, "GET", "/docs/" + section);
  ASSERT_EQ(200, r.status);
  EXPECT_NE(std::string::npos, r.body.find("id=\"bulletin-flags\""));
  EXPECT_NE(std::string::npos,
            r.body.find("<a href=\"/docs/" + bulletin + "\">Visa fees &lt;doubled&gt;</a>"));
}

}  // namespace
}  // namespace mrc::web
