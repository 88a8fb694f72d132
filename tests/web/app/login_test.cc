// Logins through App::Handle, over a real store: wrong passwords delay the
// next try (429 with Retry-After, never a lockout of the real user), on the
// login form, the JSON API and when changing one's password.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/node_parts.h"
#include "web/app/app.h"
#include "web/users/users.h"

namespace mrc::web {
namespace {

using nlohmann::json;

std::atomic<std::uint64_t> fake_now{5'000'000'000};
std::uint64_t FakeNow() { return fake_now.load(); }

constexpr char kAttacker[] = "10.0.0.9";
constexpr char kAna[] = "10.0.0.10";

class LoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mrc-login-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    ASSERT_TRUE(sync::InitCrypto().ok());
    Hash32 network{};
    network.fill(7);
    auto key = sync::GenerateKeyPair();
    auto node = mrc::testing::NodeParts::Open(dir_, key, network, key.public_key);
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(node).value();
    users_ = node_->users.get();
    users_->SetClockForTest(&FakeNow);
    ASSERT_TRUE(users_->Add("ana", Role::kAdmin, "ana-password").ok());
  }
  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  static HttpRequest ApiLoginRequest(const std::string& name, const std::string& password,
                                     const std::string& from) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/api/v1/login";
    r.headers["content-type"] = "application/json";
    r.body = json({{"name", name}, {"password", password}}).dump();
    r.remote = from + ":5000";
    return r;
  }
  HttpResponse ApiLogin(const std::string& name, const std::string& password,
                        const std::string& from) {
    return node_->app->Handle(ApiLoginRequest(name, password, from));
  }
  HttpResponse FormLogin(const std::string& name, const std::string& password,
                         const std::string& from) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/login";
    r.headers["content-type"] = "application/x-www-form-urlencoded";
    r.body = "name=" + name + "&password=" + password;
    r.remote = from + ":5000";
    return node_->app->Handle(r);
  }
  // Fails `n` times (each a checked wrong password, 401).
  void FailApiLogins(int n, const std::string& from) {
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(401, ApiLogin("ana", "wrong-password", from).status) << i;
    }
  }
  static std::string RetryAfter(const HttpResponse& r) {
    const std::string* v = r.Header("Retry-After");
    return v ? *v : "";
  }

  std::string dir_;
  std::unique_ptr<mrc::testing::NodeParts> node_;
  Users* users_ = nullptr;
};

TEST_F(LoginTest, WrongPasswordsOnTheFormDelayTheNextTryButNeverLockTheUserOut) {
  for (int i = 0; i < 5; ++i) {
    HttpResponse res = FormLogin("ana", "wrong-password", kAttacker);
    EXPECT_EQ(401, res.status);
    EXPECT_NE(std::string::npos, res.body.find("Wrong user name or password")) << res.body;
    EXPECT_EQ(nullptr, res.Header("Set-Cookie"));
  }
  // Too early, even with the right password: refused unchecked.
  std::uint64_t runs = users_->argon2_runs();
  HttpResponse early = FormLogin("ana", "ana-password", kAttacker);
  EXPECT_EQ(429, early.status);
  EXPECT_EQ("1", RetryAfter(early));
  EXPECT_NE(std::string::npos, early.body.find("Try again in 1 seconds")) << early.body;
  EXPECT_EQ(nullptr, early.Header("Set-Cookie"));
  EXPECT_EQ(runs, users_->argon2_runs()) << "an early try costs no Argon2id";
  // Ana, from her own address, gets in at once.
  HttpResponse mine = FormLogin("ana", "ana-password", kAna);
  EXPECT_EQ(303, mine.status);
  EXPECT_NE(nullptr, mine.Header("Set-Cookie"));
  // An unknown name gets the same answer as a wrong password.
  EXPECT_EQ(401, FormLogin("nobody", "whatever-pass", kAna).status);
  // On time, the attacker's address may try again.
  fake_now += 1000;
  EXPECT_EQ(303, FormLogin("ana", "ana-password", kAttacker).status);
}

TEST_F(LoginTest, TheApiAnswers429WithRetryAfterThatDoubles) {
  FailApiLogins(5, kAttacker);
  for (const std::string wait : {"1", "2", "4"}) {
    std::uint64_t runs = users_->argon2_runs();
    HttpResponse early = ApiLogin("ana", "ana-password", kAttacker);
    EXPECT_EQ(429, early.status);
    EXPECT_EQ(wait, RetryAfter(early));
    EXPECT_EQ("RESOURCE_EXHAUSTED", json::parse(early.body)["error"]["code"]) << early.body;
    EXPECT_EQ(runs, users_->argon2_runs());
    EXPECT_EQ(200, ApiLogin("ana", "ana-password", kAna).status);
    fake_now += 1000ull * std::stoul(wait);
    FailApiLogins(1, kAttacker);
  }
}

// Wrong current passwords, when changing one's own password, are delayed
// the same way, on the API and on the settings page.
TEST_F(LoginTest, WrongCurrentPasswordsAreDelayedToo) {
  HttpResponse login = ApiLogin("ana", "ana-password", kAna);
  ASSERT_EQ(200, login.status);
  std::string cookie = login.Header("Set-Cookie")->substr(0, login.Header("Set-Cookie")->find(';'));
  std::string csrf = json::parse(login.body)["csrf"];
  auto put_me = [&](const std::string& current, const std::string& from) {
    HttpRequest r;
    r.method = "PUT";
    r.target = "/api/v1/me";
    r.headers["content-type"] = "application/json";
    r.headers["cookie"] = cookie;
    r.headers["x-csrf-token"] = csrf;
    r.body = json({{"password", "a new password"}, {"current_password", current}}).dump();
    r.remote = from + ":5000";
    return node_->app->Handle(r);
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(401, put_me("wrong-password", kAttacker).status);
  std::uint64_t runs = users_->argon2_runs();
  HttpResponse early = put_me("ana-password", kAttacker);
  EXPECT_EQ(429, early.status) << early.body;
  EXPECT_EQ("1", RetryAfter(early));
  EXPECT_EQ(runs, users_->argon2_runs());

  HttpRequest page;
  page.method = "POST";
  page.target = "/settings";
  page.headers["host"] = "127.0.0.1:8080";
  page.headers["content-type"] = "application/x-www-form-urlencoded";
  page.headers["cookie"] = cookie;
  page.body = "csrf=" + csrf + "&op=password&current=ana-password&password=another-one";
  page.remote = std::string(kAttacker) + ":5000";
  HttpResponse settings = node_->app->Handle(page);
  EXPECT_EQ(429, settings.status);
  EXPECT_EQ("1", RetryAfter(settings));
  EXPECT_EQ(runs, users_->argon2_runs());
  // From an address without failures, the change goes through.
  EXPECT_EQ(200, put_me("ana-password", kAna).status);
}

}  // namespace
}  // namespace mrc::web
