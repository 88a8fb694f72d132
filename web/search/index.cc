#include "web/search/index.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uvernum.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <bitset>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "config/foundation/bytes.h"
#include "config/foundation/log.h"
#include "sync/content/content.h"
#include "sync/log/log.h"
#include "web/text/body_cache.h"
#include "web/text/json_fields.h"
#include "web/text/markdown.h"
#include "web/search/ranking.h"
#include "web/search/words.h"

namespace mrc::web {
namespace {

using nlohmann::json;

// Index metadata keys.
constexpr const char* kFormatKey = "format";
constexpr const char* kFormat = "14";

// The index's format with the versions of what shapes its terms and word
// hashes (Xapian's stemmers and tokenizer, ICU's folding): a node upgraded
// to other versions rebuilds its index rather than mix old terms with new.
std::string FormatKey() {
  return std::string(kFormat) + " xapian " + Xapian::version_string() + " icu " + U_ICU_VERSION;
}
constexpr const char* kNetworkKey = "network";
constexpr const char* kThroughKey = "log-change";
constexpr const char* kLanguagesKey = "languages";

// Term prefixes (Xapian's conventions: Q unique id, K kind, L language; X
// for our own).
constexpr std::string_view kIdPrefix = "Q";
constexpr std::string_view kKindPrefix = "K";
constexpr std::string_view kLanguagePrefix = "L";
constexpr std::string_view kCategoryPrefix = "XC";
constexpr std::string_view kCountryPrefix = "XN";
constexpr std::string_view kTopicPrefix = "XT";
constexpr std::string_view kGuideCountryPrefix = "XG";
constexpr std::string_view kTranslationPrefix = "XR";

// A word in a text of `language` is the term "Z" + StemPrefix + its stem
// ("ZXSfr:famill"), or + the word itself where Xapian has no stemmer for
// the language ("ZXSsq:vize"): each language's words apart, so that a word
// counts the documents of its own language, and stems of different
// languages that collide ("new" is both English and the French stem of
// "news") do not match each other's documents. StemPrefix alone, as a
// boolean term, counts the language's documents.
std::string StemPrefix(std::string_view language) { return "XS" + std::string(language) + ":"; }

// Value slots, for reading order when a query has no words.
constexpr Xapian::valueno kTopicOrderSlot = 0;  // a guide topic's place, "00".."99"
constexpr Xapian::valueno kTitleSlot = 1;       // the folded, lowercased title

// What one index commit holds at most: Xapian buffers a commit's postings
// in memory (about 10 KB per document here), so this bounds the indexer's
// memory during a large catch-up.
constexpr std::size_t kChangesPerCommit = 64;
constexpr std::size_t kDocsPerCommit = 2000;
constexpr std::size_t kDocsPerRebuildCommit = 2000;
constexpr std::size_t kSnippetWords = 32;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "pt-BR" -> "pt": stemmers go by the primary language.
std::string PrimaryLanguage(std::string_view tag) {
  return Lower(tag.substr(0, tag.find_first_of("-_")));
}

// The Snowball stemmer for a language, or none (Xapian::Stem() stems
// nothing) when Xapian has no stemmer for it. Each thread makes a
// language's once: making one allocates Snowball's state (and throws for
// a language without a stemmer), and a search needs one per language for
// its parses and per hit for its snippet; a stemmer keeps state while it
// works, so threads do not share them.
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

// The prefix TermGenerator and QueryParser are given so that a word
// becomes "Z" + StemPrefix + stem: Xapian adds the "Z" to stems itself;
// without a stemmer, words are taken as they are (STEM_ALL_Z would make
// no term at all) and the prefix brings the "Z".
std::string ParsePrefix(const std::string& language, const Xapian::Stem& stem) {
  return (stem.is_none() ? "Z" : "") + StemPrefix(language);
}
Xapian::TermGenerator::stem_strategy StemmingOf(const Xapian::Stem& stem) {
  return stem.is_none() ? Xapian::TermGenerator::STEM_NONE : Xapian::TermGenerator::STEM_ALL_Z;
}

// `text` with the parser's operators, or, where they do not pair up
// (an open quote, "AND" at the end), every word read literally.
Xapian::Query ParseLeniently(Xapian::QueryParser& qp, const std::string& text,
                             const std::string& prefix = "") {
  try {
    return qp.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT, prefix);
  } catch (const Xapian::QueryParserError&) {
    return qp.parse_query(text, 0, prefix);
  }
}

// What a document matching `query` can weigh at most, in idf (each of
// its words at the greatest impact counts its idf twice over, a text's
// words weigh less): the sum of its parts that can match; AND_NOT and
// FILTER, their first. Negative when nothing can match (a word or filter
// no document holds): such a parse must not size the reader's boost.
// Words weigh as CommonWords::Rewrite weighs them: among `language_docs`.
double GreatestMatchIdf(const Xapian::Database& db, ranking::TermFreqs& freqs,
                        const Xapian::Query& query, Xapian::doccount language_docs) {
  switch (query.get_type()) {
    case Xapian::Query::LEAF_TERM: {
      if (query.get_terms_begin() == query.get_terms_end()) return 0;
      const std::string& term = *query.get_terms_begin();
      Xapian::doccount n = freqs(term);
      if (n == 0) return -1;
      if (!ranking::IsWordTerm(term)) return 0;
      return language_docs ? ranking::LanguageIdf(n, language_docs)
                           : ranking::Idf(n, db.get_doccount());
    }
    case Xapian::Query::LEAF_MATCH_NOTHING:
      return -1;
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR: {
      double sum = 0;
      for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
        double part = GreatestMatchIdf(db, freqs, query.get_subquery(i), language_docs);
        if (part < 0) return -1;
        sum += part;
      }
      return sum;
    }
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE: {
      double sum = -1;
      for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
        double part = GreatestMatchIdf(db, freqs, query.get_subquery(i), language_docs);
        if (i == 0 && query.get_type() == Xapian::Query::OP_AND_MAYBE && part < 0) return -1;
        if (part >= 0) sum = std::max(sum, 0.0) + part;
      }
      return sum;
    }
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
      return query.get_num_subqueries()
                 ? GreatestMatchIdf(db, freqs, query.get_subquery(0), language_docs)
                 : 0;
    default: {
      // Anything else the parser may make one day (synonyms, wildcards):
      // every part that can match, weighed among all documents as
      // CommonWords::Rewrite leaves such parts, so as not to fall short.
      double sum = 0;
      for (std::size_t i = 0; i < query.get_num_subqueries(); ++i)
        sum += std::max(0.0, GreatestMatchIdf(db, freqs, query.get_subquery(i), 0));
      return sum;
    }
  }
}

}  // namespace

bool StemKeepsFirstCharacter(std::string_view language) {
  // Checked for each, over random words of its alphabet, by
  // SearchTest.ListedStemmersKeepAWordsFirstCharacter.
  static const std::set<std::string, std::less<>> kLanguages = {
      "da", "de", "en", "es", "fi", "fr", "hu", "it", "nb", "no", "pt", "ro", "ru", "sv", "tr"};
  return kLanguages.count(language) > 0;
}

std::string StemWord(std::string_view language, const std::string& word) {
  Xapian::Stem stem = StemmerFor(std::string(language));
  return stem.is_none() ? word : stem(word);
}

namespace {

std::string Term(std::string_view prefix, std::string_view value) {
  return std::string(prefix) + Lower(value);
}

// What a document contributes to search, taken from its content.
struct Fields {
  std::string kind, title, body, language, country, topic, translation_group;
  std::vector<std::string> categories, countries, topics;
  std::string word_hashes;  // of the body's words, when read back from the index
  std::string word_spans;   // where the body's words are, likewise
};

std::string JoinStrings(const json& list, std::string_view sep) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& v : list) {
    if (!v.is_string()) continue;
    if (!out.empty()) out += sep;
    out += v.get<std::string>();
  }
  return out;
}

std::optional<Fields> Extract(sync::Kind kind, std::string_view payload) {
  json c = json::parse(payload, nullptr, false);
  if (!c.is_object()) return std::nullopt;
  Fields f;
  f.kind = std::string(sync::KindName(kind));
  f.language = JsonString(c, "language");
  f.translation_group = JsonString(c, "translation_group");
  switch (kind) {
    case sync::Kind::kFaq:
      f.title = JsonString(c, "question");
      f.body = MarkdownText(JsonString(c, "answer"));
      if (auto tags = JoinStrings(c.value("tags", json()), ", "); !tags.empty())
        f.body += "\n" + tags;
      f.categories = JsonStrings(c, "categories");
      break;
    case sync::Kind::kGuide:
      f.country = JsonString(c, "country");
      f.topic = JsonString(c, "topic");
      f.title = JsonString(c, "section");
      if (f.title.empty()) f.title = f.topic;
      f.body = MarkdownText(JsonString(c, "body"));
      if (f.country.size()) f.countries = {f.country};
      if (f.topic.size()) f.topics = {f.topic};
      break;
    case sync::Kind::kBulletin:
      f.title = JsonString(c, "title");
      f.body = MarkdownText(JsonString(c, "summary")) + "\n" + MarkdownText(JsonString(c, "body"));
      f.countries = JsonStrings(c, "countries");
      f.topics = JsonStrings(c, "topics");
      if (!f.countries.empty()) f.country = f.countries.front();
      if (!f.topics.empty()) f.topic = f.topics.front();
      break;
    case sync::Kind::kCentre: {
      f.title = JsonString(c, "name");
      json loc = c.value("location", json::object());
      f.country = JsonString(loc, "country");
      if (f.country.size()) f.countries = {f.country};
      f.body = JsonString(loc, "address") + "\n" + JsonString(loc, "city") + "\n" +
               JoinStrings(c.value("services", json()), ", ") + "\n" +
               JoinStrings(c.value("languages", json()), ", ") + "\n" + JsonString(c, "hours");
      break;
    }
    default:
      return std::nullopt;
  }
  return f;
}

// The current text of a document, or nullopt when it is deleted, gone, or
// not a searchable kind.
Result<std::optional<Fields>> ReadFields(sync::Log* log, const Hash32& id) {
  auto doc = log->GetDoc(id);
  if (doc.status().IsNotFound()) return std::optional<Fields>();
  if (!doc.ok()) return doc.status();
  if (doc->deleted()) return std::optional<Fields>();
  MRC_ASSIGN_OR_RETURN(auto version, log->GetVersion(doc->winner.id));
  return Extract(doc->kind, version.payload);
}

// (Appended, not `prefix + hex`: GCC 12 at -O3 warns falsely about the
// latter, its bug 105329.)
std::string IdTerm(const Hash32& id) {
  std::string term(kIdPrefix);
  term += ToHex(id);
  return term;
}

// What a hit shows, kept as its index document's data: the id, then
// length-prefixed fields (reading JSON back cost a tenth of a new query).
// `text` is what snippets are cut from, kept so that a hit needs no read
// of the log and no Markdown rendering: the document's plain text, up to
// 3,000 bytes (cut at a character boundary).
struct StoredHit {
  Hash32 id{};
  std::string kind, title, language, country, topic, translation_group, text;
  std::string word_hashes;  // see WordHashes()
  std::string word_spans;   // see EncodeWordSpans()
  std::vector<std::string> categories;
};

void PutField(Bytes* out, std::string_view s) {
  PutU32(out, static_cast<std::uint32_t>(s.size()));
  out->append(s);
}

bool GetField(std::string_view* in, std::string* s) {
  std::uint32_t n = 0;
  std::string_view v;
  if (!GetU32(in, &n) || !GetBytes(in, n, &v)) return false;
  s->assign(v);
  return true;
}

Bytes EncodeStoredHit(const StoredHit& h) {
  Bytes out;
  out.reserve(64 + h.title.size() + h.text.size());
  PutHash(&out, h.id);
  for (const std::string* f : {&h.kind, &h.title, &h.language, &h.country, &h.topic,
                               &h.translation_group, &h.text, &h.word_hashes, &h.word_spans})
    PutField(&out, *f);
  PutU32(&out, static_cast<std::uint32_t>(h.categories.size()));
  for (const auto& c : h.categories) PutField(&out, c);
  return out;
}

bool DecodeStoredHit(std::string_view in, StoredHit* h) {
  if (!GetHash(&in, &h->id)) return false;
  for (std::string* f : {&h->kind, &h->title, &h->language, &h->country, &h->topic,
                         &h->translation_group, &h->text, &h->word_hashes, &h->word_spans}) {
    if (!GetField(&in, f)) return false;
  }
  std::uint32_t n = 0;
  if (!GetU32(&in, &n) || n > in.size()) return false;
  h->categories.resize(n);
  for (auto& c : h->categories) {
    if (!GetField(&in, &c)) return false;
  }
  return in.empty();
}

// A stored hit as its index document's data, whitened: XORed with a fixed
// pseudo-random stream. Xapian deflates any document data it can shrink,
// and inflating the 20 hits of a new query was a quarter of the query's
// time (zstd instead cost nearly as much: on a few kilobytes both spend
// most of their time building decoding tables). Whitened data does not
// shrink, so Xapian keeps it as it is, and unwhitening costs next to
// nothing. The index's document data is ~40% larger than deflated.
void Whiten(char* data, std::size_t size) {
  std::uint64_t state = 0x6d72636e6f646521;  // fixed: the same stream every time
  for (std::size_t i = 0; i < size; i += 8) {
    // splitmix64
    std::uint64_t z = (state += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    z ^= z >> 31;
    if (std::endian::native == std::endian::little && size - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, data + i, 8);
      word ^= z;
      std::memcpy(data + i, &word, 8);
      continue;
    }
    std::size_t n = std::min<std::size_t>(8, size - i);
    for (std::size_t k = 0; k < n; ++k) data[i + k] ^= static_cast<char>(z >> (8 * k));
  }
}

std::string PackStoredHit(const StoredHit& h) {
  Bytes data = EncodeStoredHit(h);
  Whiten(data.data(), data.size());
  return data;
}

bool UnpackStoredHit(std::string data, StoredHit* h) {
  Whiten(data.data(), data.size());
  return DecodeStoredHit(data, h);
}

// A line break or tab, which snippets show as a space.
bool IsBreak(char c) { return c == '\n' || c == '\t' || c == '\r'; }
// A space, a line break or a tab.
bool IsAsciiBlank(char c) { return c == ' ' || IsBreak(c); }

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

// Marks a thread as background work: SCHED_IDLE, so that it runs only on
// a core nothing else wants (a nice level still takes a share of a busy
// core: at nice 10, indexing slowed a catch-up it was not part of, at the
// sending node, by ~10%). The index answers meanwhile, marked incomplete.
// Where SCHED_IDLE is refused, the lowest nice level.
void LowerThreadPriority() {
  sched_param param{};
  if (sched_setscheduler(0, SCHED_IDLE, &param) != 0)
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
}

// ASCII characters that are part of a word for Xapian's term generator.
constexpr std::array<bool, 128> kAsciiWordChar = [] {
  std::array<bool, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  t['_'] = true;
  return t;
}();

}  // namespace

void FindWords(std::string_view text, std::vector<WordSpan>* words) {
  words->clear();
  // Whether the character at `pos` belongs to a word, and its length.
  auto at = [&](std::size_t pos, std::size_t& length) {
    auto c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      length = 1;
      return kAsciiWordChar[c];
    }
    Xapian::Utf8Iterator it(text.data() + pos, text.size() - pos);
    bool word = Xapian::Unicode::is_wordchar(*it);
    ++it;
    length = it == Xapian::Utf8Iterator() ? text.size() - pos
                                          : static_cast<std::size_t>(it.raw() - text.data()) - pos;
    return word;
  };
  std::size_t pos = 0, length = 0;
  while (pos < text.size()) {
    bool word = at(pos, length);
    std::size_t start = pos;
    pos += length;
    while (pos < text.size()) {
      auto c = static_cast<unsigned char>(text[pos]);
      if (c < 0x80) {  // most of the text in many languages: no decoding
        if (kAsciiWordChar[c] != word) break;
        ++pos;
      } else if (at(pos, length) == word) {
        pos += length;
      } else {
        break;
      }
    }
    if (word)
      words->push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(pos)});
  }
}

// The spans FindWords finds in a snippet's text, worked out when it is
// indexed: splitting 20 hits' texts into words was a tenth of a new
// query's time, reading them back is a byte a word. Each word is a byte,
// gap << 5 | length, where the gap from the previous word's end (or the
// text's start) is under 8 bytes and the word 1 to 31 bytes long (most
// words, in most scripts); otherwise 0 and both as varints. A change to
// FindWords must change the index's format (kFormat).
std::string EncodeWordSpans(const std::vector<WordSpan>& spans) {
  std::string out;
  out.reserve(spans.size());
  std::uint32_t end = 0;
  auto varint = [&](std::uint32_t v) {
    while (v >= 0x80) {
      out += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out += static_cast<char>(v);
  };
  for (const WordSpan& w : spans) {
    std::uint32_t gap = w.start - end, length = w.end - w.start;
    if (gap < 8 && length >= 1 && length < 32) {
      out += static_cast<char>(gap << 5 | length);
    } else {
      out += '\0';
      varint(gap);
      varint(length);
    }
    end = w.end;
  }
  return out;
}

bool DecodeWordSpans(std::string_view in, std::size_t words, std::size_t size,
                     std::vector<WordSpan>* spans) {
  spans->clear();
  spans->reserve(words);
  std::uint64_t end = 0;
  auto varint = [&](std::uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 35 && !in.empty(); shift += 7) {
      auto b = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      *v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return true;
    }
    return false;
  };
  while (!in.empty()) {
    auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    std::uint64_t gap = b >> 5, length = b & 31;
    if (b == 0 && (!varint(&gap) || !varint(&length))) return false;
    std::uint64_t start = end + gap;
    end = start + length;
    if (length == 0 || end > size) return false;
    spans->push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end)});
  }
  return spans->size() == words;
}

namespace {

// A word's 16-bit hash: FNV-1a, folded. It is stored in the index, so it
// is fixed here rather than left to a library's std::hash.
std::uint16_t Hash16(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<std::uint16_t>(h ^ (h >> 16));
}

// A word's folded lowercase form and its stem in a language. Folding and
// stemming (ICU, Unicode case tables, Snowball) cost more than the rest of
// a search's snippets together, while a network's texts share a vocabulary
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

  static WordForms& ForThisThread() {
    thread_local WordForms forms;
    return forms;
  }

  Language& Of(std::string_view language) {
    auto it = languages_.find(language);
    if (it == languages_.end()) it = languages_.emplace(std::string(language), Language()).first;
    return it->second;
  }

  // The reference holds until the next call.
  Forms& Get(Language& language, std::string_view token) {
    if (auto it = language.find(token); it != language.end()) return it->second;
    if (++words_ > kMaxWords) {
      for (auto& [name, forms] : languages_) forms.clear();
      words_ = 1;
    }
    Forms forms;
    forms.folded = Fold(token);
    return language.emplace(std::string(token), std::move(forms)).first->second;
  }

  std::uint64_t NextQuery() { return ++queries_; }

 private:
  static constexpr std::size_t kMaxWords = 1 << 15;

  static std::string Fold(std::string_view token) {
    bool ascii = std::all_of(token.begin(), token.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    return ascii ? Lower(token) : Xapian::Unicode::tolower(FoldForSearch(token));
  }

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
  QueryWordMatcher(std::set<std::string> words, std::set<std::string> stems)
      : words_(std::move(words)),
        stems_(std::move(stems)),
        forms_(WordForms::ForThisThread()),
        query_(forms_.NextQuery()) {
    for (const auto& s : stems_) stem_starts_.emplace(FirstCharacter(s));
    for (const auto& w : words_) word_hashes_.set(Hash16(w));
    for (const auto& s : stems_) stem_hashes_.set(Hash16(s));
  }

  // Whether a word whose hashes (WordHashes) are these may match: when
  // false, it does not.
  bool MayMatch(std::uint16_t word_hash, std::uint16_t stem_hash) const {
    return word_hashes_.test(word_hash) || stem_hashes_.test(stem_hash);
  }

  bool empty() const { return words_.empty() && stems_.empty(); }

  // The language of the text whose words come next.
  void SetLanguage(const std::string& language) {
    stem_ = StemmerFor(language);
    keeps_first_character_ = StemKeepsFirstCharacter(language);
    language_ = &forms_.Of(language);
  }

  bool Matches(std::string_view token) {
    WordForms::Forms& f = forms_.Get(*language_, token);
    if (f.query != query_) {
      f.query = query_;
      f.match = Decide(f);
    }
    return f.match;
  }

 private:
  bool Decide(WordForms::Forms& f) {
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

  static std::string_view FirstCharacter(std::string_view s) {
    std::size_t n = 1;
    while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
    return s.substr(0, std::min(n, s.size()));
  }

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
// comparing small numbers, where looking each word up (folding, stemming,
// or a table of words already seen) was most of a new query's cost; it
// checks those few exactly.
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

}  // namespace

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

struct SearchIndex::Impl {
  std::string dir;
  sync::Log* log = nullptr;

  // The writer: used by CatchUp (one at a time).
  std::mutex write_mu;
  std::unique_ptr<Xapian::WritableDatabase> writer;
  std::set<std::string> languages;  // in the index ("-": none); guarded by write_mu

  // Readers, each with the revision it was opened at: reopened when taken
  // after a commit (a reopen costs five system calls even when nothing
  // changed, as many as the rest of a query's outside its reads).
  struct Reader {
    std::unique_ptr<Xapian::Database> db;
    std::uint64_t revision = 0;
    // The languages db holds, from its own metadata, committed with its
    // documents: a list kept beside the index could be older or newer
    // than the revision a search reads.
    std::set<std::string> languages;
    std::unique_ptr<ranking::TermFreqs> freqs;  // of db, at its revision
  };
  std::mutex pool_mu;
  std::vector<Reader> pool;

  std::atomic<std::uint64_t> through{0};
  std::atomic<std::uint64_t> revision{0};  // moves on at every commit of the writer

  // Recent results, valid while the index is at the same revision: the same
  // questions come back all day at a centre.
  static constexpr std::size_t kCachedResults = 256;
  std::mutex cache_mu;
  std::uint64_t cache_revision = 0;                       // guarded by cache_mu
  std::list<std::pair<std::string, SearchResult>> cache;  // most recent first
  std::unordered_map<std::string, std::list<std::pair<std::string, SearchResult>>::iterator>
      cache_index;
  OfferedBefore offered;  // the queries asked at cache_revision
  std::optional<SearchResult> Cached(const std::string& key, std::uint64_t rev);
  // Words in a sixteenth of the documents or more, matched from memory.
  ranking::CommonWords common_words{2000};
  std::atomic<bool> use_word_hashes{true};
  void Remember(const std::string& key, std::uint64_t rev, const SearchResult& r);
  bool fresh = false;  // no marker yet: index every document first
  std::atomic<bool> rebuilding{false};
  // Set by Stop(): a catch-up or rebuild in progress ends at its next
  // commit (the next start goes on from the index's marker), so that a
  // node with a large backlog still stops promptly.
  std::atomic<bool> stopping{false};
  // When the log last committed, in steady-clock milliseconds: the follower
  // waits for a quiet moment, so that a catch-up of many entries is not
  // slowed by indexing them as they arrive (it costs a third of its speed
  // on two cores); they are indexed once the burst is over.
  std::atomic<std::int64_t> last_commit_ms{0};

  std::mutex run_mu;
  std::condition_variable wake;
  bool dirty = false, stop = false;  // guarded by run_mu
  std::thread thread;
  int listener = 0;

  Status OpenWriter();
  // `yield`: stop after a round when the log is still taking writes (the
  // follower goes back to waiting; see Follow).
  Status CatchUpLocked(bool yield = false);
  Status Rebuild();
  Status IndexDoc(const Hash32& id, bool known_absent = false);
  void Commit(std::uint64_t through_change);
  void Follow();

  Reader TakeReader();
  void GiveBack(Reader r);
  Result<SearchResult> SearchWith(Xapian::Database& db, ranking::TermFreqs& freqs,
                                  const SearchQuery& q, const std::set<std::string>& languages);
  std::vector<SearchHit::Piece> Snippet(const Fields& f, QueryWordMatcher& matcher);
};

Status SearchIndex::Impl::OpenWriter() {
  std::string network = ToHex(log->network_id());
  auto open = [&](int flags) {
    writer = std::make_unique<Xapian::WritableDatabase>(dir, flags | Xapian::DB_BACKEND_GLASS);
  };
  try {
    std::filesystem::create_directories(dir);
    open(Xapian::DB_CREATE_OR_OPEN);
    if (writer->get_metadata(kNetworkKey) != network ||
        writer->get_metadata(kFormatKey) != FormatKey()) {
      if (writer->get_doccount() > 0 || !writer->get_metadata(kNetworkKey).empty())
        log::Info("search", "index in " + dir + " is of another network or format; rebuilding");
      writer.reset();
      open(Xapian::DB_CREATE_OR_OVERWRITE);
    }
  } catch (const Xapian::DatabaseError& e) {
    // A damaged index is only a cache: start again from the log.
    log::Warn("search", "index in " + dir + " unreadable (" + e.get_msg() + "); rebuilding");
    writer.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    try {
      std::filesystem::create_directories(dir);
      open(Xapian::DB_CREATE_OR_OVERWRITE);
    } catch (const Xapian::Error& e2) {
      return Status::IOError("cannot create the search index in " + dir + ": " + e2.get_msg());
    }
  } catch (const Xapian::Error& e) {
    return Status::IOError("cannot open the search index in " + dir + ": " + e.get_msg());
  } catch (const std::filesystem::filesystem_error& e) {
    return Status::IOError("cannot create " + dir + ": " + e.what());
  }
  try {
    writer->set_metadata(kNetworkKey, network);
    writer->set_metadata(kFormatKey, FormatKey());
    std::string through_text = writer->get_metadata(kThroughKey);
    fresh = through_text.empty();
    through = fresh ? 0 : std::stoull(through_text);
    std::istringstream langs(writer->get_metadata(kLanguagesKey));
    for (std::string l; langs >> l;) languages.insert(l);
    writer->commit();
    ++revision;
  } catch (const std::exception& e) {
    return Status::IOError(std::string("search index metadata: ") + e.what());
  }
  return Status::Ok();
}

Status SearchIndex::Impl::IndexDoc(const Hash32& id, bool known_absent) {
  MRC_ASSIGN_OR_RETURN(auto fields, ReadFields(log, id));
  std::string id_term = IdTerm(id);
  if (!fields) {
    if (!known_absent) writer->delete_document(id_term);
    return Status::Ok();
  }
  const Fields& f = *fields;
  Xapian::Document doc;
  doc.add_boolean_term(id_term);
  doc.add_boolean_term(Term(kKindPrefix, f.kind));
  std::string lang = PrimaryLanguage(f.language);
  if (!lang.empty()) {
    doc.add_boolean_term(Term(kLanguagePrefix, lang));
  }
  for (const auto& c : f.categories) doc.add_boolean_term(Term(kCategoryPrefix, c));
  for (const auto& c : f.countries) doc.add_boolean_term(Term(kCountryPrefix, c));
  for (const auto& t : f.topics) doc.add_boolean_term(Term(kTopicPrefix, t));
  if (!f.translation_group.empty())
    doc.add_boolean_term(Term(kTranslationPrefix, f.translation_group));
  if (f.kind == "guide" && !f.country.empty())
    doc.add_boolean_term(Term(kGuideCountryPrefix, f.country));
  {
    const auto& topics = sync::GuideTopics();
    auto place = std::find(topics.begin(), topics.end(), f.topic) - topics.begin();
    char order[3] = {static_cast<char>('0' + place / 10), static_cast<char>('0' + place % 10), 0};
    doc.add_value(kTopicOrderSlot, f.kind == "guide" ? std::string(order) : std::string("99"));
    doc.add_value(kTitleSlot, Xapian::Unicode::tolower(FoldForSearch(f.title)).substr(0, 200));
  }

  // The languages the index holds ("-" for content without one): a query
  // is parsed once for each.
  if (languages.insert(lang.empty() ? std::string("-") : lang).second) {
    std::string all;
    for (const auto& l : languages) all += (all.empty() ? "" : " ") + l;
    writer->set_metadata(kLanguagesKey, all);
  }
  // Each word's stem in the text's language (the word itself where Xapian
  // has no stemmer for it), under the language's prefix; every word's (a
  // capital letter does not keep a word from its stem: "Visas" at the
  // start of a sentence is a form of "visa").
  // Without word positions: they would double the index and its build time,
  // and serve only phrase queries, which Xapian then reads as "all of
  // these words" (snippets are cut from the text itself).
  Xapian::Stem stem = StemmerFor(lang);
  Xapian::TermGenerator gen;
  gen.set_document(doc);
  gen.set_stemmer(stem);
  gen.set_stemming_strategy(StemmingOf(stem));
  std::string prefix = ParsePrefix(lang, stem);
  gen.index_text_without_positions(FoldForSearch(f.title), 3,
                                   prefix);  // a title word counts thrice
  gen.index_text_without_positions(FoldForSearch(f.body), 1, prefix);
  doc.add_boolean_term(StemPrefix(lang));  // counts the language's documents
  ranking::StoreImpacts(doc);

  StoredHit stored;
  stored.id = id;
  stored.kind = f.kind;
  stored.title = f.title;
  stored.language = f.language;
  stored.country = f.country;
  stored.topic = f.topic;
  stored.translation_group = f.translation_group;
  stored.categories = f.categories;
  stored.text = SnippetSource(f.body);
  std::vector<WordSpan> spans;
  FindWords(stored.text, &spans);
  stored.word_hashes = WordHashes(stored.text, spans, lang);
  stored.word_spans = EncodeWordSpans(spans);
  doc.set_data(PackStoredHit(stored));
  // Replacing by the unique term looks for an older copy; a document known
  // to be absent (a rebuild into an empty index) is simply added, several
  // times faster.
  if (known_absent)
    writer->add_document(doc);
  else
    writer->replace_document(id_term, doc);
  return Status::Ok();
}

void SearchIndex::Impl::Commit(std::uint64_t through_change) {
  writer->set_metadata(kThroughKey, std::to_string(through_change));
  writer->commit();
  ++revision;
  through = through_change;
}

// Every document again, from a scan of the log: for a new index, or one
// that missed changes the log no longer holds. The index stays searchable
// meanwhile; documents gone from the log are removed at the end.
Status SearchIndex::Impl::Rebuild() {
  rebuilding = true;
  struct Done {
    std::atomic<bool>* flag;
    ~Done() { *flag = false; }
  } done{&rebuilding};
  MRC_ASSIGN_OR_RETURN(std::uint64_t last, log->LastDocChange());
  auto started = std::chrono::steady_clock::now();
  bool empty = writer->get_doccount() == 0;
  std::set<std::string> seen;
  std::vector<Hash32> batch;
  Status failed;
  auto flush = [&]() -> Status {
    for (const auto& id : batch) {
      MRC_RETURN_IF_ERROR(IndexDoc(id, empty));
      if (!empty) seen.insert(IdTerm(id));
    }
    batch.clear();
    writer->commit();
    ++revision;
    return Status::Ok();
  };
  Status s = log->ScanDocs(nullptr, [&](const sync::DocState& d) {
    batch.push_back(d.id);
    if (batch.size() < kDocsPerRebuildCommit) return true;
    failed = flush();
    return failed.ok() && !stopping;
  });
  MRC_RETURN_IF_ERROR(s);
  MRC_RETURN_IF_ERROR(failed);
  // Cut short: the marker stays where it was, so the next start rebuilds.
  if (stopping) return Status::Ok();
  MRC_RETURN_IF_ERROR(flush());
  std::vector<std::string> stale;
  for (auto t = writer->allterms_begin(std::string(kIdPrefix));
       !empty && t != writer->allterms_end(std::string(kIdPrefix)); ++t) {
    if (!seen.count(*t)) stale.push_back(*t);
  }
  for (const auto& t : stale) writer->delete_document(t);
  Commit(last);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (writer->get_doccount() > 0) {
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", seconds);
    log::Info("search", "index rebuilt: " + std::to_string(writer->get_doccount()) +
                            " documents in " + took + " s");
  }
  return log->ForgetDocChanges(last);
}

namespace {

// Quiet time the follower waits for, and the longest it defers indexing.
constexpr std::int64_t kQuietMillis = 200;
constexpr std::int64_t kMaxDeferMillis = 10'000;

std::int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status SearchIndex::Impl::CatchUpLocked(bool yield) {
  try {
    if (!writer) MRC_RETURN_IF_ERROR(OpenWriter());
    for (int rounds = 0; rounds < 1'000'000 && !stopping; ++rounds) {
      if (yield && rounds > 0 && SteadyMillis() - last_commit_ms < kQuietMillis) {
        std::lock_guard lock(run_mu);
        dirty = true;  // more to do once the log is quiet
        return Status::Ok();
      }
      MRC_ASSIGN_OR_RETURN(auto changes,
                           log->DocChangesSince(through, kChangesPerCommit, kDocsPerCommit));
      if (changes.gap || fresh) {
        // A new index, or one that missed changes the log has dropped.
        MRC_RETURN_IF_ERROR(Rebuild());
        fresh = false;
        continue;
      }
      if (changes.through == through) return Status::Ok();
      for (const auto& id : changes.docs) MRC_RETURN_IF_ERROR(IndexDoc(id));
      Commit(changes.through);
      MRC_RETURN_IF_ERROR(log->ForgetDocChanges(changes.through));
    }
    return Status::Ok();
  } catch (const Xapian::Error& e) {
    return Status::IOError("search index: " + e.get_description());
  } catch (const std::exception& e) {
    return Status::IOError(std::string("search index: ") + e.what());
  }
}

void SearchIndex::Impl::Follow() {
  LowerThreadPriority();
  std::int64_t waiting_since = -1;  // the oldest change not yet indexed
  for (;;) {
    {
      std::unique_lock lock(run_mu);
      wake.wait(lock, [&] { return dirty || stop; });
      if (stop) return;
      dirty = false;
      if (waiting_since < 0) waiting_since = SteadyMillis();
      // A quiet moment (or too long a wait) first.
      while (!stop && SteadyMillis() - last_commit_ms < kQuietMillis &&
             SteadyMillis() - waiting_since < kMaxDeferMillis) {
        wake.wait_for(lock, std::chrono::milliseconds(kQuietMillis), [&] { return stop; });
      }
      if (stop) return;
      dirty = false;
    }
    Status s;
    {
      std::lock_guard lock(write_mu);
      s = CatchUpLocked(/*yield=*/true);
    }
    {
      // Caught up; or it yielded to a burst of writes: the next round may
      // again wait up to kMaxDeferMillis, so that a long catch-up is
      // indexed a round at a time rather than all along.
      std::lock_guard lock(run_mu);
      waiting_since = dirty ? SteadyMillis() : -1;
    }
    if (!s.ok()) {
      log::Warn("search", "indexing stopped: " + s.message() + "; retrying in 5 s");
      std::unique_lock lock(run_mu);
      wake.wait_for(lock, std::chrono::seconds(5), [&] { return stop; });
      if (stop) return;
      dirty = true;
    }
  }
}

SearchIndex::Impl::Reader SearchIndex::Impl::TakeReader() {
  Reader r;
  {
    std::lock_guard lock(pool_mu);
    if (!pool.empty()) {
      r = std::move(pool.back());
      pool.pop_back();
    }
  }
  // Read before opening: a commit meanwhile leaves the reader marked
  // older than it is, never newer.
  std::uint64_t now = revision;
  if (!r.db || r.revision != now) {
    if (!r.db) {
      r.db = std::make_unique<Xapian::Database>(dir, Xapian::DB_BACKEND_GLASS);
      r.freqs = std::make_unique<ranking::TermFreqs>(r.db.get());
    } else {
      r.db->reopen();
      r.freqs->Clear();
    }
    r.languages.clear();
    std::istringstream langs(r.db->get_metadata(kLanguagesKey));
    for (std::string l; langs >> l;) r.languages.insert(l);
  }
  r.revision = now;
  return r;
}

void SearchIndex::Impl::GiveBack(Reader r) {
  std::lock_guard lock(pool_mu);
  if (pool.size() < 16) pool.push_back(std::move(r));
}

std::vector<SearchHit::Piece> SearchIndex::Impl::Snippet(const Fields& f,
                                                         QueryWordMatcher& matcher) {
  std::string_view text = f.body;
  thread_local std::vector<WordSpan> words;
  thread_local std::vector<std::uint8_t> hit;  // per word
  // The words as stored with the text, or found again (an index without
  // them, or a damaged one; the same words either way).
  if (!use_word_hashes || f.word_hashes.size() % 4 != 0 ||
      !DecodeWordSpans(f.word_spans, f.word_hashes.size() / 4, text.size(), &words))
    FindWords(text, &words);
  hit.assign(words.size(), 0);
  auto word = [&](std::size_t w) {
    return text.substr(words[w].start, words[w].end - words[w].start);
  };
  if (!matcher.empty()) {
    matcher.SetLanguage(PrimaryLanguage(f.language));
    // The stored hashes rule out most words at once; without them (they
    // are one pair per word, or none), every word is looked up.
    bool hashed = use_word_hashes && f.word_hashes.size() == 4 * words.size();
    auto u16 = [&](std::size_t at) {
      return static_cast<std::uint16_t>(static_cast<unsigned char>(f.word_hashes[at]) << 8 |
                                        static_cast<unsigned char>(f.word_hashes[at + 1]));
    };
    for (std::size_t w = 0; w < words.size(); ++w) {
      if (hashed && !matcher.MayMatch(u16(4 * w), u16(4 * w + 2))) continue;
      hit[w] = matcher.Matches(word(w));
    }
  }
  std::vector<SearchHit::Piece> out;
  if (words.empty()) return out;
  // The window of kSnippetWords words holding the most hits (the first such).
  std::size_t best = 0, best_hits = 0, count = 0;
  for (std::size_t w = 0; w < words.size(); ++w) {
    count += hit[w];
    if (w >= kSnippetWords) count -= hit[w - kSnippetWords];
    if (count > best_hits) {
      best_hits = count;
      best = w >= kSnippetWords ? w - kSnippetWords + 1 : 0;
    }
  }
  std::size_t last = std::min(best + kSnippetWords, words.size()) - 1;
  // Cut before a word or after one only where words are left out: the
  // text's own opening and closing punctuation stay, when short (a row of
  // symbols or a rule is cut like words).
  std::string_view opening = TrimFront(text.substr(0, words[best].start));
  std::string_view closing = TrimBack(text.substr(words[last].end));
  bool cut_before = best > 0 || !ShortEnd(opening);
  bool cut_after = last + 1 < words.size() || !ShortEnd(closing);
  if (cut_before) out.push_back({"… ", false});
  auto plain = [&](std::string_view s) {
    if (s.empty()) return;
    if (out.empty() || out.back().hit) out.push_back({"", false});
    std::string& t = out.back().text;
    // Separators as written, but a run of spaces and line breaks (as
    // between paragraphs) becomes one space.
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
  };
  // The text between two marked words is copied whole.
  std::size_t from = words[best].start - (cut_before ? 0 : opening.size());
  for (std::size_t w = best; w <= last; ++w) {
    if (!hit[w]) continue;
    plain(text.substr(from, words[w].start - from));
    out.push_back({std::string(word(w)), true});
    from = words[w].end;
  }
  plain(text.substr(from, words[last].end - from));
  plain(cut_after ? " …" : closing);
  return out;
}

Result<SearchResult> SearchIndex::Impl::SearchWith(Xapian::Database& db, ranking::TermFreqs& freqs,
                                                   const SearchQuery& q,
                                                   const std::set<std::string>& index_languages) {
  std::string text = FoldForSearch(q.text);
  // One parse per language: the filter's, or the reader's and every
  // language the index holds (so that a query finds content in other
  // languages), each with the language's stemmer and prefix, so that it
  // matches that language's documents only, weighed among them. The parses
  // are joined whole (OP_OR): merging them word by word would let a
  // document match one word in one language's form and another in
  // another's.
  std::set<std::string> langs;
  if (!q.language.empty()) {
    langs.insert(PrimaryLanguage(q.language));
  } else {
    for (const auto& l : index_languages) langs.insert(l == "-" ? std::string() : l);
    if (!q.reader_language.empty()) langs.insert(PrimaryLanguage(q.reader_language));
  }
  std::vector<Xapian::Query> parsed;
  std::set<std::string> query_words, query_stems;  // for snippets
  // What a match can weigh at most, in idf (GreatestMatchIdf), in the
  // strongest of the parses that can match.
  double greatest_match_idf = 0;
  // Which of `parsed` is the reader's language's (SIZE_MAX: none).
  const std::string reader_language = PrimaryLanguage(q.reader_language);
  std::size_t reader_parse = SIZE_MAX;
  auto parse = [&](Xapian::Query::op default_op) {
    parsed.clear();
    reader_parse = SIZE_MAX;
    query_stems.clear();
    greatest_match_idf = 0;
    for (const auto& lang : langs) {
      // A language's words are weighed among its own documents: among all,
      // a minority language's words were rare for being in a minority, and
      // its common and rare words weighed about alike.
      Xapian::doccount language_docs = freqs(StemPrefix(lang));
      if (language_docs == 0) continue;  // nothing in this language
      Xapian::Stem stem = StemmerFor(lang);
      Xapian::QueryParser qp;
      qp.set_stemmer(stem);
      qp.set_stemming_strategy(stem.is_none() ? Xapian::QueryParser::STEM_NONE
                                              : Xapian::QueryParser::STEM_ALL_Z);
      qp.set_default_op(default_op);
      Xapian::Query one = ParseLeniently(qp, text, ParsePrefix(lang, stem));
      if (one.empty()) continue;
      // A parse that needs a word its language's documents lack matches
      // nothing: left out, it costs no posting lists.
      double greatest = GreatestMatchIdf(db, freqs, one, language_docs);
      if (greatest < 0) continue;
      greatest_match_idf = std::max(greatest_match_idf, greatest);
      const std::size_t word_at = 1 + StemPrefix(lang).size();
      for (auto t = one.get_terms_begin(); t != one.get_terms_end(); ++t) {
        if (ranking::IsWordTerm(*t)) query_stems.insert((*t).substr(word_at));
      }
      if (!reader_language.empty() && lang == reader_language) reader_parse = parsed.size();
      parsed.push_back(common_words.Rewrite(db, one, language_docs, &freqs));
    }
  };
  // The words as typed, for snippets (not the operators: "visa OR permit"
  // marks no "or").
  {
    Xapian::QueryParser qp;
    Xapian::Query plain = ParseLeniently(qp, text);
    for (auto t = plain.get_terms_begin(); t != plain.get_terms_end(); ++t) {
      if (ranking::IsWordTerm(*t)) query_words.insert(*t);
    }
  }
  parse(Xapian::Query::OP_AND);
  // A query with words matches by them, or nothing (when no language of
  // the index has documents: none is parsed); without, everything the
  // filters let through, in reading order.
  bool words = !query_words.empty() || !parsed.empty();

  std::vector<Xapian::Query> filters;
  auto filter = [&](std::string_view prefix, const std::string& value) {
    if (!value.empty()) filters.emplace_back(Term(prefix, value));
  };
  filter(kKindPrefix, q.kind);
  filter(kCategoryPrefix, q.category);
  filter(kCountryPrefix, q.country);
  filter(kTopicPrefix, q.topic);
  filter(kTranslationPrefix, q.translation_group);
  if (!q.language.empty()) filters.emplace_back(Term(kLanguagePrefix, PrimaryLanguage(q.language)));

  auto build = [&]() {
    // The reader's language first: a document in it gains the most any
    // match can weigh (each word at twice the impact of one occurrence,
    // above any text's), so that it ranks above every document in another
    // language, which follow, ranked among themselves. Weighed as a word
    // of its own by its idf, the boost added almost nothing for a language
    // held by most documents (the reader's, in most networks), and a
    // French stem, rare for being French, outranked the English FAQ for
    // an English reader's "visas". The reader's parse matches exactly the
    // documents in the reader's language (its words are under that
    // language's prefix), so the boost is a weight added to its matches:
    // no reading of which documents are in the language.
    std::vector<Xapian::Query> parts = parsed;
    if (words && q.language.empty() && reader_parse < parts.size() && greatest_match_idf > 0) {
      parts[reader_parse] = ranking::WithWeightAdded(
          parts[reader_parse], 2 * ranking::kImpactOfOneWord * greatest_match_idf);
    }
    Xapian::Query query = words ? Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end())
                                : Xapian::Query::MatchAll;
    if (!filters.empty()) {
      query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                            Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
    }
    return query;
  };
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(ranking::ImpactWeight());
  Xapian::MultiValueKeyMaker reading_order;
  reading_order.add_value(kTopicOrderSlot);
  reading_order.add_value(kTitleSlot);
  if (!words) enquire.set_sort_by_key(&reading_order, false);
  Xapian::Query query = build();
  enquire.set_query(query);
  Xapian::MSet mset = enquire.get_mset(q.offset, q.limit);
  if (mset.empty() && words && mset.get_matches_upper_bound() == 0) {
    // No document holds every word: rank those holding any (on every page:
    // the first one's "next" leads to the second of the same ranking).
    parse(Xapian::Query::OP_OR);
    query = build();
    enquire.set_query(query);
    mset = enquire.get_mset(q.offset, q.limit);
  }
  QueryWordMatcher matcher(std::move(query_words), std::move(query_stems));
  SearchResult result;
  result.estimated = mset.get_matches_estimated();
  // The hits' stored data read in document order: neighbours share the
  // index's blocks, which Xapian reads again for each document otherwise.
  std::vector<std::pair<Xapian::docid, std::size_t>> order;
  for (auto m = mset.begin(); m != mset.end(); ++m) order.emplace_back(*m, order.size());
  std::sort(order.begin(), order.end());
  std::vector<std::string> data(order.size());
  for (const auto& [docid, rank] : order)
    data[rank] = db.get_document(docid, Xapian::DOC_ASSUME_VALID).get_data();
  std::size_t rank = 0;
  for (auto m = mset.begin(); m != mset.end(); ++m) {
    SearchHit hit;
    StoredHit stored;
    if (!UnpackStoredHit(std::move(data[rank++]), &stored)) {
      static std::atomic<bool> told{false};
      if (!told.exchange(true))
        log::Warn("search", "a document of the index has unreadable data; skipped (said once)");
      continue;
    }
    hit.id = ToHex(stored.id);
    hit.kind = std::move(stored.kind);
    hit.title = std::move(stored.title);
    hit.language = std::move(stored.language);
    hit.country = std::move(stored.country);
    hit.topic = std::move(stored.topic);
    hit.categories = std::move(stored.categories);
    hit.translation_group = std::move(stored.translation_group);
    hit.percent = m.get_percent();
    Fields text;
    text.language = hit.language;
    text.body = std::move(stored.text);
    text.word_hashes = std::move(stored.word_hashes);
    text.word_spans = std::move(stored.word_spans);
    hit.snippet = Snippet(text, matcher);
    result.hits.push_back(std::move(hit));
  }
  return result;
}

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SearchIndex::~SearchIndex() { Stop(); }

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& dir, sync::Log* log) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->log = log;
  {
    std::lock_guard lock(impl->write_mu);
    MRC_RETURN_IF_ERROR(impl->OpenWriter());
  }
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
}

void SearchIndex::Start() {
  Impl& s = *impl_;
  if (s.thread.joinable()) return;
  {
    std::lock_guard lock(s.run_mu);
    s.stop = false;
    s.dirty = true;  // catch up with what changed while stopped
  }
  s.listener = s.log->AddChangeListener([&s] {
    s.last_commit_ms = SteadyMillis();
    std::lock_guard lock(s.run_mu);
    s.dirty = true;
    s.wake.notify_one();
  });
  s.thread = std::thread([&s] { s.Follow(); });
}

void SearchIndex::Stop() {
  Impl& s = *impl_;
  if (!s.thread.joinable()) return;
  s.log->RemoveChangeListener(s.listener);
  s.stopping = true;
  {
    std::lock_guard lock(s.run_mu);
    s.stop = true;
    s.wake.notify_one();
  }
  s.thread.join();
}

Status SearchIndex::CatchUp() {
  std::lock_guard lock(impl_->write_mu);
  return impl_->CatchUpLocked();
}

std::optional<SearchResult> SearchIndex::Impl::Cached(const std::string& key, std::uint64_t rev) {
  std::lock_guard lock(cache_mu);
  if (rev != cache_revision) return std::nullopt;
  auto it = cache_index.find(key);
  if (it == cache_index.end()) return std::nullopt;
  cache.splice(cache.begin(), cache, it->second);
  return it->second->second;
}

void SearchIndex::Impl::Remember(const std::string& key, std::uint64_t rev, const SearchResult& r) {
  std::lock_guard lock(cache_mu);
  // A search that began before a commit and ends after another's result
  // of the newer revision is not kept (and does not drop the newer ones).
  if (rev < cache_revision) return;
  if (rev != cache_revision) {
    cache.clear();
    cache_index.clear();
    offered.Clear();
    cache_revision = rev;
  }
  if (cache_index.count(key)) return;
  // Kept from its second asking: copying every result in cost a new query
  // 4%, and one-off queries would push out those that come back.
  if (!offered.Check(key)) return;
  cache.emplace_front(key, r);
  cache_index[key] = cache.begin();
  if (cache.size() > kCachedResults) {
    cache_index.erase(cache.back().first);
    cache.pop_back();
  }
}

Result<SearchResult> SearchIndex::Search(const SearchQuery& query) {
  if (query.limit < 1 || query.limit > 1000)
    return Status::InvalidArgument("limit must be 1 to 1000");
  if (query.offset > 10000) return Status::InvalidArgument("offset must be at most 10000");
  if (query.text.size() > 1000)
    return Status::InvalidArgument("the query is longer than 1000 bytes");
  // What the index holds, read before the revision the search reads: a
  // commit moves `revision` on before `through`, so a reader of `rev` or
  // later holds every change through `through_seen`. (Read after the
  // search, a commit meanwhile marked complete a result without it, and
  // pages kept it as current.)
  const std::uint64_t through_seen = impl_->through;
  const bool rebuilding_seen = impl_->rebuilding;
  auto complete = [&](SearchResult r) -> Result<SearchResult> {
    auto last = impl_->log->LastDocChange();
    r.complete = last.ok() && through_seen >= *last && !rebuilding_seen && !impl_->rebuilding;
    return r;
  };
  std::string key;
  for (const std::string* part :
       {&query.text, &query.kind, &query.category, &query.country, &query.topic, &query.language,
        &query.translation_group, &query.reader_language}) {
    key += *part;
    key += '\x1f';
  }
  key += std::to_string(query.offset) + "/" + std::to_string(query.limit);
  // Read before searching: a commit during the search makes the result
  // older than the revision, never newer, so it is at worst not reused.
  std::uint64_t rev = impl_->revision;
  if (auto hit = impl_->Cached(key, rev)) return complete(std::move(*hit));
  for (int attempt = 0;; ++attempt) {
    try {
      auto reader = impl_->TakeReader();
      auto result = impl_->SearchWith(*reader.db, *reader.freqs, query, reader.languages);
      impl_->GiveBack(std::move(reader));
      if (!result.ok()) return result;
      impl_->Remember(key, rev, *result);
      return complete(std::move(*result));
    } catch (const Xapian::DatabaseModifiedError&) {
      // The writer committed twice while we read: read the newest revision.
      if (attempt < 3) continue;
      return Status::Unavailable("the search index is changing too fast; try again");
    } catch (const Xapian::Error& e) {
      return Status::IOError("search: " + e.get_description());
    }
  }
}

Result<std::vector<std::pair<std::string, std::uint64_t>>> SearchIndex::Facet(
    std::string_view facet) {
  std::string_view prefix;
  if (facet == "category") prefix = kCategoryPrefix;
  if (facet == "country") prefix = kCountryPrefix;
  if (facet == "topic") prefix = kTopicPrefix;
  if (facet == "language") prefix = kLanguagePrefix;
  if (facet == "guide-country") prefix = kGuideCountryPrefix;
  if (prefix.empty()) return Status::InvalidArgument("no facet '" + std::string(facet) + "'");
  std::vector<std::pair<std::string, std::uint64_t>> out;
  try {
    auto reader = impl_->TakeReader();
    Xapian::Database& db = *reader.db;
    std::string p(prefix);
    for (auto t = db.allterms_begin(p); t != db.allterms_end(p); ++t) {
      std::string value = (*t).substr(p.size());
      // "XC" is also the start of "XCountry"-like longer prefixes of others;
      // values are lowercase, so an uppercase letter means another prefix.
      if (!value.empty() && std::isupper(static_cast<unsigned char>(value[0]))) continue;
      out.emplace_back(std::move(value), t.get_termfreq());
    }
    impl_->GiveBack(std::move(reader));
  } catch (const Xapian::Error& e) {
    return Status::IOError("search: " + e.get_description());
  }
  return out;
}

void SearchIndex::SetCommonWordDocuments(std::uint32_t documents) {
  impl_->common_words.SetMinDocuments(documents);
  std::lock_guard lock(impl_->cache_mu);
  impl_->cache.clear();
  impl_->cache_index.clear();
}

void SearchIndex::UseStoredWordHashes(bool use) {
  impl_->use_word_hashes = use;
  std::lock_guard lock(impl_->cache_mu);
  impl_->cache.clear();
  impl_->cache_index.clear();
}

Result<SearchProgress> SearchIndex::Progress() {
  SearchProgress p;
  p.indexed_through = impl_->through;
  MRC_ASSIGN_OR_RETURN(p.log_change, impl_->log->LastDocChange());
  p.rebuilding = impl_->rebuilding;
  try {
    auto reader = impl_->TakeReader();
    p.documents = reader.db->get_doccount();
    impl_->GiveBack(std::move(reader));
  } catch (const Xapian::Error& e) {
    return Status::IOError("search: " + e.get_description());
  }
  return p;
}

}  // namespace mrc::web
