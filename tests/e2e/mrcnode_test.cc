// Black-box tests of the mrcnode program: real processes, a real data
// directory, the JSON API over TCP on 127.0.0.1.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.h"
#include "web/http/client.h"

namespace mrc::e2e {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class MrcnodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "mrc-e2e-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(root_); }

  Output Mrc(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), kBin);
    return e2e::Run(args, input);
  }
  std::string Dir(const std::string& name) { return root_ + "/" + name; }
  void InitHq(const std::string& dir) {
    Output o = Mrc({"init", "--data", dir, "--hq", "--network", "Test network", "--http",
                    "127.0.0.1:0", "--listen", "127.0.0.1:0"});
    ASSERT_EQ(0, o.status) << o.err;
  }
  // status code and parsed body of an API call
  std::pair<int, json> Call(const std::string& addr, const std::string& method,
                            const std::string& target, const std::string& body = "") {
    auto r = web::HttpCallWithToken(addr, token_, method, target, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  std::string root_;
  std::string token_;  // for Call
};

TEST_F(MrcnodeTest, InitCreatesIdentityConfigAndGenesis) {
  std::string hq = Dir("hq");
  InitHq(hq);
  struct stat st {};
  ASSERT_EQ(0, ::stat((hq + "/identity.key").c_str(), &st));
  EXPECT_EQ(0600u, st.st_mode & 0777);
  EXPECT_TRUE(fs::exists(hq + "/config.toml"));
  EXPECT_TRUE(fs::exists(hq + "/genesis.txt"));
  // A centre joins with the genesis file, or its text.
  EXPECT_EQ(0, Mrc({"init", "--data", Dir("c1"), "--genesis", hq + "/genesis.txt"}).status);
  std::ifstream g(hq + "/genesis.txt");
  std::string text;
  std::getline(g, text);
  EXPECT_EQ(0, Mrc({"init", "--data", Dir("c2"), "--genesis", text}).status);
  EXPECT_EQ(Mrc({"digest", "--data", Dir("c1")}).out, Mrc({"digest", "--data", Dir("c2")}).out);
}

TEST_F(MrcnodeTest, BadInputGivesOneClearLine) {
  std::string hq = Dir("hq");
  Output o = Mrc({"init", "--data", hq});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("give either --hq"));
  o = Mrc({"init", "--data", hq, "--hq", "--http", "0.0.0.0"});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("http.listen")) << o.err;
  o = Mrc({"init", "--data", hq, "--genesis", "mrc-genesis-1.00"});
  EXPECT_NE(std::string::npos, o.err.find("not a valid network genesis")) << o.err;
  InitHq(hq);
  o = Mrc({"init", "--data", hq, "--hq"});
  EXPECT_NE(std::string::npos, o.err.find("already initialised"));
  o = Mrc({"doc", "get", "--data", hq, "nothex"});
  EXPECT_EQ(1, o.status);
  EXPECT_EQ("mrcnode: error: document id 'nothex' is not a 64-character hex id\n", o.err);
  o = Mrc({"doc", "put", "--data", hq}, "{broken");
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("not a JSON object"));
  o = Mrc({"doc", "get", "--data", Dir("nowhere"), std::string(64, 'a')});
  EXPECT_NE(std::string::npos, o.err.find("not an mrcnode data directory"));
  o = Mrc({"frobnicate"});
  EXPECT_NE(0, o.status);
  EXPECT_NE(std::string::npos, o.err.find("frobnicate")) << o.err;
  EXPECT_EQ(0, Mrc({"doc", "list", "--help"}).status);
}

TEST_F(MrcnodeTest, BadConfigAndOpenKeyStopStartUp) {
  std::string hq = Dir("hq");
  InitHq(hq);
  std::ofstream(hq + "/config.toml", std::ios::app) << "\n[http]\nthreads = 0\n";
  Output o = Mrc({"run", "--data", hq});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("config.toml")) << o.err;
  std::ofstream(hq + "/config.toml") << "[http]\nlisten = \"127.0.0.1:0\"\ncolour = 1\n";
  o = Mrc({"run", "--data", hq});
  EXPECT_NE(std::string::npos, o.err.find("unknown key 'http.colour'")) << o.err;
  std::ofstream(hq + "/config.toml") << "[http]\nlisten = \"127.0.0.1:0\"\n";
  ::chmod((hq + "/identity.key").c_str(), 0644);
  o = Mrc({"run", "--data", hq});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("chmod 600")) << o.err;
}

// The Debian package links DATA/config.toml to /etc/mrcnode/config.toml
// before `init` runs: init keeps the link, the node reads its settings
// there, and `peer add` writes them there.
TEST_F(MrcnodeTest, InitKeepsAConfigAlreadyThere) {
  std::string etc = Dir("etc-config.toml"), data = Dir("data");
  std::ofstream(etc) << "[node]\nname = \"Centre from etc\"\n[http]\nlisten = \"127.0.0.1:0\"\n";
  fs::create_directories(data);
  fs::create_symlink(etc, data + "/config.toml");
  Output o = Mrc({"init", "--data", data, "--hq", "--name", "Other"});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("config.toml exists: set http.listen")) << o.err;
  EXPECT_FALSE(fs::exists(data + "/identity.key"));

  o = Mrc({"init", "--data", data, "--hq"});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_NE(std::string::npos, o.out.find("(kept as it was)")) << o.out;
  EXPECT_TRUE(fs::is_symlink(data + "/config.toml"));
  o = Mrc({"status", "--data", data});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_EQ("Centre from etc", json::parse(o.out)["name"]);
  ASSERT_EQ(0, Mrc({"peer", "add", "--data", data, "127.0.0.1:7999"}).status);
  EXPECT_TRUE(fs::is_symlink(data + "/config.toml"));
  std::ifstream in(etc);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(std::string::npos, text.find("127.0.0.1:7999")) << text;

  // root, in a data directory another user owns, would leave files that
  // user cannot read: refused.
  if (::geteuid() == 0) {
    ASSERT_EQ(0, ::chown(data.c_str(), 4242, 4242));
    o = Mrc({"status", "--data", data});
    EXPECT_EQ(1, o.status);
    EXPECT_NE(std::string::npos, o.err.find("belongs to user 4242: run this as that user"))
        << o.err;
  }
}

// Every directory under `dir` is 0700 and every file 0600.
void ExpectOwnerOnly(const std::string& dir) {
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat st {};
    ASSERT_EQ(0, ::stat(e.path().c_str(), &st)) << e.path();
    EXPECT_EQ(e.is_directory() ? 0700u : 0600u, st.st_mode & 0777) << e.path();
    files += !e.is_directory();
  }
  EXPECT_GT(files, 0u) << dir;
}

// Whatever the umask it was started with, the node keeps its data, and a
// backup of it (user records, sessions), to its own user.
TEST_F(MrcnodeTest, ImportSampleContentVerifyAndBackup) {
  std::string hq = Dir("hq");
  mode_t old_umask = ::umask(022);
  InitHq(hq);
  Output o = Mrc({"import", "--data", hq, kSample});
  ASSERT_EQ(0, o.status) << o.err;
  // Not on a terminal: plain lines, no carriage returns.
  EXPECT_NE(std::string::npos, o.err.find("import: done, ")) << o.err;
  EXPECT_EQ(std::string::npos, o.err.find('\r')) << o.err;
  o = Mrc({"verify", "--data", hq});
  EXPECT_EQ(0, o.status) << o.err;
  EXPECT_NE(std::string::npos, o.out.find("verify: ok"));
  EXPECT_NE(std::string::npos, o.err.find("(10%), ")) << o.err;  // a line per tenth
  EXPECT_NE(std::string::npos, o.err.find("verify: done, ")) << o.err;
  EXPECT_EQ(std::string::npos, o.err.find('\r')) << o.err;
  // On a terminal (script(1) gives it one): the line is redrawn in place.
  o = e2e::Run({"/usr/bin/script", "-qec", kBin + " verify --data " + hq, "/dev/null"});
  EXPECT_EQ(0, o.status) << o.out;
  EXPECT_NE(std::string::npos, o.out.find("\rverify: done, ")) << o.out;
  EXPECT_EQ(std::string::npos, o.out.find("(10%), ")) << o.out;
  json guides =
      json::parse(Mrc({"doc", "list", "--data", hq, "--kind", "guide", "--limit", "1000"}).out);
  EXPECT_GE(guides["docs"].size(), 120u);
  ASSERT_EQ(0, Mrc({"backup", "--data", hq, Dir("backup")}).status);
  EXPECT_TRUE(fs::exists(Dir("backup") + "/db/CURRENT"));
  EXPECT_TRUE(fs::exists(Dir("backup") + "/backup.json"));
  ExpectOwnerOnly(Dir("backup"));
  // A broken directory imports nothing.
  fs::create_directories(Dir("bad"));
  std::ofstream(Dir("bad") + "/x.md") << "---\nkind: faq\nquestion: Q\n---\nAn answer.\n";
  std::string before = Mrc({"digest", "--data", hq}).out;
  o = Mrc({"import", "--data", hq, Dir("bad")});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("x.md: content.language: is required")) << o.err;
  EXPECT_EQ(before, Mrc({"digest", "--data", hq}).out);
  ExpectOwnerOnly(hq);
  ::umask(old_umask);
}

TEST_F(MrcnodeTest, JsonApiAgainstARunningNode) {
  std::string hq = Dir("hq");
  InitHq(hq);
  // An editor's API token, made before the node starts (on the store).
  Output o = Mrc({"user", "add", "--data", hq, "ed", "--role", "editor", "--password-stdin",
                  "--display-name", "Edona Berisha"},
                 "correct horse\n");
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_EQ("Edona Berisha", json::parse(o.out)["display_name"]);
  o = Mrc({"user", "token", "--data", hq, "ed", "--label", "test"});
  ASSERT_EQ(0, o.status) << o.err;
  token_ = json::parse(o.out)["token"];
  Server server(kBin, hq);
  std::string addr = server.WaitForAddress();
  ASSERT_FALSE(addr.empty()) << server.Stderr();
  // Without a token, the API answers 401; the editor may not manage users.
  auto anonymous = web::HttpCall(addr, "GET", "/api/v1/docs", "");
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(401, anonymous->status);
  EXPECT_EQ(403, Call(addr, "GET", "/api/v1/users").first);

  auto [code, health] = Call(addr, "GET", "/healthz");
  EXPECT_EQ(200, code);
  EXPECT_EQ("ok", health["status"]);

  std::string faq =
      R"({"kind":"faq","content":{"question":"Do I need a visa?","answer":"It depends.","language":"en"}})";
  auto [created_code, created] = Call(addr, "POST", "/api/v1/docs", faq);
  ASSERT_EQ(201, created_code) << created.dump();
  std::string id = created["id"];
  EXPECT_EQ("It depends.", Call(addr, "GET", "/api/v1/docs/" + id).second["content"]["answer"]);
  // The token's user signs what it writes, by display name.
  EXPECT_EQ("Edona Berisha", created["content"]["edited_by"]);
  EXPECT_EQ(false, created["review"]["overdue"]);

  json edit{{"content",
             {{"question", "Do I need a visa?"}, {"answer", "Yes, usually."}, {"language", "en"}}},
            {"base", {created["version"]}}};
  auto [put_code, updated] = Call(addr, "PUT", "/api/v1/docs/" + id, edit.dump());
  EXPECT_EQ(200, put_code) << updated.dump();
  EXPECT_EQ(409, Call(addr, "PUT", "/api/v1/docs/" + id, edit.dump()).first) << "stale base";
  EXPECT_EQ(2u, Call(addr, "GET", "/api/v1/docs/" + id + "/history").second["versions"].size());

  // Malformed and invalid input: 4xx with a message, and nothing written.
  std::string digest = Call(addr, "GET", "/api/v1/digest").second["digest"];
  for (const std::string& bad : {std::string("{oops"), std::string("[]"),
                                 std::string(R"({"kind":"faq","content":{"question":"Q"}})"),
                                 std::string(R"({"kind":"weather","content":{}})")}) {
    auto [bad_code, err] = Call(addr, "POST", "/api/v1/docs", bad);
    EXPECT_EQ(400, bad_code) << bad;
    EXPECT_FALSE(err["error"]["message"].get<std::string>().empty());
  }
  EXPECT_EQ(404, Call(addr, "GET", "/api/v1/docs/" + std::string(64, 'b')).first);
  EXPECT_EQ(digest, Call(addr, "GET", "/api/v1/digest").second["digest"]);

  // The command line reaches the running node through its API.
  o = Mrc({"doc", "get", "--data", hq, id});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_EQ("Yes, usually.", json::parse(o.out)["content"]["answer"]);
  o = Mrc(
      {"doc", "put", "--data", hq},
      R"({"kind":"centre","content":{"name":"MRC Shkodër","location":{"city":"Shkodër","country":"AL"}}})");
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_EQ(2u, Call(addr, "GET", "/api/v1/docs").second["docs"].size());
  EXPECT_EQ(0, Mrc({"doc", "history", "--data", hq, id}).status);
  EXPECT_EQ(0, Mrc({"doc", "delete", "--data", hq, id}).status);
  EXPECT_TRUE(Call(addr, "GET", "/api/v1/docs/" + id).second["deleted"].get<bool>());

  EXPECT_EQ(0, server.Stop());
  EXPECT_FALSE(fs::exists(hq + "/node.json"));
  // After a clean shutdown the store is whole.
  EXPECT_EQ(0, Mrc({"verify", "--data", hq}).status);
}

TEST_F(MrcnodeTest, BundlesCarryEntriesThroughAThirdNode) {
  std::string hq = Dir("hq"), a = Dir("a"), b = Dir("b");
  InitHq(hq);
  for (const std::string& c : {a, b}) {
    ASSERT_EQ(0, Mrc({"init", "--data", c, "--genesis", hq + "/genesis.txt"}).status);
    ASSERT_EQ(
        0, Mrc({"member", "request", "--data", c, "--name", "Centre", "--out", c + ".req"}).status);
    ASSERT_EQ(0, Mrc({"member", "approve", "--data", hq, c + ".req"}).status);
  }
  Output o = Mrc(
      {"doc", "put", "--data", hq},
      R"({"kind":"bulletin","content":{"title":"New quota","body":"Details.","effective_date":"2027-01-01","urgency":"high","language":"en"}})");
  ASSERT_EQ(0, o.status) << o.err;
  std::string bulletin = json::parse(o.out)["id"];
  // hq -> a by a full bundle; a -> b by a bundle of what b lacks.
  ASSERT_EQ(0, Mrc({"bundle", "export", "--data", hq, "--out", Dir("hq.bundle")}).status);
  ASSERT_EQ(0, Mrc({"bundle", "import", "--data", a, Dir("hq.bundle")}).status);
  ASSERT_EQ(0, Mrc({"summary", "--data", b, "--out", Dir("b.summary")}).status);
  o = Mrc({"bundle", "export", "--data", a, "--for", Dir("b.summary"), "--out", Dir("a.bundle")});
  ASSERT_EQ(0, o.status) << o.err;
  // Two approvals and the bulletin from hq, and a's automatic receipt.
  EXPECT_NE(std::string::npos, o.out.find("wrote 4 entries")) << o.out;
  ASSERT_EQ(0, Mrc({"bundle", "import", "--data", b, Dir("a.bundle")}).status);
  // b -> hq: both receipts travel back; headquarters sees who has it.
  ASSERT_EQ(0, Mrc({"summary", "--data", hq, "--out", Dir("hq.summary")}).status);
  ASSERT_EQ(0, Mrc({"bundle", "export", "--data", b, "--for", Dir("hq.summary"), "--out",
                    Dir("b.bundle")})
                   .status);
  ASSERT_EQ(0, Mrc({"bundle", "import", "--data", hq, Dir("b.bundle")}).status);
  std::string digest = Mrc({"digest", "--data", hq}).out;
  EXPECT_EQ(digest, Mrc({"digest", "--data", b}).out);
  json receipts = json::parse(Mrc({"bulletin", "receipts", bulletin, "--data", hq}).out);
  EXPECT_EQ(2u, receipts["centres"].size()) << receipts.dump();
  EXPECT_TRUE(receipts["not_received"].empty()) << receipts.dump();
  EXPECT_EQ(2u, receipts["not_acknowledged"].size()) << receipts.dump();
  // Damaged bundles are refused with a clear message and change nothing.
  std::ifstream in(Dir("a.bundle"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 1;
  std::ofstream(Dir("bad.bundle"), std::ios::binary) << flipped;
  o = Mrc({"bundle", "import", "--data", b, Dir("bad.bundle")});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("corrupted")) << o.err;
  std::ofstream(Dir("short.bundle"), std::ios::binary) << bytes.substr(0, bytes.size() - 100);
  o = Mrc({"bundle", "import", "--data", b, Dir("short.bundle")});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("truncated")) << o.err;
  EXPECT_EQ(digest, Mrc({"digest", "--data", b}).out);
}

// A centre need not stop its node (and the UI its counsellors use) to
// carry entries on a stick: summary, bundle export and bundle import go
// through the running node; an admin's own API token may not name files.
TEST_F(MrcnodeTest, BundlesWorkWhileTheNodesRun) {
  std::string hq = Dir("hq"), a = Dir("a");
  InitHq(hq);
  ASSERT_EQ(0, Mrc({"init", "--data", a, "--genesis", hq + "/genesis.txt", "--http", "127.0.0.1:0",
                    "--listen", "none"})
                   .status);
  ASSERT_EQ(
      0, Mrc({"member", "request", "--data", a, "--name", "Centre", "--out", a + ".req"}).status);
  ASSERT_EQ(0, Mrc({"member", "approve", "--data", hq, a + ".req"}).status);
  Output o = Mrc({"user", "add", "--data", hq, "adm", "--role", "admin", "--password-stdin"},
                 "correct horse\n");
  ASSERT_EQ(0, o.status) << o.err;
  o = Mrc({"user", "token", "--data", hq, "adm", "--label", "test"});
  ASSERT_EQ(0, o.status) << o.err;
  token_ = json::parse(o.out)["token"];
  o = Mrc(
      {"doc", "put", "--data", hq},
      R"({"kind":"bulletin","content":{"title":"New quota","body":"Details.","effective_date":"2027-01-01","urgency":"high","language":"en"}})");
  ASSERT_EQ(0, o.status) << o.err;
  std::string bulletin = json::parse(o.out)["id"];

  Server hq_node(kBin, hq), a_node(kBin, a);
  std::string hq_addr = hq_node.WaitForAddress(), a_addr = a_node.WaitForAddress();
  ASSERT_FALSE(hq_addr.empty()) << hq_node.Stderr();
  ASSERT_FALSE(a_addr.empty()) << a_node.Stderr();
  ASSERT_EQ(0, Mrc({"summary", "--data", a, "--out", Dir("a.summary")}).status);
  o = Mrc({"bundle", "export", "--data", hq, "--for", Dir("a.summary"), "--out", Dir("hq.bundle")});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_NE(std::string::npos, o.out.find("wrote 3 entries")) << o.out;
  o = Mrc({"bundle", "import", "--data", a, Dir("hq.bundle")});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_NE(std::string::npos, o.out.find("3 new")) << o.out;
  // The running centre applied them: the bulletin is there, and its
  // receipt is on its way back on the next stick.
  o = Mrc({"doc", "get", "--data", a, bulletin});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_EQ("New quota", json::parse(o.out)["content"]["title"]);

  auto [code, refused] =
      Call(hq_addr, "POST", "/api/v1/bundles/import", json{{"path", Dir("hq.bundle")}}.dump());
  EXPECT_EQ(403, code) << refused.dump();
  EXPECT_EQ(0, hq_node.Stop());
  EXPECT_EQ(0, a_node.Stop());
}

}  // namespace
}  // namespace mrc::e2e
