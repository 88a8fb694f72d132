// SearchIndex: full-text search over the documents, as a Xapian index derived
// from the log (the log in RocksDB stays the only truth).
//
// The index follows the log's document changes (Log::DocChangesSince) on a
// background thread with its own progress marker, stored in the index: an
// applied change reaches search a moment later, without slowing the writer.
// A missing, damaged or foreign index, or one that fell behind changes the
// log has already forgotten, is rebuilt from a scan of every document, while
// search keeps answering from what is indexed so far.
//
// Text is folded before it is indexed and before a query is parsed (accents
// and other marks removed, so "Osterreich" finds "Österreich"; Cyrillic й
// kept), and stemmed with the Snowball stemmer of the content's language
// ("visas" finds "visa"). A query is stemmed in every language the index
// holds, so it finds content in other languages too; each hit carries its
// language.
//
//   auto index = SearchIndex::Open(data_dir + "/search", log);
//   (*index)->Start();                       // follow the log
//   auto r = (*index)->Search({.text = "visa", .country = "DE"});
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/foundation/status.h"

namespace mrc::sync {
class Log;
}

namespace mrc::web {

struct SearchQuery {
  std::string text;  // words; "" lists every document matching the filters
  // Filters, "" for any: kind (faq, guide, bulletin, centre), category slug,
  // country (ISO 3166 alpha-2), guide topic, language (BCP 47 primary tag).
  std::string kind, category, country, topic, language;
  std::string translation_group;  // the translations of one text
  // The reader's language: its stemmer is always among the query's.
  std::string reader_language = "en";
  std::uint32_t offset = 0;
  std::uint32_t limit = 20;  // 1 .. 1000
  // Without words, hits come in reading order: a guide's fixed topics in
  // their order, then by title.
  // Today (YYYY-MM-DD): with words, a document overdue for review by then
  // ranks a little lower. "": none is.
  std::string today;
  // Only documents due for review on or before this date (YYYY-MM-DD),
  // the longest overdue first (without words). "": any.
  std::string due_by;
};

struct SearchHit {
  std::string id;  // document id, hex
  std::string kind, title, language, country, topic;
  std::vector<std::string> categories;
  std::string translation_group;
  // Review dates (sync/content/review.h) as indexed: when it is due ("" for
  // never), when and by whom it was last verified; and the centre that
  // created it (its owner), a member key in hex.
  std::string review_due = {}, verified_on = {}, verified_by = {}, owner = {};
  int percent = 0;  // relevance, 0..100
  // The passage that best matches, cut into pieces; `hit` marks the words
  // that matched (to be highlighted). Plain text, not HTML.
  struct Piece {
    std::string text;
    bool hit = false;
  };
  std::vector<Piece> snippet;
};

struct SearchResult {
  std::uint64_t estimated = 0;  // matches in all (an estimate for large sets)
  std::vector<SearchHit> hits;
  bool complete = true;  // false while the index is behind the log
};

struct SearchProgress {
  std::uint64_t indexed_through = 0;  // the log's document change number reached
  std::uint64_t log_change = 0;       // the log's newest
  std::uint64_t documents = 0;        // in the index
  bool rebuilding = false;
  // While rebuilding: documents indexed again so far, of about how many.
  std::uint64_t rebuilt = 0;
  std::uint64_t rebuild_total = 0;
};

class SearchIndex {
 public:
  // Opens or creates the index in directory `dir`; `log` must outlive it.
  static Result<std::unique_ptr<SearchIndex>> Open(const std::string& dir, sync::Log* log);
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Follows the log on a background thread (at low priority) until Stop().
  void Start();
  void Stop();
  // Brings the index up to date on the caller's thread (tests, commands).
  Status CatchUp();

  // Thread-safe. InvalidArgument for a malformed query or a bad limit.
  Result<SearchResult> Search(const SearchQuery& query);
  Result<SearchProgress> Progress();

  // Words held by at least this many documents (and by a sixteenth of
  // all; 2,000 unless set) are matched from their impacts kept in memory
  // rather than from their posting lists (web/search/ranking.h). Results
  // are the same either way (but for the estimate of how many match);
  // tests set it low to check that they are.
  // Forgets the results kept for repeated queries.
  void SetCommonWordDocuments(std::uint32_t documents);
  // Whether snippets use the word hashes stored with each document to skip
  // the words that cannot match, and the words' places stored with them
  // (the default); the snippets are the same either way, and tests check
  // that they are. Forgets the results kept for repeated queries.
  void UseStoredWordHashes(bool use);

  // The values a filter can take, with how many documents have each:
  // facet "category", "country", "topic", "language", or "guide-country"
  // (countries that have a guide). In value order.
  Result<std::vector<std::pair<std::string, std::uint64_t>>> Facet(std::string_view facet);

 private:
  struct Impl;
  explicit SearchIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Text folded as the index folds it: marks removed (é -> e, Ö -> O; Cyrillic
// й and Arabic letters kept, Arabic vowel marks removed), otherwise unchanged
// (case is left to the tokenizer).
std::string FoldForSearch(std::string_view text);

// Whether the stemmer of a language (a primary tag: "en") only changes the
// ending of folded lowercase words, so that a word and its stem start with
// the same character: snippets then stem only the words that start like a
// query stem. False for languages whose stemmers strip or change a word's
// beginning (Arabic, Indonesian, Irish) and for those not checked.
bool StemKeepsFirstCharacter(std::string_view language);

// The stem of a folded lowercase word in a language, as the index makes
// it; the word itself when there is no stemmer for the language.
std::string StemWord(std::string_view language, const std::string& word);

}  // namespace mrc::web
