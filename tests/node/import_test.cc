#include "node/import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace mrc::node {
namespace {

using nlohmann::json;

std::string Convert(const std::string& text) {
  auto r = MarkdownToRequest(text);
  return r.ok() ? *r : "error: " + r.status().message();
}

TEST(ImportTest, FrontMatterToRequest) {
  json j = json::parse(Convert(
      "---\nkind: faq\nquestion: \"Can I \\\"work\\\" here?\"\nlanguage: en\n"
      "categories: [work, \"visas, permits\"]\n---\n\nYou need a **work permit**.\n"));
  EXPECT_EQ("faq", j["kind"]);
  EXPECT_EQ("Can I \"work\" here?", j["content"]["question"]);
  EXPECT_EQ(json::array({"work", "visas, permits"}), j["content"]["categories"]);
  EXPECT_EQ("You need a **work permit**.", j["content"]["answer"]);

  json g = json::parse(Convert("---\nkind: guide\ncountry: AT\ntopic: study\nlanguage: de\n---\nÖsterreich\n"));
  EXPECT_EQ("Österreich", g["content"]["body"]);
}

TEST(ImportTest, FrontMatterErrorsNameTheLine) {
  EXPECT_EQ("error: line 1: a content file starts with a --- front matter line", Convert("kind: faq\n"));
  EXPECT_EQ("error: front matter is not closed with ---", Convert("---\nkind: faq\n"));
  EXPECT_EQ("error: line 3: expected key: value", Convert("---\nkind: faq\nnonsense\n---\n"));
  EXPECT_EQ("error: line 2: a list must end with ]", Convert("---\ntags: [a, b\n---\n"));
  EXPECT_EQ("error: front matter has no kind:", Convert("---\nquestion: q\n---\nA\n"));
  EXPECT_EQ("error: kind centre cannot be written as Markdown (use JSON)", Convert("---\nkind: centre\n---\n"));
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

}  // namespace
}  // namespace mrc::node
