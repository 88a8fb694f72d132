// The message catalogues (web/ui/i18n/*.json) against each other and against
// the code: a message missing from one shows in English there, and one the
// code names but no catalogue has shows as its id.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

namespace mrc::web {
namespace {

const std::filesystem::path kSource = MRC_SOURCE_DIR;

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

nlohmann::json Catalogue(const std::string& lang) {
  return nlohmann::json::parse(ReadAll(kSource / "web/ui/i18n" / (lang + ".json")));
}

// The {name} placeholders of a text.
std::set<std::string> Placeholders(const std::string& text) {
  std::set<std::string> out;
  static const std::regex kPlaceholder(R"(\{([a-z_]+)\})");
  for (std::sregex_iterator it(text.begin(), text.end(), kPlaceholder), end; it != end; ++it)
    out.insert((*it)[1]);
  return out;
}

TEST(CataloguesTest, EveryLanguageHasEveryMessageWithTheSamePlaceholders) {
  nlohmann::json en = Catalogue("en");
  ASSERT_GT(en.size(), 100u);
  for (const char* lang : {"fr", "ru", "ar"}) {
    nlohmann::json other = Catalogue(lang);
    for (const auto& [id, text] : en.items()) {
      ASSERT_TRUE(other.contains(id)) << lang << " lacks " << id;
      EXPECT_EQ(Placeholders(text), Placeholders(other[id].get<std::string>()))
          << lang << " " << id;
    }
    for (const auto& [id, text] : other.items())
      EXPECT_TRUE(en.contains(id)) << lang << " has " << id << ", which English lacks";
  }
}

TEST(CataloguesTest, EveryMessageTheCodeNamesIsInTheCatalogue) {
  nlohmann::json en = Catalogue("en");
  // Literal ids passed to Page::H or Page::T ("doc.edit"); ids built at run
  // time ("urgency." + level) are not seen here.
  static const std::regex kUse(R"re(\b[HT]\(\s*"([a-z_]+\.[a-z0-9_.]+)"\s*[,)])re");
  int seen = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(kSource / "web")) {
    if (f.path().extension() != ".cc" && f.path().extension() != ".h") continue;
    std::string code = ReadAll(f.path());
    for (std::sregex_iterator it(code.begin(), code.end(), kUse), end; it != end; ++it) {
      EXPECT_TRUE(en.contains((*it)[1].str()))
          << f.path().filename() << " names " << (*it)[1] << ", which no catalogue has";
      ++seen;
    }
  }
  EXPECT_GT(seen, 200);
}

}  // namespace
}  // namespace mrc::web
