// SearchIndex over a real log in a temp dir: stemming, accent folding,
// filters, other languages, snippets, following the log, and rebuilding a
// lost or damaged index.
#include "web/search/index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>

#include "storage/store.h"
#include "sync/content/doc_service.h"
#include "sync/crypto/crypto.h"
#include "sync/kinds.h"
#include "sync/log/log.h"
#include "tests/web/doc_calls.h"
#include "web/search/words.h"
#include "web/text/body_cache.h"

namespace mrc::web {
namespace {

using nlohmann::json;

// A query built field by field (designated initializers would leave the
// others to -Wmissing-field-initializers).
struct Q {
  SearchQuery q;
  explicit Q(std::string text = "") { q.text = std::move(text); }
  Q& Kind(std::string v) {
    q.kind = std::move(v);
    return *this;
  }
  Q& Country(std::string v) {
    q.country = std::move(v);
    return *this;
  }
  Q& Topic(std::string v) {
    q.topic = std::move(v);
    return *this;
  }
  Q& Category(std::string v) {
    q.category = std::move(v);
    return *this;
  }
  Q& Language(std::string v) {
    q.language = std::move(v);
    return *this;
  }
  Q& Reader(std::string v) {
    q.reader_language = std::move(v);
    return *this;
  }
  Q& Limit(std::uint32_t v) {
    q.limit = v;
    return *this;
  }
  operator SearchQuery() const { return q; }
};

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mrc-search-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    ASSERT_TRUE(sync::InitCrypto().ok());
    storage::Options options;
    options.sync_writes = false;
    auto store = storage::Store::Open(dir_ + "/db", options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    Hash32 network{};
    network.fill(3);
    key_ = sync::GenerateKeyPair();
    auto log = sync::OpenLog(store_.get(), key_, network, key_.public_key);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
    docs_ = std::make_unique<sync::DocService>(log_.get());
  }
  void TearDown() override {
    index_.reset();
    docs_.reset();
    log_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void OpenIndex() {
    index_.reset();
    auto index = SearchIndex::Open(dir_ + "/search", log_.get());
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(index).value();
  }

  std::string Create(const json& request) {
    auto r = doc_calls::Create(*docs_, request.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r)["id"].get<std::string>() : "";
  }
  std::string Faq(const std::string& question, const std::string& answer,
                  const std::string& language, const std::string& category = "general") {
    return Create({{"kind", "faq"},
                   {"content",
                    {{"question", question},
                     {"answer", answer},
                     {"language", language},
                     {"categories", {category}}}}});
  }
  // A guide's section under one of the fixed topics.
  std::string Guide(const std::string& country, const std::string& topic, const std::string& body,
                    const std::string& language = "en") {
    return Create(
        {{"kind", "guide"},
         {"content",
          {{"country", country}, {"topic", topic}, {"body", body}, {"language", language}}}});
  }

  SearchResult Find(SearchQuery q) {
    EXPECT_TRUE(index_->CatchUp().ok());
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : SearchResult{};
  }
  std::vector<std::string> Ids(const SearchResult& r) {
    std::vector<std::string> ids;
    for (const auto& h : r.hits) ids.push_back(h.id);
    return ids;
  }

  std::string dir_;
  sync::KeyPair key_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<sync::Log> log_;
  std::unique_ptr<sync::DocService> docs_;
  std::unique_ptr<SearchIndex> index_;
};

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST(FoldForSearchTest, RemovesMarksButKeepsLetters) {
  EXPECT_EQ(FoldForSearch("Österreich"), "Osterreich");
  EXPECT_EQ(FoldForSearch("réfugié déjà"), "refugie deja");
  EXPECT_EQ(FoldForSearch("plain ascii"), "plain ascii");
  EXPECT_EQ(FoldForSearch("йод ёлка"), "йод елка");  // й is a letter; ё folds to е
  // Vowel marks go, and hamza on alef (أ -> ا), as Arabic search normalises.
  EXPECT_EQ(FoldForSearch("تأشِيرَة"), "تاشيرة");
}

TEST_F(SearchTest, StemmingFindsOtherFormsOfAWord) {
  OpenIndex();
  std::string visa = Faq("Which visa do I need?", "A short-stay visa covers 90 days.", "en");
  Faq("Renewing a permit", "Apply before it expires.", "en");
  EXPECT_THAT(Ids(Find(Q("visas"))), ElementsAre(visa));
  EXPECT_THAT(Ids(Find(Q("covering"))), ElementsAre(visa));
}

TEST_F(SearchTest, AccentsAreFoldedBothWays) {
  OpenIndex();
  std::string at = Guide("AT", "entry-and-stay",
                         "Wer nach Österreich reist, braucht einen gültigen Pass.", "de");
  std::string fr = Faq("Quel titre de séjour ?", "Le récépissé vaut autorisation.", "fr");
  EXPECT_THAT(Ids(Find(Q("Osterreich"))), ElementsAre(at));
  EXPECT_THAT(Ids(Find(Q("österreich"))), ElementsAre(at));
  EXPECT_THAT(Ids(Find(Q("recepisse"))), ElementsAre(fr));
  EXPECT_THAT(Ids(Find(Q("séjours"))), ElementsAre(fr));  // French stem, folded
}

TEST_F(SearchTest, FiltersNarrowByKindCountryTopicCategoryAndLanguage) {
  OpenIndex();
  std::string de_visa = Guide("DE", "visas-and-embassy", "Apply for the visa early.");
  std::string it_visa = Guide("IT", "visas-and-embassy", "The visa takes weeks.");
  std::string it_work = Guide("IT", "job-search", "A visa is not a job offer.");
  std::string faq = Faq("Visa fees", "The visa fee is 80 euros.", "en", "visas");
  std::string faq_fr = Faq("Frais de visa", "Le visa coûte 80 euros.", "fr", "visas");

  EXPECT_THAT(Ids(Find(Q("visa").Kind("guide"))), UnorderedElementsAre(de_visa, it_visa, it_work));
  EXPECT_THAT(Ids(Find(Q("visa").Country("IT"))), UnorderedElementsAre(it_visa, it_work));
  EXPECT_THAT(Ids(Find(Q("visa").Country("it").Topic("job-search"))), ElementsAre(it_work));
  EXPECT_THAT(Ids(Find(Q("visa").Category("visas"))), UnorderedElementsAre(faq, faq_fr));
  EXPECT_THAT(Ids(Find(Q("visa").Language("fr"))), ElementsAre(faq_fr));
  // No words: everything the filters let through.
  EXPECT_THAT(Ids(Find(Q("").Country("DE"))), ElementsAre(de_visa));
  EXPECT_TRUE(Find(Q("visa").Country("SE")).hits.empty());
}

TEST_F(SearchTest, QueryFindsContentInOtherLanguagesMarkedWithTheirLanguage) {
  OpenIndex();
  std::string fr =
      Faq("Regroupement familial", "Les familles peuvent demander le regroupement.", "fr");
  // An English reader searching a French word form: the French stemmer is
  // among the query's because the index holds French.
  auto r = Find(Q("familles").Reader("en"));
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].id, fr);
  EXPECT_EQ(r.hits[0].language, "fr");
  auto ru = Faq("Вид на жительство", "Продление вида на жительство занимает месяц.", "ru");
  EXPECT_THAT(Ids(Find(Q("продлении"))), ElementsAre(ru));  // Russian stemmer
}

TEST_F(SearchTest, OfEquallyGoodMatchesTheReadersLanguageComesFirst) {
  OpenIndex();
  std::string fr = Faq("Visa Schengen", "Le visa Schengen.", "fr");
  std::string en = Faq("Visa Schengen", "The visa Schengen.", "en");
  EXPECT_THAT(Ids(Find(Q("visa schengen").Reader("en"))), ElementsAre(en, fr));
  EXPECT_THAT(Ids(Find(Q("visa schengen").Reader("fr"))), ElementsAre(fr, en));
}

// Every match in the reader's language ranks above matches in others,
// whatever the languages' shares of the index: weighed as a word of its
// own, the reader's language (held by most documents, in most networks)
// counted for almost nothing and a rare one for a lot, and a minority
// language's stems, rare for being in a minority, outranked it.
TEST_F(SearchTest, TheReadersLanguageComesFirstWhateverItsShareOfTheIndex) {
  OpenIndex();
  for (int i = 0; i < 30; ++i)
    Faq("Opening hours " + std::to_string(i), "The centre opens at nine on weekdays.", "en");
  // A little better in French (the word twice), in texts of the same length.
  std::string en = Faq("Schengen area", "The visa lets you travel in the area.", "en");
  std::string fr = Faq("Espace Schengen", "Le visa, un visa pour voyager dans l'espace.", "fr");
  EXPECT_THAT(Ids(Find(Q("visa").Reader("en"))), ElementsAre(en, fr));
  EXPECT_THAT(Ids(Find(Q("visa").Reader("fr"))), ElementsAre(fr, en));
  EXPECT_THAT(Ids(Find(Q("visa schengen").Reader("en"))), ElementsAre(en, fr));
  EXPECT_THAT(Ids(Find(Q("visas").Reader("en"))), ElementsAre(en, fr));  // French stem "vis"

  // However much better a match in another language (the word in the
  // title and four times in a short French text, once in a long English
  // one), it follows; others are ranked among themselves. (An Arabic text
  // too, whose parse cannot match: it must not size the boost.)
  Faq("تأشيرة", "تأشيرة الإقامة القصيرة.", "ar");
  for (int i = 0; i < 30; ++i)
    Faq("Horaires " + std::to_string(i), "Le centre ouvre à neuf heures en semaine.", "fr");
  std::string long_text = "Permit.";
  for (int i = 0; i < 80; ++i) long_text += " The centre answers questions of every kind.";
  std::string en_once = Faq("Residence", long_text, "en");
  std::string fr_often = Faq("Permit", "Permit, permit, permit, permit.", "fr");
  EXPECT_THAT(Ids(Find(Q("permit").Reader("en"))), ElementsAre(en_once, fr_often));
  EXPECT_THAT(Ids(Find(Q("permit").Reader("fr"))), ElementsAre(fr_often, en_once));
  EXPECT_THAT(Ids(Find(Q("permit").Reader("ar"))), ElementsAre(fr_often, en_once));
}

// Phones capitalise the first word typed, and sentences start with one: a
// capital letter does not keep a word from its stem, in the query or in
// the text.
TEST_F(SearchTest, ACapitalLetterStillFindsEveryFormOfAWord) {
  OpenIndex();
  std::string lower = Faq("Fees", "A short-stay visa costs 80 euros.", "en");
  std::string upper = Faq("Embassies", "Visas are issued by the embassy.", "en");
  std::string fr = Faq("Regroupement", "Familles et enfants.", "fr");
  for (const char* q : {"visa", "Visa", "visas", "Visas", "VISAS"})
    EXPECT_THAT(Ids(Find(Q(q).Reader("en"))), UnorderedElementsAre(lower, upper)) << q;
  for (const char* q : {"famille", "Famille", "Familles"})
    EXPECT_THAT(Ids(Find(Q(q).Reader("en"))), ElementsAre(fr)) << q;
}

// Albanian has no stemmer in Xapian, and a centre no language: their
// words are found as they are written (folded).
TEST_F(SearchTest, ContentWithoutAStemmerOrALanguageIsFoundByItsWords) {
  OpenIndex();
  std::string sq = Faq("Vizat", "Cili është ndryshimi midis vizës afatshkurtër?", "sq");
  std::string centre =
      Create({{"kind", "centre"},
              {"content",
               {{"name", "MRC Shkodër"}, {"location", {{"city", "Shkodër"}, {"country", "AL"}}}}}});
  Faq("Visa", "The visa.", "en");
  for (const char* q : {"vizës", "vizes", "Vizes", "afatshkurter"})
    EXPECT_THAT(Ids(Find(Q(q).Reader("en"))), ElementsAre(sq)) << q;
  EXPECT_THAT(Ids(Find(Q("vizës").Reader("sq"))), ElementsAre(sq));
  EXPECT_THAT(Ids(Find(Q("shkoder").Reader("en"))), ElementsAre(centre));
  EXPECT_THAT(Ids(Find(Q("vizes").Language("sq"))), ElementsAre(sq));
}

// A stem of one language does not match another's documents: "news" is
// "new" to the French stemmer, and English "new" is not news.
TEST_F(SearchTest, StemsOfDifferentLanguagesDoNotMatchEachOther) {
  OpenIndex();
  std::string students = Faq("Students", "Visa rules for new students.", "en");
  std::string news = Faq("Nouvelles", "Les news du visa.", "fr");
  EXPECT_THAT(Ids(Find(Q("visa news").Reader("en"))), ElementsAre(news));
  EXPECT_THAT(Ids(Find(Q("visa -news").Reader("en"))), ElementsAre(students));
}

TEST_F(SearchTest, RanksByHowOftenHowRareAndInHowLongAText) {
  OpenIndex();
  const std::string filler =
      " The centre helps with documents, appointments and questions of every kind.";
  std::string padding;
  for (int i = 0; i < 12; ++i) padding += filler;
  // More occurrences of a word rank higher, with diminishing returns.
  std::string thrice = Faq("Housing", "Rent, rent and rent again." + filler, "en");
  std::string once = Faq("Housing", "Rent." + filler, "en");
  EXPECT_THAT(Ids(Find(Q("rent"))), ElementsAre(thrice, once));
  // The same word in a shorter text ranks higher.
  std::string short_text = Faq("Insurance", "Health insurance." + filler, "en");
  std::string long_text = Faq("Insurance", "Health insurance." + padding, "en");
  EXPECT_THAT(Ids(Find(Q("health"))), ElementsAre(short_text, long_text));
  // A word in the title weighs more than the same word in the text.
  std::string titled = Faq("Pension rights", "Ask at the office." + filler, "en");
  std::string mentioned = Faq("Retirement", "Pension at the office." + filler, "en");
  EXPECT_THAT(Ids(Find(Q("pension"))), ElementsAre(titled, mentioned));
  // Of two documents holding one word each, the rarer word's ranks first
  // ("centre" is in every document here, "quota" in one).
  std::string rare = Faq("Quota", "The quota is set yearly.", "en");
  std::string common = Faq("Centre", "The centre is open daily.", "en");
  std::vector<std::string> ids = Ids(Find(Q("quota centre").Limit(50)));
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(rare, ids.front());
  EXPECT_NE(ids.end(), std::find(ids.begin(), ids.end(), common));
}

TEST_F(SearchTest, CommonWordsMatchedFromMemoryRankExactlyAsFromTheIndex) {
  OpenIndex();
  // Words drawn with falling frequencies, so that some are in most
  // documents and some in few; two languages with different stemmers.
  std::mt19937 random(11);
  const std::vector<std::string> vocabulary = {
      "visa",    "permit", "work",   "family",  "residence", "student", "contract",
      "embassy", "quota",  "appeal", "pension", "housing",   "border",  "interview"};
  std::discrete_distribution<std::size_t> pick({40, 30, 20, 12, 8, 6, 5, 4, 3, 2, 2, 1, 1, 1});
  auto words = [&](int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += (out.empty() ? "" : " ") + vocabulary[pick(random)];
    return out;
  };
  for (int i = 0; i < 160; ++i) {
    Faq(words(2) + "?", words(5 + static_cast<int>(random() % 60)) + ".", i % 3 ? "en" : "fr");
  }
  std::vector<std::string> queries;
  for (int i = 0; i < 60; ++i) queries.push_back(words(1 + i % 3));
  for (const char* q : {"visa OR quota", "visa -permit", "work permit visa visa",
                        "\"family residence\"", "visa AND NOT family", "pension OR visa work"})
    queries.push_back(q);
  for (std::size_t qi = 0; qi < queries.size(); ++qi) {
    const std::string& text = queries[qi];
    // Half the queries with a reader's language, whose boost is a common
    // term too.
    std::string reader = qi % 2 ? "en" : "";
    index_->SetCommonWordDocuments(UINT32_MAX);  // every word from the index
    SearchResult from_index = Find(Q(text).Limit(50).Reader(reader));
    index_->SetCommonWordDocuments(1);  // a sixteenth of 160: words in 10 or more, from memory
    SearchResult from_memory = Find(Q(text).Limit(50).Reader(reader));
    EXPECT_EQ(Ids(from_index), Ids(from_memory)) << text;
    // (The estimate of how many match may differ: Xapian stops counting
    // early by weight bounds, and a source's bound is the exact maximum.)
    ASSERT_EQ(from_index.hits.size(), from_memory.hits.size()) << text;
    for (std::size_t i = 0; i < from_index.hits.size(); ++i) {
      EXPECT_EQ(from_index.hits[i].percent, from_memory.hits[i].percent) << text;
      ASSERT_EQ(from_index.hits[i].snippet.size(), from_memory.hits[i].snippet.size()) << text;
      for (std::size_t p = 0; p < from_index.hits[i].snippet.size(); ++p)
        EXPECT_EQ(from_index.hits[i].snippet[p].hit, from_memory.hits[i].snippet[p].hit) << text;
    }
  }
}

TEST_F(SearchTest, StoredWordHashesAndPlacesMakeTheSameSnippetsAsLookingEachWordUp) {
  OpenIndex();
  // Inflected forms in four languages, accents, capitals, digits, words
  // of other languages mixed in.
  const std::map<std::string, std::vector<std::string>> words = {
      {"en",
       {"visa", "visas", "Permits", "permit", "working", "worked", "families", "Family", "studies",
        "w2026", "Österreich", "Rechtsschutzversicherungsgesellschaften"}},
      {"fr",
       {"visa", "visas", "permis", "travail", "travailler", "famille", "familles", "réfugié",
        "refugies", "études"}},
      {"ru", {"виза", "визы", "визой", "работа", "работы", "семья", "семьи", "йод", "ёлка"}},
      {"ar", {"تأشيرة", "التأشيرة", "تأشيرات", "عمل", "العمل", "أسرة", "الأسرة", "visa"}},
  };
  std::mt19937 random(23);
  std::vector<std::string> all;
  for (const auto& [lang, list] : words) all.insert(all.end(), list.begin(), list.end());
  for (int i = 0; i < 60; ++i) {
    const std::string lang = std::next(words.begin(), i % 4)->first;
    const auto& list = words.at(lang);
    std::string text;
    for (int w = 0; w < 20 + static_cast<int>(random() % 80); ++w) {
      const std::string& word =
          random() % 5 ? list[random() % list.size()] : all[random() % all.size()];
      // Separators of one to many bytes, as the stored word places are
      // written in a byte each or more.
      text += word + (random() % 7 ? " " : random() % 2 ? ", " : " — (see below) — ");
    }
    Faq("Question " + std::to_string(i), text, lang);
  }
  for (int i = 0; i < 40; ++i) {
    std::string q = all[random() % all.size()];
    if (i % 2) q += " " + all[random() % all.size()];
    index_->UseStoredWordHashes(true);
    SearchResult hashed = Find(Q(q).Limit(100));
    index_->UseStoredWordHashes(false);
    SearchResult looked_up = Find(Q(q).Limit(100));
    ASSERT_EQ(Ids(hashed), Ids(looked_up)) << q;
    int marked = 0;
    for (std::size_t h = 0; h < hashed.hits.size(); ++h) {
      const auto& a = hashed.hits[h].snippet;
      const auto& b = looked_up.hits[h].snippet;
      ASSERT_EQ(a.size(), b.size()) << q;
      for (std::size_t p = 0; p < a.size(); ++p) {
        EXPECT_EQ(a[p].text, b[p].text) << q;
        EXPECT_EQ(a[p].hit, b[p].hit) << q << ": " << a[p].text;
        marked += a[p].hit;
      }
    }
    if (!hashed.hits.empty()) {
      EXPECT_GT(marked, 0) << q;
    }
  }
  index_->UseStoredWordHashes(true);
}

// Word places as the index stores them come back as FindWords finds
// them: short words a byte each, long words and separators escaped; and
// anything else is refused, so that a snippet finds the words again.
TEST(WordSpansTest, StoredPlacesComeBackAsFound) {
  const std::vector<std::string> texts = {
      "",
      "visa",
      "  Most visas cost money.",
      "Rechtsschutzversicherungsgesellschaften, " + std::string(300, '-') + " Österreich",
      "виза — семья … تأشيرة, w2026_x",
      std::string(5000, 'a') + " b"};
  for (const auto& text : texts) {
    std::vector<WordSpan> found, back;
    FindWords(text, &found);
    std::string stored = EncodeWordSpans(found);
    ASSERT_TRUE(DecodeWordSpans(stored, found.size(), text.size(), &back)) << text;
    EXPECT_EQ(found, back) << text;
    if (found.empty()) continue;
    EXPECT_FALSE(DecodeWordSpans(stored, found.size() + 1, text.size(), &back)) << text;
    EXPECT_FALSE(DecodeWordSpans(stored, found.size(), found.back().end - 1, &back)) << text;
    EXPECT_FALSE(DecodeWordSpans(stored + '\0', found.size(), text.size(), &back)) << text;
  }
  std::vector<WordSpan> spans;
  FindWords("a few short words", &spans);
  EXPECT_EQ(4u, EncodeWordSpans(spans).size()) << "a byte a word";
  EXPECT_FALSE(DecodeWordSpans(std::string("\0\x80", 2), 1, 100, &spans)) << "cut short";
  EXPECT_FALSE(DecodeWordSpans(std::string("\0\x01\x00", 3), 1, 100, &spans)) << "empty word";
}

// A body is kept from its second rendering, until the generation moves
// on; a slow request's older generation changes nothing.
TEST(BodyCacheTest, KeepsABodyFromItsSecondRenderingUntilTheGenerationMoves) {
  BodyCache cache;
  cache.Put("visa", 5, "first");
  EXPECT_FALSE(cache.Get("visa", 5)) << "asked once";
  cache.Put("visa", 5, "second");
  EXPECT_EQ("second", cache.Get("visa", 5).value_or(""));
  cache.Put("permit", 4, "older");  // began before the change to 5
  EXPECT_EQ("second", cache.Get("visa", 5).value_or(""));
  EXPECT_FALSE(cache.Get("visa", 6));
  cache.Put("visa", 6, "newer");
  EXPECT_FALSE(cache.Get("visa", 6)) << "asked once at this generation";
  cache.Put("visa", 6, "newer");
  EXPECT_EQ("newer", cache.Get("visa", 6).value_or(""));

  OfferedBefore offered;
  EXPECT_FALSE(offered.Check("a"));
  EXPECT_TRUE(offered.Check("a"));
  for (int i = 0; i < 5000; ++i) offered.Check(std::to_string(i));  // bounded: starts again
  EXPECT_FALSE(offered.Check("a"));
}

TEST_F(SearchTest, AllWordsRankFirstAndAnyWordIsTheFallback) {
  OpenIndex();
  std::string both = Faq("Work permit for students", "Students may work 20 hours.", "en");
  std::string one = Faq("Student housing", "Ask the university.", "en");
  EXPECT_THAT(Ids(Find(Q("student work"))), ElementsAre(both));
  // No document has both words: documents with either are listed.
  EXPECT_THAT(Ids(Find(Q("student university"))), ElementsAre(one));
  EXPECT_THAT(Ids(Find(Q("housing hours"))), UnorderedElementsAre(both, one));
  // The fallback ranking is the same on every page.
  SearchQuery first = Q("housing hours");
  first.limit = 1;
  SearchQuery second = first;
  second.offset = 1;
  SearchQuery third = first;
  third.offset = 2;
  std::vector<std::string> paged = Ids(Find(first));
  for (const auto& id : Ids(Find(second))) paged.push_back(id);
  EXPECT_THAT(paged, UnorderedElementsAre(both, one));
  EXPECT_THAT(Ids(Find(third)), ElementsAre()) << "past the last one";
  // A page past every document that holds all the words stays empty.
  SearchQuery past = Q("student work");
  past.offset = 5;
  EXPECT_THAT(Ids(Find(past)), ElementsAre());
}

TEST_F(SearchTest, SnippetsMarkTheMatchingWords) {
  OpenIndex();
  Faq("Fees", "Most **visas** cost money. A visa for children is cheaper. Nothing else.", "en");
  auto r = Find(Q("visa"));
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].title, "Fees");
  std::string plain, marked;
  for (const auto& p : r.hits[0].snippet) {
    plain += p.text;
    if (p.hit) marked += "[" + p.text + "]";
  }
  EXPECT_NE(plain.find("Most visas cost money"), std::string::npos) << plain;  // markup gone
  EXPECT_EQ(marked, "[visas][visa]");
  // The query's operators are not words of it.
  Faq("Choices", "A visa or a permit, and nothing else.", "en");
  r = Find(Q("visa OR permit"));
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].title, "Choices");  // both words
  EXPECT_EQ(2, std::count_if(r.hits[0].snippet.begin(), r.hits[0].snippet.end(),
                             [](const SearchHit::Piece& p) { return p.hit; }));
  for (const auto& hit : r.hits) {
    for (const auto& p : hit.snippet) {
      if (p.hit) {
        EXPECT_THAT(p.text, ::testing::AnyOf("visa", "visas", "permit")) << p.text;
      }
    }
  }
}

// A snippet is the 32-word window with the most matches, marked "…" where
// words are cut off; the text's own punctuation at either end stays, line
// breaks become spaces, and unmarked text comes in one piece between marks.
TEST_F(SearchTest, SnippetsAreTheWindowWithTheMostMatches) {
  OpenIndex();
  std::string long_text = "«Opening» ";
  for (int w = 0; w < 100; ++w) {
    long_text += (w == 60 || w == 64) ? "visa" : "word" + std::to_string(w);
    long_text += w == 62 ? ",\n" : " ";
  }
  long_text += "end.";
  Faq("Long", long_text, "en");
  Faq("Short", "(Note) A visa, then\n\nanother  visa!", "en");
  auto r = Find(Q("visa"));
  ASSERT_EQ(r.hits.size(), 2u);
  for (const auto& h : r.hits) {
    std::string plain, marked;
    int words = 0;
    for (std::size_t p = 0; p < h.snippet.size(); ++p) {
      const auto& piece = h.snippet[p];
      plain += piece.text;
      if (piece.hit) marked += "[" + piece.text + "]";
      EXPECT_FALSE(piece.text.empty());
      if (p > 0) {
        EXPECT_FALSE(!piece.hit && !h.snippet[p - 1].hit) << "unmarked text in two pieces";
      }
    }
    EXPECT_EQ(plain.find('\n'), std::string::npos) << plain;
    EXPECT_EQ(marked, "[visa][visa]") << h.title;
    if (h.title == "Short") {
      EXPECT_EQ(plain, "(Note) A visa, then another visa!");
      continue;
    }
    // 32 words around both matches: cut at both ends.
    for (std::size_t i = 0; i < plain.size(); ++i)
      words += std::isalnum(static_cast<unsigned char>(plain[i])) &&
               (i == 0 || !std::isalnum(static_cast<unsigned char>(plain[i - 1])));
    EXPECT_EQ(words, 32) << plain;
    EXPECT_EQ(plain.rfind("… ", 0), 0u) << plain;
    EXPECT_EQ(plain.substr(plain.size() - 4), " …") << plain;
    EXPECT_NE(plain.find("visa word61 word62, word63 visa"), std::string::npos) << plain;
  }
}

// What a snippet keeps at its ends: a short opening or closing, without
// blanks (Unicode's too); a long one (a row of symbols) is cut like words,
// and so is a text cut short for the index.
TEST_F(SearchTest, SnippetEndsAreShortAndShowWhereTextIsLeftOut) {
  OpenIndex();
  std::string emoji;
  for (int i = 0; i < 300; ++i) emoji += "🙂";
  std::string no_hit_at_end = "one two visa";
  for (int w = 0; w < 50; ++w) no_hit_at_end += " word" + std::to_string(w);
  std::string cut_short;
  for (int w = 0; w < 998; ++w) cut_short += "ab ";
  cut_short += "visa, and more text after the cut, visa";  // "visa, " ends at byte 3,000
  std::map<std::string, std::string> expected{
      {"Blanks", "A visa!"},
      {"Emoji", "A visa …"},
      {"Rule", "… A visa."},
      {"Late",
       "… ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab "
       "ab ab ab ab visa, …"},
  };
  Faq("Blanks", "  A visa! 　", "en");
  Faq("Emoji", "A visa " + emoji, "en");
  Faq("Rule", "••••••••••••••• A visa.", "en");  // 15 characters before the first word
  Faq("Late", cut_short, "en");
  Faq("Tail", no_hit_at_end, "en");
  Faq("Loud", "📢📢📢📢 Visa news", "en");  // 17 bytes, 5 characters
  std::string fragment;
  for (int w = 0; w < 997; ++w) fragment += "ab ";
  fragment += "visa abcdefgh";  // byte 3,000 falls within the last word
  Faq("Fragment", fragment, "en");
  expected["Loud"] = "📢📢📢📢 Visa news";
  expected["Fragment"] =
      "… ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab ab "
      "ab ab ab ab ab ab ab visa …";
  auto r = Find(Q("visa").Limit(10));
  ASSERT_EQ(r.hits.size(), 7u);
  for (const auto& h : r.hits) {
    std::string plain;
    for (std::size_t p = 0; p < h.snippet.size(); ++p) {
      plain += h.snippet[p].text;
      if (p > 0) {
        EXPECT_FALSE(!h.snippet[p].hit && !h.snippet[p - 1].hit) << h.title << ": " << plain;
      }
    }
    if (h.title == "Tail") {
      EXPECT_EQ(plain.substr(plain.size() - 4), " …") << plain;
      continue;
    }
    EXPECT_EQ(plain, expected[h.title]) << h.title;
  }
}

// Snippets stem only the words that start like a query stem, for the
// languages listed by StemKeepsFirstCharacter; the rest stem every word.
TEST_F(SearchTest, SnippetsMarkFormsOfAWordInEveryScript) {
  OpenIndex();
  Faq("Визы", "Для визы нужен паспорт. Виза стоит денег.", "ru");
  Faq("كتاب", "قرأت الكتاب في المكتبة", "ar");
  Faq("Famille", "Les familles et la famille d'un réfugié.", "fr");
  auto marked = [&](const std::string& query, const std::string& language) {
    auto r = Find(Q(query).Language(language));
    std::string out;
    for (const auto& h : r.hits)
      for (const auto& p : h.snippet)
        if (p.hit) out += "[" + p.text + "]";
    return out;
  };
  EXPECT_EQ(marked("виза", "ru"), "[визы][Виза]");
  EXPECT_EQ(marked("الكتاب", "ar"), "[الكتاب]");
  EXPECT_EQ(marked("famille", "fr"), "[familles][famille]");
  EXPECT_EQ(marked("refugie", "fr"), "[réfugié]");
}

// The property snippets rely on (above): for each language listed, a
// folded lowercase word and its stem start with the same character. Random
// words of each alphabet, harsher than real ones.
TEST(StemTest, ListedStemmersKeepAWordsFirstCharacter) {
  // The letters of folded lowercase words (marks removed: é -> e, å -> a).
  const std::string latin = "abcdefghijklmnopqrstuvwxyz";
  const std::map<std::string, std::string> alphabets = {{"da", latin + "æø"},
                                                        {"de", latin + "ß"},
                                                        {"en", latin},
                                                        {"es", latin + "ñ"},
                                                        {"fi", latin},
                                                        {"fr", latin + "œ"},
                                                        {"hu", latin},
                                                        {"it", latin},
                                                        {"nb", latin + "æø"},
                                                        {"no", latin + "æø"},
                                                        {"pt", latin},
                                                        {"ro", latin},
                                                        {"ru", "абвгдежзийклмнопрстуфхцчшщъыьэюя"},
                                                        {"sv", latin},
                                                        {"tr", latin + "ı"}};
  // Every language Xapian can stem, by the tags the index is given.
  int checked = 0;
  std::mt19937 random(17);
  for (const char* language :
       {"ar", "hy", "eu", "ca", "da", "nl", "en", "fi", "fr", "de", "hu", "id", "ga",
        "it", "lt", "ne", "nb", "nn", "no", "pt", "ro", "ru", "es", "sv", "ta", "tr"}) {
    if (!StemKeepsFirstCharacter(language)) continue;
    ++checked;
    ASSERT_TRUE(alphabets.count(language)) << "no alphabet to check " << language << " with";
    std::vector<std::string> letters;
    const std::string& alphabet = alphabets.at(language);
    for (std::size_t i = 0; i < alphabet.size();) {
      std::size_t n = static_cast<unsigned char>(alphabet[i]) < 0x80 ? 1 : 2;
      letters.push_back(alphabet.substr(i, n));
      i += n;
    }
    for (int n = 0; n < 20000; ++n) {
      std::string word;
      std::size_t length = 1 + random() % 12;
      for (std::size_t i = 0; i < length; ++i) word += letters[random() % letters.size()];
      // No word of these languages starts with ß (which the German stemmer makes "ss").
      if (word.rfind("ß", 0) == 0) continue;
      std::string stem = StemWord(language, word);
      std::string first = word.substr(0, static_cast<unsigned char>(word[0]) < 0x80 ? 1 : 2);
      ASSERT_EQ(stem.substr(0, first.size()), first) << language << ": " << word << " -> " << stem;
    }
  }
  EXPECT_EQ(checked, 15);
  EXPECT_NE(StemWord("ar", "الكتاب").substr(0, 2), "ا");  // Arabic strips the article
}

TEST_F(SearchTest, FollowsEditsAndDeletionsOfTheLog) {
  OpenIndex();
  index_->Start();
  std::string id = Faq("Old question", "About passports.", "en");
  auto eventually = [&](const std::string& text, std::size_t n) {
    for (int i = 0; i < 200; ++i) {  // up to 10 s
      auto r = index_->Search(Q(text));
      if (r.ok() && r->hits.size() == n && r->complete) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  EXPECT_TRUE(eventually("passports", 1));
  auto updated = doc_calls::Update(
      *docs_, id,
      json({{"content",
             {{"question", "New question"}, {"answer", "About residence."}, {"language", "en"}}}})
          .dump());
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_TRUE(eventually("residence", 1));
  EXPECT_TRUE(eventually("passports", 0));
  ASSERT_TRUE(docs_->Delete(id, {}).ok());
  EXPECT_TRUE(eventually("residence", 0));
  index_->Stop();
}

TEST_F(SearchTest, ALostOrDamagedIndexIsRebuiltFromTheLog) {
  // Documents written before any index existed.
  std::string a = Faq("Asylum procedure", "How asylum works.", "en");
  std::string b = Faq("Family reunification", "Who may join you.", "en");
  OpenIndex();
  EXPECT_THAT(Ids(Find(Q("asylum"))), ElementsAre(a));
  auto progress = index_->Progress();
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress->documents, 2u);
  EXPECT_EQ(progress->indexed_through, progress->log_change);

  // Lost: the directory removed while the node was stopped.
  index_.reset();
  std::filesystem::remove_all(dir_ + "/search");
  OpenIndex();
  EXPECT_THAT(Ids(Find(Q("family"))), ElementsAre(b));

  // Damaged: its files overwritten with garbage.
  index_.reset();
  for (const auto& f : std::filesystem::directory_iterator(dir_ + "/search")) {
    std::ofstream(f.path(), std::ios::trunc) << "not a xapian file";
  }
  OpenIndex();
  EXPECT_THAT(Ids(Find(Q("asylum"))), ElementsAre(a));

  // Behind: changes made while it was closed are picked up on the next run.
  index_.reset();
  std::string c = Faq("Asylum appeals", "Appeal within 15 days.", "en");
  OpenIndex();
  EXPECT_THAT(Ids(Find(Q("asylum"))), UnorderedElementsAre(a, c));
}

TEST_F(SearchTest, BadQueriesAreRefusedOrReadLiterally) {
  OpenIndex();
  std::string id = Faq("Visa \"quotes\"", "Unbalanced ( parentheses and AND OR.", "en");
  EXPECT_THAT(Ids(Find(Q("\"visa"))), ElementsAre(id));
  EXPECT_THAT(Ids(Find(Q("parentheses ("))), ElementsAre(id));
  EXPECT_FALSE(index_->Search(Q("x").Limit(0)).ok());
  EXPECT_FALSE(index_->Search(Q(std::string(2000, 'a'))).ok());
}

}  // namespace
}  // namespace mrc::web
