// Helpers shared by the sync tests: a temporary directory, a store and a log
// opened on it, and signed entries made by hand.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "storage/store.h"
#include "sync/content.h"
#include "sync/entry.h"
#include "sync/log.h"

namespace mrc::sync::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mrc-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline Hash32 TestNetwork() {
  Hash32 n{};
  n.fill(7);
  return n;
}

// A store plus a log signing as `key`.
struct Node {
  explicit Node(const std::string& dir, KeyPair key = GenerateKeyPair(),
                Hash32 network = TestNetwork()) {
    storage::Options opts;
    opts.sync_writes = false;  // tests that need durability open their own store
    auto s = storage::Store::Open(dir, opts);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store = std::move(s).value();
    auto l = Log::Open(store.get(), key, network);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    log = std::move(l).value();
  }
  // Entries of every feed this node holds.
  std::vector<Incoming> AllEntries() {
    std::vector<Incoming> out;
    for (const auto& f : log->Feeds().value()) {
      auto feed = log->ReadFeed(f.author, 1, SIZE_MAX).value();
      out.insert(out.end(), feed.begin(), feed.end());
    }
    return out;
  }
  std::string DigestHex() { return ToHex(log->Digest().value().digest); }

  std::unique_ptr<storage::Store> store;
  std::unique_ptr<Log> log;
};

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
