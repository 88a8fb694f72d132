#include "node/import.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/foundation/clock.h"
#include "storage/store.h"
#include "sync/crypto/crypto.h"
#include "sync/kinds.h"

namespace mrc::node {
namespace {

using nlohmann::json;

std::string Convert(const std::string& text) {
  auto r = MarkdownToRequest(text);
  return r.ok() ? *r : "error: " + r.status().message();
}

TEST(ImportTest, FrontMatterToRequest) {
  json j = json::parse(
      Convert("---\nkind: faq\nquestion: \"Can I \\\"work\\\" here?\"\nlanguage: en\n"
              "categories: [work, \"visas, permits\"]\n---\n\nYou need a **work permit**.\n"));
  EXPECT_EQ("faq", j["kind"]);
  EXPECT_EQ("Can I \"work\" here?", j["content"]["question"]);
  EXPECT_EQ(json::array({"work", "visas, permits"}), j["content"]["categories"]);
  EXPECT_EQ("You need a **work permit**.", j["content"]["answer"]);

  json g = json::parse(
      Convert("---\nkind: guide\ncountry: AT\ntopic: study\nlanguage: de\n---\nÖsterreich\n"));
  EXPECT_EQ("Österreich", g["content"]["body"]);
}

TEST(ImportTest, FrontMatterErrorsNameTheLine) {
  EXPECT_EQ("error: line 1: a content file starts with a --- front matter line",
            Convert("kind: faq\n"));
  EXPECT_EQ("error: front matter is not closed with ---", Convert("---\nkind: faq\n"));
  EXPECT_EQ("error: line 3: expected key: value", Convert("---\nkind: faq\nnonsense\n---\n"));
  EXPECT_EQ("error: line 2: a list must end with ]", Convert("---\ntags: [a, b\n---\n"));
  EXPECT_EQ("error: front matter has no kind:", Convert("---\nquestion: q\n---\nA\n"));
  EXPECT_EQ("error: kind centre cannot be written as Markdown (use JSON)",
            Convert("---\nkind: centre\n---\n"));
}

TEST(ImportTest, DirectoryIsValidatedWhole) {
  auto dir = std::filesystem::temp_directory_path() / "mrc-import-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "faq");
  std::ofstream(dir / "faq" / "a.md") << "---\nkind: faq\nquestion: Q?\nlanguage: en\n---\nA.\n";
  std::ofstream(dir / "centres.json")
      << R"([{"kind":"centre","content":{"name":"MRC","location":{"city":"Tirana","country":"AL"}}},
             {"kind":"centre","content":{"name":"No place"}}])";
  std::ofstream(dir / "notes.txt") << "ignored";
  std::vector<std::string> errors;
  auto items = ReadImportDir(dir.string(), &errors);
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(2u, items->size());
  ASSERT_EQ(1u, errors.size());
  EXPECT_EQ("centres.json[1]: content.location: is required", errors[0]);
  std::filesystem::remove_all(dir);
}

// The state digest of the sample content imported into a fresh log, signed
// by a fixed key with a clock that stands still. Entry encoding, signing,
// applying and the digest all feed into it: a change of layout or structure
// that is meant to change none of them must leave this value as it is.
TEST(ImportTest, SampleContentDigestIsPinned) {
  std::vector<std::string> errors;
  auto items = ReadImportDir(std::string(MRC_SOURCE_DIR) + "/scripts/sample", &errors);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(149u, items->size());
  // Imported in path order, whatever order the directory lists files in.
  auto file = [](const ImportItem& i) {
    return std::filesystem::path(i.source.substr(0, i.source.find('[')));
  };
  EXPECT_TRUE(std::is_sorted(items->begin(), items->end(),
                             [&](const auto& a, const auto& b) { return file(a) < file(b); }));

  ASSERT_TRUE(sync::InitCrypto().ok());
  // RFC 8032's first Ed25519 test key (secret seed, then public key).
  auto secret = FromHex(
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  ASSERT_TRUE(secret);
  sync::KeyPair key = sync::KeyPairFromSecret(*secret).value();
  Hash32 network{};
  network.fill(0x4d);
  ManualClock clock(1'800'000'000'000);  // 2027-01-15T08:00:00Z, and it stays there
  sync::LogOptions options;
  options.clock = &clock;

  std::string dir = (std::filesystem::temp_directory_path() / "mrc-import-XXXXXX").string();
  ASSERT_TRUE(::mkdtemp(dir.data()));
  {
    auto store = storage::Store::Open(dir + "/db", storage::Options{}).value();
    auto log = sync::OpenLog(store.get(), key, network, key.public_key, options).value();
    // As `mrcnode import` writes them: one batch per 1000 documents.
    for (std::size_t i = 0; i < items->size(); i += 1000) {
      std::vector<sync::Draft> drafts;
      for (std::size_t k = i; k < std::min(items->size(), i + 1000); ++k)
        drafts.push_back((*items)[k].draft);
      ASSERT_TRUE(log->Append(drafts).ok());
    }
    auto digest = log->Digest().value();
    EXPECT_EQ(items->size(), digest.documents);
    EXPECT_EQ("a173a1f90b96b1a918331d8f2af4f3014c100027fdf84ddc874cca20c59e4bf5",
              ToHex(digest.digest));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mrc::node
