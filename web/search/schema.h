// What the search index holds besides each document's data: its metadata
// keys, the prefixes of its terms and the slots of its values. Shared by
// the writer (follower.cc), queries (query.cc) and facets (index.cc).
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

#include "config/foundation/bytes.h"

namespace mrc::web::search {

// Index metadata keys.
inline constexpr const char* kFormatKey = "format";
inline constexpr const char* kNetworkKey = "network";
inline constexpr const char* kThroughKey = "log-change";
inline constexpr const char* kLanguagesKey = "languages";

// The index's format with the versions of what shapes its terms and word
// hashes (Xapian's stemmers and tokenizer, ICU's folding): a node upgraded
// to other versions rebuilds its index rather than mix old terms with new.
std::string FormatKey();

// Term prefixes (Xapian's conventions: Q unique id, K kind, L language; X
// for our own).
inline constexpr std::string_view kIdPrefix = "Q";
inline constexpr std::string_view kKindPrefix = "K";
inline constexpr std::string_view kLanguagePrefix = "L";
inline constexpr std::string_view kCategoryPrefix = "XC";
inline constexpr std::string_view kCountryPrefix = "XN";
inline constexpr std::string_view kTopicPrefix = "XT";
inline constexpr std::string_view kGuideCountryPrefix = "XG";
inline constexpr std::string_view kTranslationPrefix = "XR";

// A word in a text of `language` is the term "Z" + StemPrefix + its stem
// ("ZXSfr:famill"), or + the word itself where Xapian has no stemmer for
// the language ("ZXSsq:vize"): each language's words apart, so that a word
// counts the documents of its own language, and stems of different
// languages that collide ("new" is both English and the French stem of
// "news") do not match each other's documents. StemPrefix alone, as a
// boolean term, counts the language's documents.
std::string StemPrefix(std::string_view language);

// The prefix TermGenerator and QueryParser are given so that a word
// becomes "Z" + StemPrefix + stem: Xapian adds the "Z" to stems itself;
// without a stemmer, words are taken as they are (STEM_ALL_Z would make
// no term at all) and the prefix brings the "Z".
std::string ParsePrefix(const std::string& language, const Xapian::Stem& stem);
Xapian::TermGenerator::stem_strategy StemmingOf(const Xapian::Stem& stem);

// A filter's term: the prefix and the value, lowercased.
std::string Term(std::string_view prefix, std::string_view value);
// The unique term of a document.
std::string IdTerm(const Hash32& id);

// Value slots, for reading order when a query has no words.
inline constexpr Xapian::valueno kTopicOrderSlot = 0;  // a guide topic's place, "00".."99"
inline constexpr Xapian::valueno kTitleSlot = 1;       // the folded, lowercased title
inline constexpr Xapian::valueno kReviewDueSlot = 2;   // YYYY-MM-DD; absent when never due

}  // namespace mrc::web::search
