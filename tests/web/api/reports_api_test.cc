// The problem report routes through the App: a report made at a centre on
// headquarters' document, the owner's list and reply, the pages' form and
// the problems page, and every bad request answered with a 4xx and its
// reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "sync/crypto/crypto.h"
#include "tests/support/node_parts.h"
#include "tests/support/temp_dir.h"
#include "tests/web/app/login_calls.h"
#include "tests/web/doc_calls.h"
#include "web/users/users.h"

namespace mrc::web {
namespace {

using mrc::testing::NodeParts;
using mrc::testing::TempDir;
using nlohmann::json;

constexpr const char* kForm = "application/x-www-form-urlencoded";

using login_calls::Session;

class ReportsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sync::InitCrypto().ok());
    network_.fill(9);
    key_ = sync::GenerateKeyPair();
    std::filesystem::create_directories(tmp_.Sub("hq"));
    std::filesystem::create_directories(tmp_.Sub("centre"));
    hq_ = NodeParts::Open(tmp_.Sub("hq"), key_, network_, key_.public_key).value();
    centre_ =
        NodeParts::Open(tmp_.Sub("centre"), sync::GenerateKeyPair(), network_, key_.public_key)
            .value();
    std::string request = centre_->trust->EnrolmentRequestText(network_, "Tirana centre", "", "");
    ASSERT_TRUE(hq_->trust->Approve({.request = request}).ok());
    for (NodeParts* n : {hq_.get(), centre_.get()}) {
      for (const char* role : {"counsellor", "editor"})
        ASSERT_TRUE(n->users->Add(role, *ParseRole(role), std::string(role) + "-password").ok());
    }
    json faq = {
        {"kind", "faq"},
        {"content", {{"question", "Visa fees?"}, {"answer", "50 EUR."}, {"language", "en"}}}};
    doc_ = json::parse(doc_calls::Create(*hq_->docs, faq.dump()).value())["id"];
    Exchange();
  }

  // Each node gets the other's entries.
  void Exchange() {
    ASSERT_TRUE(
        centre_->log->Ingest(hq_->log->ReadFeed(key_.public_key, 1, SIZE_MAX).value()).ok());
    ASSERT_TRUE(
        hq_->log->Ingest(centre_->log->ReadFeed(centre_->identity.public_key, 1, SIZE_MAX).value())
            .ok());
  }

  static Session Login(NodeParts& n, const std::string& user) {
    return login_calls::ApiLogin(n.app.get(), user);
  }

  static HttpResponse Do(NodeParts& n, const std::string& method, const std::string& target,
                         const Session& s, std::string body = "",
                         std::string type = "application/json") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.remote = "127.0.0.1:5000";
    r.headers["host"] = "127.0.0.1:8080";
    r.headers["cookie"] = s.cookie;
    if (method != "GET") {
      r.headers["content-type"] = type;
      if (type != kForm)
        r.headers["x-csrf-token"] = s.csrf;
      else
        body = "csrf=" + s.csrf + (body.empty() ? "" : "&" + body);
    }
    r.body = body;
    return n.app->Handle(r);
  }

  TempDir tmp_;
  Hash32 network_{};
  sync::KeyPair key_;
  std::unique_ptr<NodeParts> hq_, centre_;
  std::string doc_;
};

TEST_F(ReportsApiTest, AReportReachesTheOwnerWhoRepliesAndClosesIt) {
  Session counsellor = Login(*centre_, "counsellor");
  HttpResponse made = Do(*centre_, "POST", "/api/v1/docs/" + doc_ + "/reports", counsellor,
                         R"({"category":"outdated","note":"Fees rose to 60 EUR."})");
  ASSERT_EQ(201, made.status) << made.body;
  json report = json::parse(made.body);
  EXPECT_EQ("open", report["status"]);
  EXPECT_EQ("counsellor", report["by"]);
  EXPECT_EQ("Tirana centre", report["centre"]["name"]);
  EXPECT_FALSE(report["can_reply"].get<bool>());
  std::string id = report["id"];
  Exchange();

  Session editor = Login(*hq_, "editor");
  HttpResponse list = Do(*hq_, "GET", "/api/v1/reports?status=open", editor);
  ASSERT_EQ(200, list.status) << list.body;
  json l = json::parse(list.body);
  EXPECT_EQ(1, l["total"]);
  EXPECT_EQ(1, l["categories"]["outdated"]);
  EXPECT_EQ(doc_, l["documents"][0]["doc"]);
  EXPECT_EQ(id, l["reports"][0]["id"]);

  HttpResponse replied = Do(*hq_, "POST", "/api/v1/reports/" + id + "/reply", editor,
                            R"({"reply":"Updated, thanks.","close":true})");
  ASSERT_EQ(200, replied.status) << replied.body;
  EXPECT_EQ("closed", json::parse(replied.body)["status"]);
  EXPECT_EQ("editor", json::parse(replied.body)["replies"][0]["by"]);
  Exchange();
  HttpResponse at_centre =
      Do(*centre_, "GET", "/api/v1/docs/" + doc_ + "/reports?status=all", counsellor);
  ASSERT_EQ(200, at_centre.status);
  EXPECT_EQ("closed", json::parse(at_centre.body)["reports"][0]["status"]);
  EXPECT_EQ("reply", json::parse(at_centre.body)["reports"][0]["closed_by"]);
}

TEST_F(ReportsApiTest, BadRequestsGetA4xxWithTheReason) {
  Session counsellor = Login(*centre_, "counsellor");
  Session editor = Login(*centre_, "editor");
  std::string reports = "/api/v1/docs/" + doc_ + "/reports";
  auto expect = [&](int status, const HttpResponse& r, std::string_view words) {
    EXPECT_EQ(status, r.status) << r.body;
    EXPECT_NE(std::string::npos, r.body.find(words)) << r.body;
  };
  expect(400, Do(*centre_, "POST", reports, counsellor, R"({"category":"rude"})"),
         "category: must be outdated");
  expect(400, Do(*centre_, "POST", reports, counsellor, R"({"note":"x"})"),
         "category: is required");
  expect(400, Do(*centre_, "POST", reports, counsellor, R"({"category":"wrong","x":1})"),
         "x: unknown field");
  expect(400, Do(*centre_, "POST", reports, counsellor, R"({"category":"wrong","note":7})"),
         "note: must be a string");
  expect(400,
         Do(*centre_, "POST", reports, counsellor,
            json({{"category", "wrong"}, {"note", std::string(2001, 'x')}}).dump()),
         "at most 2000 bytes");
  expect(400,
         Do(*centre_, "POST", reports, counsellor,
            json({{"category", "wrong"}, {"version", std::string(64, 'b')}}).dump()),
         "version: not a version");
  expect(400, Do(*centre_, "POST", reports, counsellor, "[]"), "must be a JSON object");
  expect(415, Do(*centre_, "POST", reports, counsellor, R"({"category":"wrong"})", "text/plain"),
         "");
  expect(404, Do(*centre_, "POST", "/api/v1/docs/nothex/reports", counsellor, "{}"), "ids are 64");
  expect(404,
         Do(*centre_, "POST", "/api/v1/docs/" + std::string(64, 'a') + "/reports", counsellor,
            R"({"category":"wrong"})"),
         "does not exist");
  expect(400, Do(*centre_, "GET", reports + "?status=maybe", counsellor), "status: must be");
  expect(400, Do(*centre_, "GET", reports + "?limit=0", counsellor), "limit");
  expect(400, Do(*centre_, "GET", reports + "?colour=red", counsellor), "colour");
  expect(403, Do(*centre_, "GET", "/api/v1/reports", counsellor), "");
  expect(404,
         Do(*centre_, "POST", "/api/v1/reports/" + std::string(64, 'c') + "/reply", editor,
            R"({"reply":"x"})"),
         "not known here");

  HttpResponse made = Do(*centre_, "POST", reports, counsellor, R"({"category":"wrong"})");
  ASSERT_EQ(201, made.status) << made.body;
  std::string reply =
      "/api/v1/reports/" + json::parse(made.body)["id"].get<std::string>() + "/reply";
  // The centre does not own headquarters' document.
  expect(403, Do(*centre_, "POST", reply, editor, R"({"reply":"Done","close":true})"),
         "only the document's owner or headquarters");
  Exchange();
  Session hq_editor = Login(*hq_, "editor");
  expect(400, Do(*hq_, "POST", reply, hq_editor, R"({"reply":"","close":false})"),
         "reply: is required");
  expect(400, Do(*hq_, "POST", reply, hq_editor, R"({"reply":"x","close":"yes"})"),
         "close: must be true or false");
}

// The pages: the form on a document page (no JavaScript, CSRF as the
// other forms), the problems page with its counts, a reply that closes.
TEST_F(ReportsApiTest, ThePagesReportListAndClose) {
  Session counsellor = Login(*centre_, "counsellor");
  HttpResponse page = Do(*centre_, "GET", "/docs/" + doc_, counsellor);
  ASSERT_EQ(200, page.status);
  EXPECT_NE(std::string::npos, page.body.find("Report a problem"));
  EXPECT_NE(std::string::npos, page.body.find("action=\"/docs/" + doc_ + "/report\""));
  EXPECT_NE(std::string::npos,
            page.body.find("<option value=\"broken-link\">Broken link</option>"));
  EXPECT_EQ(std::string::npos, page.body.find("href=\"/problems\"")) << "not for counsellors";
  EXPECT_EQ(403, Do(*centre_, "GET", "/problems", counsellor).status);

  HttpResponse bad =
      Do(*centre_, "POST", "/docs/" + doc_ + "/report", counsellor, "category=rude&note=x", kForm);
  EXPECT_EQ(400, bad.status);
  EXPECT_NE(std::string::npos, bad.body.find("category: must be")) << bad.body;
  HttpResponse sent = Do(*centre_, "POST", "/docs/" + doc_ + "/report", counsellor,
                         "category=broken-link&note=The+form+link+is+dead", kForm);
  ASSERT_EQ(200, sent.status) << sent.body;
  EXPECT_NE(std::string::npos, sent.body.find("The report was sent"));
  HttpResponse again = Do(*centre_, "GET", "/docs/" + doc_, counsellor);
  EXPECT_NE(std::string::npos, again.body.find("Open problem reports on this document: 1"));
  Exchange();

  Session editor = Login(*hq_, "editor");
  HttpResponse problems = Do(*hq_, "GET", "/problems", editor);
  ASSERT_EQ(200, problems.status);
  EXPECT_NE(std::string::npos, problems.body.find("href=\"/problems\"")) << "in the nav";
  EXPECT_NE(std::string::npos, problems.body.find("Open (1)"));
  EXPECT_NE(std::string::npos, problems.body.find("<li>Broken link: 1</li>"));
  EXPECT_NE(std::string::npos, problems.body.find("counsellor, Tirana centre"));
  EXPECT_NE(std::string::npos, problems.body.find("The form link is dead"));
  EXPECT_NE(std::string::npos, problems.body.find(">Visa fees?</a>")) << "the document's title";
  std::string id = json::parse(Do(*hq_, "GET", "/api/v1/reports", editor).body)["reports"][0]["id"];
  HttpResponse replied =
      Do(*hq_, "POST", "/problems/" + id + "/reply", editor, "reply=Link+fixed&close=yes", kForm);
  EXPECT_EQ(303, replied.status) << replied.body;
  HttpResponse closed = Do(*hq_, "GET", "/problems?status=closed", editor);
  EXPECT_NE(std::string::npos, closed.body.find("Closed (1)"));
  EXPECT_NE(std::string::npos, closed.body.find("Link fixed"));
  // Without the CSRF token, refused.
  HttpRequest r;
  r.method = "POST";
  r.target = "/docs/" + doc_ + "/report";
  r.remote = "127.0.0.1:5000";
  r.headers["host"] = "127.0.0.1:8080";
  r.headers["cookie"] = counsellor.cookie;
  r.headers["content-type"] = kForm;
  r.body = "category=wrong";
  EXPECT_EQ(403, centre_->app->Handle(r).status);
}

}  // namespace
}  // namespace mrc::web
