// Review dates and who signed what, through the App on 2027-03-01 (a
// manual clock): the marks on a document's page, in the API and in search
// results, the editors' review page, "reviewed, still correct" by form and
// API with its refusals, and the staff member's name on each version.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "config/foundation/clock.h"
#include "sync/trust/trust_service.h"
#include "tests/support/node_parts.h"
#include "tests/web/app/login_calls.h"
#include "tests/web/doc_calls.h"
#include "web/app/app.h"

namespace mrc::web {
namespace {

using nlohmann::json;

constexpr std::uint64_t kMarch1st2027 = 1803902400000;  // 2027-03-01T12:00:00Z

class ReviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mrc-review-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    network_.fill(7);
    ASSERT_TRUE(sync::InitCrypto().ok());
    key_ = sync::GenerateKeyPair();
    std::filesystem::create_directories(dir_ + "/hq");
    auto node = mrc::testing::NodeParts::Open(dir_ + "/hq", key_, network_, key_.public_key);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(node).value();
    app_ = WithClock(*node_);
    ASSERT_TRUE(node_->users->Add("editor", Role::kEditor, "editor-password", "Amina Haddad").ok());
    ASSERT_TRUE(node_->users->Add("counsellor", Role::kCounsellor, "counsellor-password").ok());
  }
  void TearDown() override {
    app_.reset();
    centre_app_.reset();
    centre_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  // An App over `n` whose "today" is the test's.
  std::unique_ptr<App> WithClock(mrc::testing::NodeParts& n) {
    n.docs->SetClock(&clock_);
    AppParts parts = n.Parts();
    parts.clock = &clock_;
    return std::make_unique<App>(parts);
  }

  using Session = login_calls::Session;
  Session Login(App* app, const std::string& user) { return login_calls::ApiLogin(app, user); }
  Session Login(const std::string& user) { return Login(app_.get(), user); }

  HttpResponse Do(const std::string& method, const std::string& target, const Session& s,
                  std::string body = "", bool with_csrf = true, App* app = nullptr) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.remote = "127.0.0.1:5000";
    r.headers["host"] = "127.0.0.1:8080";
    r.headers["cookie"] = s.cookie;
    if (target.rfind("/api/", 0) == 0) {
      if (method != "GET") r.headers["content-type"] = "application/json";
      if (with_csrf) r.headers["x-csrf-token"] = s.csrf;
    } else if (method == "POST") {
      r.headers["content-type"] = "application/x-www-form-urlencoded";
      if (with_csrf) body = "csrf=" + s.csrf + (body.empty() ? "" : "&" + body);
    }
    r.body = std::move(body);
    return (app ? app : app_.get())->Handle(r);
  }

  std::string Create(const std::string& kind, const json& content) {
    auto r = doc_calls::Create(*node_->docs, json{{"kind", kind}, {"content", content}}.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r)["id"].get<std::string>() : "";
  }
  std::string Faq(const std::string& question, const json& extra = json::object()) {
    json c = {{"question", question}, {"answer", "Ask at the office."}, {"language", "en"}};
    c.update(extra);
    return Create("faq", c);
  }
  std::string Bulletin() {
    return Create("bulletin", {{"title", "New quota"},
                               {"body", "From May."},
                               {"effective_date", "2027-01-01"},
                               {"urgency", "high"},
                               {"language", "en"}});
  }

  std::string dir_;
  Hash32 network_{};
  sync::KeyPair key_;
  ManualClock clock_{kMarch1st2027};
  std::unique_ptr<mrc::testing::NodeParts> node_, centre_;
  std::unique_ptr<App> app_, centre_app_;
};

TEST_F(ReviewTest, TheDocumentPageAndTheApiShowTheReviewState) {
  std::string overdue = Faq("Old visa rules?", {{"verified_on", "2025-01-01"}});
  std::string fresh = Faq("New visa rules?", {{"verified_on", "2027-02-15"}});
  std::string bulletin = Bulletin();
  Session counsellor = Login("counsellor");
  HttpResponse page = Do("GET", "/docs/" + overdue, counsellor);
  ASSERT_EQ(200, page.status);
  EXPECT_NE(std::string::npos, page.body.find("Review due</dt><dd>2026-01-01"));
  EXPECT_NE(std::string::npos, page.body.find("class=\"badge overdue\">overdue"));
  EXPECT_EQ(std::string::npos, page.body.find("/reviewed\"")) << "a counsellor cannot mark it";
  HttpResponse fresh_page = Do("GET", "/docs/" + fresh, counsellor);
  EXPECT_NE(std::string::npos, fresh_page.body.find("Review due</dt><dd>2028-02-15"));
  EXPECT_EQ(std::string::npos, fresh_page.body.find("badge overdue"));
  Session editor = Login("editor");
  EXPECT_NE(
      std::string::npos,
      Do("GET", "/docs/" + overdue, editor).body.find("action=\"/docs/" + overdue + "/reviewed\""));

  json doc = json::parse(Do("GET", "/api/v1/docs/" + overdue, counsellor).body);
  EXPECT_EQ(json({{"verified_on", "2025-01-01"},
                  {"verified_by", ""},
                  {"due", "2026-01-01"},
                  {"overdue", true}}),
            doc["review"]);
  EXPECT_EQ(false,
            json::parse(Do("GET", "/api/v1/docs/" + fresh, counsellor).body)["review"]["overdue"]);
  EXPECT_FALSE(
      json::parse(Do("GET", "/api/v1/docs/" + bulletin, counsellor).body).contains("review"));
}

TEST_F(ReviewTest, ReviewedStillCorrectIsOneSignedClick) {
  std::string id = Faq("Old visa rules?", {{"verified_on", "2025-01-01"}});
  Session editor = Login("editor");
  HttpResponse clicked = Do("POST", "/docs/" + id + "/reviewed", editor);
  ASSERT_EQ(303, clicked.status) << clicked.body.substr(0, 300);
  EXPECT_EQ("/docs/" + id, *clicked.Header("Location"));
  json doc = json::parse(Do("GET", "/api/v1/docs/" + id, editor).body);
  EXPECT_EQ("2027-03-01", doc["content"]["verified_on"]);
  EXPECT_EQ("Amina Haddad", doc["content"]["verified_by"]);
  EXPECT_EQ("Amina Haddad", doc["content"]["edited_by"]);
  EXPECT_EQ("2028-03-01", doc["review"]["due"]);
  EXPECT_EQ(false, doc["review"]["overdue"]);
  EXPECT_EQ(2, doc["versions"]);

  // The API's click, by the same rules.
  HttpResponse api = Do("POST", "/api/v1/docs/" + id + "/reviewed", editor, "{}");
  ASSERT_EQ(200, api.status) << api.body;
  EXPECT_EQ(3, json::parse(api.body)["versions"]);
  // The history names the person and the centre.
  HttpResponse history = Do("GET", "/docs/" + id + "/history", editor);
  EXPECT_NE(std::string::npos, history.body.find("Amina Haddad, ")) << history.body;
}

TEST_F(ReviewTest, ReviewedStillCorrectRefusals) {
  std::string id = Faq("Old visa rules?", {{"verified_on", "2025-01-01"}});
  std::string bulletin = Bulletin();
  Session editor = Login("editor");
  Session counsellor = Login("counsellor");
  std::string none(64, 'a');
  EXPECT_EQ(403, Do("POST", "/docs/" + id + "/reviewed", editor, "", false).status);
  EXPECT_EQ(403, Do("POST", "/docs/" + id + "/reviewed", counsellor).status);
  EXPECT_EQ(404, Do("POST", "/docs/nothex/reviewed", editor).status);
  EXPECT_EQ(404, Do("POST", "/docs/" + none + "/reviewed", editor).status);
  EXPECT_EQ(400, Do("POST", "/docs/" + bulletin + "/reviewed", editor).status);
  EXPECT_EQ(400, Do("POST", "/api/v1/docs/" + id + "/reviewed", editor, R"({"by":"x"})").status);
  EXPECT_EQ(400, Do("POST", "/api/v1/docs/" + id + "/reviewed", editor, "[1]").status);
  EXPECT_EQ(400, Do("POST", "/api/v1/docs/" + bulletin + "/reviewed", editor, "{}").status);
  EXPECT_EQ(403, Do("POST", "/api/v1/docs/" + id + "/reviewed", counsellor, "{}").status);
  EXPECT_EQ(404, Do("POST", "/api/v1/docs/" + none + "/reviewed", editor, "{}").status);
  EXPECT_EQ(1, json::parse(Do("GET", "/api/v1/docs/" + id, editor).body)["versions"]);

  // An editor at a centre that does not own the document is told to propose.
  std::filesystem::create_directories(dir_ + "/centre");
  auto centre = mrc::testing::NodeParts::Open(dir_ + "/centre", sync::GenerateKeyPair(), network_,
                                              key_.public_key);
  ASSERT_TRUE(centre.ok()) << centre.status().ToString();
  centre_ = std::move(centre).value();
  std::string request = centre_->trust->EnrolmentRequestText(network_, "Centre two", "", "");
  ASSERT_TRUE(node_->trust->Approve({.request = request}).ok());
  ASSERT_TRUE(
      centre_->log->Ingest(node_->log->ReadFeed(key_.public_key, 1, SIZE_MAX).value()).ok());
  ASSERT_TRUE(centre_->users->Add("editor", Role::kEditor, "editor-password").ok());
  centre_app_ = WithClock(*centre_);
  Session other = Login(centre_app_.get(), "editor");
  HttpResponse refused =
      Do("POST", "/docs/" + id + "/reviewed", other, "", true, centre_app_.get());
  EXPECT_EQ(403, refused.status);
  EXPECT_NE(std::string::npos, refused.body.find("propose a change instead")) << refused.body;
}

TEST_F(ReviewTest, TheReviewPageListsOverdueAndSoonDueOldestFirst) {
  Faq("Fresh answer?", {{"verified_on", "2027-02-15"}});
  Faq("Soon due answer?", {{"review_due", "2027-03-20"}});
  Faq("Oldest answer?", {{"verified_on", "2025-01-01"}});
  // Visas are reviewed every 6 months: due 2026-07-01.
  Create("guide", {{"country", "DE"},
                   {"topic", "visas-and-embassy"},
                   {"language", "en"},
                   {"body", "Apply at the embassy."},
                   {"verified_on", "2026-01-01"}});
  ASSERT_TRUE(node_->search->CatchUp().ok());
  Session editor = Login("editor");
  HttpResponse page = Do("GET", "/review", editor);
  ASSERT_EQ(200, page.status);
  const std::string& b = page.body;
  EXPECT_NE(std::string::npos, b.find("2 overdue, 1 due by 2027-04-01")) << b;
  EXPECT_EQ(std::string::npos, b.find("Fresh answer?"));
  std::size_t oldest = b.find("Oldest answer?"), guide = b.find("Germany — "),
              soon = b.find("Soon due answer?");
  ASSERT_NE(std::string::npos, oldest);
  ASSERT_NE(std::string::npos, guide);
  ASSERT_NE(std::string::npos, soon);
  EXPECT_LT(oldest, guide);
  EXPECT_LT(guide, soon);
  // The guide's page marks the overdue section too.
  HttpResponse guide_page = Do("GET", "/guides/DE", editor);
  EXPECT_NE(std::string::npos, guide_page.body.find("badge overdue")) << guide_page.body;
  // Narrowed to a country.
  HttpResponse germany = Do("GET", "/review?country=DE", editor);
  EXPECT_NE(std::string::npos, germany.body.find("1 overdue, 0 due by"));
  EXPECT_EQ(std::string::npos, germany.body.find("Oldest answer?"));
  EXPECT_EQ(403, Do("GET", "/review", Login("counsellor")).status);
}

TEST_F(ReviewTest, SearchMarksOverdueContentAndRanksItALittleLower) {
  // Two pairs of equal matches, made in both orders: between equals the
  // index's order decides, so it is the review date that puts the current
  // one first in both.
  std::string overdue = Faq("Zanzibarite permit renewal?", {{"verified_on", "2025-01-01"}});
  std::string fresh = Faq("Zanzibarite permit renewal?", {{"verified_on", "2027-02-15"}});
  std::string fresh2 = Faq("Quokkanite permit renewal?", {{"verified_on", "2027-02-15"}});
  std::string overdue2 = Faq("Quokkanite permit renewal?", {{"verified_on", "2025-01-01"}});
  ASSERT_TRUE(node_->search->CatchUp().ok());
  Session counsellor = Login("counsellor");
  json answer = json::parse(Do("GET", "/api/v1/search?q=zanzibarite+permit", counsellor).body);
  ASSERT_EQ(2u, answer["hits"].size());
  EXPECT_EQ(fresh, answer["hits"][0]["id"]);
  EXPECT_EQ(false, answer["hits"][0]["review"]["overdue"]);
  EXPECT_EQ(overdue, answer["hits"][1]["id"]);
  EXPECT_EQ(true, answer["hits"][1]["review"]["overdue"]);
  EXPECT_EQ("2026-01-01", answer["hits"][1]["review"]["due"]);
  json answer2 = json::parse(Do("GET", "/api/v1/search?q=quokkanite+permit", counsellor).body);
  ASSERT_EQ(2u, answer2["hits"].size());
  EXPECT_EQ(fresh2, answer2["hits"][0]["id"]);
  EXPECT_EQ(overdue2, answer2["hits"][1]["id"]);
  HttpResponse page = Do("GET", "/?q=zanzibarite", counsellor);
  EXPECT_NE(std::string::npos, page.body.find("badge overdue")) << page.body;
  // A day on, what was due yesterday is overdue.
  std::string due_today = Faq("Zanzibarite due today?", {{"review_due", "2027-03-01"}});
  ASSERT_TRUE(node_->search->CatchUp().ok());
  auto overdue_of = [&](const std::string& id) {
    json a = json::parse(Do("GET", "/api/v1/search?q=zanzibarite", counsellor).body);
    for (const auto& h : a["hits"])
      if (h["id"] == id) return h["review"]["overdue"].get<bool>();
    return false;
  };
  EXPECT_FALSE(overdue_of(due_today));
  clock_.Advance(24ull * 3600 * 1000);
  EXPECT_TRUE(overdue_of(due_today));
}

TEST_F(ReviewTest, EachVersionNamesTheStaffMemberWhoSignedIt) {
  Session editor = Login("editor");
  HttpResponse created = Do(
      "POST", "/api/v1/docs", editor,
      json{{"kind", "faq"},
           {"content",
            {{"question", "Q?"}, {"answer", "A."}, {"language", "en"}, {"edited_by", "Mallory"}}}}
          .dump());
  ASSERT_EQ(201, created.status) << created.body;
  json doc = json::parse(created.body);
  EXPECT_EQ("Amina Haddad", doc["content"]["edited_by"]);
  // The edit form has no such field; a changed name is no diff line.
  HttpResponse form = Do("GET", "/docs/" + doc["id"].get<std::string>() + "/edit", editor);
  EXPECT_EQ(std::string::npos, form.body.find("f.edited_by"));
  ASSERT_TRUE(node_->users->SetDisplayName("editor", "Amina H.").ok());
  Session renamed = Login("editor");
  std::string id = doc["id"];
  HttpResponse updated =
      Do("PUT", "/api/v1/docs/" + id, renamed,
         json{{"content", {{"question", "Q?"}, {"answer", "B."}, {"language", "en"}}}}.dump());
  ASSERT_EQ(200, updated.status) << updated.body;
  EXPECT_EQ("Amina H.", json::parse(updated.body)["content"]["edited_by"]);
  HttpResponse history = Do("GET", "/docs/" + id + "/history", renamed);
  EXPECT_NE(std::string::npos, history.body.find("Amina H., "));
  EXPECT_EQ(std::string::npos, history.body.find("edited_by: ")) << history.body;
  // The name is checked, and shown by the users API.
  EXPECT_FALSE(node_->users->SetDisplayName("editor", "two\nlines").ok());
  EXPECT_FALSE(node_->users->SetDisplayName("editor", std::string(101, 'x')).ok());
  Session admin_less = Login("counsellor");
  json me = json::parse(Do("GET", "/api/v1/me", admin_less).body);
  EXPECT_EQ("counsellor", me["display_name"]) << "the login name when none is set";
}

}  // namespace
}  // namespace mrc::web
