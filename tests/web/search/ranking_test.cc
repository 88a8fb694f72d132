// The ranking's parts on a real Xapian index in a temporary directory:
// common words matched from memory (CommonWords) give the same documents,
// in the same order, with the same weights, as their posting lists, for
// every kind of query the parser makes, at any offset and limit, and after
// the index changes.
#include "web/search/ranking.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace mrc::web::ranking {
namespace {

class RankingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mrc-ranking-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    writer_ = std::make_unique<Xapian::WritableDatabase>(dir_ + "/index", Xapian::DB_CREATE);
  }
  void TearDown() override {
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Documents of words drawn with falling frequencies, stemmed (Z terms)
  // as the index does, a filter term on some, impacts stored.
  // `french`: every third document stemmed as French, as the index would
  // stem a French text.
  void AddDocuments(int n, bool french = false) {
    // "asylum" in a few documents: matched from its posting list, or
    // read into memory when it leads an AND of common words.
    static const std::vector<std::string> kWords = {
        "visa", "permit", "work", "family", "student", "quota", "appeal", "border", "asylum"};
    std::discrete_distribution<std::size_t> pick({40, 25, 15, 10, 5, 3, 1, 1, 0.03});
    for (int i = 0; i < n; ++i) {
      Xapian::Document doc;
      int words = 3 + static_cast<int>(random_() % 200);
      Xapian::Stem stem(french && i % 3 == 0 ? "fr" : "en");
      for (int w = 0; w < words; ++w) {
        const std::string& word = kWords[pick(random_)];
        doc.add_term(word);
        doc.add_term("Z" + stem(word));
      }
      if (random_() % 3 == 0) doc.add_boolean_term("Kguide");
      StoreImpacts(doc);
      writer_->add_document(doc);
    }
    writer_->commit();
  }

  struct Hits {
    std::vector<Xapian::docid> ids;
    std::vector<double> weights;
    std::vector<int> percents;
  };
  static Hits Run(const Xapian::Database& db, const Xapian::Query& q, Xapian::doccount offset,
                  Xapian::doccount limit) {
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(ImpactWeight());
    enquire.set_query(q);
    Xapian::MSet mset = enquire.get_mset(offset, limit);
    Hits h;
    for (auto m = mset.begin(); m != mset.end(); ++m) {
      h.ids.push_back(*m);
      h.weights.push_back(m.get_weight());
      h.percents.push_back(m.get_percent());
    }
    return h;
  }

  // The parses of `text` by the stemmers of `languages` ("": none),
  // joined as a search joins them.
  static Xapian::Query Parse(const std::string& text,
                             const std::vector<std::string>& languages = {"en"}) {
    std::vector<Xapian::Query> parses;
    for (const auto& lang : languages) {
      Xapian::QueryParser qp;
      qp.set_stemmer(lang.empty() ? Xapian::Stem() : Xapian::Stem(lang));
      qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
      qp.set_default_op(Xapian::Query::OP_AND);
      qp.add_boolean_prefix("kind", "K");
      parses.push_back(qp.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT));
    }
    return Xapian::Query(Xapian::Query::OP_OR, parses.begin(), parses.end());
  }

  // `language_docs` as Rewrite() takes it: each word weighed among that
  // many documents (the scale, which a word from memory applies itself,
  // must come out the same to the last digit).
  void ExpectSameEitherWay(const std::string& text, CommonWords& common,
                           const std::vector<std::string>& languages = {"en"},
                           Xapian::doccount language_docs = 0) {
    Xapian::Database db(dir_ + "/index");
    CommonWords none(UINT32_MAX);
    Xapian::Query q = none.Rewrite(db, Parse(text, languages), language_docs);
    EXPECT_EQ(std::string::npos, q.get_description().find("PostingSource"));
    Xapian::Query rewritten = common.Rewrite(db, Parse(text, languages), language_docs);
    EXPECT_NE(std::string::npos, rewritten.get_description().find("PostingSource"))
        << text << ": " << rewritten.get_description();
    if (text.find("asylum") != std::string::npos && text.find("OR") == std::string::npos &&
        text.find('-') == std::string::npos) {
      // A rare word with common ones, all needed: read into memory.
      EXPECT_NE(std::string::npos, rewritten.get_description().find("ListSource"))
          << text << ": " << rewritten.get_description();
    }
    // And with a weight added, as a search adds the reader's-language
    // boost to its parse.
    Xapian::Query boosted_q = WithWeightAdded(q, 5.37);
    Xapian::Query boosted_rewritten = WithWeightAdded(rewritten, 5.37);
    for (auto [offset, limit] : {std::pair{0u, 1u}, {0u, 5u}, {3u, 7u}, {0u, 1000u}}) {
      Hits plain = Run(db, q, offset, limit), from_memory = Run(db, rewritten, offset, limit);
      EXPECT_EQ(plain.ids, from_memory.ids) << text << " at " << offset << "+" << limit;
      EXPECT_EQ(plain.weights, from_memory.weights) << text;  // to the last bit
      EXPECT_EQ(plain.percents, from_memory.percents) << text;
      plain = Run(db, boosted_q, offset, limit);
      from_memory = Run(db, boosted_rewritten, offset, limit);
      EXPECT_EQ(plain.ids, from_memory.ids) << text << " boosted, at " << offset << "+" << limit;
      EXPECT_EQ(plain.weights, from_memory.weights) << text << " boosted";
      EXPECT_EQ(plain.percents, from_memory.percents) << text << " boosted";
    }
  }

  // An index in `dir` as a search's index is of two languages: words drawn
  // with falling frequencies, each under its language's prefix, the
  // language counted and weighted.
  static void AddLanguageDocuments(const std::string& dir, std::mt19937& random) {
    static const std::vector<std::string> kLanguageWords = {
        "visa",  "permit", "work",    "family", "residence", "student",
        "quota", "appeal", "pension", "border", "asylum"};
    Xapian::WritableDatabase writer(dir, Xapian::DB_CREATE);
    std::discrete_distribution<std::size_t> pick({40, 30, 20, 12, 8, 6, 5, 4, 3, 2, 0.1});
    int documents = 100 + static_cast<int>(random() % 300);
    for (int i = 0; i < documents; ++i) {
      std::string lang = random() % 3 ? "en" : "fr";
      Xapian::Stem stem(lang);
      Xapian::Document doc;
      int length = 3 + static_cast<int>(random() % 80);
      for (int w = 0; w < length; ++w)
        doc.add_term("ZXS" + lang + ":" + stem(kLanguageWords[pick(random)]));
      StoreImpacts(doc);
      doc.add_boolean_term("XS" + lang + ":");
      writer.add_document(doc);
    }
    writer.commit();
  }

  // As a search builds its query over such an index: one parse per
  // language, joined by OR, the reader's (English) with `boost` added;
  // each language's words weighed among its documents when `by_language`.
  static Xapian::Query PerLanguageQuery(const Xapian::Database& db, const std::string& text,
                                        CommonWords& common, double boost, bool by_language) {
    std::vector<Xapian::Query> parses;
    for (std::string lang : {"en", "fr"}) {
      Xapian::QueryParser qp;
      qp.set_stemmer(Xapian::Stem(lang));
      qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);
      qp.set_default_op(Xapian::Query::OP_AND);
      std::string prefix = "XS" + lang + ":";
      parses.push_back(
          common.Rewrite(db, qp.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT, prefix),
                         by_language ? db.get_termfreq(prefix) : 0));
      if (lang == std::string("en")) parses.back() = WithWeightAdded(parses.back(), boost);
    }
    return Xapian::Query(Xapian::Query::OP_OR, parses.begin(), parses.end());
  }

  std::string dir_;
  std::unique_ptr<Xapian::WritableDatabase> writer_;
  std::mt19937 random_{17};
};

TEST_F(RankingTest, CommonWordsFromMemoryRankAsTheirPostingLists) {
  AddDocuments(400);
  CommonWords common(1);  // words in a sixteenth of the documents or more
  for (const char* text :
       {"visa", "visa permit", "visa OR quota", "visa work family", "visa -permit",
        "visa AND NOT family", "+work visa", "visa kind:guide", "permit OR appeal kind:guide",
        "\"visa permit\" visa", "visa visa permit", "student OR visa OR border",
        "(visa OR permit) AND (work OR family)", "visa asylum", "asylum permit work"}) {
    ExpectSameEitherWay(text, common);
    ExpectSameEitherWay(text, common, {"en"}, 250);  // among a language's 250 documents
  }
}

TEST_F(RankingTest, CommonWordsOfTwoLanguagesFromMemoryRankAsTheirPostingLists) {
  CommonWords common(1);
  // Each round adds documents, so that matches fall at other places.
  for (int round = 0; round < 4; ++round) {
    AddDocuments(150, true);
    for (const char* text :
         {"visa", "visa permit", "work permit", "visa OR quota", "visa work family", "visa -permit",
          "+work visa", "visa kind:guide", "\"visa permit\" visa", "student OR visa OR border",
          "(visa OR permit) AND (work OR family)",
          "(visa OR permit OR work) AND (family OR student)",
          "(visa OR work) AND (permit OR family) AND (student OR quota)",
          "work AND (visa OR permit OR family OR student)", "visa asylum", "asylum work -family",
          "(asylum OR quota) visa"}) {
      ExpectSameEitherWay(text, common, {"en", "fr"});
      ExpectSameEitherWay(text, common, {"", "en", "fr"});  // and unstemmed
    }
  }
}

// A limited result is the start of the whole ranking, from memory as from
// the posting lists, over indexes of many shapes: two languages, each
// under its own prefix, queries of several operators with the reader's
// boost, every limit from 1 to 60. (With sources declaring their exact
// greatest weight as their bound, Xapian's matcher lost matches here.)
// The whole ranking is the same from memory, to the last bit of a weight.
TEST_F(RankingTest, SourcesLoseNoMatchAtAnyLimit) {
  const std::vector<std::string> texts = {"visa asylum",
                                          "asylum work family",
                                          "asylum OR visa permit",
                                          "pension OR visa work",
                                          "visa",
                                          "visa permit",
                                          "family OR quota",
                                          "work AND (visa OR permit OR family)",
                                          "visa -permit",
                                          "student OR visa OR border",
                                          "quota OR pension OR work"};
  std::size_t wrong = 0, checked = 0, listed = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    std::mt19937 random(seed);
    std::string dir = dir_ + "/seed" + std::to_string(seed);
    AddLanguageDocuments(dir, random);
    Xapian::Database db(dir);
    for (const auto& text : texts) {
      double boost = std::uniform_real_distribution<double>(0.1, 200)(random);
      // Words weighed among all documents, or (odd seeds) among their
      // language's, as a search weighs them.
      bool by_language = seed % 2;
      CommonWords none(UINT32_MAX), common(1);
      Xapian::Query plain = PerLanguageQuery(db, text, none, boost, by_language);
      Xapian::Query from_memory = PerLanguageQuery(db, text, common, boost, by_language);
      listed += from_memory.get_description().find("ListSource") != std::string::npos;
      Hits whole = Run(db, plain, 0, 10000);
      Hits whole_from_memory = Run(db, from_memory, 0, 10000);
      EXPECT_EQ(whole.ids, whole_from_memory.ids) << text;
      EXPECT_EQ(whole.weights, whole_from_memory.weights) << text;  // to the last bit
      for (Xapian::doccount limit = 1; limit <= 60; ++limit) {
        for (const Xapian::Query* q : {&plain, &from_memory}) {
          Hits part = Run(db, *q, 0, limit);
          std::vector<Xapian::docid> start(
              whole.ids.begin(),
              whole.ids.begin() + std::min<std::size_t>(limit, whole.ids.size()));
          ++checked;
          if (part.ids != start) {
            ++wrong;
            ADD_FAILURE() << "seed " << seed << ", " << text << ", limit " << limit
                          << (q == &plain ? " from posting lists" : " from memory");
          }
          if (wrong > 5) return;
        }
      }
    }
  }
  EXPECT_EQ(40u * texts.size() * 60 * 2, checked);
  EXPECT_GT(listed, 0u) << "no rare word was read into memory";
}

// A weight added to a query's matches: the same documents, each weighing
// that much more, in the same order; at any limit, the start of the whole.
TEST_F(RankingTest, AWeightAddedToAQueryAddsToEachMatch) {
  AddDocuments(300);
  Xapian::Database db(dir_ + "/index");
  CommonWords common(1);
  for (const char* text : {"quota OR appeal", "visa permit", "student OR visa -border"}) {
    Xapian::Query words = common.Rewrite(db, Parse(text));
    Hits plain = Run(db, words, 0, 1000);
    Hits added = Run(db, WithWeightAdded(words, 7.5), 0, 1000);
    ASSERT_FALSE(plain.ids.empty()) << text;
    EXPECT_EQ(plain.ids, added.ids) << text;
    ASSERT_EQ(plain.weights.size(), added.weights.size());
    for (std::size_t i = 0; i < plain.weights.size(); ++i)
      EXPECT_DOUBLE_EQ(plain.weights[i] + 7.5, added.weights[i]) << text << " #" << i;
    for (Xapian::doccount limit = 1; limit <= 30; ++limit) {
      Hits part = Run(db, WithWeightAdded(words, 7.5), 0, limit);
      EXPECT_EQ(std::vector<Xapian::docid>(
                    added.ids.begin(),
                    added.ids.begin() + std::min<std::size_t>(limit, added.ids.size())),
                part.ids)
          << text << ", limit " << limit;
    }
  }
}

TEST_F(RankingTest, ArraysFollowTheIndexWhenItChanges) {
  AddDocuments(200);
  CommonWords common(1);
  ExpectSameEitherWay("visa permit", common);
  // More documents, and some gone: the kept arrays are of an older
  // revision and are built again.
  AddDocuments(150);
  writer_->delete_document(3);
  writer_->delete_document(77);
  writer_->commit();
  ExpectSameEitherWay("visa permit", common);
  ExpectSameEitherWay("visa OR work", common);
}

TEST_F(RankingTest, AQueryRewritesAtMostEightWords) {
  AddDocuments(100);
  Xapian::Database db(dir_ + "/index");
  std::vector<Xapian::Query> words;
  for (const char* w : {"visa", "permit", "work", "family", "student", "quota", "appeal", "border"})
    words.emplace_back(std::string("Z") + w);
  for (const char* w : {"visa", "permit", "work", "family"}) words.emplace_back(w);
  Xapian::Query q(Xapian::Query::OP_OR, words.begin(), words.end());
  CommonWords common(1);
  std::string d = common.Rewrite(db, q).get_description();
  std::size_t sources = 0;
  for (auto at = d.find("PostingSource("); at != std::string::npos;
       at = d.find("PostingSource(", at + 1))
    ++sources;
  EXPECT_EQ(8u, sources) << d;
}

TEST(ImpactTest, MoreOccurrencesAndShorterTextsWeighMore) {
  EXPECT_LT(Impact(1, 120), Impact(2, 120));
  EXPECT_LT(Impact(2, 120), Impact(3, 120));
  EXPECT_LT(Impact(2, 600), Impact(2, 120));
  EXPECT_EQ(kImpactOfOneWord, Impact(1, 120));  // one occurrence at the reference length
  EXPECT_EQ(Impact(1, 10), Impact(1, 60));      // below half the reference: as half
  EXPECT_GE(Impact(1, 1000000), 1u);
  EXPECT_LE(Impact(1000000, 1), 2 * kImpactOfOneWord);
}

}  // namespace
}  // namespace mrc::web::ranking
