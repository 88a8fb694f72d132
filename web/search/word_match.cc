// Marking the words of a hit's text that a query asked for. A word matches
// when its folded lowercase form is a word of the query, or its stem in
// the text's language is one of the query's stems (the query is parsed in
// several languages, so its stems are of several). Three things keep this
// cheap, as a search cuts a snippet from every hit: the hashes stored with
// each word rule out most words with a bit test; a word's forms are worked
// out once per thread and its verdict once per query; and in a language
// whose stemmer keeps a word's first character, a word is stemmed only
// when it starts like a query stem.
#include "web/search/word_match.h"

#include <algorithm>

#include "config/foundation/bytes.h"
#include "web/search/folding.h"
#include "web/search/index.h"

namespace mrc::web::search {

std::uint16_t Hash16(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<std::uint16_t>(h ^ (h >> 16));
}

WordForms& WordForms::ForThisThread() {
  thread_local WordForms forms;
  return forms;
}

WordForms::Language& WordForms::Of(std::string_view language) {
  auto it = languages_.find(language);
  if (it == languages_.end()) it = languages_.emplace(std::string(language), Language()).first;
  return it->second;
}

WordForms::Forms& WordForms::Get(Language& language, std::string_view token) {
  if (auto it = language.find(token); it != language.end()) return it->second;
  if (++words_ > kMaxWords) {
    for (auto& [name, forms] : languages_) forms.clear();
    words_ = 1;
  }
  Forms forms;
  forms.folded = Fold(token);
  return language.emplace(std::string(token), std::move(forms)).first->second;
}

std::string WordForms::Fold(std::string_view token) {
  bool ascii = std::all_of(token.begin(), token.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return ascii ? Lower(token) : Xapian::Unicode::tolower(FoldForSearch(token));
}

QueryWordMatcher::QueryWordMatcher(std::set<std::string> words, std::set<std::string> stems)
    : words_(std::move(words)),
      stems_(std::move(stems)),
      forms_(WordForms::ForThisThread()),
      query_(forms_.NextQuery()) {
  for (const auto& s : stems_) stem_starts_.emplace(FirstCharacter(s));
  for (const auto& w : words_) word_hashes_.set(Hash16(w));
  for (const auto& s : stems_) stem_hashes_.set(Hash16(s));
}

void QueryWordMatcher::SetLanguage(const std::string& language) {
  stem_ = StemmerFor(language);
  keeps_first_character_ = StemKeepsFirstCharacter(language);
  language_ = &forms_.Of(language);
}

bool QueryWordMatcher::Matches(std::string_view token) {
  WordForms::Forms& f = forms_.Get(*language_, token);
  if (f.query != query_) {
    f.query = query_;
    f.match = Decide(f);
  }
  return f.match;
}

bool QueryWordMatcher::Decide(WordForms::Forms& f) {
  if (words_.count(f.folded)) return true;
  if (stem_.is_none() || stems_.empty()) return false;
  // A word is stemmed only when its stem could be a query stem.
  if (keeps_first_character_ && !stem_starts_.count(FirstCharacter(f.folded))) return false;
  if (!f.stemmed) {
    f.stem = stem_(f.folded);
    f.stemmed = true;
  }
  return stems_.count(f.stem) > 0;
}

std::string_view QueryWordMatcher::FirstCharacter(std::string_view s) {
  std::size_t n = 1;
  while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
  return s.substr(0, std::min(n, s.size()));
}

std::string WordHashes(std::string_view text, const std::vector<WordSpan>& spans,
                       const std::string& language) {
  Xapian::Stem stem = StemmerFor(language);
  WordForms& forms = WordForms::ForThisThread();
  WordForms::Language& words = forms.Of(language);
  std::string out;
  for (const WordSpan& w : spans) {
    WordForms::Forms& f = forms.Get(words, text.substr(w.start, w.end - w.start));
    if (!f.stemmed && !stem.is_none()) {
      f.stem = stem(f.folded);
      f.stemmed = true;
    }
    PutU16(&out, Hash16(f.folded));
    PutU16(&out, Hash16(stem.is_none() ? f.folded : f.stem));
  }
  return out;
}

}  // namespace mrc::web::search
