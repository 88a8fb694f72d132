// Backups of a running node and restores from them, with real mrcnode
// processes syncing over TCP on 127.0.0.1: a backup taken while writes
// and sync run, restored into a fresh directory, started, reconnected and
// converged, including the dangerous case of a node whose peers hold newer
// entries of its own feed than its backup.
#include <atomic>
#include <thread>

#include "tests/e2e/cluster.h"

namespace mrc::e2e {
namespace {

namespace fs = std::filesystem;

class BackupTest : public Cluster {
 protected:
  json Manifest(const std::string& backup) {
    std::ifstream in(backup + "/backup.json");
    return json::parse(in, nullptr, false);
  }
  std::string PublicKey(const std::string& name) {
    std::ifstream in(Dir(name) + "/identity.pub");
    std::string key;
    std::getline(in, key);
    return key;
  }
  // A new data directory holding `name`'s keys, genesis and config, as an
  // administrator who kept them apart would set up a replacement machine.
  void CopyKeys(const std::string& name, const std::string& to) {
    fs::create_directories(Dir(to));
    for (const char* f :
         {"identity.key", "identity.pub", "encryption.key", "genesis.txt", "config.toml"})
      fs::copy_file(Dir(name) + "/" + f, Dir(to) + "/" + f);
  }
  // Posts FAQs to `name` until `stop` is set (at most `max`); returns how
  // many were written.
  int WriteUntil(const std::string& name, const std::atomic<bool>& stop, int max) {
    int written = 0;
    while (!stop && written < max) {
      auto r = Call(name, "POST", "/api/v1/docs", Faq("During backup " + std::to_string(written)));
      if (!r.ok() || r->status != 201) break;
      ++written;
    }
    return written;
  }
  int PostStatus(const std::string& name, const std::string& question) {
    auto r = Call(name, "POST", "/api/v1/docs", Faq(question));
    return r.ok() ? r->status : -1;
  }
  json Status(const std::string& name) { return Get(name, "/api/v1/status"); }
};

// `mrcnode backup` against a running node under writes and sync (a,
// headquarters; b, a centre linked to it; c, a centre linked to b); the
// backup restores into a fresh directory; the restored node, whose peer
// holds newer entries of its own feed, signs nothing until it has them,
// then writes without forking its feed, and all converge.
TEST_F(BackupTest, OnlineBackupRestoresAndCatchesUpWithoutForking) {
  Init("a");
  Init("b", "a");
  Init("c", "a");
  Start("a");
  AddPeer("b", PeerAddress("a"));
  Start("b");
  AddPeer("c", PeerAddress("b"));
  Start("c");
  for (int i = 0; i < 20; ++i) Post("a", Faq("Before " + std::to_string(i)));

  std::string backup = Dir("backup-1");
  std::atomic<bool> stop{false};
  std::atomic<int> during{0};
  std::thread writer([&] { during = WriteUntil("a", stop, 2000); });
  // Let writes be under way; the backup runs in the middle of them.
  ASSERT_TRUE(Eventually([&] { return during > 0 || Status("a").value("entries", 0) > 25; }));
  Output o = Mrc({"backup", "--data", Dir("a"), backup});
  stop = true;
  writer.join();
  ASSERT_EQ(0, o.status) << o.err;
  json m = Manifest(backup);
  ASSERT_TRUE(m.is_object());
  EXPECT_EQ(1, m.value("format", 0));
  EXPECT_EQ(PublicKey("a"), m.value("node", ""));
  EXPECT_FALSE(fs::exists(backup + "/identity.key"));
  EXPECT_FALSE(fs::exists(backup + "/encryption.key"));
  std::uint64_t backed_up_seq = m.value("own_seq", std::uint64_t{0});
  EXPECT_GE(backed_up_seq, 20u);

  // Newer entries of a's own feed reach b after the backup.
  for (int i = 0; i < 5; ++i) Post("a", Faq("After " + std::to_string(i)));
  ASSERT_TRUE(Converge({"a", "b", "c"}));
  std::string digest = Digest("a");
  // A node runs on a: restore refuses to touch it.
  o = Mrc({"restore", "--data", Dir("a"), backup});
  EXPECT_NE(0, o.status);
  EXPECT_NE(std::string::npos, o.err.find("running")) << o.err;
  ASSERT_EQ(0, nodes_["a"]->Stop());

  // A replacement machine: a's keys, then the backup.
  CopyKeys("a", "a2");
  o = Mrc({"restore", "--data", Dir("a2"), backup});
  ASSERT_EQ(0, o.status) << o.err;
  o = Mrc({"verify", "--data", Dir("a2")});
  ASSERT_EQ(0, o.status) << o.err;

  // Alone, it signs nothing: its peers may hold newer entries of its feed.
  Start("a2");
  EXPECT_EQ(503, PostStatus("a2", "Too early"));
  EXPECT_TRUE(Status("a2").value("own_feed_held", false));
  ASSERT_EQ(0, nodes_["a2"]->Stop());

  // With b reachable it fetches them, then writes after them.
  AddPeer("a2", PeerAddress("b"));
  Start("a2");
  ASSERT_TRUE(Eventually([&] { return PostStatus("a2", "After restore") == 201; }))
      << nodes_["a2"]->Stderr();
  ASSERT_TRUE(Converge({"a2", "b", "c"}));
  EXPECT_NE(digest, Digest("a2"));
  for (const std::string n : {"a2", "b", "c"}) {
    json s = Status(n);
    EXPECT_EQ(0, s.value("forks", -1)) << n << " " << s.dump();
    EXPECT_FALSE(s.value("own_feed_held", true)) << n;
    EXPECT_TRUE(s["trust"]["forked_feeds"].empty()) << n << " " << s.dump();
  }
}

// Offline, `backup` works as before; `restore` checks the manifest and
// the store before it touches the data directory.
TEST_F(BackupTest, RestoreRefusesAnotherNodeAndAnAlteredBackup) {
  Init("a");
  Init("b", "a");
  ImportFaqs("a", 10, 100);
  std::string backup = Dir("backup-offline");
  Output o = Mrc({"backup", "--data", Dir("a"), backup});
  ASSERT_EQ(0, o.status) << o.err;
  o = Mrc({"backup", "--data", Dir("a"), backup});
  EXPECT_NE(0, o.status);  // the destination exists

  o = Mrc({"restore", "--data", Dir("b"), backup});
  EXPECT_NE(0, o.status);
  EXPECT_NE(std::string::npos, o.err.find("--as-new-node")) << o.err;

  json m = Manifest(backup);
  std::string real = m["digest"];
  m["digest"] = std::string(64, '0');
  std::ofstream(backup + "/backup.json") << m.dump();
  o = Mrc({"restore", "--data", Dir("a"), backup});
  EXPECT_NE(0, o.status);
  EXPECT_NE(std::string::npos, o.err.find("digest")) << o.err;
  EXPECT_FALSE(fs::exists(Dir("a") + "/db.restoring"));

  m["digest"] = real;
  std::ofstream(backup + "/backup.json") << m.dump();
  // A store too damaged to open is what a restore is for.
  fs::remove(Dir("a") + "/db/CURRENT");
  EXPECT_NE(0, Mrc({"verify", "--data", Dir("a")}).status);
  o = Mrc({"restore", "--data", Dir("a"), backup, "--no-hold"});
  ASSERT_EQ(0, o.status) << o.err;
  o = Mrc({"restore", "--data", Dir("b"), backup, "--as-new-node"});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_EQ(0, Mrc({"verify", "--data", Dir("b")}).status);

  // An admin's own API token may not make the node write files.
  o = Mrc({"user", "add", "--data", Dir("a"), "root", "--role", "admin", "--password-stdin"},
          "correct horse\n");
  ASSERT_EQ(0, o.status) << o.err;
  o = Mrc({"user", "token", "--data", Dir("a"), "root", "--label", "test"});
  ASSERT_EQ(0, o.status) << o.err;
  std::string admin_token = json::parse(o.out)["token"];
  Start("a");
  EXPECT_EQ(201, PostStatus("a", "Signed at once"));
  auto r = web::HttpCallWithToken(http_["a"], admin_token, "POST", "/api/v1/backup",
                                  json{{"path", Dir("by-admin")}}.dump());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(403, r->status) << r->body;
  EXPECT_FALSE(fs::exists(Dir("by-admin")));
  r = Call("a", "POST", "/api/v1/backup", json{{"path", "relative"}}.dump());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(400, r->status) << r->body;
  r = Call("a", "POST", "/api/v1/backup", json{{"path", backup}}.dump());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(400, r->status) << r->body;  // exists
}

// The schedule writes a backup when the newest is due and keeps `keep`.
TEST_F(BackupTest, ScheduledBackupsKeepTheNewest) {
  Init("a");
  std::string dir = Dir("a") + "/backups";
  // Two old backups, as a schedule with keep = 2 left them.
  for (const char* stamp : {"20200101T000000Z", "20200102T000000Z"}) {
    std::string old = dir + "/mrcnode-backup-" + stamp;
    fs::create_directories(old);
    std::ofstream(old + "/backup.json")
        << json{{"format", 1},  {"node", PublicKey("a")}, {"network_id", ""}, {"created_ms", 1000},
                {"digest", ""}, {"entries", 0},           {"documents", 0},   {"own_seq", 0}}
               .dump();
  }
  EditConfig("a", {{"dir = \"\"", "dir = \"backups\""}, {"keep = 7", "keep = 2"}});
  Start("a");
  auto names = [&] {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir, ec)) found.push_back(f.path().filename());
    std::sort(found.begin(), found.end());
    return found;
  };
  ASSERT_TRUE(Eventually([&] {
    auto n = names();
    return n.size() == 2 && n[0] == "mrcnode-backup-20200102T000000Z";
  })) << ::testing::PrintToString(names());
  std::string newest = dir + "/" + names()[1];
  EXPECT_EQ(PublicKey("a"), Manifest(newest).value("node", ""));
}

}  // namespace
}  // namespace mrc::e2e
