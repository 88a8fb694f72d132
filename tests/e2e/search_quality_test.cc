// Search quality on the sample content (scripts/sample), as a counsellor
// meets it: a real mrcnode with the content imported, asked through the
// JSON API with a reader's language, as the search page asks. Stemming,
// accents, filters and other languages, and what comes first.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/e2e/process.h"
#include "web/http/client.h"

namespace mrc::e2e {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The sample's English FAQ entries, as titled.
const std::string kVisaTypes =
    "What is the difference between a short-stay visa and a long-stay visa?";

struct Hit {
  std::string title, language, kind, country, topic;
};

// One node with the sample content, shared by the tests (importing and
// indexing it is most of their time).
class SearchQualityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string tmpl = (fs::temp_directory_path() / "mrc-quality-XXXXXX").string();
    root_ = new std::string(::mkdtemp(tmpl.data()));
    std::string data = *root_ + "/hq";
    Output o = e2e::Run({kBin, "init", "--data", data, "--hq", "--network", "Quality", "--http",
                         "127.0.0.1:0", "--listen", "none"});
    ASSERT_EQ(0, o.status) << o.err;
    o = e2e::Run({kBin, "import", "--data", data, kSample});
    ASSERT_EQ(0, o.status) << o.err;
    o = e2e::Run(
        {kBin, "user", "add", "--data", data, "reader", "--role", "counsellor", "--password-stdin"},
        "sample reader\n");
    ASSERT_EQ(0, o.status) << o.err;
    o = e2e::Run({kBin, "user", "token", "--data", data, "reader", "--label", "quality"});
    ASSERT_EQ(0, o.status) << o.err;
    token_ = new std::string(json::parse(o.out)["token"].get<std::string>());
    server_ = new Server(kBin, data);
    address_ = new std::string(server_->WaitForAddress());
    ASSERT_FALSE(address_->empty()) << server_->Stderr();
    // The index is built after start; a search says when it is complete.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (int i = 0; i < 600 && std::chrono::steady_clock::now() < deadline; ++i) {
      if (Ask("/api/v1/search?q=visa", "en").value("complete", false)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "the search index did not complete in 60 s";
  }
  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(0, server_->Stop());
    }
    delete server_;
    if (root_) fs::remove_all(*root_);
    delete root_;
    delete token_;
    delete address_;
  }

  // The answer to GET `target` for a reader whose browser asks for `lang`.
  static json Ask(const std::string& target, const std::string& lang) {
    web::HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers["authorization"] = "Bearer " + *token_;
    r.headers["accept-language"] = lang;
    auto res = web::HttpCall(*address_, r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    if (!res.ok()) return json::object();
    EXPECT_EQ(200, res->status) << target << ": " << res->body;
    return json::parse(res->body, nullptr, false);
  }
  static std::vector<Hit> Find(const std::string& query, const std::string& lang = "en",
                               const std::string& filters = "") {
    json answer = Ask("/api/v1/search?limit=100&q=" + query + filters, lang);
    std::vector<Hit> hits;
    if (!answer.contains("hits")) return hits;
    for (const auto& h : answer["hits"]) {
      hits.push_back(
          {h["title"], h["language"], h["kind"], h.value("country", ""), h.value("topic", "")});
    }
    return hits;
  }

  static std::string* root_;
  static std::string* token_;
  static std::string* address_;
  static Server* server_;
};

std::string* SearchQualityTest::root_ = nullptr;
std::string* SearchQualityTest::token_ = nullptr;
std::string* SearchQualityTest::address_ = nullptr;
Server* SearchQualityTest::server_ = nullptr;

TEST_F(SearchQualityTest, OtherFormsOfAWordFindTheSameDocuments) {
  std::vector<Hit> visa = Find("visa");
  ASSERT_GE(visa.size(), 10u);
  // Plural, and capitalised as a phone's keyboard types the first word.
  for (const char* form : {"visas", "Visas", "VISA"})
    EXPECT_EQ(visa.size(), Find(form).size()) << form;
  EXPECT_EQ(kVisaTypes, Find("visas").front().title);
  // French, Arabic and Russian forms, by their languages' stemmers.
  EXPECT_EQ("fr", Find("familles").front().language);
  EXPECT_EQ("fr", Find("Famille").front().language);
  std::vector<Hit> arabic = Find("%D8%AA%D8%A3%D8%B4%D9%8A%D8%B1%D8%A7%D8%AA", "ar");  // تأشيرات
  ASSERT_FALSE(arabic.empty());
  EXPECT_EQ("ar", arabic.front().language);
}

TEST_F(SearchQualityTest, AccentsAreFolded) {
  // "Österreich" in Austria's guide; "vizës" in the Albanian FAQ (Xapian
  // has no Albanian stemmer: words as written, folded).
  std::vector<Hit> at = Find("Osterreich");
  ASSERT_EQ(1u, at.size());
  EXPECT_EQ("AT", at.front().country);
  EXPECT_EQ(at.size(), Find("%C3%96sterreich").size());
  std::vector<Hit> sq = Find("vizes");
  ASSERT_FALSE(sq.empty());
  EXPECT_EQ("sq", sq.front().language);
  EXPECT_FALSE(Find("sejour").empty());
  EXPECT_EQ(Find("sejour").size(), Find("s%C3%A9jour").size());
}

TEST_F(SearchQualityTest, FiltersKeepOnlyWhatTheyName) {
  struct Case {
    std::string filters;
    std::function<bool(const Hit&)> keeps;
  };
  std::vector<Case> cases = {
      {"&country=DE", [](const Hit& h) { return h.country == "DE"; }},
      {"&kind=faq", [](const Hit& h) { return h.kind == "faq"; }},
      {"&topic=visas-and-embassy", [](const Hit& h) { return h.topic == "visas-and-embassy"; }},
      {"&language=fr", [](const Hit& h) { return h.language == "fr"; }},
      {"&kind=guide&country=IT", [](const Hit& h) { return h.country == "IT"; }},
  };
  std::size_t all = Find("visa").size();
  for (const auto& c : cases) {
    std::vector<Hit> hits = Find("visa", "en", c.filters);
    EXPECT_FALSE(hits.empty()) << c.filters;
    EXPECT_LT(hits.size(), all) << c.filters;
    for (const auto& h : hits) EXPECT_TRUE(c.keeps(h)) << c.filters << ": " << h.title;
  }
  // A filter with no words: everything it lets through, a guide in its
  // topics' order.
  std::vector<Hit> guide = Find("", "en", "&country=DE&kind=guide");
  ASSERT_EQ(12u, guide.size());
  EXPECT_EQ("entry-and-stay", guide.front().topic);
}

TEST_F(SearchQualityTest, TheReadersLanguageComesFirstAndOthersAreMarked) {
  // The same FAQ entry is in English, French, Albanian and Arabic: each
  // reader meets their own language's first.
  EXPECT_EQ(kVisaTypes, Find("visas", "en").front().title);
  EXPECT_EQ("fr", Find("visas", "fr").front().language);
  // Every match in the reader's language first, then the others.
  for (const auto& [query, lang] : std::vector<std::pair<std::string, std::string>>{
           {"visas", "en"}, {"visas", "fr"}, {"permis", "fr"}, {"residence", "en"}}) {
    std::vector<Hit> hits = Find(query, lang);
    auto others =
        std::find_if(hits.begin(), hits.end(), [&](const Hit& h) { return h.language != lang; });
    EXPECT_TRUE(std::none_of(others, hits.end(), [&](const Hit& h) { return h.language == lang; }))
        << query << " for " << lang;
  }
  // An English reader's query finds French content, marked French.
  std::vector<Hit> hits = Find("visas", "en");
  EXPECT_TRUE(
      std::any_of(hits.begin(), hits.end(), [](const Hit& h) { return h.language == "fr"; }));
  hits = Find("regroupement", "en");
  ASSERT_FALSE(hits.empty());
  for (const auto& h : hits) EXPECT_EQ("fr", h.language) << h.title;
}

}  // namespace
}  // namespace mrc::e2e
