#include "sync/crypto/identity.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

TEST(IdentityTest, KeyFileRoundTripAndPermissions) {
  ASSERT_TRUE(InitCrypto().ok());
  testing::TempDir dir;
  KeyPair key = GenerateKeyPair();
  std::string path = dir.Sub("identity.key");
  ASSERT_TRUE(WriteSecretKey(path, key).ok());
  EXPECT_FALSE(WriteSecretKey(path, key).ok()) << "must not overwrite a key";
  auto loaded = LoadSecretKey(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(key.public_key, loaded->public_key);
  ::chmod(path.c_str(), 0644);
  auto refused = LoadSecretKey(path);
  EXPECT_EQ(Status::Code::kPermissionDenied, refused.status().code());
  EXPECT_NE(std::string::npos, refused.status().message().find("chmod 600"));
  EXPECT_TRUE(LoadSecretKey(dir.Sub("missing.key")).status().IsNotFound());
}

TEST(IdentityTest, TheEncryptionKeyIsMadeOnceAndKeptPrivate) {
  ASSERT_TRUE(InitCrypto().ok());
  testing::TempDir dir;
  std::string path = dir.Sub("encryption.key");
  auto made = LoadOrCreateEncryptionKey(path);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  struct stat st {};
  ASSERT_EQ(0, ::stat(path.c_str(), &st));
  EXPECT_EQ(0600u, st.st_mode & 0777);
  auto again = LoadOrCreateEncryptionKey(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(made->public_key, again->public_key) << "the same key, not a new one";
  ::chmod(path.c_str(), 0640);
  EXPECT_EQ(Status::Code::kPermissionDenied, LoadOrCreateEncryptionKey(path).status().code());
  ::chmod(path.c_str(), 0600);
  ::truncate(path.c_str(), 7);
  EXPECT_EQ(Status::Code::kCorruption, LoadOrCreateEncryptionKey(path).status().code());
}

TEST(IdentityTest, GenesisTextRoundTripAndTampering) {
  KeyPair root = GenerateKeyPair();
  Genesis g = MakeGenesis(root, "Western Balkans MRC network", 1700000000000);
  auto parsed = GenesisFromText("  " + g.ToText() + "\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(g.network_id(), parsed->network_id());
  EXPECT_EQ(root.public_key, parsed->root_key);
  std::string text = g.ToText();
  text[text.size() - 140] = text[text.size() - 140] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(GenesisFromText(text).ok());
  EXPECT_FALSE(GenesisFromText("hello").ok());
  EXPECT_FALSE(GenesisFromText(g.ToText().substr(0, 80)).ok());
}

}  // namespace
}  // namespace mrc::sync
