// The search page, the first screen: results in the reader's language
// first, facets, and the pages' cache of rendered answers.
#include <sodium.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "config/foundation/bytes.h"
#include "config/foundation/time.h"
#include "sync/content/content.h"
#include "sync/content/doc_service.h"
#include "sync/log/log.h"
#include "sync/trust/trust_records.h"
#include "web/search/index.h"
#include "web/text/body_cache.h"
#include "web/text/diff.h"
#include "web/text/html.h"
#include "web/text/json_fields.h"
#include "web/text/markdown.h"
#include "web/ui/embedded.h"
#include "web/ui/page.h"
#include "web/ui/pages_impl.h"

namespace mrc::web::pages_impl {

// The markdown fields of each kind (shown rendered, edited in a textarea).
bool IsMarkdownField(std::string_view kind, std::string_view field) {
  return (kind == "faq" && field == "answer") || (kind == "guide" && field == "body") ||
         (kind == "bulletin" && (field == "body" || field == "summary"));
}

std::string SnippetHtml(const std::vector<SearchHit::Piece>& pieces) {
  std::string out;
  for (const auto& p : pieces) out += p.hit ? "<mark>" + Esc(p.text) + "</mark>" : Esc(p.text);
  return out;
}

// A document's title whatever its kind.
// The language of a piece of content, and its direction: Arabic text reads
// right to left on an English page too, and English text left to right on
// an Arabic one.
std::string LangAttrs(std::string_view lang) {
  if (lang.empty()) return "";
  return " lang=\"" + Esc(lang) + "\" dir=\"" + std::string(TextDirection(lang)) + "\"";
}

std::string DocTitle(const Page& p, const std::string& kind, const json& c) {
  if (kind == "faq") return JsonString(c, "question");
  if (kind == "bulletin") return JsonString(c, "title");
  if (kind == "centre") return JsonString(c, "name");
  if (kind == "guide") {
    std::string section = JsonString(c, "section");
    std::string what = section.empty() ? p.TopicName(JsonString(c, "topic")) : section;
    return CountryName(JsonString(c, "country"), p.lang()) + " — " + what;
  }
  return kind;
}

// ---------------------------------------------------------------------------
// Search (the first screen)

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

namespace {

// The query the page's parameters ask for, in the reader's language.
SearchQuery QueryOf(const Page& p) {
  const Params& q = p.req().query;
  SearchQuery sq;
  sq.text = Param(q, "q");
  sq.kind = Param(q, "kind");
  sq.category = Param(q, "category");
  sq.country = Param(q, "country");
  sq.topic = Param(q, "topic");
  sq.language = Param(q, "language");
  sq.reader_language = p.lang();
  std::uint32_t offset = 0;
  if (auto o = Param(q, "offset"); !o.empty())
    offset = static_cast<std::uint32_t>(std::strtoul(o.c_str(), nullptr, 10));
  sq.offset = std::min<std::uint32_t>(offset, 10000);
  sq.limit = 20;
  return sq;
}

// The search form with its filters, each facet's values with their counts.
std::string SearchForm(Page& p, const AppParts& parts, const SearchQuery& sq, bool searching) {
  std::string b = "<h1>" + p.H("search.title") + "</h1>";
  b += "<form method=\"get\" action=\"/\" role=\"search\" class=\"search\">";
  b += "<label for=\"q\">" + p.H("search.label") + "</label>";
  b += "<input type=\"search\" id=\"q\" name=\"q\" value=\"" + Esc(sq.text) +
       "\" autofocus autocomplete=\"off\" data-live-search>";
  b += "<button type=\"submit\">" + p.H("search.button") + "</button>";
  b += "<details" + std::string(searching && sq.text.empty() ? " open" : "") + "><summary>" +
       p.H("search.filters") + "</summary><div class=\"filters\">";
  std::vector<std::pair<std::string, std::string>> kinds = {{"", p.T("filter.any")}};
  for (const char* k : {"faq", "guide", "bulletin", "centre"})
    kinds.emplace_back(k, p.T(std::string("kind.") + k));
  b += "<label>" + p.H("filter.kind") + " <select name=\"kind\">" + Options(kinds, sq.kind) +
       "</select></label>";
  auto facet = [&](const char* name, auto label) {
    std::vector<std::pair<std::string, std::string>> values = {{"", p.T("filter.any")}};
    auto f = parts.search->Facet(name);
    if (f.ok()) {
      for (const auto& [v, n] : *f)
        values.emplace_back(v, label(v) + " (" + std::to_string(n) + ")");
    }
    return values;
  };
  b += "<label>" + p.H("filter.category") + " <select name=\"category\">" +
       Options(facet("category", [&p](const std::string& v) { return p.CategoryName(v); }),
               sq.category) +
       "</select></label>";
  b += "<label>" + p.H("filter.country") + " <select name=\"country\">" +
       Options(
           facet("country", [&](const std::string& v) { return CountryName(Upper(v), p.lang()); }),
           Lower(sq.country)) +
       "</select></label>";
  std::vector<std::pair<std::string, std::string>> topics = {{"", p.T("filter.any")}};
  for (auto t : sync::GuideTopics()) topics.emplace_back(std::string(t), p.TopicName(t));
  b += "<label>" + p.H("filter.topic") + " <select name=\"topic\">" + Options(topics, sq.topic) +
       "</select></label>";
  b += "<label>" + p.H("filter.language") + " <select name=\"language\">" +
       Options(facet("language", [&](const std::string& v) { return LanguageName(v, p.lang()); }),
               sq.language) +
       "</select></label>";
  b += "</div></details></form>";
  return b;
}

// One result: its title (a guide's as country and topic), kind, language
// when it is not the reader's, and snippet.
std::string HitHtml(Page& p, const SearchHit& h, const std::string& today) {
  std::string title = h.title;
  if (h.kind == "guide") {
    title = CountryName(Upper(h.country), p.lang()) + " — " +
            (h.topic == h.title ? p.TopicName(h.topic) : h.title);
  }
  std::string b = "<li><a href=\"/docs/" + Esc(h.id) + "\"" + LangAttrs(h.language) + ">" +
                  Esc(title) + "</a> ";
  b += "<span class=\"badge\">" + p.H("kind." + h.kind) + "</span>";
  b += OverdueMark(p, h, today);
  std::string primary = h.language.substr(0, h.language.find('-'));
  if (!h.language.empty() && primary != p.lang()) {
    b += " <span class=\"badge lang\" title=\"" + p.H("search.other_language") + "\">" +
         Esc(LanguageName(h.language, p.lang())) + "</span>";
  }
  b += "<p class=\"snippet\"" + LangAttrs(h.language) + ">" + SnippetHtml(h.snippet) + "</p></li>";
  return b;
}

// The results of `sq`, with links to the previous and next pages that keep
// the query. *complete: whether the index had caught up with the log.
std::string ResultsHtml(Page& p, const AppParts& parts, const SearchQuery& sq, bool* complete) {
  auto res = parts.search->Search(sq);
  if (!res.ok()) return "<p class=\"error\" role=\"alert\">" + Esc(res.status().message()) + "</p>";
  std::string b = "<section aria-labelledby=\"results-h\"><h2 id=\"results-h\">" +
                  p.H("search.results", {{"count", std::to_string(res->estimated)}}) + "</h2>";
  *complete = res->complete;
  if (!res->complete) b += "<p class=\"note\">" + p.H("search.indexing") + "</p>";
  if (res->hits.empty()) b += "<p>" + p.H("search.none") + "</p>";
  b += "<ol class=\"results\" start=\"" + std::to_string(sq.offset + 1) + "\">";
  for (const auto& h : res->hits) b += HitHtml(p, h, sq.today);
  b += "</ol>";
  const Params& q = p.req().query;
  std::string base =
      "/?q=" + PercentEncode(Param(q, "q")) + "&kind=" + PercentEncode(sq.kind) +
      "&category=" + PercentEncode(sq.category) + "&country=" + PercentEncode(Param(q, "country")) +
      "&topic=" + PercentEncode(sq.topic) + "&language=" + PercentEncode(sq.language);
  b += "<nav class=\"pages\" aria-label=\"" + p.H("search.pages") + "\">";
  if (sq.offset > 0)
    b += "<a href=\"" +
         Esc(base + "&offset=" + std::to_string(sq.offset >= 20 ? sq.offset - 20 : 0)) + "\">" +
         p.H("search.previous") + "</a> ";
  if (sq.offset + res->hits.size() < res->estimated)
    b += "<a href=\"" + Esc(base + "&offset=" + std::to_string(sq.offset + 20)) + "\">" +
         p.H("search.next") + "</a>";
  b += "</nav></section>";
  return b;
}

// Before any search: the ways in by kind.
std::string BrowseHtml(Page& p) {
  return "<section class=\"start\"><h2>" + p.H("search.browse") + "</h2><ul class=\"tiles\">" +
         "<li><a href=\"/faq\">" + p.H("nav.faq") + "</a></li><li><a href=\"/guides\">" +
         p.H("nav.guides") + "</a></li><li><a href=\"/bulletins\">" + p.H("nav.bulletins") +
         "</a></li><li><a href=\"/centres\">" + p.H("nav.centres") + "</a></li></ul></section>";
}

}  // namespace

HttpResponse SearchPage(Page& p, const AppParts& parts) {
  SearchQuery sq = QueryOf(p);
  sq.today = Today(parts);
  bool searching = !sq.text.empty() || !sq.kind.empty() || !sq.category.empty() ||
                   !sq.country.empty() || !sq.topic.empty() || !sq.language.empty();
  // The page's body (form, facets, results) is the same for every reader
  // of one language: kept until a document changes, once the index has
  // caught up.
  static BodyCache cache;
  // (and the day: what is overdue changes at midnight)
  std::string key =
      sq.today + "|" + p.lang() + "|" + std::string(TargetQuery(p.req().http->target));
  auto generation = parts.log->LastDocChange();
  if (generation.ok()) {
    if (auto body = cache.Get(key, *generation))
      return p.Render(200, p.T("search.title"), *body, "/");
  }
  bool complete = true;
  std::string b = SearchForm(p, parts, sq, searching);
  if (searching) {
    sq.country = Lower(sq.country);
    b += ResultsHtml(p, parts, sq, &complete);
  } else {
    b += BrowseHtml(p);
  }
  if (generation.ok() && complete) cache.Put(key, *generation, b);
  return p.Render(200, p.T("search.title"), b, "/");
}

}  // namespace mrc::web::pages_impl
