// How the search index ranks: BM25 whose document-dependent part is worked
// out when a document is indexed and stored as each word's wdf (its
// "impact"), so that a query reads no document lengths; and, for words held
// by a large share of the documents, their impacts kept in memory, so that
// a query does not decode their long posting lists. Internal to
// web/search/ (it brings in Xapian).
#pragma once

#include <xapian.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace mrc::web::ranking {

// One occurrence of a word in a text of the reference length.
constexpr Xapian::termcount kImpactOfOneWord = 16;
// Impacts stay below (k1 + 1) * kImpactOfOneWord, and are kept in a byte.
static_assert(2 * kImpactOfOneWord <= 255);

// A word's impact given how often it occurs in a text of `words` words:
//   kImpactOfOneWord * (k1 + 1) * tf / (k1 * (1 - b + b * max(0.5, words / 120)) + tf)
// with Xapian's default BM25 parameters (k1 = 1, b = 0.5). The pivot is a
// fixed length rather than the index's running average, so that a document
// gets the same impacts whenever and wherever it is indexed.
Xapian::termcount Impact(Xapian::termcount tf, Xapian::termcount words);

// Words (stems with the Z prefix, or lowercase as typed) are the terms a query
// weighs; the other prefixes are filters and the language boost.
bool IsWordTerm(const std::string& term);

// Replaces the wdf of each word term of `doc` (as a TermGenerator left
// it: occurrences) with its impact.
void StoreImpacts(Xapian::Document& doc);

// BM25's idf as Xapian's BM25Weight works it out: a word held by more than
// half of the documents still counts a little.
double Idf(double docs_with_word, double docs);

// The idf of a word (a stem) among the documents of its language, as if
// the language held 16 more documents, one of them with the word: a
// language with few documents gets no extreme weights from them (a word
// in the only French document is not "in every French document"); with
// thousands, the plain idf among them.
double LanguageIdf(Xapian::doccount docs_with_word, Xapian::doccount language_docs);

// How many documents of one revision of an index hold each term, each
// looked up once: a lookup descends Xapian's B-tree, reading a block or
// two through the kernel, and a search asks about the same terms several
// times (to plan the query, then to weigh it), and about the language and
// common terms in every query. Not thread-safe: one per reader.
class TermFreqs {
 public:
  explicit TermFreqs(const Xapian::Database* db) : db_(db) {}
  Xapian::doccount operator()(const std::string& term);
  // After the database was reopened at another revision.
  void Clear() { known_.clear(); }

 private:
  static constexpr std::size_t kMaxTerms = 8192;  // then it starts again
  const Xapian::Database* db_;
  std::unordered_map<std::string, Xapian::doccount> known_;
};

// `query` with `weight` added to the weight of each document it matches
// (`weight` >= 0), at the cost of one more child of an AND that always
// says yes: no posting list, no memory read.
Xapian::Query WithWeightAdded(const Xapian::Query& query, double weight);

// A word's weight in a document: its impact times Idf() times BM25's
// query-frequency factor (k3 = 1).
class ImpactWeight : public Xapian::Weight {
 public:
  ImpactWeight();
  ImpactWeight* clone() const override;
  std::string name() const override;
  void init(double factor) override;
  double get_sumpart(Xapian::termcount wdf, Xapian::termcount, Xapian::termcount) const override;
  double get_maxpart() const override;
  double get_sumextra(Xapian::termcount, Xapian::termcount) const override;
  double get_maxextra() const override;

 private:
  double per_impact_ = 0;
};

// The impacts of every document holding one word, by docid, as of one
// revision of the index.
struct WordImpacts {
  Xapian::rev revision = 0;
  std::vector<std::uint8_t> impact;  // 0: not in the document
  Xapian::doccount documents = 0;
  // The bound on its impact that the source declares to Xapian's matcher:
  // the word's collection frequency, as loose as the bound Xapian's own
  // weighting takes for its posting list (~ the collection frequency), not
  // the greatest impact. With that exact maximum, Xapian 1.4's matcher
  // loses matches from a limited result: its OR and AND_MAYBE, turning
  // into AND_MAYBE and AND once the result's lowest weight passes a
  // branch's bound, skip documents when bounds are attained
  // (RankingTest.SourcesLoseNoMatchAtAnyLimit checks this bound).
  Xapian::termcount bound = 0;
};

// The documents of one word, in order, with its impact in each, as read
// from its posting list for one query.
struct WordPostings {
  std::vector<Xapian::docid> docids;
  std::vector<Xapian::termcount> impacts;
  Xapian::doccount termfreq = 0;          // as the index counts it
  Xapian::termcount collection_freq = 0;  // the sum of the impacts
};

// Words held by at least `min_documents` documents (and by a sixteenth of
// all) are matched from impacts kept in memory, which skip to any document
// at once, where Xapian would decode most of their posting lists. Ranking
// is unchanged: each document gets the weight ImpactWeight would give it.
// Thread-safe. Keeps at most kMaxWords words (each costs a byte per
// document); a word's array is rebuilt by the first query that needs it
// after the index changed (the index commits after a quiet moment of the
// log, or every 10 s at most during a long burst of changes).
class CommonWords {
 public:
  explicit CommonWords(Xapian::doccount min_documents) : min_documents_(min_documents) {}
  void SetMinDocuments(Xapian::doccount n);

  // `query` (as Xapian's QueryParser makes it: each word a term of its
  // own, within-query frequency 1) with the terms of its commonest words,
  // up to kMaxWordsPerQuery, replaced by sources over their impacts;
  // phrases become AND (the index keeps no positions, and Xapian would
  // keep a phrase's words from being rewritten); parts it does not know
  // (synonyms, scaling) are kept as they are. When `language_docs` is not
  // 0, the words are one language's, which holds that many documents, and
  // each is weighed with its LanguageIdf() instead of its idf among all.
  // Term frequencies from `freqs` when given (of `db`).
  Xapian::Query Rewrite(const Xapian::Database& db, const Xapian::Query& query,
                        Xapian::doccount language_docs = 0, TermFreqs* freqs = nullptr);

 private:
  static constexpr std::size_t kMaxWords = 64;
  static constexpr std::size_t kMaxWordsPerQuery = 8;

  // How many documents make a word common in `db`.
  Xapian::doccount MinDocuments(const Xapian::Database& db);
  std::shared_ptr<const WordImpacts> Impacts(const Xapian::Database& db, const std::string& term);
  // How a query's words are rewritten: those matched from memory, and
  // each word's weight factor (LanguageIdf over its idf among all).
  struct Plan {
    std::set<std::string> common;
    std::map<std::string, double> scale;
    std::map<std::string, Xapian::doccount> freq;  // of each word
    double ScaleOf(const std::string& term) const;
  };
  // `lead`: for a word of an AND, the documents of the AND's rarest word
  // as read into memory (a common word's source prefetches from them).
  Xapian::Query RewriteNode(const Xapian::Database& db, const Xapian::Query& query,
                            const Plan& plan,
                            const std::shared_ptr<const WordPostings>& lead = nullptr);
  // A rare word of an AND with common words is read into memory when it
  // is in at most this many documents.
  static constexpr Xapian::doccount kMaxListed = 2048;
  static std::shared_ptr<const WordPostings> Postings(const Xapian::Database& db,
                                                      const std::string& term,
                                                      Xapian::doccount termfreq);

  struct Kept {
    std::shared_ptr<const WordImpacts> impacts;
    std::uint64_t last_use = 0;
  };
  std::mutex mu_;
  std::mutex build_mu_;  // one build at a time
  Xapian::doccount min_documents_;
  std::map<std::string, Kept> words_;
  std::uint64_t uses_ = 0;
};

}  // namespace mrc::web::ranking
