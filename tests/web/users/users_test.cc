// Users over a real store: validation, Argon2id hashes, session expiry,
// removal, and the delays after wrong passwords (their schedule on a fake
// clock, who they delay and who they do not, what an early try costs).
#include "web/users/users.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>

#include "storage/store.h"
#include "sync/crypto/crypto.h"

namespace mrc::web {
namespace {

std::atomic<std::uint64_t> fake_now{1'000'000};
std::uint64_t FakeNow() { return fake_now.load(); }

class UsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mrc-users-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    ASSERT_TRUE(sync::InitCrypto().ok());
    storage::Options options;
    options.sync_writes = false;
    auto store = storage::Store::Open(dir_ + "/db", options);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    users_ = std::make_unique<Users>(store_.get());
    users_->SetClockForTest(&FakeNow);
  }
  // Users with other login limits, on the same store and fake clock.
  void UseLimits(LoginLimits limits) {
    users_ = std::make_unique<Users>(store_.get(), limits);
    users_->SetClockForTest(&FakeNow);
  }
  // A wrong password for `name` from `client`, which must be checked.
  void Fail(const std::string& name, const std::string& client) {
    EXPECT_EQ(Status::Code::kUnauthenticated,
              users_->Login(name, "wrong password", client).status().code())
        << name << " from " << client;
  }
  void TearDown() override {
    users_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Users> users_;
};

TEST_F(UsersTest, NamesAndPasswordsAreChecked) {
  EXPECT_EQ(Status::Code::kInvalidArgument,
            users_->Add("Bad Name", Role::kEditor, "long enough").code());
  EXPECT_EQ(Status::Code::kInvalidArgument, users_->Add("", Role::kEditor, "long enough").code());
  EXPECT_EQ(Status::Code::kInvalidArgument, users_->Add("ok", Role::kEditor, "short").code());
  ASSERT_TRUE(users_->Add("ana.k", Role::kEditor, "long enough").ok());
  EXPECT_EQ(Status::Code::kConflict, users_->Add("ana.k", Role::kAdmin, "long enough").code());
  EXPECT_EQ(Status::Code::kInvalidArgument, users_->SetLanguage("ana.k", "french").code());
  EXPECT_TRUE(users_->SetLanguage("ana.k", "pt-BR").ok());
  EXPECT_EQ(Status::Code::kNotFound, users_->Get("nobody").status().code());
  // Only an Argon2id hash is stored, never the password.
  auto raw = store_->Get(storage::Column::kLocal, "user/ana.k");
  ASSERT_TRUE(raw.ok());
  EXPECT_NE(std::string::npos, raw->find("$argon2id$"));
  EXPECT_EQ(std::string::npos, raw->find("long enough"));
}

TEST_F(UsersTest, SessionsExpireAfterTwelveHours) {
  ASSERT_TRUE(users_->Add("ana", Role::kCounsellor, "long enough").ok());
  auto s = users_->Login("ana", "long enough", "10.0.0.1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Role::kCounsellor, users_->Session(s->token)->role);
  fake_now += Users::kSessionMillis - 1;
  EXPECT_TRUE(users_->Session(s->token).ok());
  fake_now += 2;
  EXPECT_EQ(Status::Code::kUnauthenticated, users_->Session(s->token).status().code());
}

TEST_F(UsersTest, RemovingAUserEndsItsSessionsAndTokens) {
  ASSERT_TRUE(users_->Add("ana", Role::kAdmin, "long enough").ok());
  auto s = users_->Login("ana", "long enough", "10.0.0.1");
  auto t = users_->CreateToken("ana", "script");
  ASSERT_TRUE(s.ok() && t.ok());
  EXPECT_TRUE(users_->Token(*t).ok());
  ASSERT_TRUE(users_->Remove("ana").ok());
  EXPECT_FALSE(users_->Session(s->token).ok());
  EXPECT_FALSE(users_->Token(*t).ok());
  // A new account of the same name does not inherit them.
  ASSERT_TRUE(users_->Add("ana", Role::kAdmin, "long enough").ok());
  EXPECT_FALSE(users_->Session(s->token).ok());
  EXPECT_FALSE(users_->Token(*t).ok());
}

TEST_F(UsersTest, ANewPasswordRevokesTheUsersApiTokens) {
  ASSERT_TRUE(users_->Add("ana", Role::kCounsellor, "long enough").ok());
  ASSERT_TRUE(users_->Add("bob", Role::kCounsellor, "long enough").ok());
  auto ana = users_->CreateToken("ana", "script");
  auto bob = users_->CreateToken("bob", "script");
  ASSERT_TRUE(ana.ok() && bob.ok());
  ASSERT_TRUE(users_->SetPassword("ana", "another long one").ok());
  EXPECT_EQ(Status::Code::kUnauthenticated, users_->Token(*ana).status().code());
  EXPECT_TRUE(users_->Tokens("ana")->empty());
  EXPECT_TRUE(users_->Token(*bob).ok()) << "other users keep theirs";
}

// A token's principal is kept between requests; every change to its
// user shows at the next request all the same.
TEST_F(UsersTest, AKnownTokenFollowsEveryChangeToItsUser) {
  ASSERT_TRUE(users_->Add("ana", Role::kCounsellor, "long enough").ok());
  auto t = users_->CreateToken("ana", "script");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(Role::kCounsellor, users_->Token(*t)->role);
  ASSERT_TRUE(users_->SetRole("ana", Role::kEditor).ok());
  EXPECT_EQ(Role::kEditor, users_->Token(*t)->role);
  ASSERT_TRUE(users_->SetLanguage("ana", "ar").ok());
  EXPECT_EQ("ar", users_->Token(*t)->language);
  auto listed = users_->Tokens("ana");
  ASSERT_TRUE(listed.ok() && listed->size() == 1);
  ASSERT_TRUE(users_->RevokeToken("ana", listed->front().id).ok());
  EXPECT_EQ(Status::Code::kUnauthenticated, users_->Token(*t).status().code());

  auto again = users_->CreateToken("ana", "script");
  ASSERT_TRUE(again.ok() && users_->Token(*again).ok());
  ASSERT_TRUE(users_->SetPassword("ana", "another long one").ok());
  EXPECT_EQ(Status::Code::kUnauthenticated, users_->Token(*again).status().code());
}

// A user signs with a display name, the login name until one is set; the
// session's and the token's principal carry it, and follow a change.
TEST_F(UsersTest, ADisplayNameIsWhatAUserSignsWith) {
  ASSERT_TRUE(users_->Add("ana", Role::kEditor, "long enough").ok());
  auto t = users_->CreateToken("ana", "script");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ("ana", users_->Token(*t)->display_name);
  ASSERT_TRUE(users_->SetDisplayName("ana", "Ana Kovačević").ok());
  EXPECT_EQ("Ana Kovačević", users_->Token(*t)->display_name);
  EXPECT_EQ("Ana Kovačević", users_->Get("ana")->display_name);
  auto session = users_->Login("ana", "long enough", "10.0.0.1");
  ASSERT_TRUE(session.ok());
  EXPECT_EQ("Ana Kovačević", session->principal.display_name);
  EXPECT_EQ("Ana Kovačević", users_->Session(session->token)->display_name);
  ASSERT_TRUE(users_->SetDisplayName("ana", "").ok());
  EXPECT_EQ("ana", users_->Token(*t)->display_name) << "back to the login name";
  for (std::string bad : {std::string(101, 'x'), std::string("two\nlines"), std::string("a\tb"),
                          std::string("bell\x07"), std::string("\xff\xfe")}) {
    EXPECT_EQ(Status::Code::kInvalidArgument, users_->SetDisplayName("ana", bad).code()) << bad;
  }
  EXPECT_EQ(Status::Code::kInvalidArgument,
            users_->Add("bo", Role::kEditor, "long enough", "x\ny").code());
  ASSERT_TRUE(users_->Add("bo", Role::kEditor, "long enough", "Bo Li").ok());
  EXPECT_EQ("Bo Li", users_->Get("bo")->display_name);
  EXPECT_EQ(Status::Code::kNotFound, users_->SetDisplayName("nobody", "N").code());
}

// After N wrong passwords for a name from an address, each further try
// waits 1 s, 2 s, 4 s ... after the last failure, up to the longest delay;
// a try that comes too early is refused before its password is checked.
TEST_F(UsersTest, WrongPasswordsDelayTheNextTryExponentially) {
  UseLimits({.delay_after_failures = 3, .max_delay_seconds = 8});
  ASSERT_TRUE(users_->Add("ana", Role::kCounsellor, "long enough").ok());
  const std::string attacker = "10.0.0.9";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(0u, users_->LoginWait("ana", attacker));
    Fail("ana", attacker);
  }
  for (std::uint32_t wait : {1u, 2u, 4u, 8u, 8u}) {
    EXPECT_EQ(wait, users_->LoginWait("ana", attacker));
    std::uint64_t runs = users_->argon2_runs();
    auto early = users_->Login("ana", "long enough", attacker);
    EXPECT_EQ(Status::Code::kResourceExhausted, early.status().code());
    EXPECT_NE(std::string::npos,
              early.status().message().find("try again in " + std::to_string(wait) + " s"))
        << early.status().message();
    EXPECT_EQ(runs, users_->argon2_runs()) << "an early try costs no Argon2id";
    fake_now += 1000ull * wait - 1;
    EXPECT_EQ(1u, users_->LoginWait("ana", attacker));
    fake_now += 1;
    EXPECT_EQ(0u, users_->LoginWait("ana", attacker));
    Fail("ana", attacker);
  }
  // The right password, on time, gets in and forgets this address's
  // failures for the name.
  fake_now += 8000;
  ASSERT_TRUE(users_->Login("ana", "long enough", attacker).ok());
  EXPECT_EQ(0u, users_->LoginWait("ana", attacker));
  Fail("ana", attacker);
  EXPECT_EQ(0u, users_->LoginWait("ana", attacker));
  // Failures are forgotten after 15 minutes without one.
  Fail("ana", attacker);
  Fail("ana", attacker);
  EXPECT_EQ(1u, users_->LoginWait("ana", attacker));
  fake_now += 15 * 60 * 1000;
  EXPECT_EQ(0u, users_->LoginWait("ana", attacker));
}

// Someone hammering ana's name from elsewhere neither locks ana out nor
// slows her down: the delays of the name as a whole apply only to the
// addresses that got it wrong themselves.
TEST_F(UsersTest, TheRealUserStillGetsInWhileOthersHammerHerName) {
  UseLimits({.delay_after_failures = 2,
             .address_delay_after_failures = 100,
             .name_delay_after_failures = 4,
             .max_delay_seconds = 60});
  ASSERT_TRUE(users_->Add("ana", Role::kAdmin, "long enough").ok());
  // Two addresses share out the guesses: four failures of the name.
  for (const char* a : {"10.0.0.7", "10.0.0.8"}) {
    Fail("ana", a);
    Fail("ana", a);
    EXPECT_EQ(1u, users_->LoginWait("ana", a));
  }
  fake_now += 10000;
  // A third that has got it wrong once is delayed by the name's count
  // (5 failures: 2^(5-4) s), before its password is checked.
  Fail("ana", "10.0.0.9");
  EXPECT_EQ(2u, users_->LoginWait("ana", "10.0.0.9"));
  std::uint64_t runs = users_->argon2_runs();
  EXPECT_EQ(Status::Code::kResourceExhausted,
            users_->Login("ana", "long enough", "10.0.0.9").status().code());
  EXPECT_EQ(runs, users_->argon2_runs());
  // Ana, from an address that has not failed, gets in at once.
  EXPECT_EQ(0u, users_->LoginWait("ana", "10.0.0.20"));
  EXPECT_TRUE(users_->Login("ana", "long enough", "10.0.0.20").ok());
  // The same for checking her current password to change it.
  EXPECT_EQ(Status::Code::kResourceExhausted,
            users_->CheckCurrentPassword("ana", "long enough", "10.0.0.9").code());
  EXPECT_TRUE(users_->CheckCurrentPassword("ana", "long enough", "10.0.0.22").ok());
}

// One address trying many names is delayed whatever the name, and the
// right password of anyone from it too; other addresses are not. Loopback
// clients (every local user, one address) are not counted so.
TEST_F(UsersTest, OneAddressGuessingManyNamesIsDelayed) {
  UseLimits({.delay_after_failures = 5, .address_delay_after_failures = 3});
  ASSERT_TRUE(users_->Add("ana", Role::kAdmin, "long enough").ok());
  for (int i = 0; i < 3; ++i) Fail("guess" + std::to_string(i), "10.0.0.9");
  EXPECT_EQ(1u, users_->LoginWait("ana", "10.0.0.9"));
  EXPECT_EQ(Status::Code::kResourceExhausted,
            users_->Login("ana", "long enough", "10.0.0.9").status().code());
  EXPECT_TRUE(users_->Login("ana", "long enough", "10.0.0.10").ok());
  fake_now += 1000;
  EXPECT_TRUE(users_->Login("ana", "long enough", "10.0.0.9").ok());

  for (int i = 0; i < 4; ++i) Fail("guess" + std::to_string(i), "127.0.0.1");
  EXPECT_EQ(0u, users_->LoginWait("ana", "127.0.0.1"));
  EXPECT_TRUE(users_->Login("ana", "long enough", "127.0.0.1").ok());
  EXPECT_TRUE(users_->Login("ana", "long enough", "::1").ok());
}

// A try in progress counts as a failure until it ends, so that tries made
// in parallel cannot all slip under the threshold.
TEST(LoginThrottleTest, TriesInProgressCountAsFailures) {
  LoginThrottle t({.delay_after_failures = 2, .max_delay_seconds = 60});
  EXPECT_EQ(0u, t.Begin("ana", "10.0.0.9", 1000));
  EXPECT_EQ(0u, t.Begin("ana", "10.0.0.9", 1000));
  EXPECT_EQ(1000u, t.Begin("ana", "10.0.0.9", 1000));  // two in progress
  t.End("ana", "10.0.0.9", LoginThrottle::Outcome::kUnchecked, 1001);
  EXPECT_EQ(0u, t.Wait("ana", "10.0.0.9", 1001));
  t.End("ana", "10.0.0.9", LoginThrottle::Outcome::kWrong, 1002);
  EXPECT_EQ(0u, t.Begin("ana", "10.0.0.9", 1002));
  t.End("ana", "10.0.0.9", LoginThrottle::Outcome::kWrong, 1003);
  EXPECT_EQ(1000u, t.Wait("ana", "10.0.0.9", 1003));
  // Another address is not concerned.
  EXPECT_EQ(0u, t.Wait("ana", "10.0.0.10", 1003));
}

}  // namespace
}  // namespace mrc::web
