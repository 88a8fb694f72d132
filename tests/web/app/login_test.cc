// Logins through App::Handle, over a real store: wrong passwords delay the
// next try (429 with Retry-After, never a lockout of the real user), on the
// login form, the JSON API and when changing one's password; and the
// password pool: Argon2id off the caller's thread, 503 at once when its
// queue is full.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <latch>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/support/node_parts.h"
#include "web/app/app.h"
#include "web/users/password_pool.h"
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
                        const std::string& from, App* app = nullptr) {
    return (app ? app : node_->app.get())->Handle(ApiLoginRequest(name, password, from));
  }
  HttpResponse FormLogin(const std::string& name, const std::string& password,
                         const std::string& from, App* app = nullptr) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/login";
    r.headers["content-type"] = "application/x-www-form-urlencoded";
    r.body = "name=" + name + "&password=" + password;
    r.remote = from + ":5000";
    return (app ? app : node_->app.get())->Handle(r);
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

// Argon2id runs on the password pool, not on the caller's thread: the
// answer comes from the pool once it is free; with its queue full, a login
// is answered 503 with Retry-After at once, a try that must wait is still
// answered 429 without queueing, and other requests go on.
TEST_F(LoginTest, PasswordChecksRunOnThePoolAndAFullQueueAnswers503) {
  FailApiLogins(5, kAttacker);
  PasswordPool pool(1, 1);
  AppParts parts;
  parts.log = node_->log.get();
  parts.docs = node_->docs.get();
  parts.trust = node_->trust.get();
  parts.referrals = node_->referrals.get();
  parts.search = node_->search.get();
  parts.users = users_;
  parts.passwords = &pool;
  parts.status = [] { return Result<NodeStatus>(NodeStatus{}); };
  App app(parts);

  std::latch started(1), release(1);
  ASSERT_TRUE(pool.Submit("10.0.0.50", &pool, [&] {
    started.count_down();
    release.wait();
  }));
  started.wait();  // the pool's one thread is busy, its queue empty
  std::promise<std::pair<HttpResponse, std::thread::id>> answered;
  app.HandleAsync(ApiLoginRequest("ana", "ana-password", kAna), [&](HttpResponse r) {
    answered.set_value({std::move(r), std::this_thread::get_id()});
  });
  auto waiting = answered.get_future();
  EXPECT_EQ(std::future_status::timeout, waiting.wait_for(std::chrono::milliseconds(200)))
      << "the login was checked on the caller's thread";

  HttpResponse busy = ApiLogin("ana", "ana-password", "10.0.0.11", &app);
  EXPECT_EQ(503, busy.status);
  EXPECT_EQ("UNAVAILABLE", json::parse(busy.body)["error"]["code"]) << busy.body;
  EXPECT_FALSE(RetryAfter(busy).empty());
  HttpResponse busy_page = FormLogin("ana", "ana-password", "10.0.0.11", &app);
  EXPECT_EQ(503, busy_page.status);
  EXPECT_FALSE(RetryAfter(busy_page).empty());
  EXPECT_EQ(429, ApiLogin("ana", "ana-password", kAttacker, &app).status);
  HttpRequest health;
  health.method = "GET";
  health.target = "/healthz";
  EXPECT_EQ(200, app.Handle(health).status);

  release.count_down();
  ASSERT_EQ(std::future_status::ready, waiting.wait_for(std::chrono::seconds(30)));
  auto [response, thread] = waiting.get();
  EXPECT_EQ(200, response.status) << response.body;
  EXPECT_NE(std::this_thread::get_id(), thread);
  EXPECT_EQ(200, ApiLogin("ana", "ana-password", "10.0.0.11", &app).status);
}

// One address may hold a quarter of the queue; the addresses take turns.
TEST(PasswordPoolTest, OneAddressHoldsAQuarterOfTheQueueAndAddressesTakeTurns) {
  PasswordPool pool(1, 8);
  EXPECT_EQ(2u, pool.per_address());
  std::latch release(1);
  std::mutex mu;
  std::vector<std::string> order;
  auto job = [&](const std::string& tag) {
    return [&, tag] {
      std::lock_guard lock(mu);
      order.push_back(tag);
    };
  };
  ASSERT_TRUE(pool.Submit("a", &pool, [&] { release.wait(); }));
  ASSERT_TRUE(pool.Submit("a", &pool, job("a1")));
  EXPECT_FALSE(pool.Submit("a", &pool, job("a2"))) << "past the address's share";
  ASSERT_TRUE(pool.Submit("b", &pool, job("b1")));
  ASSERT_TRUE(pool.Submit("b", &pool, job("b2")));
  ASSERT_TRUE(pool.Submit("c", &pool, job("c1")));
  EXPECT_GE(pool.RetryAfterSeconds(), 1u);
  release.count_down();
  pool.Forget(nullptr);  // no jobs of its own: returns at once
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(mu);
      if (order.size() == 4) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lock(mu);
  // "a" just had a turn: b and c first.
  EXPECT_EQ((std::vector<std::string>{"b1", "c1", "a1", "b2"}), order);
}

TEST(PasswordPoolTest, ForgetDropsAnOwnersWaitingJobsAndWaitsForItsRunningOnes) {
  PasswordPool pool(1, 4);
  std::latch started(1), release(1);
  std::atomic<int> ran{0};
  int owner = 0;
  ASSERT_TRUE(pool.Submit("a", &owner, [&] {
    started.count_down();
    release.wait();
    ++ran;
  }));
  ASSERT_TRUE(pool.Submit("b", &owner, [&] { ++ran; }));
  started.wait();
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    release.count_down();
  });
  pool.Forget(&owner);
  EXPECT_EQ(1, ran.load()) << "the running job finished, the waiting one was dropped";
  later.join();
}

}  // namespace
}  // namespace mrc::web
