// The HTML pages. Each is plain HTML built with Esc() around every value,
// in the reader's language (web/ui/i18n), with one stylesheet and one small
// script from /static; no page needs the script.
#include "web/ui/ui.h"

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
#include "sync/trust/trust_service.h"
#include "web/search/index.h"
#include "web/text/body_cache.h"
#include "web/text/diff.h"
#include "web/text/html.h"
#include "web/text/json_fields.h"
#include "web/text/markdown.h"
#include "web/ui/embedded.h"
#include "web/ui/page.h"

namespace mrc::web {
namespace {

using nlohmann::json;
using namespace page;  // NOLINT: the shared page helpers

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

HttpResponse SearchPage(Page& p, const AppParts& parts) {
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
  bool searching = !sq.text.empty() || !sq.kind.empty() || !sq.category.empty() ||
                   !sq.country.empty() || !sq.topic.empty() || !sq.language.empty();
  // The page's body (form, facets, results) is the same for every reader
  // of one language: kept until a document changes, once the index has
  // caught up.
  static BodyCache cache;
  std::string key = p.lang() + "|" + std::string(TargetQuery(p.req().http->target));
  auto generation = parts.log->LastDocChange();
  if (generation.ok()) {
    if (auto body = cache.Get(key, *generation))
      return p.Render(200, p.T("search.title"), *body, "/");
  }
  bool complete = true;

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
  std::string country_lower = sq.country;
  for (char& c : country_lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  b += "<label>" + p.H("filter.country") + " <select name=\"country\">" +
       Options(facet("country",
                     [&](const std::string& v) {
                       std::string upper = v;
                       for (char& c : upper)
                         c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                       return CountryName(upper, p.lang());
                     }),
               country_lower) +
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

  if (searching) {
    sq.country = country_lower;
    auto res = parts.search->Search(sq);
    if (!res.ok()) {
      b += "<p class=\"error\" role=\"alert\">" + Esc(res.status().message()) + "</p>";
    } else {
      b += "<section aria-labelledby=\"results-h\"><h2 id=\"results-h\">" +
           p.H("search.results", {{"count", std::to_string(res->estimated)}}) + "</h2>";
      complete = res->complete;
      if (!res->complete) b += "<p class=\"note\">" + p.H("search.indexing") + "</p>";
      if (res->hits.empty()) b += "<p>" + p.H("search.none") + "</p>";
      b += "<ol class=\"results\" start=\"" + std::to_string(sq.offset + 1) + "\">";
      for (const auto& h : res->hits) {
        std::string title = h.title;
        if (h.kind == "guide") {
          std::string upper = h.country;
          for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          title = CountryName(upper, p.lang()) + " — " +
                  (h.topic == h.title ? p.TopicName(h.topic) : h.title);
        }
        b += "<li><a href=\"/docs/" + Esc(h.id) + "\"" + LangAttrs(h.language) + ">" + Esc(title) +
             "</a> ";
        b += "<span class=\"badge\">" + p.H("kind." + h.kind) + "</span>";
        std::string primary = h.language.substr(0, h.language.find('-'));
        if (!h.language.empty() && primary != p.lang()) {
          b += " <span class=\"badge lang\" title=\"" + p.H("search.other_language") + "\">" +
               Esc(LanguageName(h.language, p.lang())) + "</span>";
        }
        b += "<p class=\"snippet\"" + LangAttrs(h.language) + ">" + SnippetHtml(h.snippet) +
             "</p></li>";
      }
      b += "</ol>";
      // Pages: previous and next, keeping the query.
      std::string base = "/?q=" + PercentEncode(Param(q, "q")) + "&kind=" + PercentEncode(sq.kind) +
                         "&category=" + PercentEncode(sq.category) +
                         "&country=" + PercentEncode(Param(q, "country")) +
                         "&topic=" + PercentEncode(sq.topic) +
                         "&language=" + PercentEncode(sq.language);
      b += "<nav class=\"pages\" aria-label=\"" + p.H("search.pages") + "\">";
      if (sq.offset > 0)
        b += "<a href=\"" +
             Esc(base + "&offset=" + std::to_string(sq.offset >= 20 ? sq.offset - 20 : 0)) + "\">" +
             p.H("search.previous") + "</a> ";
      if (sq.offset + res->hits.size() < res->estimated)
        b += "<a href=\"" + Esc(base + "&offset=" + std::to_string(sq.offset + 20)) + "\">" +
             p.H("search.next") + "</a>";
      b += "</nav></section>";
    }
  } else {
    b += "<section class=\"start\"><h2>" + p.H("search.browse") + "</h2><ul class=\"tiles\">";
    b += "<li><a href=\"/faq\">" + p.H("nav.faq") + "</a></li><li><a href=\"/guides\">" +
         p.H("nav.guides") + "</a></li><li><a href=\"/bulletins\">" + p.H("nav.bulletins") +
         "</a></li><li><a href=\"/centres\">" + p.H("nav.centres") + "</a></li></ul></section>";
  }
  if (generation.ok() && complete) cache.Put(key, *generation, b);
  return p.Render(200, p.T("search.title"), b, "/");
}

// A document's content as JSON to render: null when there is none (a
// deleted document) or, never expected of a validated payload, it is not
// JSON.
json ContentOf(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  json c = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  return c.is_discarded() ? json() : c;
}

// A listed document with its content ready to render.
struct Listed {
  sync::DocView doc;
  json content;
};

// ---------------------------------------------------------------------------
// Reading

std::string ContentHtml(Page& p, const std::string& kind, const json& c) {
  std::string b;
  if (kind == "faq") {
    b += "<div class=\"md\">" + RenderMarkdown(JsonString(c, "answer")) + "</div>";
    auto cats = JsonStrings(c, "categories");
    if (!cats.empty()) {
      b += "<p>" + p.H("doc.categories") + ": ";
      for (const auto& cat : cats)
        b += "<a class=\"badge\" href=\"/faq?category=" + Esc(PercentEncode(cat)) + "\">" +
             Esc(p.CategoryName(cat)) + "</a> ";
      b += "</p>";
    }
  } else if (kind == "guide") {
    if (c.value("authoritative", false))
      b += "<p class=\"authoritative\">" + p.H("doc.authoritative") + "</p>";
    b += "<div class=\"md\">" + RenderMarkdown(JsonString(c, "body")) + "</div><dl class=\"meta\">";
    auto sources = JsonStrings(c, "sources");
    if (!sources.empty()) {
      // One <dd> per <dt>: the list is a grid of label and value.
      b += "<dt>" + p.H("doc.sources") + "</dt><dd><ul class=\"plain\">";
      for (const auto& s : sources) b += "<li>" + Esc(s) + "</li>";
      b += "</ul></dd>";
    }
    std::string verified = JsonString(c, "verified_on");
    b += "<dt>" + p.H("doc.verified_on") + "</dt><dd>" +
         (verified.empty() ? p.H("doc.not_verified") : Esc(verified)) + "</dd>";
    b += "<dt>" + p.H("doc.authority") + "</dt><dd>" +
         p.H(c.value("authoritative", false) ? "doc.authority_hq" : "doc.authority_centre") +
         "</dd></dl>";
  } else if (kind == "bulletin") {
    b += "<p><span class=\"badge urgency-" + Esc(JsonString(c, "urgency")) + "\">" +
         p.H("urgency." + JsonString(c, "urgency")) + "</span> " +
         p.H("doc.effective", {{"date", JsonString(c, "effective_date")}}) + "</p>";
    if (!JsonString(c, "summary").empty())
      b += "<div class=\"md summary\">" + RenderMarkdown(JsonString(c, "summary")) + "</div>";
    b += "<div class=\"md\">" + RenderMarkdown(JsonString(c, "body")) + "</div>";
    auto countries = JsonStrings(c, "countries");
    if (!countries.empty()) {
      b += "<p>" + p.H("doc.countries") + ": ";
      for (const auto& cc : countries)
        b += "<a href=\"/guides/" + Esc(cc) + "\">" + Esc(CountryName(cc, p.lang())) + "</a> ";
      b += "</p>";
    }
    for (const char* field : {"supersedes", "guide_sections"}) {
      auto ids = JsonStrings(c, field);
      if (ids.empty()) continue;
      b += "<p>" + p.H(std::string("doc.") + field) + ": ";
      for (const auto& id : ids)
        b += "<a href=\"/docs/" + Esc(id) + "\">" + Esc(id.substr(0, 12)) + "</a> ";
      b += "</p>";
    }
  } else if (kind == "centre") {
    json loc = c.value("location", json::object());
    json contact = c.value("contact", json::object());
    b += "<dl class=\"meta\"><dt>" + p.H("centre.address") + "</dt><dd>" +
         Esc(JsonString(loc, "address")) + " " + Esc(JsonString(loc, "city")) + ", " +
         Esc(CountryName(JsonString(loc, "country"), p.lang())) + "</dd>";
    if (!JsonString(contact, "phone").empty())
      b += "<dt>" + p.H("centre.phone") + "</dt><dd>" + Esc(JsonString(contact, "phone")) + "</dd>";
    if (!JsonString(contact, "email").empty())
      b += "<dt>" + p.H("centre.email") + "</dt><dd>" + Esc(JsonString(contact, "email")) + "</dd>";
    if (!JsonString(contact, "website").empty())
      b += "<dt>" + p.H("centre.website") + "</dt><dd>" + Esc(JsonString(contact, "website")) +
           "</dd>";
    if (!JsonString(c, "hours").empty())
      b += "<dt>" + p.H("centre.hours") + "</dt><dd>" + Esc(JsonString(c, "hours")) + "</dd>";
    auto langs = JsonStrings(c, "languages");
    if (!langs.empty())
      b += "<dt>" + p.H("centre.languages") + "</dt><dd>" + Esc(Join(langs, ", ")) + "</dd>";
    auto services = JsonStrings(c, "services");
    if (!services.empty())
      b += "<dt>" + p.H("centre.services") + "</dt><dd>" + Esc(Join(services, ", ")) + "</dd>";
    b += "</dl>";
  }
  return b;
}

// Which centres received a bulletin's current version and which
// acknowledged it (by whom, when): headquarters follows a circular here.
std::string ReceiptsHtml(Page& p, const AppParts& parts, const std::string& id) {
  if (!parts.trust) return "";
  auto got = parts.trust->Receipts(id);
  if (!got.ok()) return "";
  json r = json::parse(*got);
  const json& centres = r["centres"];
  if (!centres.is_array() || centres.empty()) return "";
  std::size_t received = 0, acknowledged = 0;
  std::string rows;
  for (const auto& ce : centres) {
    auto state = [&](const char* what, std::size_t* count) {
      const json& st = ce[what];
      if (!st.is_object()) return p.H("receipts.no");
      bool current = st.value("current", false);
      *count += current;
      std::string when = ShortTime(JsonString(st, "at"));
      std::string by = JsonString(st, "by");
      return Esc(when + (by.empty() ? "" : " · " + by)) +
             (current ? "" : " (" + p.H("receipts.older_version") + ")");
    };
    std::string name = JsonString(ce, "name");
    rows += "<tr><th scope=\"row\">" +
            Esc(name.empty() ? JsonString(ce, "key").substr(0, 12) : name) + "</th><td>" +
            state("received", &received) + "</td><td>" + state("acknowledged", &acknowledged) +
            "</td></tr>";
  }
  std::string total = std::to_string(centres.size());
  return "<section aria-labelledby=\"receipts-h\"><h2 id=\"receipts-h\">" + p.H("receipts.title") +
         "</h2><p>" +
         p.H("receipts.summary", {{"received", std::to_string(received)},
                                  {"acknowledged", std::to_string(acknowledged)},
                                  {"total", total}}) +
         "</p><table><thead><tr><th scope=\"col\">" + p.H("receipts.centre") +
         "</th><th scope=\"col\">" + p.H("receipts.received") + "</th><th scope=\"col\">" +
         p.H("receipts.acknowledged") + "</th></tr></thead><tbody>" + rows +
         "</tbody></table></section>";
}

HttpResponse DocPage(Page& p, const AppParts& parts, const std::string& id) {
  auto r = parts.docs->Get(id);
  if (!r.ok()) return FromStatus(p, r.status());
  const sync::DocView& d = *r;
  const std::string& kind = d.kind;
  json c = ContentOf(d.content);
  std::string b;
  if (d.deleted || !c.is_object()) {
    b += "<h1>" + p.H("doc.deleted") + "</h1>";
  } else {
    std::string lang = JsonString(c, "language");
    b += "<article" + LangAttrs(lang) + "><h1>" + Esc(DocTitle(p, kind, c)) + "</h1>";
    if (d.conflict) {
      b += "<p class=\"warning\" role=\"alert\">" + p.H("doc.in_conflict") + " <a href=\"/docs/" +
           Esc(id) + "/edit\">" + p.H("doc.resolve") + "</a></p>";
    }
    b += ContentHtml(p, kind, c) + "</article>";
    if (kind == "bulletin") b += ReceiptsHtml(p, parts, id);
    std::string group = JsonString(c, "translation_group");
    if (!group.empty()) {
      SearchQuery tq;
      tq.kind = kind;
      tq.translation_group = group;
      tq.limit = 50;
      auto tr = parts.search->Search(tq);
      if (tr.ok() && tr->hits.size() > 1) {
        b += "<section><h2>" + p.H("doc.translations") + "</h2><ul class=\"inline-list\">";
        for (const auto& h : tr->hits) {
          if (h.id == id) continue;
          b += "<li><a href=\"/docs/" + Esc(h.id) + "\" hreflang=\"" + Esc(h.language) + "\">" +
               Esc(LanguageName(h.language, p.lang())) + "</a></li>";
        }
        b += "</ul></section>";
      }
    }
  }
  b += "<dl class=\"meta\"><dt>" + p.H("doc.kind") + "</dt><dd>" + p.H("kind." + kind) + "</dd>";
  b += "<dt>" + p.H("doc.updated") + "</dt><dd>" + Esc(ShortTime(d.updated_at)) + " · " +
       Esc(p.AuthorName(d.updated_by)) + "</dd>";
  b += "<dt>" + p.H("doc.created") + "</dt><dd>" + Esc(ShortTime(d.created_at)) + " · " +
       Esc(p.AuthorName(d.created_by)) + "</dd>";
  b += "<dt>" + p.H("doc.versions") + "</dt><dd>" + std::to_string(d.versions) + "</dd></dl>";
  b += "<p class=\"actions\"><a href=\"/docs/" + Esc(id) + "/history\">" + p.H("doc.history") +
       "</a>";
  // Open proposals are counted on the link, so that the owner sees them.
  std::size_t open_proposals = 0;
  if (auto props = parts.docs->Proposals(id); props.ok()) {
    for (const auto& prop : props->proposals) open_proposals += prop.status == "open";
  }
  b += " <a href=\"/docs/" + Esc(id) + "/proposals\">" +
       (open_proposals ? p.H("doc.proposals_open", {{"count", std::to_string(open_proposals)}})
                       : p.H("doc.proposals")) +
       "</a>";
  if (p.Can(Role::kEditor) && !d.deleted)
    b += " <a class=\"button\" href=\"/docs/" + Esc(id) + "/edit\">" + p.H("doc.edit") + "</a>";
  b += "</p>";
  std::string title = c.is_object() ? DocTitle(p, kind, c) : p.T("doc.deleted");
  return p.Render(200, title, b, "");
}

HttpResponse FaqPage(Page& p, const AppParts& parts) {
  std::string category = Param(p.req().query, "category");
  std::string b = "<h1>" + p.H("faq.title") + "</h1>";
  auto cats = parts.search->Facet("category");
  b += "<nav aria-label=\"" + p.H("faq.categories") + "\"><ul class=\"inline-list\">";
  if (cats.ok()) {
    for (const auto& [v, n] : *cats) {
      b += "<li><a href=\"/faq?category=" + Esc(PercentEncode(v)) + "\"" +
           (v == category ? " aria-current=\"page\"" : "") + ">" + Esc(p.CategoryName(v)) + " (" +
           std::to_string(n) + ")</a></li>";
    }
  }
  b += "</ul></nav>";
  SearchQuery q;
  q.kind = "faq";
  q.category = category;
  q.limit = 500;
  q.reader_language = p.lang();
  auto res = parts.search->Search(q);
  if (!res.ok()) return FromStatus(p, res.status());
  if (!category.empty()) b += "<h2>" + Esc(p.CategoryName(category)) + "</h2>";
  b += "<ul class=\"list\">";
  for (const auto& h : res->hits) {
    b += "<li><a href=\"/docs/" + Esc(h.id) + "\"" + LangAttrs(h.language) + ">" + Esc(h.title) +
         "</a>";
    if (h.language.substr(0, 2) != p.lang())
      b += " <span class=\"badge lang\">" + Esc(LanguageName(h.language, p.lang())) + "</span>";
    b += "</li>";
  }
  b += "</ul>";
  if (p.Can(Role::kEditor))
    b += "<p><a class=\"button\" href=\"/docs/new?kind=faq\">" + p.H("faq.new") + "</a></p>";
  return p.Render(200, p.T("faq.title"), b, "/faq");
}

HttpResponse GuidesPage(Page& p, const AppParts& parts) {
  std::string b = "<h1>" + p.H("guides.title") + "</h1><ul class=\"tiles\">";
  auto countries = parts.search->Facet("guide-country");
  if (!countries.ok()) return FromStatus(p, countries.status());
  std::vector<std::pair<std::string, std::string>> named;
  for (const auto& [code, n] : *countries) {
    std::string upper = code;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    named.emplace_back(CountryName(upper, p.lang()), upper);
  }
  std::sort(named.begin(), named.end());
  for (const auto& [name, code] : named)
    b += "<li><a href=\"/guides/" + Esc(code) + "\">" + Esc(name) + "</a></li>";
  b += "</ul>";
  if (named.empty()) b += "<p>" + p.H("guides.none") + "</p>";
  if (p.Can(Role::kEditor))
    b += "<p><a class=\"button\" href=\"/docs/new?kind=guide\">" + p.H("guides.new") + "</a></p>";
  return p.Render(200, p.T("guides.title"), b, "/guides");
}

BodyCache& GuideCache() {
  static BodyCache cache;
  return cache;
}

HttpResponse GuidePage(Page& p, const AppParts& parts, std::string country) {
  for (char& ch : country) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (!sync::IsCountryCode(country)) return ErrorHtml(p, 404, p.T("guides.no_such"));
  std::string name = CountryName(country, p.lang());
  std::string title = p.T("guides.guide_for", {{"country", name}});
  auto generation = parts.log->LastDocChange();
  std::string key = country + "|" + p.lang() + "|" + Param(p.req().query, "language");
  if (generation.ok()) {
    if (auto body = GuideCache().Get(key, *generation))
      return p.Render(200, title, *body, "/guides");
  }
  SearchQuery q;
  q.kind = "guide";
  q.country = country;
  q.limit = 1000;
  q.language = Param(p.req().query, "language");
  auto res = parts.search->Search(q);
  if (!res.ok()) return FromStatus(p, res.status());
  std::string b = "<h1>" + Esc(title) + "</h1>";
  // The fixed topics in order; each lists its sections (any language), and
  // free sections come last.
  std::map<std::string, std::vector<const SearchHit*>> by_topic;
  for (const auto& h : res->hits) by_topic[h.topic].push_back(&h);
  b += "<nav aria-label=\"" + p.H("guides.contents") + "\"><ol class=\"toc\">";
  for (auto t : sync::GuideTopics())
    b += "<li><a href=\"#" + Esc(t) + "\">" + Esc(p.TopicName(t)) + "</a></li>";
  b += "</ol></nav>";
  auto section_html = [&](const SearchHit& h) {
    auto doc = parts.docs->Get(h.id);
    if (!doc.ok()) return std::string();
    json c = ContentOf(doc->content);
    if (!c.is_object()) return std::string();
    std::string s = "<section class=\"guide-section\"" + LangAttrs(JsonString(c, "language")) + ">";
    if (!JsonString(c, "section").empty()) s += "<h3>" + Esc(JsonString(c, "section")) + "</h3>";
    if (JsonString(c, "language").substr(0, 2) != p.lang())
      s += "<p><span class=\"badge lang\">" +
           Esc(LanguageName(JsonString(c, "language"), p.lang())) + "</span></p>";
    s += ContentHtml(p, "guide", c);
    s += "<p class=\"actions\"><a href=\"/docs/" + Esc(h.id) + "\">" + p.H("guides.open_section") +
         "</a></p></section>";
    return s;
  };
  for (auto t : sync::GuideTopics()) {
    b += "<section id=\"" + Esc(t) + "\"><h2>" + Esc(p.TopicName(t)) + "</h2>";
    auto it = by_topic.find(std::string(t));
    if (it == by_topic.end()) {
      b += "<p class=\"note\">" + p.H("guides.not_written") + "</p>";
    } else {
      for (const SearchHit* h : it->second) b += section_html(*h);
    }
    b += "</section>";
  }
  auto free = by_topic.find("");
  if (free != by_topic.end()) {
    b += "<section><h2>" + p.H("guides.more") + "</h2>";
    for (const SearchHit* h : free->second) b += section_html(*h);
    b += "</section>";
  }
  // Only a complete index gives the whole guide: a partial one is not kept.
  if (generation.ok() && res->complete) GuideCache().Put(key, *generation, b);
  return p.Render(200, title, b, "/guides");
}

// Every document of a kind with its content (bulletins and centres are few).
std::vector<Listed> AllOfKind(const AppParts& parts, const std::string& kind) {
  std::vector<Listed> out;
  sync::ListQuery q;
  q.kind = kind;
  q.limit = 1000;
  for (int pages = 0; pages < 100; ++pages) {
    auto list = parts.docs->List(q);
    if (!list.ok()) break;
    for (const auto& d : list->docs) {
      auto full = parts.docs->Get(d.id);
      if (!full.ok()) continue;
      json content = ContentOf(full->content);
      out.push_back({std::move(full).value(), std::move(content)});
    }
    if (!list->next) break;
    q.after = *list->next;
  }
  return out;
}

HttpResponse BulletinsPage(Page& p, const AppParts& parts) {
  auto bulletins = AllOfKind(parts, "bulletin");
  std::sort(bulletins.begin(), bulletins.end(), [](const Listed& a, const Listed& b) {
    return JsonString(a.content, "effective_date") > JsonString(b.content, "effective_date");
  });
  std::string self = ToHex(parts.log->self());
  std::string b = "<h1>" + p.H("bulletins.title") + "</h1>";
  b += "<p><a href=\"/api/v1/bulletins/feed.atom\">" + p.H("bulletins.feed") +
       "</a></p><ul class=\"bulletins\">";
  for (const auto& [d, c] : bulletins) {
    if (!c.is_object()) continue;
    const std::string& id = d.id;
    // Unread: this centre has not acknowledged the current version.
    bool unread = false, centre = false;
    if (parts.trust) {
      auto rec = parts.trust->Receipts(id);
      if (rec.ok()) {
        json r = json::parse(*rec);
        for (const auto& ce : r["centres"]) {
          if (JsonString(ce, "key") != self) continue;
          centre = true;
          unread = !(ce["acknowledged"].is_object() && ce["acknowledged"].value("current", false));
        }
      }
    }
    b += "<li class=\"" + std::string(unread ? "unread" : "read") + "\"" +
         LangAttrs(JsonString(c, "language")) + ">";
    b += "<a href=\"/docs/" + Esc(id) + "\">" + Esc(JsonString(c, "title")) + "</a> ";
    b += "<span class=\"badge urgency-" + Esc(JsonString(c, "urgency")) + "\">" +
         p.H("urgency." + JsonString(c, "urgency")) + "</span> ";
    b += "<span class=\"date\">" +
         p.H("doc.effective", {{"date", JsonString(c, "effective_date")}}) + "</span>";
    if (unread) {
      b += " <strong class=\"badge unread-mark\">" + p.H("bulletins.unread") + "</strong>";
      b += "<form method=\"post\" action=\"/bulletins/" + Esc(id) + "/read\" class=\"inline\">" +
           p.CsrfField() + "<button type=\"submit\">" + p.H("bulletins.mark_read") +
           "</button></form>";
    } else if (centre) {
      b += " <span class=\"badge\">" + p.H("bulletins.read") + "</span>";
    }
    if (!JsonString(c, "summary").empty())
      b += "<div class=\"md summary\">" + RenderMarkdown(JsonString(c, "summary")) + "</div>";
    b += "</li>";
  }
  b += "</ul>";
  if (bulletins.empty()) b += "<p>" + p.H("bulletins.none") + "</p>";
  // Only headquarters publishes bulletins: elsewhere the button would lead
  // to a form whose saving is always refused.
  auto me = sync::trust::Member(*parts.log, parts.log->self());
  if (p.Can(Role::kEditor) && me.ok() && me->hq)
    b += "<p><a class=\"button\" href=\"/docs/new?kind=bulletin\">" + p.H("bulletins.new") +
         "</a></p>";
  return p.Render(200, p.T("bulletins.title"), b, "/bulletins");
}

HttpResponse MarkRead(Page& p, const AppParts& parts, const std::string& id) {
  if (!parts.trust) return ErrorHtml(p, 503, "receipts are not available");
  json req = {{"by", p.req().who->user}};
  auto r = parts.trust->Acknowledge(id, req.dump());
  if (!r.ok()) return FromStatus(p, r.status());
  return Redirect("/bulletins");
}

HttpResponse CentresPage(Page& p, const AppParts& parts) {
  auto centres = AllOfKind(parts, "centre");
  std::sort(centres.begin(), centres.end(), [](const Listed& a, const Listed& b) {
    return JsonString(a.content, "name") < JsonString(b.content, "name");
  });
  std::string b = "<h1>" + p.H("centres.title") + "</h1><table><thead><tr><th scope=\"col\">" +
                  p.H("centres.name") + "</th><th scope=\"col\">" + p.H("centres.place") +
                  "</th><th scope=\"col\">" + p.H("centres.contact") + "</th><th scope=\"col\">" +
                  p.H("centre.languages") + "</th></tr></thead><tbody>";
  for (const auto& [d, c] : centres) {
    if (!c.is_object()) continue;
    json loc = c.value("location", json::object());
    json contact = c.value("contact", json::object());
    b += "<tr><td><a href=\"/docs/" + Esc(d.id) + "\">" + Esc(JsonString(c, "name")) +
         "</a></td><td>" + Esc(JsonString(loc, "city")) + ", " +
         Esc(CountryName(JsonString(loc, "country"), p.lang())) + "</td><td>" +
         Esc(JsonString(contact, "phone")) + " " + Esc(JsonString(contact, "email")) + "</td><td>" +
         Esc(Join(JsonStrings(c, "languages"), ", ")) + "</td></tr>";
  }
  b += "</tbody></table>";
  if (p.Can(Role::kEditor))
    b += "<p><a class=\"button\" href=\"/docs/new?kind=centre\">" + p.H("centres.new") + "</a></p>";
  return p.Render(200, p.T("centres.title"), b, "/centres");
}

// ---------------------------------------------------------------------------
// Editing

// A form field: a content field (sync/content/content.h, the list validation uses),
// or one inside an object-shaped field ("location.city").
struct FormField {
  std::string name;
  enum Type { kText, kMarkdown, kList, kLines, kDate, kBool, kTopic, kUrgency, kNumber } type;
  bool required;
};

FormField::Type FormTypeOf(sync::FieldShape shape) {
  using S = sync::FieldShape;
  switch (shape) {
    case S::kMarkdown:
      return FormField::kMarkdown;
    case S::kTextList:  // free texts may hold commas: one per line
      return FormField::kLines;
    case S::kSlugList:
    case S::kCountryList:
    case S::kTopicList:
    case S::kIdList:
      return FormField::kList;
    case S::kDate:
      return FormField::kDate;
    case S::kBool:
      return FormField::kBool;
    case S::kTopic:
      return FormField::kTopic;
    case S::kUrgency:
      return FormField::kUrgency;
    case S::kLatitude:
    case S::kLongitude:
      return FormField::kNumber;
    default:
      return FormField::kText;
  }
}

// The form of a kind, from the content rules: object-shaped fields are
// spread into their inner fields. Empty for a kind that is not a document.
std::vector<FormField> FieldsOf(const std::string& kind_name) {
  std::vector<FormField> out;
  sync::Kind kind;
  if (!sync::ParseKind(kind_name, &kind)) return out;
  for (const auto& f : sync::ContentFields(kind)) {
    const auto& inner = sync::ObjectFields(f.shape);
    if (inner.empty()) {
      out.push_back({f.name, FormTypeOf(f.shape), f.required});
      continue;
    }
    for (const auto& i : inner) {
      out.push_back(
          {std::string(f.name) + "." + i.name, FormTypeOf(i.shape), f.required && i.required});
    }
  }
  return out;
}

// The form's text for a content field.
std::string FieldText(const json& c, const FormField& f) {
  std::string name = f.name;
  const json* v = &c;
  if (auto dot = name.find('.'); dot != std::string::npos) {
    auto outer = c.find(name.substr(0, dot));
    if (outer == c.end() || !outer->is_object()) return "";
    v = &*outer;
    name = name.substr(dot + 1);
  }
  auto it = v->find(name);
  if (it == v->end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "on" : "";
  if (it->is_array()) {
    std::vector<std::string> items;
    for (const auto& e : *it)
      if (e.is_string()) items.push_back(e.get<std::string>());
    return Join(items, f.type == FormField::kLines ? "\n" : ", ");
  }
  return it->dump();
}

// Content JSON from the form's fields; empty fields are left out.
json ContentFromForm(const std::string& kind, const Params& form) {
  json c = json::object();
  for (const auto& f : FieldsOf(kind)) {
    std::string v = Param(form, "f." + f.name);
    // Browsers send CRLF in textareas; content keeps LF.
    v.erase(std::remove(v.begin(), v.end(), '\r'), v.end());
    json value;
    switch (f.type) {
      case FormField::kBool:
        if (v.empty()) continue;
        value = true;
        break;
      case FormField::kList:
      case FormField::kLines: {
        auto items = SplitList(v, f.type == FormField::kLines ? '\n' : ',');
        if (items.empty()) continue;
        value = items;
        break;
      }
      case FormField::kNumber: {
        if (v.empty()) continue;
        // Not a number: kept as text, so that validation names the field.
        char* end = nullptr;
        double d = std::strtod(v.c_str(), &end);
        value = end && *end == '\0' ? json(d) : json(v);
        break;
      }
      default:
        if (v.empty()) continue;
        value = v;
    }
    std::string name = f.name;
    if (auto dot = name.find('.'); dot != std::string::npos) {
      c[name.substr(0, dot)][name.substr(dot + 1)] = value;
    } else {
      c[name] = value;
    }
  }
  return c;
}

std::string FormHtml(Page& p, const std::string& kind, const json& c, bool hq_only_note) {
  std::string b;
  for (const auto& f : FieldsOf(kind)) {
    std::string id = "f." + f.name;
    std::string label = p.H("field." + f.name) + (f.required ? " *" : "");
    std::string value = FieldText(c, f);
    b += "<div class=\"field\">";
    switch (f.type) {
      case FormField::kMarkdown:
        b += "<label for=\"" + id + "\">" + label + "</label><textarea id=\"" + id + "\" name=\"" +
             id + "\" rows=\"12\" data-preview>" + Esc(value) + "</textarea><p class=\"hint\">" +
             p.H("edit.markdown_hint") + "</p>";
        break;
      case FormField::kLines:
        b += "<label for=\"" + id + "\">" + label + "</label><textarea id=\"" + id + "\" name=\"" +
             id + "\" rows=\"3\">" + Esc(value) + "</textarea><p class=\"hint\">" +
             p.H("edit.one_per_line") + "</p>";
        break;
      case FormField::kBool:
        b += "<label><input type=\"checkbox\" name=\"" + id + "\"" +
             (value.empty() ? "" : " checked") + "> " + label + "</label>";
        if (hq_only_note) b += "<p class=\"hint\">" + p.H("edit.hq_only") + "</p>";
        break;
      case FormField::kTopic: {
        std::vector<std::pair<std::string, std::string>> topics = {{"", p.T("edit.free_section")}};
        for (auto t : sync::GuideTopics()) topics.emplace_back(std::string(t), p.TopicName(t));
        b += "<label for=\"" + id + "\">" + label + "</label><select id=\"" + id + "\" name=\"" +
             id + "\">" + Options(topics, value) + "</select>";
        break;
      }
      case FormField::kUrgency: {
        std::vector<std::pair<std::string, std::string>> levels;
        for (const char* u : {"low", "normal", "high", "urgent"})
          levels.emplace_back(u, p.T(std::string("urgency.") + u));
        b += "<label for=\"" + id + "\">" + label + "</label><select id=\"" + id + "\" name=\"" +
             id + "\">" + Options(levels, value.empty() ? "normal" : value) + "</select>";
        break;
      }
      default: {
        const char* type = f.type == FormField::kDate     ? "date"
                           : f.type == FormField::kNumber ? "text\" inputmode=\"decimal"
                                                          : "text";
        b += "<label for=\"" + id + "\">" + label + "</label><input type=\"" + type + "\" id=\"" +
             id + "\" name=\"" + id + "\" value=\"" + Esc(value) + "\">";
        if (f.type == FormField::kList)
          b += "<p class=\"hint\">" + p.H("edit.comma_separated") + "</p>";
      }
    }
    b += "</div>";
  }
  return b;
}

std::string PreviewHtml(Page& p, const std::string& kind, const json& c) {
  return "<section class=\"preview\" aria-labelledby=\"preview-h\"><h2 id=\"preview-h\">" +
         p.H("edit.preview") + "</h2><div" + LangAttrs(JsonString(c, "language")) + "><h3>" +
         Esc(DocTitle(p, kind, c)) + "</h3>" + ContentHtml(p, kind, c) + "</div></section>";
}

// One version of a document, for comparing by eye before a merge: its title,
// its rendered text, and every other field as "name: value".
std::string VersionHtml(Page& p, const std::string& kind, const json& c) {
  if (!c.is_object()) return "<p>" + p.H("doc.deleted") + "</p>";
  std::string b = "<div" + LangAttrs(JsonString(c, "language")) + "><h4>" +
                  Esc(DocTitle(p, kind, c)) + "</h4>" + ContentHtml(p, kind, c) + "</div>";
  b += "<ul class=\"fields\">";
  for (const auto& [k, v] : c.items()) {
    if (v.is_string() && IsMarkdownField(kind, k)) continue;  // rendered above
    std::string value = v.is_string() ? v.get<std::string>()
                                      : v.dump(-1, ' ', false, json::error_handler_t::replace);
    b += "<li>" + Esc(k + ": " + value) + "</li>";
  }
  return b + "</ul>";
}

HttpResponse EditPage(Page& p, const AppParts& parts, const std::string& id) {
  const PageRequest& r = p.req();
  bool is_new = id.empty();
  std::string kind;
  json current = json::object();
  json stored;  // the document's content as loaded
  std::vector<std::string> heads;
  if (is_new) {
    kind = Param(r.query, "kind").empty() ? Param(r.form, "kind") : Param(r.query, "kind");
    if (FieldsOf(kind).empty()) return ErrorHtml(p, 400, p.T("edit.bad_kind"));
    current["language"] = p.lang();
  } else {
    auto got = parts.docs->Get(id);
    if (!got.ok()) return FromStatus(p, got.status());
    kind = got->kind;
    stored = ContentOf(got->content);
    if (stored.is_object()) current = stored;
    heads = got->heads;
  }
  std::string error;
  bool changed_meanwhile = false;
  bool not_ours = false;  // the trust rules refused the save: propose instead
  bool posted = r.http->method == "POST";
  std::string action = Param(r.form, "action");
  json content = posted ? ContentFromForm(kind, r.form) : current;
  std::string base = posted ? Param(r.form, "base") : Join(heads, ",");
  if (posted && action == "save") {
    Result<sync::SavedDoc> saved =
        is_new ? parts.docs->Create({kind, content.dump()})
               : parts.docs->Update(id, {content.dump(), SplitList(base), {}, {}});
    if (saved.ok()) return Redirect("/docs/" + saved->id);
    if (saved.status().code() == Status::Code::kConflict && !is_new) {
      // Someone else's version arrived meanwhile: it is shown beside the
      // editor's text, and the form now builds on it, so that saving again
      // replaces it (with the editor's merge) instead of failing again.
      changed_meanwhile = true;
      base = Join(heads, ",");
      error = p.T("edit.conflict");
    } else if (saved.status().code() == Status::Code::kPermissionDenied && !is_new) {
      not_ours = true;
      error = saved.status().message() + " " + p.T("edit.propose_instead");
    } else {
      error = saved.status().message();
    }
  }
  if (posted && action == "propose" && !is_new) {
    auto proposed = parts.docs->Propose(id, content.dump());
    if (proposed.ok()) return Redirect("/docs/" + id + "/proposals");
    error = proposed.status().message();
  }
  std::string title = is_new ? p.T("edit.new_" + kind)
                             : p.T("edit.edit_title", {{"title", DocTitle(p, kind, current)}});
  std::string b = "<h1>" + Esc(title) + "</h1>";
  if (!error.empty()) b += "<p class=\"error\" role=\"alert\">" + Esc(error) + "</p>";
  // A document in conflict: every head side by side; saving merges them.
  if (!is_new && heads.size() > 1) {
    b += "<section class=\"conflict\"><h2>" + p.H("edit.conflict_title") + "</h2><p>" +
         p.H("edit.conflict_help") + "</p><div class=\"side-by-side\">";
    auto hist = parts.docs->History(id);
    if (hist.ok()) {
      for (const auto& v : hist->versions) {
        if (!v.head) continue;
        b += "<div class=\"version\"><h3>" +
             p.H("edit.version_by", {{"author", p.AuthorName(v.author)}, {"at", ShortTime(v.at)}}) +
             "</h3>";
        b += VersionHtml(p, kind, ContentOf(v.content)) + "</div>";
      }
    }
    b += "</div></section>";
  } else if (changed_meanwhile) {
    b += "<section class=\"conflict\" aria-labelledby=\"current-h\"><h2 id=\"current-h\">" +
         p.H("edit.current_title") + "</h2>" + VersionHtml(p, kind, stored) + "</section>";
  }
  b += "<form method=\"post\" class=\"edit\">" + p.CsrfField();
  if (is_new) b += "<input type=\"hidden\" name=\"kind\" value=\"" + Esc(kind) + "\">";
  b += "<input type=\"hidden\" name=\"base\" value=\"" + Esc(base) + "\">";
  b += FormHtml(p, kind, content, kind == "guide");
  b += "<div class=\"buttons\"><button type=\"submit\" name=\"action\" value=\"preview\">" +
       p.H("edit.preview_button") +
       "</button> <button type=\"submit\" name=\"action\" value=\"save\"" +
       (not_ours ? "" : " class=\"primary\"") + ">" +
       p.H(heads.size() > 1 ? "edit.merge_button" : "edit.save_button") + "</button>";
  // A document another centre owns (or headquarters' authoritative one) is
  // changed by proposing; its owner accepts or declines.
  if (!is_new) {
    b += " <button type=\"submit\" name=\"action\" value=\"propose\"" +
         std::string(not_ours ? " class=\"primary\"" : "") + ">" + p.H("edit.propose_button") +
         "</button>";
  }
  b += "</div></form>";
  if (posted && action == "preview") b += PreviewHtml(p, kind, content);
  int status = error.empty() ? 200 : changed_meanwhile ? 409 : not_ours ? 403 : 400;
  return p.Render(status, title, b, "");
}

// The lines a version's content is compared by: one per field, and one per
// line of a Markdown field.
std::vector<std::string> ContentLines(const std::string& kind, const json& c) {
  std::vector<std::string> lines;
  if (!c.is_object()) return lines;
  for (const auto& [k, v] : c.items()) {
    if (v.is_string() && IsMarkdownField(kind, k)) {
      lines.push_back(k + ":");
      for (const auto& l : SplitList(v.get<std::string>(), '\n')) lines.push_back("  " + l);
    } else if (v.is_string()) {
      lines.push_back(k + ": " + v.get<std::string>());
    } else {
      lines.push_back(k + ": " + v.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  return lines;
}

HttpResponse HistoryPage(Page& p, const AppParts& parts, const std::string& id) {
  auto got = parts.docs->Get(id);
  if (!got.ok()) return FromStatus(p, got.status());
  const std::string& kind = got->kind;
  json content = ContentOf(got->content);
  auto hist = parts.docs->History(id);
  if (!hist.ok()) return FromStatus(p, hist.status());
  const std::vector<sync::VersionView>& versions = hist->versions;
  std::string title = content.is_object() ? DocTitle(p, kind, content) : p.T("doc.deleted");
  std::string b = "<h1>" + p.H("history.title", {{"title", title}}) + "</h1>";
  std::string a = Param(p.req().query, "a"), bb = Param(p.req().query, "b");
  if (versions.size() >= 2 && (a.empty() || bb.empty())) {
    a = versions[versions.size() - 2].version;
    bb = versions[versions.size() - 1].version;
  }
  // The diff between the two chosen versions.
  const sync::VersionView *va = nullptr, *vb = nullptr;
  for (const auto& v : versions) {
    if (v.version == a) va = &v;
    if (v.version == bb) vb = &v;
  }
  if (va && vb) {
    auto lines_a = ContentLines(kind, ContentOf(va->content));
    auto lines_b = ContentLines(kind, ContentOf(vb->content));
    b += "<section aria-labelledby=\"diff-h\"><h2 id=\"diff-h\">" +
         p.H("history.diff", {{"a", ShortTime(va->at) + " · " + p.AuthorName(va->author)},
                              {"b", ShortTime(vb->at) + " · " + p.AuthorName(vb->author)}}) +
         "</h2><pre class=\"diff\">";
    for (const auto& d : DiffLines(lines_a, lines_b)) {
      const char* cls = d.op == DiffOp::kDelete ? "del" : d.op == DiffOp::kInsert ? "ins" : "same";
      const char* mark = d.op == DiffOp::kDelete ? "- " : d.op == DiffOp::kInsert ? "+ " : "  ";
      std::string tag = d.op == DiffOp::kDelete ? "del" : d.op == DiffOp::kInsert ? "ins" : "span";
      b += "<" + tag + " class=\"" + cls + "\">" + mark + Esc(d.text) + "\n</" + tag + ">";
    }
    b += "</pre></section>";
  }
  b += "<form method=\"get\"><table><caption>" + p.H("history.versions") +
       "</caption><thead><tr><th scope=\"col\">" + p.H("history.from") + "</th><th scope=\"col\">" +
       p.H("history.to") + "</th><th scope=\"col\">" + p.H("history.when") +
       "</th><th scope=\"col\">" + p.H("history.who") + "</th><th scope=\"col\">" +
       p.H("history.what") + "</th></tr></thead><tbody>";
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const sync::VersionView& v = *it;
    const std::string& ver = v.version;
    std::string label = ShortTime(v.at);
    b += "<tr><td><input type=\"radio\" name=\"a\" value=\"" + Esc(ver) + "\"" +
         (ver == a ? " checked" : "") + " aria-label=\"" + p.H("history.from") + " " + Esc(label) +
         "\"></td><td><input type=\"radio\" name=\"b\" value=\"" + Esc(ver) + "\"" +
         (ver == bb ? " checked" : "") + " aria-label=\"" + p.H("history.to") + " " + Esc(label) +
         "\"></td><td>" + Esc(label) + "</td><td>" + Esc(p.AuthorName(v.author)) + "</td><td>" +
         p.H("history.op_" + v.op) + (v.head ? " · " + p.H("history.head") : "") + "</td></tr>";
  }
  b += "</tbody></table><button type=\"submit\">" + p.H("history.compare") + "</button></form>";
  b += "<p><a href=\"/docs/" + Esc(id) + "\">" + p.H("history.back") + "</a></p>";
  return p.Render(200, p.T("history.title", {{"title", title}}), b, "");
}

HttpResponse ConflictsPage(Page& p, const AppParts& parts) {
  sync::ListQuery q;
  q.conflicts_only = true;
  q.limit = 1000;
  auto list = parts.docs->List(q);
  if (!list.ok()) return FromStatus(p, list.status());
  std::string b = "<h1>" + p.H("conflicts.title") + "</h1><p>" + p.H("conflicts.help") +
                  "</p><ul class=\"list\">";
  for (const auto& d : list->docs) {
    auto full = parts.docs->Get(d.id);
    std::string title = d.id.substr(0, 12);
    if (full.ok()) {
      json c = ContentOf(full->content);
      if (c.is_object()) title = DocTitle(p, full->kind, c);
    }
    b += "<li><a href=\"/docs/" + Esc(d.id) + "/edit\">" + Esc(title) +
         "</a> <span class=\"badge\">" + p.H("kind." + d.kind) + "</span></li>";
  }
  b += "</ul>";
  if (list->docs.empty()) b += "<p>" + p.H("conflicts.none") + "</p>";
  return p.Render(200, p.T("conflicts.title"), b, "/conflicts");
}

// One proposal's diff: an open one against the document as it is (what
// accepting would change), a decided one against the version it was
// proposed on (what it asked for), since the document has moved on since.
std::string ProposalDiff(const std::string& kind, const sync::ProposalView& prop,
                         const json& current, const std::map<std::string, json>& versions) {
  const json* base = &current;
  if (prop.status != "open" && !prop.base.empty()) {
    if (auto it = versions.find(prop.base[0]); it != versions.end()) base = &it->second;
  }
  auto before = ContentLines(kind, *base);
  auto after = ContentLines(kind, ContentOf(prop.content));
  std::string b = "<pre class=\"diff\">";
  for (const auto& d : DiffLines(before, after)) {
    std::string tag = d.op == DiffOp::kDelete ? "del" : d.op == DiffOp::kInsert ? "ins" : "span";
    const char* mark = d.op == DiffOp::kDelete ? "- " : d.op == DiffOp::kInsert ? "+ " : "  ";
    b += "<" + tag + ">" + mark + Esc(d.text) + "\n</" + tag + ">";
  }
  return b + "</pre>";
}

// The accept and decline forms of an open proposal.
std::string DecideForms(Page& p, const std::string& id, const std::string& pid) {
  return "<form method=\"post\" action=\"/docs/" + Esc(id) + "/proposals/" + Esc(pid) +
         "/accept\" class=\"inline\">" + p.CsrfField() +
         "<button type=\"submit\" class=\"primary\">" + p.H("proposals.accept") +
         "</button></form>" + "<form method=\"post\" action=\"/docs/" + Esc(id) + "/proposals/" +
         Esc(pid) + "/decline\">" + p.CsrfField() + "<label for=\"reason-" + Esc(pid) + "\">" +
         p.H("proposals.reason") + "</label><input id=\"reason-" + Esc(pid) +
         "\" name=\"reason\" required><button type=\"submit\">" + p.H("proposals.decline") +
         "</button></form>";
}

HttpResponse ProposalsPage(Page& p, const AppParts& parts, const std::string& id) {
  auto got = parts.docs->Get(id);
  if (!got.ok()) return FromStatus(p, got.status());
  const std::string& kind = got->kind;
  json current = ContentOf(got->content);
  auto listed = parts.docs->Proposals(id);
  if (!listed.ok()) return FromStatus(p, listed.status());
  const std::vector<sync::ProposalView>& proposals = listed->proposals;
  std::string title = current.is_object() ? DocTitle(p, kind, current) : p.T("doc.deleted");
  std::string b = "<h1>" + p.H("proposals.title", {{"title", title}}) + "</h1>";
  if (proposals.empty()) b += "<p>" + p.H("proposals.none") + "</p>";
  // A diff costs up to 4 million cells: open proposals get one first, then
  // decided ones, at most kMaxDiffs on a page (any member may propose, so a
  // document can gather many).
  constexpr int kMaxDiffs = 20;
  int open = 0;
  for (const auto& prop : proposals) open += prop.status == "open";
  int diffs_left = kMaxDiffs, decided_diffs = std::max(0, kMaxDiffs - open);
  // Decided proposals are compared with the versions they were made on.
  std::map<std::string, json> version_content;
  if (open < static_cast<int>(proposals.size())) {
    if (auto h = parts.docs->History(id); h.ok()) {
      for (const auto& v : h->versions) version_content[v.version] = ContentOf(v.content);
    }
  }
  for (const auto& prop : proposals) {
    b += "<section class=\"proposal\"><h2>" +
         p.H("proposals.by", {{"author", p.AuthorName(prop.author)}, {"at", ShortTime(prop.at)}}) +
         " <span class=\"badge\">" + p.H("proposals.status_" + prop.status) + "</span></h2>";
    bool has_content = ContentOf(prop.content).is_object();
    bool diff = has_content && diffs_left > 0 && (prop.status == "open" || decided_diffs > 0);
    if (has_content && !diff) b += "<p class=\"note\">" + p.H("proposals.no_diff") + "</p>";
    if (diff) {
      --diffs_left;
      if (prop.status != "open") --decided_diffs;
      b += ProposalDiff(kind, prop, current, version_content);
    }
    if (prop.reason && !prop.reason->empty())
      b += "<p>" + p.H("proposals.reason") + ": " + Esc(*prop.reason) + "</p>";
    if (prop.status == "open" && p.Can(Role::kEditor)) b += DecideForms(p, id, prop.proposal);
    b += "</section>";
  }
  b += "<p><a href=\"/docs/" + Esc(id) + "\">" + p.H("history.back") + "</a></p>";
  return p.Render(200, p.T("proposals.title", {{"title", title}}), b, "");
}

HttpResponse DecideProposal(Page& p, const AppParts& parts, const std::string& id,
                            const std::string& proposal, bool accept) {
  Status s = accept ? parts.docs->Accept(id, proposal, std::nullopt).status()
                    : parts.docs->Decline(id, proposal, Param(p.req().form, "reason")).status();
  if (!s.ok()) return FromStatus(p, s);
  return Redirect("/docs/" + id + "/proposals");
}

// ---------------------------------------------------------------------------
// Administration

HttpResponse SyncPage(Page& p, const AppParts& parts) {
  if (!parts.status) return ErrorHtml(p, 503, "status is not available");
  auto st = parts.status();
  if (!st.ok()) return FromStatus(p, st.status());
  json s = json::parse(*st);
  std::string b = "<h1>" + p.H("sync.title") + "</h1>";
  b += "<dl class=\"meta\"><dt>" + p.H("sync.documents") + "</dt><dd>" +
       std::to_string(s.value("documents", 0)) + "</dd><dt>" + p.H("sync.entries") + "</dt><dd>" +
       std::to_string(s.value("entries", 0)) + "</dd><dt>" + p.H("sync.pending") + "</dt><dd>" +
       std::to_string(s.value("pending", 0)) + "</dd><dt>" + p.H("sync.digest") +
       "</dt><dd><code>" + Esc(JsonString(s, "digest").substr(0, 16)) + "</code></dd>";
  // Documents edited at two centres before either saw the other's version.
  sync::ListQuery conflicts;
  conflicts.conflicts_only = true;
  conflicts.limit = 1000;
  if (auto list = parts.docs->List(conflicts); list.ok()) {
    b += "<dt>" + p.H("sync.conflicts") + "</dt><dd><a href=\"/conflicts\">" +
         std::to_string(list->docs.size()) + "</a></dd>";
  }
  b += "</dl>";
  if (s.contains("search") && s["search"].is_object()) {
    const json& idx = s["search"];
    bool complete = idx.value("complete", false);
    std::uint64_t last = idx.value("log_change", std::uint64_t{0});
    std::uint64_t through = std::min(last, idx.value("indexed_through", std::uint64_t{0}));
    b += "<p class=\"" + std::string(complete ? "note" : "warning") + "\">" +
         p.H(complete ? "sync.search_complete" : "sync.search_behind",
             {{"documents", std::to_string(idx.value("documents", 0))},
              {"behind", std::to_string(last - through)}}) +
         "</p>";
  }
  b += "<h2>" + p.H("sync.peers") + "</h2><table><thead><tr><th scope=\"col\">" +
       p.H("sync.address") + "</th><th scope=\"col\">" + p.H("sync.state") +
       "</th><th scope=\"col\">" + p.H("sync.last_contact") + "</th><th scope=\"col\">" +
       p.H("sync.behind") + "</th><th scope=\"col\">" + p.H("sync.error") +
       "</th></tr></thead><tbody>";
  for (const auto& peer : s.value("peers", json::array())) {
    bool connected = peer.value("connected", false);
    // The centre's name when its key is known; the address as it dialled.
    std::string key = JsonString(peer, "peer");
    std::string who = key.empty() ? std::string() : p.AuthorName(key) + " · ";
    b += "<tr><td>" + Esc(who) + Esc(JsonString(peer, "address")) + " (" +
         Esc(JsonString(peer, "direction")) + ")</td><td class=\"" + (connected ? "ok" : "off") +
         "\">" + p.H(connected ? "sync.connected" : "sync.disconnected") + "</td><td>" +
         Esc(ShortTime(JsonString(peer, "last_contact"))) + "</td><td>" +
         std::to_string(peer.value("we_lack", 0)) + " / " +
         std::to_string(peer.value("peer_lacks", 0)) + "</td><td>" +
         Esc(JsonString(peer, "last_error")) + "</td></tr>";
  }
  b += "</tbody></table><p class=\"hint\">" + p.H("sync.behind_help") + "</p>";
  json trust = s.value("trust", json::object());
  b += "<h2>" + p.H("sync.forks") + "</h2>";
  if (trust.value("forked_feeds", json::array()).empty())
    b += "<p>" + p.H("sync.no_forks") + "</p>";
  for (const auto& f : trust.value("forked_feeds", json::array()))
    b += "<p class=\"warning\">" + Esc(JsonString(f, "name")) + " (" +
         Esc(JsonString(f, "author").substr(0, 12)) + "): " + Esc(JsonString(f, "advice")) + "</p>";
  b += "<h2>" + p.H("sync.rejected", {{"count", std::to_string(trust.value("rejected", 0))}}) +
       "</h2><ul class=\"list\">";
  for (const auto& r : trust.value("rejections", json::array()))
    b += "<li><code>" + Esc(JsonString(r, "entry").substr(0, 12)) + "</code> " +
         Esc(JsonString(r, "reason")) + "</li>";
  b += "</ul>";
  return p.Render(200, p.T("sync.title"), b, "/sync");
}

HttpResponse UsersPage(Page& p, const AppParts& parts, std::string notice, int status = 200) {
  auto list = parts.users->List();
  if (!list.ok()) return FromStatus(p, list.status());
  std::vector<std::pair<std::string, std::string>> roles;
  for (Role r : {Role::kCounsellor, Role::kEditor, Role::kAdmin})
    roles.emplace_back(std::string(RoleName(r)), p.T("role." + std::string(RoleName(r))));
  std::string b = "<h1>" + p.H("users.title") + "</h1>";
  if (!notice.empty())
    b += "<p class=\"" + std::string(status == 200 ? "note" : "error") + "\" role=\"status\">" +
         Esc(notice) + "</p>";
  b += "<table><thead><tr><th scope=\"col\">" + p.H("users.name") + "</th><th scope=\"col\">" +
       p.H("users.role") + "</th><th scope=\"col\">" + p.H("users.actions") +
       "</th></tr></thead><tbody>";
  for (const auto& u : *list) {
    std::string action = "/admin/users/" + PercentEncode(u.name);
    b += "<tr><td>" + Esc(u.name) + "</td><td><form method=\"post\" action=\"" + Esc(action) +
         "\" class=\"inline\">" + p.CsrfField() +
         "<input type=\"hidden\" name=\"op\" value=\"role\"><select name=\"role\" aria-label=\"" +
         p.H("users.role") + " " + Esc(u.name) + "\">" +
         Options(roles, std::string(RoleName(u.role))) + "</select><button type=\"submit\">" +
         p.H("users.set_role") + "</button></form></td><td>";
    b += "<form method=\"post\" action=\"" + Esc(action) + "\" class=\"inline\">" + p.CsrfField() +
         "<input type=\"hidden\" name=\"op\" value=\"password\"><input type=\"password\" "
         "name=\"password\" autocomplete=\"new-password\" aria-label=\"" +
         p.H("users.new_password") + " " + Esc(u.name) +
         "\" minlength=\"8\" required><button type=\"submit\">" + p.H("users.set_password") +
         "</button></form> ";
    if (u.name != p.req().who->user) {
      b += "<form method=\"post\" action=\"" + Esc(action) + "\" class=\"inline\">" +
           p.CsrfField() +
           "<input type=\"hidden\" name=\"op\" value=\"remove\"><button type=\"submit\" "
           "class=\"danger\">" +
           p.H("users.remove") + "</button></form>";
    }
    b += "</td></tr>";
  }
  b += "</tbody></table>";
  b += "<h2>" + p.H("users.add") + "</h2><form method=\"post\" action=\"/admin/users\">" +
       p.CsrfField();
  // After a refused addition the form keeps what was typed (but the
  // password).
  const Params& typed = p.req().form;
  bool refused_add = status != 200 && Param(typed, "op").empty();
  std::string typed_role = refused_add ? Param(typed, "role") : "";
  b += "<div class=\"field\"><label for=\"nu-name\">" + p.H("users.name") +
       "</label><input id=\"nu-name\" name=\"name\" required pattern=\"[a-z0-9._-]{1,32}\" "
       "autocomplete=\"off\" value=\"" +
       Esc(refused_add ? Param(typed, "name") : "") + "\"></div>";
  b += "<div class=\"field\"><label for=\"nu-role\">" + p.H("users.role") +
       "</label><select id=\"nu-role\" name=\"role\">" +
       Options(roles, typed_role.empty() ? "counsellor" : typed_role) + "</select></div>";
  b += "<div class=\"field\"><label for=\"nu-pw\">" + p.H("users.password") +
       "</label><input id=\"nu-pw\" type=\"password\" name=\"password\" minlength=\"8\" required "
       "autocomplete=\"new-password\"></div>";
  b += "<button type=\"submit\" class=\"primary\">" + p.H("users.add_button") + "</button></form>";
  return p.Render(status, p.T("users.title"), b, "/admin/users");
}

HttpResponse UsersPost(Page& p, const AppParts& parts, const std::string& name_in) {
  const Params& f = p.req().form;
  Status s;
  std::string done;
  if (name_in.empty()) {
    auto role = ParseRole(Param(f, "role"));
    s = role ? parts.users->Add(Param(f, "name"), *role, Param(f, "password"))
             : Status::InvalidArgument("unknown role");
    done = p.T("users.added", {{"name", Param(f, "name")}});
  } else {
    auto name = PercentDecode(name_in);
    if (!name.ok()) return FromStatus(p, name.status());
    std::string op = Param(f, "op");
    if (op == "role") {
      auto role = ParseRole(Param(f, "role"));
      s = role ? parts.users->SetRole(*name, *role) : Status::InvalidArgument("unknown role");
    } else if (op == "password") {
      s = parts.users->SetPassword(*name, Param(f, "password"));
    } else if (op == "remove") {
      s = *name == p.req().who->user ? Status::InvalidArgument(p.T("users.not_yourself"))
                                     : parts.users->Remove(*name);
    } else {
      s = Status::InvalidArgument("unknown operation");
    }
    done = p.T("users.changed", {{"name", *name}});
  }
  if (!s.ok()) return UsersPage(p, parts, s.message(), HttpStatusOf(s));
  return UsersPage(p, parts, done);
}

HttpResponse SettingsPage(Page& p, const AppParts& parts) {
  const PageRequest& r = p.req();
  std::string notice;
  int status = 200;
  if (r.http->method == "POST") {
    Status s;
    if (r.who->local) {
      s = Status::InvalidArgument("the local token has no account");
    } else if (Param(r.form, "op") == "language") {
      s = parts.users->SetLanguage(r.who->user, Param(r.form, "language"));
      if (s.ok()) return Redirect("/settings");
    } else if (Param(r.form, "op") == "password") {
      auto check =
          parts.users->Login(r.who->user, Param(r.form, "current"), r.http->ClientAddress());
      s = check.status();
      if (check.ok()) {
        (void)parts.users->Logout(check->token);
        s = parts.users->SetPassword(r.who->user, Param(r.form, "password"));
        if (s.ok()) return Redirect("/login");
      }
    }
    if (!s.ok()) {
      notice = s.message();
      status = HttpStatusOf(s);
    }
  }
  std::vector<std::pair<std::string, std::string>> langs = {{"", p.T("settings.browser_language")}};
  for (const auto& l : Catalogues::Get().languages())
    langs.emplace_back(l, Catalogues::Get().Name(l));
  std::string b = "<h1>" + p.H("settings.title") + "</h1>";
  if (!notice.empty()) b += "<p class=\"error\" role=\"alert\">" + Esc(notice) + "</p>";
  b += "<h2>" + p.H("settings.language") + "</h2><form method=\"post\">" + p.CsrfField() +
       "<input type=\"hidden\" name=\"op\" value=\"language\"><label for=\"lang\">" +
       p.H("settings.language") + "</label><select id=\"lang\" name=\"language\">" +
       Options(langs, r.who->language) + "</select><button type=\"submit\">" +
       p.H("settings.save") + "</button></form>";
  b += "<h2>" + p.H("settings.password") + "</h2><form method=\"post\">" + p.CsrfField() +
       "<input type=\"hidden\" name=\"op\" value=\"password\"><div class=\"field\"><label "
       "for=\"cur\">" +
       p.H("settings.current_password") +
       "</label><input id=\"cur\" type=\"password\" name=\"current\" required "
       "autocomplete=\"current-password\"></div><div class=\"field\"><label for=\"new\">" +
       p.H("settings.new_password") +
       "</label><input id=\"new\" type=\"password\" name=\"password\" minlength=\"8\" required "
       "autocomplete=\"new-password\"></div><button type=\"submit\">" +
       p.H("settings.change_password") + "</button></form>";
  return p.Render(status, p.T("settings.title"), b, "/settings");
}

}  // namespace

// Escaped text for XML 1.0, which has no place for C0 control characters
// other than tab and line breaks, nor for U+FFFE and U+FFFF (content may hold them: it is UTF-8
// text, and a feed reader refuses the whole feed over one).
std::string XmlText(std::string_view s) {
  std::string clean;
  clean.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    // U+FFFE and U+FFFF (EF BF BE, EF BF BF): valid UTF-8, not XML.
    if (c == 0xEF && s.substr(i + 1, 1) == "\xBF" && i + 2 < s.size() &&
        (static_cast<unsigned char>(s[i + 2]) | 1) == 0xBF) {
      i += 2;
      continue;
    }
    clean += s[i];
  }
  return Esc(clean);
}

namespace {

HttpResponse AtomFeed(const AppParts& parts, const std::string& base) {
  auto bulletins = AllOfKind(parts, "bulletin");
  std::sort(bulletins.begin(), bulletins.end(), [](const Listed& a, const Listed& b) {
    return JsonString(a.content, "effective_date") > JsonString(b.content, "effective_date");
  });
  std::string updated = "1970-01-01T00:00:00Z";
  for (const auto& listed : bulletins) updated = std::max(updated, listed.doc.updated_at);
  std::string x =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">";
  x += "<title>" + XmlText(parts.node_name.empty() ? "mrcnode" : parts.node_name) +
       " — bulletins</title>";
  x += "<id>urn:mrcnode:" + ToHex(parts.log->network_id()) + ":bulletins</id>";
  x += "<updated>" + XmlText(updated) + "</updated>";
  x += "<link rel=\"self\" href=\"" + XmlText(base) + "/api/v1/bulletins/feed.atom\"/>";
  // RFC 4287: a feed whose entries name no author names one for them.
  x += "<author><name>" + XmlText(parts.node_name.empty() ? "mrcnode" : parts.node_name) +
       "</name></author>";
  for (const auto& [d, c] : bulletins) {
    if (!c.is_object()) continue;
    const std::string& id = d.id;
    x += "<entry><id>urn:mrcnode:doc:" + XmlText(id) + "</id><title>" +
         XmlText(JsonString(c, "title")) + "</title>";
    x += "<updated>" + XmlText(d.updated_at) + "</updated><published>" + XmlText(d.created_at) +
         "</published>";
    x += "<link href=\"" + XmlText(base) + "/docs/" + XmlText(id) + "\"/>";
    x += "<category term=\"" + XmlText(JsonString(c, "urgency")) + "\"/>";
    if (!JsonString(c, "summary").empty())
      x += "<summary>" + XmlText(MarkdownText(JsonString(c, "summary"))) + "</summary>";
    // The body as escaped HTML (type="html"): readers render it as text
    // they control, never as script.
    x += "<content type=\"html\">" + XmlText(RenderMarkdown(JsonString(c, "body"))) +
         "</content></entry>";
  }
  x += "</feed>\n";
  HttpResponse r;
  r.content_type = "application/atom+xml; charset=utf-8";
  r.body = std::move(x);
  AddStandardHeaders(&r);
  return r;
}

}  // namespace

HttpResponse HtmlResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  // Not "no-referrer" (the API's): under it browsers send "Origin: null"
  // with a form, and the CSRF check needs the real origin. Nothing leaves
  // this node: same-origin sends no referrer to other sites.
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  AddStandardHeaders(&r);
  return r;
}

HttpResponse Redirect(std::string location) {
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", std::move(location));
  AddStandardHeaders(&r);
  return r;
}

HttpResponse Ui::ErrorPage(const PageRequest& r, int status, std::string_view message) {
  Page p(r, parts_);
  std::string id = "error." + std::string(message);
  std::string text = p.T(id);
  return ErrorHtml(p, status, text == id ? std::string(message) : text);
}

HttpResponse Ui::LoginPage(const PageRequest& r, int status, std::string_view error_id,
                           std::string_view next) {
  Page p(r, parts_);
  std::string b = "<div class=\"login\"><h1>" + p.H("login.title") + "</h1>";
  if (!error_id.empty()) b += "<p class=\"error\" role=\"alert\">" + p.H(error_id) + "</p>";
  b += "<form method=\"post\" action=\"/login?next=" + Esc(PercentEncode(next)) + "\">";
  b += "<div class=\"field\"><label for=\"name\">" + p.H("login.name") +
       "</label><input id=\"name\" name=\"name\" required autocomplete=\"username\" "
       "autocapitalize=\"none\" autofocus value=\"" +
       Esc(r.path == "/login" ? Param(r.form, "name") : "") + "\"></div>";
  b += "<div class=\"field\"><label for=\"password\">" + p.H("login.password") +
       "</label><input id=\"password\" type=\"password\" name=\"password\" required "
       "autocomplete=\"current-password\"></div>";
  b += "<button type=\"submit\" class=\"primary\">" + p.H("login.button") + "</button></form>";
  b += "<p class=\"languages\">";
  for (const auto& l : Catalogues::Get().languages()) {
    b += "<a href=\"/login?lang=" + Esc(l) + "&amp;next=" + Esc(PercentEncode(next)) +
         "\" lang=\"" + Esc(l) + "\" hreflang=\"" + Esc(l) + "\">" +
         Esc(Catalogues::Get().Name(l)) + "</a> ";
  }
  b += "</p></div>";
  return p.Render(status, p.T("login.title"), b, "");
}

namespace pages {
namespace {

// A page about one document: the path's id checked first.
HttpResponse WithDocId(Call& c,
                       HttpResponse (*render)(Page&, const AppParts&, const std::string&)) {
  Page p(c.req, c.parts);
  std::string id = c.Arg(0);
  if (!IsId(id)) return ErrorHtml(p, 404, p.T("doc.no_such"));
  return render(p, c.parts, id);
}

HttpResponse Whole(Call& c, HttpResponse (*render)(Page&, const AppParts&)) {
  Page p(c.req, c.parts);
  return render(p, c.parts);
}

HttpResponse Decide(Call& c, bool accept) {
  Page p(c.req, c.parts);
  std::string id = c.Arg(0), proposal = c.Arg(1);
  if (!IsId(id)) return ErrorHtml(p, 404, p.T("doc.no_such"));
  if (!IsId(proposal)) return ErrorHtml(p, 404, p.T("error.not_found"));
  return DecideProposal(p, c.parts, id, proposal, accept);
}

}  // namespace

HttpResponse Search(Call& c) { return Whole(c, SearchPage); }
HttpResponse Faq(Call& c) { return Whole(c, FaqPage); }
HttpResponse Guides(Call& c) { return Whole(c, GuidesPage); }
HttpResponse Guide(Call& c) {
  Page p(c.req, c.parts);
  return GuidePage(p, c.parts, c.Arg(0));
}
HttpResponse Bulletins(Call& c) { return Whole(c, BulletinsPage); }
HttpResponse MarkBulletinRead(Call& c) {
  Page p(c.req, c.parts);
  std::string id = c.Arg(0);
  if (!IsId(id)) return ErrorHtml(p, 404, p.T("error.not_found"));
  return MarkRead(p, c.parts, id);
}
HttpResponse Centres(Call& c) { return Whole(c, CentresPage); }
HttpResponse NewDoc(Call& c) {
  Page p(c.req, c.parts);
  return EditPage(p, c.parts, "");
}
HttpResponse Doc(Call& c) { return WithDocId(c, DocPage); }
HttpResponse DocHistory(Call& c) { return WithDocId(c, HistoryPage); }
HttpResponse EditDoc(Call& c) { return WithDocId(c, EditPage); }
HttpResponse Proposals(Call& c) { return WithDocId(c, ProposalsPage); }
HttpResponse AcceptProposal(Call& c) { return Decide(c, true); }
HttpResponse DeclineProposal(Call& c) { return Decide(c, false); }
HttpResponse Conflicts(Call& c) { return Whole(c, ConflictsPage); }
HttpResponse Settings(Call& c) { return Whole(c, SettingsPage); }
HttpResponse Sync(Call& c) { return Whole(c, SyncPage); }
HttpResponse Users(Call& c) {
  Page p(c.req, c.parts);
  return UsersPage(p, c.parts, "");
}
HttpResponse AddUser(Call& c) {
  Page p(c.req, c.parts);
  return UsersPost(p, c.parts, "");
}
HttpResponse ChangeUser(Call& c) {
  Page p(c.req, c.parts);
  return UsersPost(p, c.parts, c.Arg(0));
}
HttpResponse BulletinFeed(Call& c) {
  const std::string* host = c.http().Header("host");
  return AtomFeed(c.parts, "http://" + (host ? *host : std::string("localhost")));
}

}  // namespace pages

}  // namespace mrc::web
