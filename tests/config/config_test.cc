#include "config/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "config/check.h"

namespace mrc::config {
namespace {

// "ok", or the error message of parsing `text`.
std::string Error(const std::string& text) {
  auto r = Parse(text, "config.toml");
  return r.ok() ? "ok" : r.status().message();
}

TEST(ConfigTest, EmptyFileGivesDefaults) {
  auto c = Parse("", "config.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ("127.0.0.1:8080", c->http_listen);
  EXPECT_TRUE(c->storage_sync);
  EXPECT_EQ("info", c->log_level);
}

TEST(ConfigTest, RenderRoundTrips) {
  Config c;
  c.node_name = "MRC Shkodër \"north\"\\";
  c.http_listen = "[::1]:9000";
  c.http_threads = 7;
  c.storage_sync = false;
  c.log_level = "debug";
  c.sync_listen = "";
  c.sync_peers = {"127.0.0.1:7401", "[::1]:7402"};
  c.referrals_retention_days = 90;
  c.sync_keepalive_seconds = 5;
  c.sync_idle_timeout_seconds = 300;
  c.sync_hq_silence_warning_days = 0;
  auto back = Parse(Render(c), "x");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(c.node_name, back->node_name);
  EXPECT_EQ(c.http_listen, back->http_listen);
  EXPECT_EQ(7u, back->http_threads);
  EXPECT_FALSE(back->storage_sync);
  EXPECT_EQ("debug", back->log_level);
  EXPECT_EQ("", back->sync_listen);
  EXPECT_EQ(c.sync_peers, back->sync_peers);
  EXPECT_EQ(90u, back->referrals_retention_days);
  EXPECT_EQ(5u, back->sync_keepalive_seconds);
  EXPECT_EQ(300u, back->sync_idle_timeout_seconds);
  EXPECT_EQ(0u, back->sync_hq_silence_warning_days);
  EXPECT_EQ(7u, Config().sync_hq_silence_warning_days);
  EXPECT_FALSE(Parse("[sync]\nhq_silence_warning_days = 3651\n", "x").ok());
  EXPECT_FALSE(Parse("[referrals]\nretention_days = -1\n", "x").ok());
  EXPECT_NE(std::string::npos, Render(c).find("# Threads serving HTTP"));
}

TEST(ConfigTest, PeerLimitsHaveDefaultsAndRoundTrip) {
  Config d;
  EXPECT_EQ(10u, d.limits_peer_handshake_seconds);
  EXPECT_EQ(8u, d.limits_peer_links_per_address);
  EXPECT_EQ(8u, d.limits_peer_unapproved_links);
  EXPECT_EQ(64u, d.limits_peer_read_memory_mb);
  EXPECT_EQ(256u, d.limits_peer_min_bytes_per_second);
  Config c;
  c.limits_peer_handshake_seconds = 20;
  c.limits_peer_handshakes = 5;
  c.limits_peer_links_per_address = 3;
  c.limits_peer_links_per_key = 4;
  c.limits_peer_unapproved_links = 0;
  c.limits_peer_unapproved_link_seconds = 60;
  c.limits_peer_read_memory_mb = 128;
  c.limits_peer_min_bytes_per_second = 100;
  auto back = Parse(Render(c), "x");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(20u, back->limits_peer_handshake_seconds);
  EXPECT_EQ(5u, back->limits_peer_handshakes);
  EXPECT_EQ(3u, back->limits_peer_links_per_address);
  EXPECT_EQ(4u, back->limits_peer_links_per_key);
  EXPECT_EQ(0u, back->limits_peer_unapproved_links);
  EXPECT_EQ(60u, back->limits_peer_unapproved_link_seconds);
  EXPECT_EQ(128u, back->limits_peer_read_memory_mb);
  EXPECT_EQ(100u, back->limits_peer_min_bytes_per_second);
  EXPECT_EQ("config.toml: limits.peer_read_memory_mb: must be between 16 and 65536, got 8",
            Error("[limits]\npeer_read_memory_mb = 8\n"));
  EXPECT_EQ("config.toml: limits.peer_links_per_key: must be between 2 and 16, got 1",
            Error("[limits]\npeer_links_per_key = 1\n"));
  EXPECT_EQ("config.toml: unknown key 'limits.peer_links'", Error("[limits]\npeer_links = 1\n"));
}

// The HTTP connection and login budgets: defaults, a round trip, and the
// per-address share that must fit in the total.
TEST(ConfigTest, HttpAndLoginLimits) {
  Config d;
  EXPECT_EQ(256u, d.http_connections);
  EXPECT_EQ(64u, d.http_connections_per_address);
  EXPECT_EQ(5u, d.login_delay_after_failures);
  EXPECT_EQ(600u, d.login_max_delay_seconds);
  EXPECT_EQ(16u, d.password_checks_queued);
  Config c;
  c.http_connections = 100;
  c.http_connections_per_address = 10;
  c.login_delay_after_failures = 3;
  c.login_address_delay_after_failures = 30;
  c.login_name_delay_after_failures = 40;
  c.login_max_delay_seconds = 60;
  c.password_check_threads = 2;
  c.password_checks_queued = 8;
  auto back = Parse(Render(c), "x");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(100u, back->http_connections);
  EXPECT_EQ(10u, back->http_connections_per_address);
  EXPECT_EQ(3u, back->login_delay_after_failures);
  EXPECT_EQ(30u, back->login_address_delay_after_failures);
  EXPECT_EQ(40u, back->login_name_delay_after_failures);
  EXPECT_EQ(60u, back->login_max_delay_seconds);
  EXPECT_EQ(2u, back->password_check_threads);
  EXPECT_EQ(8u, back->password_checks_queued);
  EXPECT_EQ(
      "config.toml: limits.http_connections_per_address: must be at most "
      "limits.http_connections (256), got 300",
      Error("[limits]\nhttp_connections_per_address = 300\n"));
  EXPECT_EQ("config.toml: limits.password_check_threads: must be between 1 and 16, got 0",
            Error("[limits]\npassword_check_threads = 0\n"));
  EXPECT_EQ("config.toml: unknown key 'limits.login_lockout'",
            Error("[limits]\nlogin_lockout = 1\n"));
}

TEST(ConfigTest, UnapprovedAndBundleLimitsRoundTrip) {
  Config d;
  EXPECT_EQ(1000u, d.limits_unapproved_entries_per_key);
  EXPECT_EQ(16u, d.limits_unapproved_mb_per_key);
  EXPECT_EQ(256u, d.limits_unapproved_total_mb);
  EXPECT_EQ(32u, d.limits_bundle_import_memory_mb);
  Config c;
  c.limits_unapproved_entries_per_key = 7;
  c.limits_unapproved_mb_per_key = 2;
  c.limits_unapproved_total_mb = 3;
  c.limits_bundle_import_memory_mb = 4;
  auto back = Parse(Render(c), "x");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(7u, back->limits_unapproved_entries_per_key);
  EXPECT_EQ(2u, back->limits_unapproved_mb_per_key);
  EXPECT_EQ(3u, back->limits_unapproved_total_mb);
  EXPECT_EQ(4u, back->limits_bundle_import_memory_mb);
  EXPECT_EQ("config.toml: limits.bundle_import_memory_mb: must be between 2 and 65536, got 1",
            Error("[limits]\nbundle_import_memory_mb = 1\n"));
}

TEST(ConfigTest, BackupScheduleRoundTripsAndRefusesBadPlaces) {
  Config d;
  EXPECT_EQ("", d.backup_dir);
  EXPECT_EQ(24u, d.backup_every_hours);
  EXPECT_EQ(7u, d.backup_keep);
  Config c;
  c.backup_dir = "/srv/backups/mrc";
  c.backup_every_hours = 6;
  c.backup_keep = 28;
  auto back = Parse(Render(c), "x");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ("/srv/backups/mrc", back->backup_dir);
  EXPECT_EQ(6u, back->backup_every_hours);
  EXPECT_EQ(28u, back->backup_keep);
  EXPECT_NE(std::string::npos, Render(c).find("# How many backups to keep"));
  EXPECT_EQ("ok", Error("[backup]\ndir = \"backups\"\n"));
  EXPECT_EQ("ok", Error("[backup]\ndir = \"./backups/daily\"\n"));
  for (const char* bad : {".", "./", "db", "db/backups", "../elsewhere", "backups/../db"}) {
    EXPECT_NE(std::string::npos,
              Error("[backup]\ndir = \"" + std::string(bad) + "\"\n")
                  .find("backup.dir: \"" + std::string(bad) + "\" is not a place for backups"))
        << bad;
  }
  EXPECT_EQ("config.toml: backup.every_hours: must be between 1 and 8760, got 0",
            Error("[backup]\nevery_hours = 0\n"));
  EXPECT_EQ("config.toml: backup.keep: must be between 1 and 1000, got 0",
            Error("[backup]\nkeep = 0\n"));
}

TEST(ConfigTest, ErrorsNameTheKey) {
  EXPECT_EQ("config.toml: unknown key 'http.lisen'", Error("[http]\nlisen = \"127.0.0.1:1\"\n"));
  EXPECT_EQ("config.toml: unknown section [peers]", Error("[peers]\n"));
  EXPECT_EQ("config.toml: http.threads: must be between 1 and 64, got 0",
            Error("[http]\nthreads = 0\n"));
  EXPECT_EQ("config.toml: http.threads: must be a whole number",
            Error("[http]\nthreads = \"2\"\n"));
  EXPECT_EQ("config.toml: storage.sync: must be true or false", Error("[storage]\nsync = 1\n"));
  EXPECT_EQ("config.toml: log.level: must be debug, info, warn or error, got 'loud'",
            Error("[log]\nlevel = \"loud\"\n"));
  EXPECT_NE(std::string::npos, Error("[http]\nlisten = \"localhost\"\n").find("http.listen"));
  EXPECT_EQ(0u, Error("[http\nx=").find("config.toml:1:"));
  EXPECT_EQ("config.toml: node must be a section ([node])", Error("node = 1\n"));
  EXPECT_NE(std::string::npos, Error("[sync]\npeers = [\"nowhere\"]\n").find("sync.peers"));
  EXPECT_NE(std::string::npos,
            Error("[sync]\npeers = \"a:1\"\n").find("sync.peers: must be a list"));
  EXPECT_NE(std::string::npos, Error("[sync]\nlisten = \"x\"\n").find("sync.listen"));
  EXPECT_EQ(
      "config.toml: sync.idle_timeout_seconds: must be at least twice sync.keepalive_seconds "
      "(15), got 29: a quiet link whose ping is late would be closed",
      Error("[sync]\nidle_timeout_seconds = 29\n"));
  EXPECT_EQ("config.toml: sync.keepalive_seconds: must be between 1 and 3600, got 0",
            Error("[sync]\nkeepalive_seconds = 0\n"));
}

TEST(ConfigTest, NonLoopbackMeansHttps) {
  auto lan = Parse("[http]\nlisten = \"0.0.0.0:8443\"\n", "x");
  ASSERT_TRUE(lan.ok()) << lan.status().ToString();
  EXPECT_TRUE(HttpUsesTls(*lan));
  auto local = Parse("", "x");
  EXPECT_FALSE(HttpUsesTls(*local));
  auto forced = Parse("[http]\ntls = \"on\"\n", "x");
  EXPECT_TRUE(HttpUsesTls(*forced));
  EXPECT_NE(std::string::npos,
            Error("[http]\nlisten = \"10.1.2.3:8080\"\ntls = \"off\"\n")
                .find("http.tls: 'off' (plain HTTP) is refused on '10.1.2.3:8080', which is not a "
                      "loopback address"));
  EXPECT_EQ("ok", Error("[http]\nlisten = \"127.0.0.1:8080\"\ntls = \"off\"\n"));
  EXPECT_EQ("config.toml: http.tls: must be auto, on or off, got 'yes'",
            Error("[http]\ntls = \"yes\"\n"));
  EXPECT_NE(std::string::npos,
            Error("[http]\ntls_cert = \"/etc/c.pem\"\n").find("http.tls_key: http.tls_cert and"));
  EXPECT_NE(std::string::npos,
            Error("[http]\ntls_names = [\"a,b\"]\n").find("http.tls_names: 'a,b' is neither"));
}

TEST(ConfigTest, TlsSettingsRoundTrip) {
  Config c;
  c.http_listen = "0.0.0.0:8443";
  c.http_tls = "on";
  c.http_tls_cert = "/etc/mrcnode/cert.pem";
  c.http_tls_key = "/etc/mrcnode/key.pem";
  c.http_tls_names = {"mrc.centre.lan", "192.168.1.10"};
  auto back = Parse(Render(c), "x");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(c.http_listen, back->http_listen);
  EXPECT_EQ(c.http_tls, back->http_tls);
  EXPECT_EQ(c.http_tls_cert, back->http_tls_cert);
  EXPECT_EQ(c.http_tls_key, back->http_tls_key);
  EXPECT_EQ(c.http_tls_names, back->http_tls_names);
}

TEST(ConfigTest, MissingFileGivesDefaults) {
  auto c = LoadFile("/nonexistent/dir/config.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(2u, c->http_threads);
}

// The Debian package links DATA/config.toml to /etc/mrcnode/config.toml
// (root:mrcnode 0640): `mrcnode peer add` rewrites the file there, and the
// node can still read it.
TEST(ConfigTest, WriteFileKeepsALinkAndTheFilesOwnerAndMode) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("config_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "etc");
  fs::create_directories(dir / "data");
  std::string etc = (dir / "etc" / "config.toml").string();
  ASSERT_TRUE(WriteFile(etc, Config{}).ok());
  ASSERT_EQ(0, ::chmod(etc.c_str(), 0640));
  const gid_t gid = 4242;  // another group than the writer's, as root only
  if (::geteuid() == 0) {
    ASSERT_EQ(0, ::chown(etc.c_str(), 0, gid));
  }
  fs::create_symlink(etc, dir / "data" / "config.toml");

  Config c;
  c.sync_peers = {"hq.example.org:7400"};
  ASSERT_TRUE(WriteFile((dir / "data" / "config.toml").string(), c).ok());
  EXPECT_TRUE(fs::is_symlink(dir / "data" / "config.toml"));
  auto back = LoadFile((dir / "data" / "config.toml").string());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(c.sync_peers, back->sync_peers);
  struct stat st {};
  ASSERT_EQ(0, ::stat(etc.c_str(), &st));
  EXPECT_EQ(0640u, st.st_mode & 07777);
  if (::geteuid() == 0) {
    EXPECT_EQ(gid, st.st_gid);
  }
  EXPECT_FALSE(fs::exists(etc + ".tmp"));
  fs::remove_all(dir);
}

// Check reports every problem, each with its key and line, where Parse
// stops at the first.
TEST(ConfigTest, CheckReportsEveryProblemWithItsKeyAndLine) {
  EXPECT_TRUE(Check(Render(Config{}), "config.toml").empty());
  std::string text =
      "[http]\n"
      "tls = \"yes\"\n"
      "threads = 0\n"
      "[sync]\n"
      "peers = [\"nowhere\"]\n"
      "colour = 3\n"
      "[log]\n"
      "level = \"loud\"\n";
  auto problems = Check(text, "config.toml");
  ASSERT_EQ(5u, problems.size()) << ::testing::PrintToString(problems);
  EXPECT_EQ("config.toml:6: unknown key 'sync.colour'", problems[0]);
  EXPECT_EQ("config.toml:3: http.threads: must be between 1 and 64, got 0", problems[1]);
  EXPECT_EQ(0u, problems[2].rfind("config.toml:5: sync.peers: 'nowhere' is not HOST:PORT", 0))
      << problems[2];
  EXPECT_EQ("config.toml:2: http.tls: must be auto, on or off, got 'yes'", problems[3]);
  EXPECT_EQ("config.toml:8: log.level: must be debug, info, warn or error, got 'loud'",
            problems[4]);
  // Parse still stops at the first, without a line.
  EXPECT_EQ("config.toml: unknown key 'sync.colour'", Error(text));
}

TEST(ConfigTest, CheckReportsASyntaxErrorAlone) {
  auto problems = Check("[http]\nlisten = \n", "config.toml");
  ASSERT_EQ(1u, problems.size());
  EXPECT_EQ(0u, problems[0].rfind("config.toml:2:", 0)) << problems[0];
}

TEST(ConfigTest, HostPort) {
  EXPECT_EQ("127.0.0.1:8080", ParseHostPort("127.0.0.1:8080")->ToString());
  EXPECT_EQ("[::1]:80", ParseHostPort("[::1]:80")->ToString());
  EXPECT_EQ(0, ParseHostPort("localhost:0")->port);
  EXPECT_FALSE(ParseHostPort("localhost:0", false).ok());
  for (const char* bad :
       {"", "127.0.0.1", "127.0.0.1:", ":80", "h:99999", "h:8x", "::1:80", "a b:1"}) {
    EXPECT_FALSE(ParseHostPort(bad).ok()) << bad;
  }
  EXPECT_TRUE(IsLoopback("127.0.0.1"));
  EXPECT_TRUE(IsLoopback("127.1.2.3"));
  EXPECT_TRUE(IsLoopback("::1"));
  EXPECT_FALSE(IsLoopback("10.0.0.1"));
  EXPECT_FALSE(IsLoopback("127.example.org"));
}

}  // namespace
}  // namespace mrc::config
