// Cutting a hit's snippet. The text is split into words (as the index
// stored them, or found again), and each word is marked when the query
// asked for it (word_match.h). The snippet is the window of kSnippetWords
// words holding the most marked words (the first such), with "… " and
// " …" where the text goes on; the text's own opening and closing
// punctuation is kept when short. Between marked words the text is copied
// as written, but for runs of blanks and line breaks, shown as one space.
#include "web/search/snippet.h"

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "web/search/folding.h"
#include "web/search/word_match.h"
#include "web/search/words.h"

namespace mrc::web::search {
namespace {

constexpr std::size_t kSnippetWords = 32;

// A line break or tab, which snippets show as a space.
bool IsBreak(char c) { return c == '\n' || c == '\t' || c == '\r'; }
// A space, a line break or a tab.
bool IsAsciiBlank(char c) { return c == ' ' || IsBreak(c); }

// Whether `ch` shows as blank: Unicode's whitespace, and line breaks.
bool IsBlank(unsigned ch) {
  return (ch < 0x80 && IsAsciiBlank(static_cast<char>(ch))) || Xapian::Unicode::is_whitespace(ch);
}

// Whether the text before a snippet's first word or after its last is
// short enough to show: 8 characters at most, a run of blanks counting as
// one (as the snippet shows it).
bool ShortEnd(std::string_view s) {
  constexpr int kMaxCharacters = 8;
  int characters = 0;
  bool after_blank = false;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;  // within a character
    bool blank = IsAsciiBlank(c);
    if (!(blank && after_blank) && ++characters > kMaxCharacters) return false;
    after_blank = blank;
  }
  return true;
}

// `s` without the blanks it starts with.
std::string_view TrimFront(std::string_view s) {
  while (!s.empty()) {
    Xapian::Utf8Iterator it(s.data(), s.size());
    if (!IsBlank(*it)) break;
    ++it;
    s.remove_prefix(it == Xapian::Utf8Iterator() ? s.size()
                                                 : static_cast<std::size_t>(it.raw() - s.data()));
  }
  return s;
}

// `s` without the blanks it ends with.
std::string_view TrimBack(std::string_view s) {
  while (!s.empty()) {
    std::size_t last = s.size() - 1;
    while (last > 0 && (static_cast<unsigned char>(s[last]) & 0xC0) == 0x80) --last;
    if (!IsBlank(*Xapian::Utf8Iterator(s.data() + last, s.size() - last))) break;
    s.remove_suffix(s.size() - last);
  }
  return s;
}

// Splits `hit`'s text into `words` and marks in `hit_at` (one per word)
// those the query asked for.
void MarkWords(const StoredHit& hit, QueryWordMatcher& matcher, bool use_word_hashes,
               std::vector<WordSpan>& words, std::vector<std::uint8_t>& hit_at) {
  std::string_view text = hit.text;
  // The words as stored with the text, or found again (an index without
  // them, or a damaged one; the same words either way).
  if (!use_word_hashes || hit.word_hashes.size() % 4 != 0 ||
      !DecodeWordSpans(hit.word_spans, hit.word_hashes.size() / 4, text.size(), &words))
    FindWords(text, &words);
  hit_at.assign(words.size(), 0);
  if (matcher.empty()) return;
  matcher.SetLanguage(PrimaryLanguage(hit.language));
  // The stored hashes rule out most words at once; without them (they
  // are one pair per word, or none), every word is looked up.
  bool hashed = use_word_hashes && hit.word_hashes.size() == 4 * words.size();
  auto u16 = [&](std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(hit.word_hashes[at]) << 8 |
                                      static_cast<unsigned char>(hit.word_hashes[at + 1]));
  };
  for (std::size_t w = 0; w < words.size(); ++w) {
    if (hashed && !matcher.MayMatch(u16(4 * w), u16(4 * w + 2))) continue;
    hit_at[w] = matcher.Matches(text.substr(words[w].start, words[w].end - words[w].start));
  }
}

// The first word of the window of kSnippetWords words holding the most
// marked words (the first such).
std::size_t BestWindow(const std::vector<std::uint8_t>& hit_at) {
  std::size_t best = 0, best_hits = 0, count = 0;
  for (std::size_t w = 0; w < hit_at.size(); ++w) {
    count += hit_at[w];
    if (w >= kSnippetWords) count -= hit_at[w - kSnippetWords];
    if (count > best_hits) {
      best_hits = count;
      best = w >= kSnippetWords ? w - kSnippetWords + 1 : 0;
    }
  }
  return best;
}

// Appends `s` to the unmarked piece at the end of `out` (a new one after
// a marked word): separators as written, but a run of spaces and line
// breaks (as between paragraphs) becomes one space.
void AppendPlain(std::vector<SearchHit::Piece>& out, std::string_view s) {
  if (s.empty()) return;
  if (out.empty() || out.back().hit) out.push_back({"", false});
  std::string& t = out.back().text;
  std::size_t from = t.size();
  t += s;
  auto untidy = [&](std::size_t k) {
    return IsBreak(t[k]) || (t[k] == ' ' && k > 0 && t[k - 1] == ' ');
  };
  std::size_t k = from;
  while (k < t.size() && !untidy(k)) ++k;  // most text: single spaces only
  std::size_t w = k;
  for (; k < t.size(); ++k) {
    char c = IsBreak(t[k]) ? ' ' : t[k];
    if (c == ' ' && w > 0 && t[w - 1] == ' ') continue;
    t[w++] = c;
  }
  t.resize(w);
}

}  // namespace

// A text cut short ends with " …", which its snippets then show; the cut
// falls between words where one is near (not within a word, which would
// show a fragment as if it were one), and only blanks left out are no cut.
std::string SnippetSource(const std::string& text) {
  constexpr std::size_t kMax = 3000;
  if (text.size() <= kMax) return text;
  if (std::all_of(text.begin() + kMax, text.end(), IsAsciiBlank)) return text.substr(0, kMax);
  std::size_t end = kMax;
  while (end > kMax - 64 && !IsAsciiBlank(text[end])) --end;
  if (!IsAsciiBlank(text[end])) {  // one long word: cut it at a character boundary
    end = kMax;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  while (end > 0 && IsAsciiBlank(text[end - 1])) --end;
  return text.substr(0, end) + " …";
}

std::vector<SearchHit::Piece> Snippet(const StoredHit& hit, QueryWordMatcher& matcher,
                                      bool use_word_hashes) {
  std::string_view text = hit.text;
  thread_local std::vector<WordSpan> words;
  thread_local std::vector<std::uint8_t> hit_at;  // per word
  MarkWords(hit, matcher, use_word_hashes, words, hit_at);
  std::vector<SearchHit::Piece> out;
  if (words.empty()) return out;
  std::size_t best = BestWindow(hit_at);
  std::size_t last = std::min(best + kSnippetWords, words.size()) - 1;
  // Cut before a word or after one only where words are left out: the
  // text's own opening and closing punctuation stay, when short (a row of
  // symbols or a rule is cut like words).
  std::string_view opening = TrimFront(text.substr(0, words[best].start));
  std::string_view closing = TrimBack(text.substr(words[last].end));
  bool cut_before = best > 0 || !ShortEnd(opening);
  bool cut_after = last + 1 < words.size() || !ShortEnd(closing);
  if (cut_before) out.push_back({"… ", false});
  // The text between two marked words is copied whole.
  std::size_t from = words[best].start - (cut_before ? 0 : opening.size());
  for (std::size_t w = best; w <= last; ++w) {
    if (!hit_at[w]) continue;
    AppendPlain(out, text.substr(from, words[w].start - from));
    out.push_back({std::string(text.substr(words[w].start, words[w].end - words[w].start)), true});
    from = words[w].end;
  }
  AppendPlain(out, text.substr(from, words[last].end - from));
  AppendPlain(out, cut_after ? " …" : closing);
  return out;
}

}  // namespace mrc::web::search
