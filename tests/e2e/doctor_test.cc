// `mrcnode config check` and `mrcnode doctor` on real data directories:
// a fresh one is healthy; a key file others may read, a bad config value,
// a certificate about to expire and a stale backup are reported with what
// to do; a running node is checked through its API.
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>

#include "tests/e2e/cluster.h"
#include "web/http/tls.h"

namespace mrc::e2e {
namespace {

namespace fs = std::filesystem;

class DoctorTest : public Cluster {
 protected:
  Output Doctor(const std::string& name) { return Mrc({"doctor", "--data", Dir(name)}); }
  Output ConfigCheck(const std::string& name) {
    return Mrc({"config", "check", "--data", Dir(name)});
  }
  static bool Has(const Output& o, const std::string& text) {
    return o.out.find(text) != std::string::npos;
  }
  // Sets the created time of a backup's manifest, `hours` ago.
  void AgeBackup(const std::string& backup, int hours) {
    std::ifstream in(backup + "/backup.json");
    json m = json::parse(in, nullptr, false);
    ASSERT_TRUE(m.is_object());
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    m["created_ms"] = static_cast<std::uint64_t>(now - std::int64_t{hours} * 3600 * 1000);
    std::ofstream(backup + "/backup.json") << m.dump();
  }
};

TEST_F(DoctorTest, AFreshDataDirectoryIsHealthy) {
  Init("a");
  Output o = ConfigCheck("a");
  EXPECT_EQ(0, o.status) << o.out << o.err;
  EXPECT_TRUE(Has(o, "ok: " + Dir("a") + "/config.toml")) << o.out;
  EXPECT_TRUE(Has(o, "backups: not scheduled")) << o.out;

  o = Doctor("a");
  // Warnings only (backups are not scheduled; the test machine's disk may
  // be nearly full), no problem.
  EXPECT_NE(3, o.status) << o.out << o.err;
  EXPECT_FALSE(Has(o, "problem  ")) << o.out;
  EXPECT_TRUE(Has(o, "ok       identity.key: mode 0600")) << o.out;
  EXPECT_TRUE(Has(o, "ok       store: opens")) << o.out;
  EXPECT_TRUE(Has(o, "ok       clock: ")) << o.out;
  EXPECT_TRUE(Has(o, "warning  backups: not scheduled; fix: set [backup] dir")) << o.out;
  EXPECT_TRUE(Has(o, "doctor: 0 problem(s)")) << o.out;
}

TEST_F(DoctorTest, AKeyFileOthersMayReadIsAProblem) {
  Init("a");
  std::string key = Dir("a") + "/identity.key";
  ASSERT_EQ(0, ::chmod(key.c_str(), 0644));
  Output o = Doctor("a");
  EXPECT_EQ(3, o.status) << o.out << o.err;
  EXPECT_TRUE(Has(o, "problem  " + key + ": mode 0644")) << o.out;
  EXPECT_TRUE(Has(o, "fix: chmod 600 " + key)) << o.out;
}

TEST_F(DoctorTest, EveryBadConfigValueIsReportedWithItsKey) {
  Init("a");
  EditConfig("a", {{"threads = 2", "threads = 0"}, {"level = \"info\"", "level = \"loud\""}});
  Output o = ConfigCheck("a");
  EXPECT_EQ(1, o.status) << o.out << o.err;
  EXPECT_TRUE(Has(o, ": http.threads: must be between 1 and 64, got 0")) << o.out;
  EXPECT_TRUE(Has(o, ": log.level: must be debug, info, warn or error, got 'loud'")) << o.out;
  // With the line of the key.
  EXPECT_TRUE(Has(o, Dir("a") + "/config.toml:")) << o.out;
  o = Doctor("a");
  EXPECT_EQ(3, o.status) << o.out << o.err;
  EXPECT_TRUE(Has(o, "problem  config: ")) << o.out;

  // A file given by name; one that does not exist is a problem.
  o = Mrc({"config", "check", Dir("missing.toml")});
  EXPECT_EQ(1, o.status) << o.out;
  EXPECT_TRUE(Has(o, "cannot read " + Dir("missing.toml"))) << o.out;
}

TEST_F(DoctorTest, FilesTheConfigNamesMustExist) {
  Init("a");
  EditConfig("a", {{"dir = \"\"", "dir = \"backups\""},
                   {"tls_cert = \"\"", "tls_cert = \"" + Dir("none.pem") + "\""},
                   {"tls_key = \"\"", "tls_key = \"" + Dir("none.key") + "\""}});
  Output o = ConfigCheck("a");
  EXPECT_EQ(1, o.status) << o.out << o.err;
  EXPECT_TRUE(Has(o, "http.tls_cert: cannot read " + Dir("none.pem"))) << o.out;
  EXPECT_TRUE(Has(o, "backup.dir: " + Dir("a") + "/backups is not a directory")) << o.out;
  EXPECT_TRUE(Has(o, "fix: mkdir -p " + Dir("a") + "/backups")) << o.out;
}

TEST_F(DoctorTest, ACertificateAboutToExpireIsReported) {
  Init("a");
  web::CertificateRequest req;
  req.names = {"localhost", "127.0.0.1"};
  req.days = 1;
  std::string cert = Dir("centre-cert.pem"), key = Dir("centre-key.pem");
  ASSERT_TRUE(web::MakeCertificate(req, cert, key).ok());
  EditConfig("a", {{"tls = \"auto\"", "tls = \"on\""},
                   {"tls_cert = \"\"", "tls_cert = \"" + cert + "\""},
                   {"tls_key = \"\"", "tls_key = \"" + key + "\""}});
  Output o = ConfigCheck("a");
  EXPECT_EQ(0, o.status) << o.out << o.err;
  EXPECT_TRUE(Has(o, "(certificate " + cert + ")")) << o.out;
  o = Doctor("a");
  EXPECT_TRUE(Has(o, "warning  certificate " + cert + ": expires on ")) << o.out;
  EXPECT_TRUE(Has(o, "fix: put a renewed certificate")) << o.out;
}

TEST_F(DoctorTest, AStaleBackupIsReported) {
  Init("a");
  fs::create_directories(Dir("a") + "/backups");
  EditConfig("a", {{"dir = \"\"", "dir = \"backups\""}, {"every_hours = 24", "every_hours = 2"}});
  std::string backup = Dir("a") + "/backups/mrcnode-backup-20260101T000000Z";
  Output o = Mrc({"backup", "--data", Dir("a"), backup});
  ASSERT_EQ(0, o.status) << o.err;
  o = Doctor("a");
  EXPECT_TRUE(Has(o, "ok       backups: the newest, " + backup + ", is 0 hours old")) << o.out;
  AgeBackup(backup, 5);
  o = Doctor("a");
  EXPECT_NE(3, o.status) << o.out;
  EXPECT_TRUE(Has(o, "warning  backups: the newest, " + backup + ", is 5 hours old")) << o.out;
  EXPECT_TRUE(Has(o, "more than twice backup.every_hours (2)")) << o.out;
}

// Headquarters' clock a day ahead (the test setting MRC_CLOCK_OFFSET_MS):
// to the centre that received its entries, the centre's clock looks
// behind; to headquarters run with the right time, its clock went back.
TEST_F(DoctorTest, AClockBehindTheNetworksEntriesIsReported) {
  Init("a");
  Init("b", "a");
  Start("a", {"MRC_CLOCK_OFFSET_MS=" + std::to_string(24LL * 3600 * 1000)});
  Post("a", Faq("Written a day ahead"));
  AddPeer("b", PeerAddress("a"));
  Start("b");
  ASSERT_TRUE(Converge({"a", "b"}));
  ASSERT_EQ(0, nodes_["b"]->Stop());
  ASSERT_EQ(0, nodes_["a"]->Stop());
  Output o = Doctor("b");
  EXPECT_EQ(3, o.status) << o.out << o.err;
  EXPECT_TRUE(Has(o, "this clock is probably behind; fix: set the clock")) << o.out;
  o = Doctor("a");
  EXPECT_EQ(3, o.status) << o.out << o.err;
  EXPECT_TRUE(Has(o, "later: the clock went back")) << o.out;
}

TEST_F(DoctorTest, ARunningNodeIsCheckedThroughItsApi) {
  Init("a");
  std::string address = Start("a");
  ASSERT_FALSE(address.empty());
  Output o = ConfigCheck("a");
  EXPECT_EQ(0, o.status) << o.out << o.err;
  o = Doctor("a");
  EXPECT_NE(3, o.status) << o.out << o.err;
  EXPECT_TRUE(Has(o, "ok       node: running at " + address)) << o.out;
  EXPECT_TRUE(Has(o, "ok       api-token: mode 0600")) << o.out;
  // The store is the running node's: not opened.
  EXPECT_FALSE(Has(o, "store:")) << o.out;
}

}  // namespace
}  // namespace mrc::e2e
