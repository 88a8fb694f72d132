// Api::Handle without a socket: routing, methods, media types, query strings,
// error bodies and headers, document round trips over a real DocService, and
// the membership and receipt routes' bodies over a real TrustService.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/store.h"
#include "sync/content/doc_service.h"
#include "sync/crypto/crypto.h"
#include "sync/kinds.h"
#include "sync/log/log.h"
#include "sync/trust/trust.h"
#include "sync/trust/trust_service.h"
#include "tests/support/temp_dir.h"
#include "web/app/doc_api.h"

namespace mrc::web {
namespace {

using nlohmann::json;

using mrc::testing::TempDir;

// ===========================================================================
// FIXTURE: MakeService(dir) -- a real DocService over a real store in `dir`.
// Owner of sync/: adjust if Store/Log construction changes. It uses only the
// public factories (storage::Store::Open, sync::Log::Open).
// ===========================================================================
struct Service {
  sync::KeyPair key;  // the log's, the network's root key
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<sync::Log> log;
  std::unique_ptr<sync::DocService> docs;
};

std::unique_ptr<Service> MakeService(const std::string& dir) {
  if (!sync::InitCrypto().ok()) return nullptr;
  auto service = std::make_unique<Service>();
  storage::Options options;
  options.sync_writes = false;  // no fsync: these tests do not crash the process
  auto store = storage::Store::Open(dir + "/db", options);
  if (!store.ok()) return nullptr;
  service->store = std::move(store).value();
  Hash32 network{};
  network.fill(7);
  service->key = sync::GenerateKeyPair();
  const sync::KeyPair& key = service->key;
  auto log = sync::OpenLog(service->store.get(), key, network, key.public_key);
  if (!log.ok()) return nullptr;
  service->log = std::move(log).value();
  service->docs = std::make_unique<sync::DocService>(service->log.get());
  return service;
}
// ===========================================================================

const std::string kFaq =
    R"({"kind":"faq","content":{"question":"How do I renew a visa?","answer":"Ask us.","language":"en"}})";
const std::string kMissing(64, 'a');  // a well-formed id no document has

std::string Edit(const std::string& answer, const std::string& base = "") {
  json j = {{"content",
             {{"question", "How do I renew a visa?"}, {"answer", answer}, {"language", "en"}}}};
  if (!base.empty()) j["base"] = {base};
  return j.dump();
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = MakeService(tmp_.path());
    ASSERT_NE(nullptr, service_) << "MakeService failed";
    api_ = std::make_unique<Api>(service_->docs.get());
  }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "", const char* content_type = "application/json") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    if (content_type != nullptr) r.headers["content-type"] = content_type;
    return api_->Handle(r);
  }

  // "200" for a success, "404 NOT_FOUND" for an error: the status and the
  // error code of the body.
  std::string Do(const std::string& method, const std::string& target, const std::string& body = "",
                 const char* content_type = "application/json") {
    HttpResponse r = Call(method, target, body, content_type);
    std::string out = std::to_string(r.status);
    if (r.status >= 400) {
      json j = json::parse(r.body, nullptr, false);
      out += " " + (j.is_discarded() ? "<not json>" : j["error"]["code"].get<std::string>());
    }
    return out;
  }

  json Body(const HttpResponse& r) {
    json j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j;
  }

  // Creates a FAQ and returns its JSON.
  json Create() {
    HttpResponse r = Call("POST", "/api/v1/docs", kFaq);
    EXPECT_EQ(201, r.status) << r.body;
    return Body(r);
  }

  std::uint64_t Entries() { return service_->log->Digest().value().entries; }

  TempDir tmp_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Api> api_;
};

TEST_F(ApiTest, Routing) {
  const std::string doc = "/api/v1/docs/" + kMissing;
  struct Case {
    std::string method, target, want;
  } cases[] = {
      {"GET", "/healthz", "200"},
      {"GET", "/api/v1/digest", "200"},
      {"GET", "/api/v1/docs", "200"},
      {"GET", "/", "404 NOT_FOUND"},
      {"GET", "/nope", "404 NOT_FOUND"},
      {"GET", "/healthz/", "404 NOT_FOUND"},
      {"GET", "/api/v1/docs/", "404 NOT_FOUND"},
      {"GET", "/api/v1/docs/xyz", "404 NOT_FOUND"},
      {"GET", "/api/v1/docs/" + std::string(64, 'A'), "404 NOT_FOUND"},
      {"GET", "/api/v1/docs/" + std::string(63, 'a'), "404 NOT_FOUND"},
      {"GET", "/api/v1/docs/" + std::string(65, 'a'), "404 NOT_FOUND"},
      {"GET", doc + "/", "404 NOT_FOUND"},
      {"GET", doc + "/history/x", "404 NOT_FOUND"},
      {"GET", doc + "/versions", "404 NOT_FOUND"},
      {"GET", "/API/V1/DOCS", "404 NOT_FOUND"},
      {"GET", doc, "404 NOT_FOUND"},  // well-formed, but no such document
      {"GET", doc + "/history", "404 NOT_FOUND"},
      {"DELETE", doc, "404 NOT_FOUND"},
      {"POST", "/healthz", "405 METHOD_NOT_ALLOWED"},
      {"HEAD", "/healthz", "405 METHOD_NOT_ALLOWED"},
      {"get", "/healthz", "405 METHOD_NOT_ALLOWED"},  // methods are case-sensitive
      {"DELETE", "/api/v1/docs", "405 METHOD_NOT_ALLOWED"},
      {"PUT", "/api/v1/docs", "405 METHOD_NOT_ALLOWED"},
      {"POST", doc, "405 METHOD_NOT_ALLOWED"},
      {"PATCH", doc, "405 METHOD_NOT_ALLOWED"},
      {"DELETE", doc + "/history", "405 METHOD_NOT_ALLOWED"},
      {"POST", "/api/v1/digest", "405 METHOD_NOT_ALLOWED"},
      {"POST", "/api/v1/docs/xyz", "404 NOT_FOUND"},  // no such path, whatever the method
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, Do(c.method, c.target)) << c.method << " " << c.target;
  }
  EXPECT_EQ("404 NOT_FOUND", Do("PUT", doc, Edit("An answer.")));
  EXPECT_EQ(R"({"status":"ok"})", Call("GET", "/healthz").body);
}

TEST_F(ApiTest, MethodNotAllowedListsTheAllowedOnes) {
  const std::string doc = "/api/v1/docs/" + kMissing;
  struct Case {
    std::string target, allow;
  } cases[] = {
      {"/healthz", "GET"},       {"/api/v1/docs", "GET, POST"}, {doc, "GET, PUT, DELETE"},
      {doc + "/history", "GET"}, {"/api/v1/digest", "GET"},
  };
  for (const auto& c : cases) {
    HttpResponse r = Call("OPTIONS", c.target);
    EXPECT_EQ(405, r.status) << c.target;
    ASSERT_NE(nullptr, r.Header("Allow")) << c.target;
    EXPECT_EQ(c.allow, *r.Header("Allow")) << c.target;
  }
}

TEST_F(ApiTest, EveryResponseCarriesTheStandardHeaders) {
  Create();
  std::vector<HttpResponse> responses = {
      Call("GET", "/healthz"),
      Call("GET", "/api/v1/docs"),
      Call("POST", "/api/v1/docs", kFaq),
      Call("GET", "/nope"),
      Call("DELETE", "/healthz"),
      Call("POST", "/api/v1/docs", "{", nullptr),
      Call("POST", "/api/v1/docs", "{"),
      Call("GET", "/api/v1/docs?limit=x"),
      Call("GET", "/api/v1/docs/" + kMissing),
  };
  for (const auto& r : responses) {
    SCOPED_TRACE(std::to_string(r.status) + " " + r.body);
    EXPECT_EQ("application/json; charset=utf-8", r.content_type);
    auto header = [&](const char* name) {
      const std::string* v = r.Header(name);
      return v ? *v : std::string("<missing>");
    };
    EXPECT_EQ("nosniff", header("X-Content-Type-Options"));
    EXPECT_EQ("no-store", header("Cache-Control"));
    EXPECT_EQ("default-src 'none'; frame-ancestors 'none'", header("Content-Security-Policy"));
    EXPECT_EQ("no-referrer", header("Referrer-Policy"));
    EXPECT_FALSE(Body(r).is_discarded());
  }
}

TEST_F(ApiTest, ErrorBodyShape) {
  HttpResponse r = Call("GET", "/api/v1/docs/xyz");
  json j = Body(r);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(1u, j.size());
  EXPECT_EQ("NOT_FOUND", j["error"]["code"]);
  std::string message = j["error"]["message"];
  EXPECT_NE(std::string::npos, message.find("xyz")) << message;
  EXPECT_NE(std::string::npos, message.find("64")) << message;
  EXPECT_EQ(2u, j["error"].size());

  // Messages quoting input that is not UTF-8 are still valid JSON.
  r = Call("GET", "/api/v1/docs?kind=%ff%fe");
  EXPECT_EQ(400, r.status);
  EXPECT_EQ("INVALID_ARGUMENT", Body(r)["error"]["code"]);
}

TEST_F(ApiTest, WritesNeedJson) {
  const std::string doc = "/api/v1/docs/" + kMissing;
  struct Case {
    std::string method, target;
    const char* content_type;
    std::string want;
  } cases[] = {
      {"POST", "/api/v1/docs", nullptr, "415 UNSUPPORTED_MEDIA_TYPE"},
      {"POST", "/api/v1/docs", "text/plain", "415 UNSUPPORTED_MEDIA_TYPE"},
      {"POST", "/api/v1/docs", "application/x-www-form-urlencoded", "415 UNSUPPORTED_MEDIA_TYPE"},
      {"POST", "/api/v1/docs", "application/jsonx", "415 UNSUPPORTED_MEDIA_TYPE"},
      {"POST", "/api/v1/docs", "", "415 UNSUPPORTED_MEDIA_TYPE"},
      {"PUT", doc, "text/json", "415 UNSUPPORTED_MEDIA_TYPE"},
      {"PUT", doc, nullptr, "415 UNSUPPORTED_MEDIA_TYPE"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want, Do(c.method, c.target, kFaq, c.content_type))
        << c.method << " " << (c.content_type ? c.content_type : "(none)");
  }
  EXPECT_EQ(0u, Entries());
  EXPECT_EQ("201", Do("POST", "/api/v1/docs", kFaq, "application/json; charset=utf-8"));
  EXPECT_EQ("201", Do("POST", "/api/v1/docs", kFaq, " Application/JSON ;charset=UTF-8"));
  // GET and DELETE ignore Content-Type.
  EXPECT_EQ("200", Do("GET", "/api/v1/docs", "", "text/plain"));
}

TEST_F(ApiTest, BadBodiesAre400AndWriteNothing) {
  const std::string bodies[] = {
      "",
      "{",
      "not json",
      "[1,2]",
      "null",
      R"({"kind":"poem","content":{}})",
      R"({"kind":"faq"})",
      R"({"kind":"faq","content":{"question":"Q"}})",
      R"({"kind":"faq","content":{},"extra":1})",
      "{\"kind\":\"faq\",\"content\":{\"question\":\"\xff\",\"answer\":\"a\",\"language\":\"en\"}}",
  };
  for (const auto& body : bodies) {
    HttpResponse r = Call("POST", "/api/v1/docs", body);
    EXPECT_EQ(400, r.status) << body;
    EXPECT_EQ("INVALID_ARGUMENT", Body(r)["error"]["code"]) << body;
  }
  EXPECT_EQ(0u, Entries());

  std::string id = Create()["id"];
  for (const auto& body : bodies) {
    EXPECT_EQ("400 INVALID_ARGUMENT", Do("PUT", "/api/v1/docs/" + id, body)) << body;
  }
  EXPECT_EQ(1u, Entries());
}

TEST_F(ApiTest, QueryStrings) {
  struct Case {
    std::string target, want;
  } cases[] = {
      {"/api/v1/docs?", "200"},
      {"/api/v1/docs?&&", "200"},
      {"/api/v1/docs?kind=faq&limit=5&after=&include_deleted=true&conflicts=false", "200"},
      {"/api/v1/docs?kind=f%61q", "200"},  // percent-decoded
      {"/api/v1/docs?limit=1000", "200"},
      {"/api/v1/docs?limit=1", "200"},
      {"/api/v1/docs?conflicts=true", "200"},
      {"/api/v1/docs?kind=fa+q", "400 INVALID_ARGUMENT"},  // '+' is a space
      {"/api/v1/docs?kind=poem", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?kind=%zz", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?kind=%", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?kind=%6", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?limit=abc", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?limit=", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?limit", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?limit=-1", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?limit=+5", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?limit=10x", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?limit=0", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?limit=1001", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?limit=99999999999", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?include_deleted=yes", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?include_deleted=1", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?conflicts=", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?after=xyz", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?kind=faq&kind=guide", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?knd=faq", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs?=1", "400 INVALID_ARGUMENT"},
      {"/healthz?x=1", "400 INVALID_ARGUMENT"},
      {"/api/v1/digest?verbose=true", "400 INVALID_ARGUMENT"},
      {"/api/v1/docs/" + kMissing + "?base=x", "400 INVALID_ARGUMENT"},
  };
  for (const auto& c : cases) EXPECT_EQ(c.want, Do("GET", c.target)) << c.target;
  HttpResponse r = Call("GET", "/api/v1/docs?limit=abc");
  EXPECT_NE(std::string::npos, Body(r)["error"]["message"].get<std::string>().find("limit"));
}

TEST_F(ApiTest, CreateGetUpdateHistoryDelete) {
  HttpResponse created = Call("POST", "/api/v1/docs", kFaq);
  ASSERT_EQ(201, created.status) << created.body;
  json doc = Body(created);
  std::string id = doc["id"], v1 = doc["version"];
  ASSERT_NE(nullptr, created.Header("Location"));
  EXPECT_EQ("/api/v1/docs/" + id, *created.Header("Location"));

  HttpResponse got = Call("GET", *created.Header("Location"));
  EXPECT_EQ(200, got.status);
  EXPECT_EQ(doc, Body(got));

  HttpResponse updated = Call("PUT", "/api/v1/docs/" + id, Edit("Visit a centre.", v1));
  ASSERT_EQ(200, updated.status) << updated.body;
  std::string v2 = Body(updated)["version"];
  EXPECT_EQ("Visit a centre.", Body(updated)["content"]["answer"]);
  EXPECT_EQ(2, Body(updated)["versions"]);

  // An edit based on the old version is stale.
  EXPECT_EQ("409 CONFLICT", Do("PUT", "/api/v1/docs/" + id, Edit("Stale.", v1)));
  EXPECT_EQ("409 CONFLICT", Do("DELETE", "/api/v1/docs/" + id + "?base=" + v1));
  EXPECT_EQ("400 INVALID_ARGUMENT", Do("DELETE", "/api/v1/docs/" + id + "?base="));
  EXPECT_EQ("400 INVALID_ARGUMENT", Do("DELETE", "/api/v1/docs/" + id + "?base=" + v2 + ","));
  EXPECT_EQ("400 INVALID_ARGUMENT", Do("DELETE", "/api/v1/docs/" + id + "?base=xyz"));
  EXPECT_EQ("400 INVALID_ARGUMENT", Do("DELETE", "/api/v1/docs/" + id + "?bse=" + v2));

  json history = Body(Call("GET", "/api/v1/docs/" + id + "/history"));
  ASSERT_EQ(2u, history["versions"].size());
  EXPECT_EQ(v1, history["versions"][0]["version"]);
  EXPECT_EQ(v2, history["versions"][1]["version"]);

  HttpResponse deleted = Call("DELETE", "/api/v1/docs/" + id + "?base=" + v2, "", nullptr);
  ASSERT_EQ(200, deleted.status) << deleted.body;
  EXPECT_TRUE(Body(deleted)["deleted"].get<bool>());
  EXPECT_TRUE(Body(Call("GET", "/api/v1/docs/" + id))["deleted"].get<bool>());

  EXPECT_EQ(0u, Body(Call("GET", "/api/v1/docs"))["docs"].size());
  json all = Body(Call("GET", "/api/v1/docs?include_deleted=true"));
  ASSERT_EQ(1u, all["docs"].size());
  EXPECT_EQ(id, all["docs"][0]["id"]);
  EXPECT_EQ(3u, Entries());
}

TEST_F(ApiTest, DeleteWithoutBaseDeletesTheHead) {
  std::string id = Create()["id"];
  EXPECT_EQ("200", Do("DELETE", "/api/v1/docs/" + id));
  EXPECT_EQ(2u, Body(Call("GET", "/api/v1/docs/" + id + "/history"))["versions"].size());
}

TEST_F(ApiTest, ListPagesFiltersAndDigest) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Create()["id"]);
  std::sort(ids.begin(), ids.end());
  json page = Body(Call("GET", "/api/v1/docs?kind=faq&limit=2"));
  ASSERT_EQ(2u, page["docs"].size());
  ASSERT_TRUE(page["next"].is_string());
  json rest =
      Body(Call("GET", "/api/v1/docs?kind=faq&limit=2&after=" + page["next"].get<std::string>()));
  ASSERT_EQ(1u, rest["docs"].size());
  EXPECT_TRUE(rest["next"].is_null());
  EXPECT_EQ(ids[2], rest["docs"][0]["id"]);
  EXPECT_EQ(0u, Body(Call("GET", "/api/v1/docs?kind=guide"))["docs"].size());
  EXPECT_EQ(0u, Body(Call("GET", "/api/v1/docs?conflicts=true"))["docs"].size());

  json digest = Body(Call("GET", "/api/v1/digest"));
  EXPECT_EQ(3, digest["documents"]);
  EXPECT_EQ(64u, digest["digest"].get<std::string>().size());
}

// The membership and receipt routes answer the shapes clients parse
// (web/api/trust_json.h), byte for byte, and their bad bodies say what is
// wrong.
TEST_F(ApiTest, MembersAndReceiptsKeepTheirShapes) {
  sync::TrustService trust(service_->log.get(), service_->key);
  api_->SetTrustService(&trust);
  const std::string root = ToHex(service_->key.public_key);
  EXPECT_EQ(R"({"members":[{"encryption_key":null,"entries":0,"key":")" + root +
                R"(","member":true,"name":"headquarters","replaces":[],"revoked_from":null,)"
                R"("roles":["hq"],"root":true,"waiting":0}]})",
            Call("GET", "/api/v1/members").body);
  auto request = [&](const sync::KeyPair& k, std::optional<Hash32> rotation = {}) {
    sync::EnrolmentRequest r;
    r.network_id.fill(7);
    r.key = k.public_key;
    r.name = "MRC Vlorë";
    r.city = rotation ? "" : "Vlorë";
    r.country = rotation ? "" : "AL";
    if (rotation) r.replaces = service_->key.public_key;
    r.rotation = rotation;
    return json{{"request", sync::MakeEnrolmentRequest(k, r)}};
  };
  sync::KeyPair centre = sync::GenerateKeyPair();
  const std::string key = ToHex(centre.public_key);
  const std::string member = R"({"city":"Vlorë","country":"AL","encryption_key":null,)"
                             R"("entries":0,"key":")" +
                             key + R"(","member":true,"name":"MRC Vlorë","replaces":[],)";
  const std::string centre_json =
      member + R"("revoked_from":null,"roles":["centre"],"root":false,"waiting":0})";
  HttpResponse approved = Call("POST", "/api/v1/members", request(centre).dump());
  EXPECT_EQ(201, approved.status);
  EXPECT_EQ(centre_json, approved.body);
  EXPECT_EQ(centre_json, Call("GET", "/api/v1/members/" + key).body);
  // A rotation whose rotate statement has not arrived here waits.
  Hash32 rotation{};
  rotation.fill(9);
  sync::KeyPair next = sync::GenerateKeyPair();
  EXPECT_EQ(R"({"key":")" + ToHex(next.public_key) +
                R"(","member":false,"waiting":"approved; takes effect when the old key's )"
                R"(rotate statement arrives"})",
            Call("POST", "/api/v1/members", request(next, rotation).dump()).body);

  std::string bulletin = Body(Call("POST", "/api/v1/docs",
                                   R"({"kind":"bulletin","content":{"title":"Quota","body":"B",)"
                                   R"("effective_date":"2027-01-01","urgency":"high",)"
                                   R"("language":"en"}})"))["id"];
  const std::string receipts = "/api/v1/bulletins/" + bulletin + "/receipts";
  EXPECT_EQ(R"({"bulletin":")" + bulletin + R"(","centres":[{"acknowledged":null,"key":")" + key +
                R"(","name":"MRC Vlorë","received":null}],"not_acknowledged":[")" + key +
                R"("],"not_received":[")" + key + R"("],"title":"Quota","version":")" + bulletin +
                R"("})",
            Call("GET", receipts).body);
  EXPECT_EQ(
      R"({"acknowledged":true,"bulletin":")" + bulletin + R"(","version":")" + bulletin + R"("})",
      Call("POST", "/api/v1/bulletins/" + bulletin + "/ack", R"({"by":"Ana"})").body);

  EXPECT_EQ(member + R"("revoke_reason":"lost","revoked_from":1,"roles":["centre"],)"
                     R"("root":false,"waiting":0})",
            Call("POST", "/api/v1/members/" + key + "/revoke", R"({"reason":"lost"})").body);
}

TEST_F(ApiTest, BadMemberAndReceiptBodiesSayWhatIsWrong) {
  sync::TrustService trust(service_->log.get(), service_->key);
  api_->SetTrustService(&trust);
  const std::string revoke = "/api/v1/members/" + kMissing + "/revoke";
  sync::EnrolmentRequest r;
  r.network_id.fill(7);
  sync::KeyPair newcomer = sync::GenerateKeyPair();
  r.key = newcomer.public_key;
  r.name = "MRC Osh";
  const std::string text = sync::MakeEnrolmentRequest(newcomer, r);
  struct Bad {
    std::string target, body, message;
  } bad[] = {
      {"/api/v1/members", "{}",
       R"(\"request\" is required: the text `mrcnode member request` printed)"},
      {"/api/v1/members", json{{"request", text}, {"roles", "centre"}}.dump(),
       R"(\"roles\" must be a list such as [\"centre\"])"},
      {"/api/v1/members", json{{"request", text}, {"replaces", 1}}.dump(),
       R"(\"replaces\" must be a key)"},
      {"/api/v1/members", json{{"request", text}, {"colour", 1}}.dump(),
       "unknown field 'colour' in request"},
      {revoke, "", R"(\"reason\" is required: why the key is revoked)"},
      {revoke, R"({"reason":"r","from_seq":0})", R"(\"from_seq\" must be a number >= 1)"},
      {revoke, R"({"reason":"r","from_seq":-2})", R"(\"from_seq\" must be a number >= 1)"},
      {"/api/v1/bulletins/" + kMissing + "/ack", R"({"by":1})", R"(\"by\" must be a name)"},
  };
  for (const auto& b : bad) {
    EXPECT_EQ(R"({"error":{"code":"INVALID_ARGUMENT","message":")" + b.message + R"("}})",
              Call("POST", b.target, b.body).body)
        << b.body;
  }
  EXPECT_EQ(0u, Entries());
}

TEST(HttpStatusOfTest, MapsEveryCode) {
  EXPECT_EQ(200, HttpStatusOf(Status::Ok()));
  EXPECT_EQ(400, HttpStatusOf(Status::InvalidArgument("x")));
  EXPECT_EQ(404, HttpStatusOf(Status::NotFound("x")));
  EXPECT_EQ(409, HttpStatusOf(Status::Conflict("x")));
  EXPECT_EQ(403, HttpStatusOf(Status::PermissionDenied("x")));
  EXPECT_EQ(503, HttpStatusOf(Status::Unavailable("x")));
  EXPECT_EQ(500, HttpStatusOf(Status::IOError("x")));
  EXPECT_EQ(500, HttpStatusOf(Status::Corruption("x")));
}

}  // namespace
}  // namespace mrc::web
