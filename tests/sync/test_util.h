// Helpers shared by the sync tests: a temporary directory, a store and a log
// opened on it, and signed entries made by hand.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "storage/store.h"
#include "sync/content/content.h"
#include "sync/kinds.h"
#include "sync/log/entry.h"
#include "sync/log/log.h"
#include "sync/trust/trust.h"
#include "tests/support/temp_dir.h"

namespace mrc::sync::testing {

using mrc::testing::TempDir;

inline Hash32 TestNetwork() {
  Hash32 n{};
  n.fill(7);
  return n;
}

struct Node;

// The test network's headquarters: a root key and its feed of approvals.
// Every Node made without an explicit key joins it as an hq member, and every
// live Node holds the whole root feed, so that tests about documents and
// replication are not about enrolment (tests/sync/trust_test.cc is).
class TestRoot {
 public:
  static TestRoot& Get() {
    static TestRoot root;
    return root;
  }
  const KeyPair& key() const { return key_; }
  // A root-signed statement appended to the root feed, ingested by every
  // live node.
  Incoming Sign(const Statement& st) {
    Entry e;
    e.kind = Kind::kMember;
    e.seq = ++seq_;
    e.prev = prev_;
    e.hlc = clock_.Now();
    std::string payload = StatementPayload(st).value();
    e.payload_hash = Blake2b256(payload);
    e.payload_size = static_cast<std::uint32_t>(payload.size());
    Bytes signed_form = SignEntry(key_, TestNetwork(), &e, &prev_);
    feed_.push_back({signed_form, payload});
    return feed_.back();
  }
  Incoming Approve(const Hash32& key, std::vector<std::string> roles = {"hq"}) {
    Statement st;
    st.key = key;
    st.roles = std::move(roles);
    st.name = "node " + ToHex(key).substr(0, 8);
    return Sign(st);
  }
  const std::vector<Incoming>& feed() const { return feed_; }
  void Join(Node* n, std::vector<std::string> roles);
  // When a test's last node goes, the next test starts a new network.
  void Leave(Node* n) {
    std::erase(live_, n);
    if (live_.empty()) *this = TestRoot();
  }
  void Broadcast();

 private:
  TestRoot() : key_(GenerateKeyPair()) {}
  KeyPair key_;
  std::uint64_t seq_ = 0;
  Hash32 prev_{};
  HybridClock clock_;
  std::vector<Incoming> feed_;
  std::vector<Node*> live_;
};

// A store plus a log signing as `key`. Without a key: a member (hq) of the
// test network. With one: a node whose own key is the root of `network`.
// Observe(): a node of the test network that is not a member and holds
// nothing yet (to receive everything in some order).
struct Node {
  enum class Mode { kOwnRoot, kJoin, kObserve };
  explicit Node(const std::string& dir)
      : Node(dir, GenerateKeyPair(), TestNetwork(), Mode::kJoin) {}
  // A member with the centre role only.
  static std::unique_ptr<Node> Centre(const std::string& dir) {
    return std::make_unique<Node>(dir, GenerateKeyPair(), TestNetwork(), Mode::kJoin,
                                  std::vector<std::string>{"centre"});
  }
  Node(const std::string& dir, KeyPair key, Hash32 network = TestNetwork())
      : Node(dir, key, network, Mode::kOwnRoot) {}
  static std::unique_ptr<Node> Observe(const std::string& dir) {
    return std::make_unique<Node>(dir, GenerateKeyPair(), TestNetwork(), Mode::kObserve);
  }
  // A member (hq) whose entries are stamped from `clock` (which must
  // outlive it).
  static std::unique_ptr<Node> WithClock(const std::string& dir, const Clock* clock) {
    LogOptions options;
    options.clock = clock;
    return std::make_unique<Node>(dir, GenerateKeyPair(), TestNetwork(), Mode::kJoin,
                                  std::vector<std::string>{"hq"}, options);
  }
  Node(const std::string& dir, KeyPair key_pair, Hash32 network_id, Mode mode,
       std::vector<std::string> roles = {"hq"}, LogOptions log_options = LogOptions())
      : key(key_pair), network(network_id), options(log_options) {
    storage::Options opts;
    opts.sync_writes = false;  // tests that need durability open their own store
    auto s = storage::Store::Open(dir, opts);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store = std::move(s).value();
    root = mode == Mode::kOwnRoot ? key.public_key : TestRoot::Get().key().public_key;
    Restart();
    joined = mode == Mode::kJoin;
    if (joined) TestRoot::Get().Join(this, std::move(roles));
  }
  // Closes the log and opens it again on the same store, as a node
  // restarting does.
  void Restart() {
    log.reset();
    auto l = OpenLog(store.get(), key, network, root, options);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    log = std::move(l).value();
  }
  ~Node() {
    if (joined) TestRoot::Get().Leave(this);
  }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Entries of every feed this node holds but the test root's (which every
  // joined node holds already).
  std::vector<Incoming> AllEntries() {
    std::vector<Incoming> out;
    for (const auto& f : log->Feeds().value()) {
      if (joined && f.author == log->root()) continue;
      auto feed = log->ReadFeed(f.author, 1, SIZE_MAX).value();
      out.insert(out.end(), feed.begin(), feed.end());
    }
    return out;
  }
  std::string DigestHex() { return ToHex(log->Digest().value().digest); }
  // Entries held, not counting the test root's approvals.
  std::uint64_t Entries() {
    std::uint64_t n = log->Digest().value().entries;
    for (const auto& f : log->Feeds().value()) {
      if (joined && f.author == log->root()) n -= f.seq;
    }
    return n;
  }

  KeyPair key;
  Hash32 network{}, root{};
  LogOptions options;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<Log> log;
  bool joined = false;
};

inline void TestRoot::Join(Node* n, std::vector<std::string> roles) {
  Approve(n->log->self(), std::move(roles));
  live_.push_back(n);
  Broadcast();
}

// Makes `key` a member (for entries made by hand) on every live node.
inline void Admit(const KeyPair& key, std::vector<std::string> roles = {"hq"}) {
  TestRoot::Get().Approve(key.public_key, std::move(roles));
  TestRoot::Get().Broadcast();
}

inline void TestRoot::Broadcast() {
  for (Node* n : live_) EXPECT_TRUE(n->log->Ingest(feed_).ok());
}

// A log whose own (new) key is the root of the test network: a lone
// headquarters, for tests that open their own store.
inline std::unique_ptr<Log> OpenAsRoot(storage::Store* store) {
  KeyPair key = GenerateKeyPair();
  return OpenLog(store, key, TestNetwork(), key.public_key).value();
}

// A correctly signed entry of `n`'s feed that skips the local checks of
// Log::Append (which refuses what the rules would reject), as a modified
// node would send it. It is also ingested by `n` itself.
inline Incoming Forge(Node& n, Kind kind, Op op, Hash32 doc, std::vector<Hash32> parents,
                      const std::string& payload, Hash32* id_out = nullptr) {
  Entry e;
  e.kind = kind;
  e.op = op;
  e.doc = doc;
  e.parents = std::move(parents);
  std::uint64_t after = 0;
  for (const auto& f : n.log->Feeds().value()) {
    if (f.author == n.log->self()) {
      e.seq = f.seq;
      e.prev = f.id;
      after = n.log->GetVersion(f.id).value().entry.hlc;
    }
  }
  e.seq += 1;
  for (const auto& p : e.parents) after = std::max(after, n.log->GetVersion(p).value().entry.hlc);
  e.hlc = std::max(HybridClock().Now(), after + 1);
  EXPECT_TRUE(PayloadDigest(e.kind, payload, &e.payload_hash, &e.payload_size).ok());
  Hash32 id;
  Incoming in{SignEntry(n.key, TestNetwork(), &e, &id), payload};
  EXPECT_TRUE(n.log->Ingest({in}).value().refused.empty());
  if (id_out) *id_out = id;
  return in;
}

inline std::string FaqJson(const std::string& question, const std::string& lang = "en") {
  return R"({"answer":"Sample answer.","language":")" + lang + R"(","question":")" + question +
         R"("})";
}

inline Draft NewFaq(const std::string& question) {
  return Draft{Kind::kFaq, Op::kPut, Hash32{}, {}, FaqJson(question)};
}

inline Draft EditFaq(const Hash32& doc, std::vector<Hash32> parents, const std::string& question) {
  std::sort(parents.begin(), parents.end());
  return Draft{Kind::kFaq, Op::kPut, doc, std::move(parents), FaqJson(question)};
}

// A hand-made entry at `seq` following `prev`, with clock time `tick` (in
// units far apart so that ordering is obvious).
inline Entry At(std::uint64_t seq, std::uint64_t tick, Hash32 prev = Hash32{}) {
  Entry e;
  e.seq = seq;
  e.prev = prev;
  e.hlc = tick << 40;
  return e;
}

// A signed entry made by hand, for feeding malformed or adversarial input.
inline Incoming MakeEntry(const KeyPair& key, Entry e, const std::string& payload,
                          Hash32* id_out = nullptr, Hash32 network = TestNetwork()) {
  e.payload_hash = Blake2b256(payload);
  e.payload_size = static_cast<std::uint32_t>(payload.size());
  Hash32 id;
  Bytes signed_form = SignEntry(key, network, &e, &id);
  if (id_out) *id_out = id;
  return {signed_form, payload};
}

inline std::string ProblemNameOf(const Status& s) {
  Problem p;
  if (!ProblemOf(s, &p)) return "not-a-problem: " + s.ToString();
  return std::string(ProblemName(p));
}

}  // namespace mrc::sync::testing
