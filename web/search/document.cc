// A document as the search index holds it.
//
// Each searchable kind gives a title, a body of plain text (Markdown
// rendered to text; a FAQ's tags, a centre's address, services and hours
// appended) and its filters. The index document has a boolean term per
// filter value, two values for reading order, and its words: each folded
// and stemmed in the document's language under that language's prefix
// (schema.h), a title word counting thrice, each weighed by its impact
// (ranking.h). Its data is a StoredHit, everything a hit shows, in
// length-prefixed fields, whitened so that Xapian stores it as it is
// rather than deflated (see Whiten).
#include "web/search/document.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sync/content/content.h"
#include "sync/content/review.h"
#include "sync/log/log.h"
#include "sync/settings/settings_service.h"
#include "web/search/folding.h"
#include "web/search/index.h"
#include "web/search/ranking.h"
#include "web/search/schema.h"
#include "web/search/snippet.h"
#include "web/search/word_match.h"
#include "web/search/words.h"
#include "web/text/json_fields.h"
#include "web/text/markdown.h"

namespace mrc::web::search {
namespace {

using nlohmann::json;

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

std::optional<Fields> Extract(sync::Kind kind, const json& c) {
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
  for (const std::string* f :
       {&h.kind, &h.title, &h.language, &h.country, &h.topic, &h.translation_group, &h.text,
        &h.word_hashes, &h.word_spans, &h.review_due, &h.verified_on, &h.verified_by, &h.owner})
    PutField(&out, *f);
  PutU32(&out, static_cast<std::uint32_t>(h.categories.size()));
  for (const auto& c : h.categories) PutField(&out, c);
  return out;
}

bool DecodeStoredHit(std::string_view in, StoredHit* h) {
  if (!GetHash(&in, &h->id)) return false;
  for (std::string* f : {&h->kind, &h->title, &h->language, &h->country, &h->topic,
                         &h->translation_group, &h->text, &h->word_hashes, &h->word_spans,
                         &h->review_due, &h->verified_on, &h->verified_by, &h->owner}) {
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
// and a query would inflate each of its hits again (on a few kilobytes a
// decompressor spends most of its time building decoding tables).
// Whitened data does not shrink, so Xapian keeps it as it is, and
// unwhitening costs next to nothing; the price is disk space.
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

// The boolean terms of a document's filters, and the values of its
// reading order.
void AddFilters(Xapian::Document& doc, const Hash32& id, const Fields& f, const std::string& lang) {
  doc.add_boolean_term(IdTerm(id));
  doc.add_boolean_term(Term(kKindPrefix, f.kind));
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
  const auto& topics = sync::GuideTopics();
  auto place = std::find(topics.begin(), topics.end(), f.topic) - topics.begin();
  char order[3] = {static_cast<char>('0' + place / 10), static_cast<char>('0' + place % 10), 0};
  doc.add_value(kTopicOrderSlot, f.kind == "guide" ? std::string(order) : std::string("99"));
  doc.add_value(kTitleSlot, Xapian::Unicode::tolower(FoldForSearch(f.title)).substr(0, 200));
  if (!f.review_due.empty()) doc.add_value(kReviewDueSlot, f.review_due);
}

// Each word's stem in the text's language (the word itself where Xapian
// has no stemmer for it), under the language's prefix; every word's (a
// capital letter does not keep a word from its stem: "Visas" at the
// start of a sentence is a form of "visa").
// Without word positions: they would double the index and its build time,
// and serve only phrase queries, which Xapian then reads as "all of
// these words" (snippets are cut from the text itself).
void AddWords(Xapian::Document& doc, const Fields& f, const std::string& lang) {
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
}

}  // namespace

Result<std::optional<Fields>> ReadFields(sync::Log* log, const Hash32& id) {
  auto doc = log->GetDoc(id);
  if (doc.status().IsNotFound()) return std::optional<Fields>();
  if (!doc.ok()) return doc.status();
  if (doc->deleted()) return std::optional<Fields>();
  MRC_ASSIGN_OR_RETURN(auto version, log->GetVersion(doc->winner.id));
  json content = json::parse(version.payload, nullptr, false);
  std::optional<Fields> f = Extract(doc->kind, content);
  if (!f) return f;
  // The due date is indexed; whether it has passed is decided when a
  // query runs, by that day's date. When headquarters changes the
  // intervals, the dates indexed before keep the old ones until the
  // document changes or the index is rebuilt.
  sync::ReviewState review =
      sync::ReviewOf(doc->kind, content, sync::DateOfMillis(sync::HlcMillis(doc->winner.hlc)), "",
                     sync::ReviewIntervalsInForce(*log));
  f->review_due = review.due;
  f->verified_on = review.verified_on;
  f->verified_by = review.verified_by;
  f->owner = ToHex(doc->creator);
  return f;
}

Xapian::Document MakeDocument(const Hash32& id, const Fields& f, const std::string& lang) {
  Xapian::Document doc;
  AddFilters(doc, id, f, lang);
  AddWords(doc, f, lang);
  std::string text = SnippetSource(f.body);
  std::vector<WordSpan> spans;
  FindWords(text, &spans);
  std::string word_hashes = WordHashes(text, spans, lang);
  StoredHit stored{.id = id,
                   .kind = f.kind,
                   .title = f.title,
                   .language = f.language,
                   .country = f.country,
                   .topic = f.topic,
                   .translation_group = f.translation_group,
                   .text = std::move(text),
                   .word_hashes = std::move(word_hashes),
                   .word_spans = EncodeWordSpans(spans),
                   .review_due = f.review_due,
                   .verified_on = f.verified_on,
                   .verified_by = f.verified_by,
                   .owner = f.owner,
                   .categories = f.categories};
  doc.set_data(PackStoredHit(stored));
  return doc;
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

}  // namespace mrc::web::search
