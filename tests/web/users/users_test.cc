// Users over a real store: validation, Argon2id hashes, session expiry,
// removal, per-client rate limits.
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

TEST_F(UsersTest, LoopbackClientsShareNoLimitSoNoneCanLockTheOthersOut) {
  ASSERT_TRUE(users_->Add("ana", Role::kCounsellor, "long enough").ok());
  for (int i = 0; i < Users::kMaxFailuresPerClient + 2; ++i)
    EXPECT_FALSE(users_->Login("guess" + std::to_string(i % 30), "whatever1", "127.0.0.1").ok());
  EXPECT_TRUE(users_->Login("ana", "long enough", "127.0.0.1").ok());
  EXPECT_TRUE(users_->Login("ana", "long enough", "::1").ok());
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

TEST_F(UsersTest, OneClientGuessingManyNamesIsStopped) {
  ASSERT_TRUE(users_->Add("ana", Role::kAdmin, "long enough").ok());
  for (int i = 0; i < Users::kMaxFailuresPerClient; ++i) {
    auto r = users_->Login("guess" + std::to_string(i), "whatever1", "10.0.0.9");
    EXPECT_EQ(Status::Code::kUnauthenticated, r.status().code());
  }
  EXPECT_EQ(Status::Code::kResourceExhausted,
            users_->Login("ana", "long enough", "10.0.0.9").status().code());
  // Another client is not affected, and the lock passes with time.
  EXPECT_TRUE(users_->Login("ana", "long enough", "10.0.0.10").ok());
  fake_now += Users::kFailureWindowMillis;
  EXPECT_TRUE(users_->Login("ana", "long enough", "10.0.0.9").ok());
}

}  // namespace
}  // namespace mrc::web
