// The referral routes' JSON (web/api/referral_json.h): request bodies read
// into ReferralService's requests, refused naming the field, and its values
// written in the API's shapes, byte for byte.
#include "web/api/referral_json.h"

#include <gtest/gtest.h>

#include <string>

namespace mrc::web::api {
namespace {

// The message of a refusal, "OK" when the body was read.
template <typename T>
std::string Refusal(const Result<T>& r) {
  if (r.ok()) return "OK";
  EXPECT_TRUE(r.status().code() == Status::Code::kInvalidArgument) << r.status().ToString();
  return r.status().message();
}

constexpr const char* kCreate =
    R"({"to":"t","service":"legal advice","reason":"r","urgency":"urgent",)"
    R"("client":{"name":"N","contact":"c","notes":"x","languages":["sq","it"]},)"
    R"("consent":{"given":true,"scope":"s"}})";

TEST(ReferralJsonTest, ACreateRequestIsReadAsSent) {
  auto req = ReadCreateReferral(kCreate);
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  EXPECT_EQ("t", req->to);
  EXPECT_EQ("legal advice", req->service);
  EXPECT_EQ("urgent", req->urgency);
  ASSERT_TRUE(req->client && req->consent);
  EXPECT_EQ("N", req->client->name);
  EXPECT_EQ((std::vector<std::string>{"sq", "it"}), req->client->languages);
  EXPECT_TRUE(req->consent->given);
  EXPECT_EQ("s", req->consent->scope);
  // What is missing is left for the service to name.
  auto bare = ReadCreateReferral(R"({"to":5,"client":"N","consent":[true]})");
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_FALSE(bare->to || bare->service || bare->client || bare->consent);
  EXPECT_EQ("", bare->urgency);
  auto unsure = ReadCreateReferral(R"({"consent":{"given":"yes"}})");
  ASSERT_TRUE(unsure.ok() && unsure->consent);
  EXPECT_FALSE(unsure->consent->given) << "only true is consent";
}

TEST(ReferralJsonTest, ABodyOfTheWrongShapeIsRefusedNamingTheField) {
  EXPECT_EQ("request body is not valid JSON", Refusal(ReadCreateReferral("{")));
  EXPECT_EQ("request body must be a JSON object", Refusal(ReadCreateReferral("[]")));
  EXPECT_EQ("unknown field 'from' in request", Refusal(ReadCreateReferral(R"({"from":"x"})")));
  EXPECT_EQ("service: must be a string", Refusal(ReadCreateReferral(R"({"service":5})")));
  EXPECT_EQ("urgency: must be a string", Refusal(ReadCreateReferral(R"({"urgency":null})")));
  EXPECT_EQ("unknown field 'age' in request",
            Refusal(ReadCreateReferral(R"({"client":{"age":40}})")));
  EXPECT_EQ("contact: must be a string",
            Refusal(ReadCreateReferral(R"({"client":{"contact":1}})")));
  EXPECT_EQ("client.languages: must be a list of at most 20 languages",
            Refusal(ReadCreateReferral(R"({"client":{"languages":"sq"}})")));
  EXPECT_EQ("client.languages: each language is a short non-empty string",
            Refusal(ReadCreateReferral(R"({"client":{"languages":["sq",7]}})")));
  EXPECT_EQ("scope: must be a string",
            Refusal(ReadCreateReferral(R"({"consent":{"given":true,"scope":1}})")));
  EXPECT_EQ("unknown field 'when' in request",
            Refusal(ReadCreateReferral(R"({"consent":{"when":"now"}})")));

  EXPECT_EQ("request body is not valid JSON", Refusal(ReadStatusRequest("")));
  EXPECT_EQ("status: must be a string", Refusal(ReadStatusRequest(R"({"status":1})")));
  EXPECT_EQ("note: must be a string",
            Refusal(ReadStatusRequest(R"({"status":"declined","note":[]})")));
  EXPECT_EQ("unknown field 'by' in request",
            Refusal(ReadStatusRequest(R"({"status":"accepted","by":"x"})")));
  auto status = ReadStatusRequest(R"({"status":"declined","note":"Full"})");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ("declined", status->status);
  EXPECT_EQ("Full", status->note);
  EXPECT_FALSE(ReadStatusRequest("{}")->status);
}

sync::ReferralSummary Summary() {
  sync::ReferralSummary s;
  s.id = "r1";
  s.direction = "out";
  s.from = {"k1", "Tirana centre"};
  s.to = {"k2", ""};
  s.sent_at = "2027-01-02T03:04:05Z";
  s.status = "accepted";
  s.updated_at = "2027-01-03T00:00:00Z";
  return s;
}

TEST(ReferralJsonTest, AListIsWrittenInTheApisShape) {
  sync::ReferralList list;
  list.referrals.push_back(Summary());
  list.referrals.back().service = "legal";
  list.referrals.back().urgency = "routine";
  list.referrals.push_back(Summary());
  list.referrals.back().erased = true;
  list.counts = {{"accepted", 1}, {"erased", 1}};
  list.total = 2;
  list.directions = {0, 2, 0, 2};
  EXPECT_EQ(
      R"({"counts":{"accepted":1,"erased":1,"total":2},)"
      R"("directions":{"all":2,"in":0,"out":2,"relayed":0},"referrals":[)"
      R"({"direction":"out","erased":false,"from":{"key":"k1","name":"Tirana centre"},)"
      R"("id":"r1","sent_at":"2027-01-02T03:04:05Z","service":"legal","status":"accepted",)"
      R"("to":{"key":"k2","name":""},"updated_at":"2027-01-03T00:00:00Z","urgency":"routine"},)"
      R"({"direction":"out","erased":true,"from":{"key":"k1","name":"Tirana centre"},)"
      R"("id":"r1","sent_at":"2027-01-02T03:04:05Z","status":"accepted",)"
      R"("to":{"key":"k2","name":""},"updated_at":"2027-01-03T00:00:00Z"}]})",
      ReferralListJson(list).value());
  EXPECT_EQ(R"({"counts":{"total":0},"directions":{"all":0,"in":0,"out":0,"relayed":0},)"
            R"("referrals":[]})",
            ReferralListJson(sync::ReferralList{}).value());
}

TEST(ReferralJsonTest, AReferralIsWrittenWithItsDetailsTrailAndActions) {
  sync::ReferralDetail d;
  static_cast<sync::ReferralSummary&>(d) = Summary();
  d.details.emplace();
  d.details->service = "legal";
  d.details->reason = "r";
  d.details->urgency = "urgent";
  d.details->by = "amira";
  d.details->client = {"N", "", "", {"sq"}};
  d.details->consent = {true, "s", "2027-01-02T03:04:00Z"};
  sync::TrailStep sent{"r1", "sent", {"k1", "Tirana centre"}, "t1", std::nullopt, std::nullopt};
  sync::TrailStep received{"s2", "received", {"k2", ""}, "t2", true, std::nullopt};
  sync::TrailStep accepted{"s3", "accepted",   {"k2", ""},
                           "t3", std::nullopt, sync::StatusNote{"Monday", "bora"}};
  d.trail = {sent, received, accepted};
  d.actions = {"withdrawn", "erased"};
  EXPECT_EQ(R"({"actions":["withdrawn","erased"],"details":{"by":"amira","client":)"
            R"({"contact":"","languages":["sq"],"name":"N","notes":""},"consent":)"
            R"({"given":true,"recorded_at":"2027-01-02T03:04:00Z","scope":"s"},)"
            R"("reason":"r","service":"legal","urgency":"urgent"},"direction":"out",)"
            R"("erased":false,"from":{"key":"k1","name":"Tirana centre"},"id":"r1",)"
            R"("readable":true,"sent_at":"2027-01-02T03:04:05Z","status":"accepted",)"
            R"("to":{"key":"k2","name":""},"trail":[)"
            R"({"at":"t1","centre":{"key":"k1","name":"Tirana centre"},"id":"r1","status":"sent"},)"
            R"({"at":"t2","centre":{"key":"k2","name":""},"id":"s2","opened":true,)"
            R"("status":"received"},)"
            R"({"at":"t3","by":"bora","centre":{"key":"k2","name":""},"id":"s3",)"
            R"("note":"Monday","status":"accepted"}],"updated_at":"2027-01-03T00:00:00Z"})",
            ReferralJson(d).value());

  sync::ReferralDetail erased;
  static_cast<sync::ReferralSummary&>(erased) = Summary();
  erased.status = "erased";
  erased.erased = true;
  erased.unreadable_reason = "erased";
  erased.erased_by = sync::ReferralCentre{"k2", ""};
  erased.erased_at = "t4";
  EXPECT_EQ(R"({"actions":[],"direction":"out","erased":true,"erased_at":"t4",)"
            R"("erased_by":{"key":"k2","name":""},"from":{"key":"k1","name":"Tirana centre"},)"
            R"("id":"r1","readable":false,"sent_at":"2027-01-02T03:04:05Z","status":"erased",)"
            R"("to":{"key":"k2","name":""},"trail":[],"unreadable_reason":"erased",)"
            R"("updated_at":"2027-01-03T00:00:00Z"})",
            ReferralJson(erased).value());
}

TEST(ReferralJsonTest, TargetsAuditAndANewIdAreWrittenInTheApisShape) {
  sync::TargetCentre listed{"k2", "Tirana centre", "Tirana", "AL", {"sq"}, {"legal"}, "d1"};
  sync::TargetCentre bare{"k3", "Other", "", "", {}, {}, std::nullopt};
  EXPECT_EQ(R"({"centres":[{"city":"Tirana","country":"AL","directory":"d1","key":"k2",)"
            R"("languages":["sq"],"name":"Tirana centre","services":["legal"]},)"
            R"({"city":"","country":"","key":"k3","languages":[],"name":"Other",)"
            R"("services":[]}]})",
            TargetsJson({listed, bare}).value());
  EXPECT_EQ(R"({"events":[{"action":"view","at":"t","referral":"r1","user":"amira"}]})",
            AuditJson({sync::AuditEvent{"t", "amira", "view", "r1"}}).value());
  EXPECT_EQ(R"({"events":[]})", AuditJson({}).value());
  EXPECT_EQ(R"({"id":"r1"})", CreatedReferralJson("r1").value());
  EXPECT_FALSE(CreatedReferralJson("\xff").ok()) << "not UTF-8: cannot be written";
}

}  // namespace
}  // namespace mrc::web::api
