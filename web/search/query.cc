// How a search runs.
//
// The query's text is folded, then parsed once per language: the filter's,
// or the reader's and every language the index holds (so that a query
// finds content in other languages), each with the language's stemmer and
// term prefix, so that it matches that language's documents only, weighed
// among them. A parse that needs a word its language lacks is left out.
// The parses are joined whole (OP_OR): merging them word by word would let
// a document match one word in one language's form and another in
// another's. The reader's parse gains the most any match can weigh, so
// that documents in the reader's language rank first. Words must all
// match; when no document holds them all, any may. Without words, every
// document the filters let through comes, in reading order. Each hit is
// read from its stored data (document.h), with its snippet (snippet.h).
#include "web/search/query.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/log.h"
#include "web/search/document.h"
#include "web/search/folding.h"
#include "web/search/schema.h"
#include "web/search/snippet.h"
#include "web/search/word_match.h"

namespace mrc::web::search {
namespace {

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

// The languages a query is parsed in: the filter's, or the reader's and
// every language the index holds ("" for content without one).
std::set<std::string> QueryLanguages(const SearchQuery& q,
                                     const std::set<std::string>& index_languages) {
  std::set<std::string> langs;
  if (!q.language.empty()) {
    langs.insert(PrimaryLanguage(q.language));
  } else {
    for (const auto& l : index_languages) langs.insert(l == "-" ? std::string() : l);
    if (!q.reader_language.empty()) langs.insert(PrimaryLanguage(q.reader_language));
  }
  return langs;
}

// The words as typed, for snippets (not the operators: "visa OR permit"
// marks no "or").
std::set<std::string> TypedWords(const std::string& text) {
  std::set<std::string> words;
  Xapian::QueryParser qp;
  Xapian::Query plain = ParseLeniently(qp, text);
  for (auto t = plain.get_terms_begin(); t != plain.get_terms_end(); ++t) {
    if (ranking::IsWordTerm(*t)) words.insert(*t);
  }
  return words;
}

// A query's parses, one per language that can match.
struct Parses {
  std::vector<Xapian::Query> parsed;
  std::set<std::string> stems;  // of every parse, for snippets
  // What a match can weigh at most, in idf (GreatestMatchIdf), in the
  // strongest of the parses that can match.
  double greatest_match_idf = 0;
  // Which of `parsed` is the reader's language's (SIZE_MAX: none).
  std::size_t reader_parse = SIZE_MAX;
};

// What a query parses in: the index, its words' frequencies, its common
// words, and the query's languages.
struct ParseContext {
  const Xapian::Database& db;
  ranking::TermFreqs& freqs;
  ranking::CommonWords& common_words;
  const std::set<std::string>& langs;
  const std::string& reader_language;  // primary
};

Parses ParseInLanguages(const ParseContext& c, const std::string& text,
                        Xapian::Query::op default_op) {
  Parses out;
  for (const auto& lang : c.langs) {
    // A language's words are weighed among its own documents: among all,
    // a minority language's words would be rare for being in a minority,
    // and its common and rare words would weigh about alike.
    Xapian::doccount language_docs = c.freqs(StemPrefix(lang));
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
    double greatest = GreatestMatchIdf(c.db, c.freqs, one, language_docs);
    if (greatest < 0) continue;
    out.greatest_match_idf = std::max(out.greatest_match_idf, greatest);
    const std::size_t word_at = 1 + StemPrefix(lang).size();
    for (auto t = one.get_terms_begin(); t != one.get_terms_end(); ++t) {
      if (ranking::IsWordTerm(*t)) out.stems.insert((*t).substr(word_at));
    }
    if (!c.reader_language.empty() && lang == c.reader_language)
      out.reader_parse = out.parsed.size();
    out.parsed.push_back(c.common_words.Rewrite(c.db, one, language_docs, &c.freqs));
  }
  return out;
}

// The boolean terms a query's filters require.
std::vector<Xapian::Query> Filters(const SearchQuery& q) {
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
  if (!q.due_by.empty()) filters.emplace_back(Xapian::Query::OP_VALUE_LE, kReviewDueSlot, q.due_by);
  return filters;
}

// The greatest text that sorts before `date`: value ranges are inclusive,
// and "due before today" is "due on or before this".
std::string JustBefore(std::string date) {
  if (date.empty()) return date;
  date.back() = static_cast<char>(date.back() - 1);
  return date + '\xff';
}

// `query` with a small weight added to the documents not overdue for
// review on `today`: an overdue one ranks a little lower, below one that
// matches as well, never far (an eighth of the most a match weighs).
Xapian::Query FavourReviewed(const Xapian::Query& query, const std::string& today,
                             double greatest_match_idf) {
  if (today.empty() || greatest_match_idf <= 0) return query;
  Xapian::Query overdue(Xapian::Query::OP_VALUE_LE, kReviewDueSlot, JustBefore(today));
  Xapian::Query current(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, overdue);
  return Xapian::Query(
      Xapian::Query::OP_AND_MAYBE, query,
      ranking::WithWeightAdded(current, ranking::kImpactOfOneWord * greatest_match_idf / 8));
}

// The parses joined, the reader's boosted, and filtered; every document
// the filters let through when the query has no `words`.
Xapian::Query Combine(const Parses& p, bool words, const std::vector<Xapian::Query>& filters,
                      const SearchQuery& q) {
  // The reader's language first: a document in it gains the most any
  // match can weigh (each word at twice the impact of one occurrence,
  // above any text's), so that it ranks above every document in another
  // language, which follow, ranked among themselves. (Weighed as a word
  // of its own by its idf, a boost would add almost nothing for a
  // language held by most documents, the reader's in most networks.)
  // The reader's parse matches exactly the documents in the reader's
  // language (its words are under that language's prefix), so the boost
  // is a weight added to its matches: no reading of which documents are
  // in the language.
  std::vector<Xapian::Query> parts = p.parsed;
  if (words && q.language.empty() && p.reader_parse < parts.size() && p.greatest_match_idf > 0) {
    parts[p.reader_parse] = ranking::WithWeightAdded(
        parts[p.reader_parse], 2 * ranking::kImpactOfOneWord * p.greatest_match_idf);
  }
  Xapian::Query query = words ? Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end())
                              : Xapian::Query::MatchAll;
  if (words) query = FavourReviewed(query, q.today, p.greatest_match_idf);
  if (!filters.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                          Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
  }
  return query;
}

// The hits of `mset`, each with its snippet.
void ReadHits(const Xapian::Database& db, const Xapian::MSet& mset, QueryWordMatcher& matcher,
              bool use_word_hashes, SearchResult* result) {
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
    hit.snippet = Snippet(stored, matcher, use_word_hashes);
    hit.id = ToHex(stored.id);
    hit.kind = std::move(stored.kind);
    hit.title = std::move(stored.title);
    hit.language = std::move(stored.language);
    hit.country = std::move(stored.country);
    hit.topic = std::move(stored.topic);
    hit.categories = std::move(stored.categories);
    hit.translation_group = std::move(stored.translation_group);
    hit.review_due = std::move(stored.review_due);
    hit.verified_on = std::move(stored.verified_on);
    hit.verified_by = std::move(stored.verified_by);
    hit.owner = std::move(stored.owner);
    hit.percent = m.get_percent();
    result->hits.push_back(std::move(hit));
  }
}

}  // namespace

Result<SearchResult> RunQuery(Reader& reader, const SearchQuery& q,
                              ranking::CommonWords& common_words, bool use_word_hashes) {
  Xapian::Database& db = *reader.db;
  std::string text = FoldForSearch(q.text);
  const std::set<std::string> langs = QueryLanguages(q, reader.languages);
  const std::string reader_language = PrimaryLanguage(q.reader_language);
  const ParseContext context{db, *reader.freqs, common_words, langs, reader_language};
  std::set<std::string> query_words = TypedWords(text);
  Parses parses = ParseInLanguages(context, text, Xapian::Query::OP_AND);
  // A query with words matches by them, or nothing (when no language of
  // the index has documents: none is parsed); without, everything the
  // filters let through, in reading order.
  bool words = !query_words.empty() || !parses.parsed.empty();
  std::vector<Xapian::Query> filters = Filters(q);

  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(ranking::ImpactWeight());
  Xapian::MultiValueKeyMaker reading_order;
  reading_order.add_value(kTopicOrderSlot);
  reading_order.add_value(kTitleSlot);
  // The review page's list: the longest overdue first.
  if (!words && !q.due_by.empty()) {
    enquire.set_sort_by_value(kReviewDueSlot, false);
  } else if (!words) {
    enquire.set_sort_by_key(&reading_order, false);
  }
  enquire.set_query(Combine(parses, words, filters, q));
  Xapian::MSet mset = enquire.get_mset(q.offset, q.limit);
  if (mset.empty() && words && mset.get_matches_upper_bound() == 0) {
    // No document holds every word: rank those holding any (on every page:
    // the first one's "next" leads to the second of the same ranking).
    parses = ParseInLanguages(context, text, Xapian::Query::OP_OR);
    enquire.set_query(Combine(parses, words, filters, q));
    mset = enquire.get_mset(q.offset, q.limit);
  }
  QueryWordMatcher matcher(std::move(query_words), std::move(parses.stems));
  SearchResult result;
  result.estimated = mset.get_matches_estimated();
  ReadHits(db, mset, matcher, use_word_hashes, &result);
  return result;
}

}  // namespace mrc::web::search
