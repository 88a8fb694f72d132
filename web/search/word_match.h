// Which words of a hit's text a query asked for, for its snippet: each
// word's folded and stemmed forms (kept per thread), and the two 16-bit
// hashes of them stored with each word of an indexed text.
#pragma once

#include <xapian.h>

#include <bitset>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "web/search/words.h"

namespace mrc::web::search {

// A word's 16-bit hash: FNV-1a, folded. It is stored in the index, so it
// is fixed here rather than left to a library's std::hash.
std::uint16_t Hash16(std::string_view s);

// A word's folded lowercase form and its stem in a language. Folding and
// stemming (ICU, Unicode case tables, Snowball) are the dear part of a
// snippet, while a network's texts share a vocabulary
// of some tens of thousands of words: each thread keeps the forms it has
// worked out, for every query after, up to kMaxWords (then it starts
// again, so that memory stays bounded).
class WordForms {
 public:
  struct Forms {
    std::string folded;
    std::string stem;
    bool stemmed = false;
    std::uint64_t query = 0;  // the last query that decided this word ...
    bool match = false;       // ... and what it decided
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Language = std::unordered_map<std::string, Forms, Hash, std::equal_to<>>;

  static WordForms& ForThisThread();

  Language& Of(std::string_view language);

  // The reference holds until the next call.
  Forms& Get(Language& language, std::string_view token);

  std::uint64_t NextQuery() { return ++queries_; }

 private:
  static constexpr std::size_t kMaxWords = 1 << 15;

  static std::string Fold(std::string_view token);

  std::map<std::string, Language, std::less<>> languages_;
  std::size_t words_ = 0;
  std::uint64_t queries_ = 0;
};

// Decides whether a word of a document's text is one a query asked for:
// its folded lowercase form is a query word, or its stem in the document's
// language is a query stem. Each word of a language is decided once per
// query.
class QueryWordMatcher {
 public:
  QueryWordMatcher(std::set<std::string> words, std::set<std::string> stems);

  // Whether a word whose hashes (WordHashes) are these may match: when
  // false, it does not.
  bool MayMatch(std::uint16_t word_hash, std::uint16_t stem_hash) const {
    return word_hashes_.test(word_hash) || stem_hashes_.test(stem_hash);
  }

  bool empty() const { return words_.empty() && stems_.empty(); }

  // The language of the text whose words come next.
  void SetLanguage(const std::string& language);

  bool Matches(std::string_view token);

 private:
  bool Decide(WordForms::Forms& f);
  static std::string_view FirstCharacter(std::string_view s);

  std::set<std::string> words_, stems_;
  std::set<std::string, std::less<>> stem_starts_;
  std::bitset<1 << 16> word_hashes_, stem_hashes_;  // of the query's words and stems
  WordForms& forms_;
  std::uint64_t query_;
  WordForms::Language* language_ = nullptr;
  Xapian::Stem stem_;
  bool keeps_first_character_ = false;
};

// Two 16-bit hashes for each word of a snippet's text (its `spans`), worked
// out when it is indexed: of the word folded to lowercase, and of its stem
// in the text's language (the folded word again when there is no
// stemmer). A query then finds the few words that may match it by
// comparing small numbers, rather than looking each word up (folding,
// stemming, or a table of words already seen); it checks those few
// exactly.
std::string WordHashes(std::string_view text, const std::vector<WordSpan>& spans,
                       const std::string& language);

}  // namespace mrc::web::search
