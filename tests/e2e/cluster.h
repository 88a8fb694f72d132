// A fixture for black-box tests of several real mrcnode processes on
// 127.0.0.1: data directories in a temporary folder, free ports, enrolment,
// HTTP calls and bounded waits for convergence.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/e2e/process.h"
#include "web/http/client.h"

namespace mrc::e2e {

class Cluster : public ::testing::Test {
 protected:
  using json = nlohmann::json;
  using seconds = std::chrono::seconds;

  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mrc-sync-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override {
    nodes_.clear();
    std::filesystem::remove_all(root_);
  }

  Output Mrc(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), kBin);
    return e2e::Run(args, input);
  }
  std::string Dir(const std::string& name) { return root_ + "/" + name; }

  // Initialises a node on free ports: headquarters of a new network, or a
  // centre of `genesis_of`'s network that headquarters approves (`enrol`).
  void Init(const std::string& name, const std::string& genesis_of = "", bool enrol = true) {
    std::vector<std::string> args = {"init",        "--data",   Dir(name),    "--http",
                                     "127.0.0.1:0", "--listen", "127.0.0.1:0"};
    if (genesis_of.empty()) {
      args.insert(args.end(), {"--hq", "--network", "Sync test"});
    } else {
      args.insert(args.end(), {"--genesis", Dir(genesis_of) + "/genesis.txt"});
    }
    Output o = Mrc(args);
    ASSERT_EQ(0, o.status) << o.err;
    if (!genesis_of.empty() && enrol) Enrol(name, genesis_of);
  }
  // `name` asks to join; headquarters `hq` approves (directly or through its API).
  void Enrol(const std::string& name, const std::string& hq) {
    std::string req = Dir(name) + ".request";
    Output o =
        Mrc({"member", "request", "--data", Dir(name), "--name", "Centre " + name, "--out", req});
    ASSERT_EQ(0, o.status) << o.err;
    o = Mrc({"member", "approve", "--data", Dir(hq), req});
    ASSERT_EQ(0, o.status) << o.err;
  }
  // Starts `name`, with `env` added to its environment; returns its HTTP
  // address.
  std::string Start(const std::string& name, const std::vector<std::string>& env = {}) {
    nodes_[name] = std::make_unique<Server>(kBin, Dir(name), env);
    std::string addr = nodes_[name]->WaitForAddress();
    EXPECT_FALSE(addr.empty()) << nodes_[name]->Stderr();
    http_[name] = addr;
    return addr;
  }
  // Replaces each `from` with its `to` in `name`'s config.toml (every
  // `from` must be there); a `from` of "" appends its `to`.
  void EditConfig(const std::string& name,
                  const std::vector<std::pair<std::string, std::string>>& edits) {
    std::string path = Dir(name) + "/config.toml";
    std::ifstream in(path);
    std::string config((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& [from, to] : edits) {
      if (from.empty()) {
        config += to;
        continue;
      }
      ASSERT_NE(std::string::npos, config.find(from)) << config;
      config.replace(config.find(from), from.size(), to);
    }
    std::ofstream(path) << config;
  }
  std::string PeerAddress(const std::string& name) { return nodes_[name]->PeerAddress(); }
  void AddPeer(const std::string& name, const std::string& address) {
    ASSERT_EQ(0, Mrc({"peer", "add", "--data", Dir(name), address}).status);
  }

  // `count` FAQ entries with answers of `answer_bytes`, imported at `name`
  // (not running) with `mrcnode import`.
  void ImportFaqs(const std::string& name, int count, std::size_t answer_bytes) {
    std::string dir = Dir(name + "-content");
    std::filesystem::create_directories(dir);
    json items = json::array();
    for (int i = 0; i < count; ++i) {
      items.push_back({{"kind", "faq"},
                       {"content",
                        {{"question", "Question " + std::to_string(i)},
                         {"answer", std::string(answer_bytes, 'x')},
                         {"language", "en"}}}});
    }
    std::ofstream(dir + "/faqs.json") << items.dump();
    Output o = Mrc({"import", "--data", Dir(name), dir});
    ASSERT_EQ(0, o.status) << o.err;
  }

  // The running node's local admin token (its data directory's api-token).
  std::string Token(const std::string& name) {
    std::ifstream in(Dir(name) + "/api-token");
    std::string token;
    std::getline(in, token);
    return token;
  }
  // An API call to a running node, as its own command line makes it.
  Result<web::HttpResponse> Call(const std::string& name, const std::string& method,
                                 const std::string& target, const std::string& body = "") {
    return web::HttpCallWithToken(http_[name], Token(name), method, target, body);
  }
  json Get(const std::string& name, const std::string& target) {
    auto r = Call(name, "GET", target, "");
    if (!r.ok() || r->status != 200) return json();
    return json::parse(r->body, nullptr, false);
  }
  std::string Digest(const std::string& name) {
    json d = Get(name, "/api/v1/digest");
    return d.is_object() ? d.value("digest", "") : "";
  }
  json Post(const std::string& name, const std::string& body) {
    auto r = Call(name, "POST", "/api/v1/docs", body);
    EXPECT_TRUE(r.ok() && r->status == 201) << (r.ok() ? r->body : r.status().ToString());
    return r.ok() ? json::parse(r->body, nullptr, false) : json();
  }
  // Polls `pred` until it holds (bounded).
  template <typename Pred>
  bool Eventually(Pred pred, seconds limit = seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  // Polls until every named running node shows the same digest (bounded).
  bool Converge(const std::vector<std::string>& names, seconds limit = seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string first = Digest(names[0]);
      bool same = !first.empty();
      for (const auto& n : names) same = same && Digest(n) == first;
      if (same) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  static std::string Faq(const std::string& q) {
    return json{{"kind", "faq"},
                {"content", {{"question", q}, {"answer", "Sample."}, {"language", "en"}}}}
        .dump();
  }

  std::string root_;
  std::map<std::string, std::unique_ptr<Server>> nodes_;
  std::map<std::string, std::string> http_;
};

}  // namespace mrc::e2e
