// Folding and stemming, as the index does them to a document's text and a
// query's. Folding decomposes text (NFD), drops the non-spacing marks and
// composes what is left (NFC): "Österreich" is indexed and asked as
// "Osterreich", so a reader without the accent on the keyboard finds it.
// Two marks are kept or dropped against that rule: the breve of Й is part
// of a letter of its own in Russian (and in its stemmer), and the Arabic
// tatweel only stretches a word. Stemming is Xapian's Snowball stemmer of
// the text's primary language; each thread makes a language's once.
#include "web/search/folding.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "web/search/index.h"

namespace mrc::web {
namespace search {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string PrimaryLanguage(std::string_view tag) {
  return Lower(tag.substr(0, tag.find_first_of("-_")));
}

// Making a stemmer allocates Snowball's state (and throws for a language
// without one), and a search needs one per language for its parses and
// per hit for its snippet; a stemmer keeps state while it works, so
// threads do not share them.
Xapian::Stem StemmerFor(const std::string& language) {
  if (language.empty()) return Xapian::Stem();
  thread_local std::map<std::string, Xapian::Stem, std::less<>> made;
  if (auto it = made.find(language); it != made.end()) return it->second;
  if (made.size() >= 64) made.clear();  // languages come from content: bounded
  Xapian::Stem stem;
  try {
    stem = Xapian::Stem(language);
  } catch (const Xapian::InvalidArgumentError&) {
  }
  made.emplace(language, stem);
  return stem;
}

}  // namespace search

bool StemKeepsFirstCharacter(std::string_view language) {
  // Checked for each, over random words of its alphabet, by
  // SearchTest.ListedStemmersKeepAWordsFirstCharacter.
  static const std::set<std::string, std::less<>> kLanguages = {
      "da", "de", "en", "es", "fi", "fr", "hu", "it", "nb", "no", "pt", "ro", "ru", "sv", "tr"};
  return kLanguages.count(language) > 0;
}

std::string StemWord(std::string_view language, const std::string& word) {
  Xapian::Stem stem = search::StemmerFor(std::string(language));
  return stem.is_none() ? word : stem(word);
}

std::string FoldForSearch(std::string_view text) {
  bool ascii = std::all_of(text.begin(), text.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(text);
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return std::string(text);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  icu::UnicodeString decomposed = nfd->normalize(s, err);
  icu::UnicodeString kept;
  UChar32 base = 0;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) {
      // Й is a letter of its own in Russian (and its stemmer), not a
      // decorated И.
      if (!(c == 0x0306 && (base == 0x0418 || base == 0x0438))) continue;
    } else if (c == 0x0640) {  // Arabic tatweel: stretches a word, means nothing
      continue;
    } else {
      base = c;
    }
    kept.append(c);
  }
  icu::UnicodeString composed = nfc->normalize(kept, err);
  if (U_FAILURE(err)) return std::string(text);
  std::string out;
  composed.toUTF8String(out);
  return out;
}

}  // namespace mrc::web
