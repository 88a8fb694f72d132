// Translations for editors: which documents have which translations, and
// which of those are out of date (GET /translations); and, on a
// translation's own page, the notice that its source moved on, with what
// changed in the source since.
#include <algorithm>
#include <map>
#include <set>

#include "sync/content/translation.h"
#include "web/text/html.h"
#include "web/text/json_fields.h"
#include "web/ui/pages_impl.h"

namespace mrc::web::pages_impl {
namespace {

// One translation as the grid shows it.
struct Cell {
  const Listed* doc = nullptr;
  bool stale = false;
};

// A source document and its translations, by language.
struct Row {
  const Listed* source = nullptr;
  std::map<std::string, Cell> by_language;
};

bool TranslationIsStale(const Listed& translation, const sync::DocView* source) {
  if (source == nullptr || source->deleted) return true;
  return source->heads.size() != 1 ||
         source->heads.front() != JsonString(translation.content, "source_version");
}

// Rows for every document that is not itself a translation; languages
// are every language seen, sorted. A translation of a source not held
// here is left out (its own page says so).
std::vector<Row> BuildRows(const std::vector<Listed>& docs, std::set<std::string>* languages) {
  std::map<std::string, Row> rows;
  for (const auto& d : docs) {
    if (d.doc.deleted || !d.content.is_object()) continue;
    languages->insert(JsonString(d.content, "language"));
    if (!d.content.contains("translation_of")) rows[d.doc.id].source = &d;
  }
  for (const auto& d : docs) {
    if (d.doc.deleted || !d.content.is_object() || !d.content.contains("translation_of")) continue;
    auto it = rows.find(JsonString(d.content, "translation_of"));
    if (it == rows.end()) continue;
    Cell& cell = it->second.by_language[JsonString(d.content, "language")];
    bool stale = TranslationIsStale(d, &it->second.source->doc);
    // Two translations into one language: the current one shows.
    if (cell.doc == nullptr || (cell.stale && !stale)) cell = Cell{&d, stale};
  }
  std::vector<Row> out;
  for (auto& [id, row] : rows) out.push_back(std::move(row));
  return out;
}

std::string CellHtml(Page& p, const Row& row, const std::string& language) {
  std::string source_lang = JsonString(row.source->content, "language");
  if (language == source_lang) {
    return "<td class=\"tr-source\"><a href=\"/docs/" + Esc(row.source->doc.id) + "\">" +
           p.H("translations.source") + "</a></td>";
  }
  auto it = row.by_language.find(language);
  if (it == row.by_language.end()) {
    return "<td class=\"tr-missing\">" + p.H("translations.missing") + "</td>";
  }
  const Cell& c = it->second;
  return std::string("<td class=\"") + (c.stale ? "tr-stale" : "tr-current") +
         "\"><a href=\"/docs/" + Esc(c.doc->doc.id) + "\">" +
         p.H(c.stale ? "translations.stale" : "translations.current") + "</a></td>";
}

std::string RowTitle(Page& p, const std::string& kind, const Row& row) {
  const json& c = row.source->content;
  if (kind == "guide") {
    std::string topic = JsonString(c, "topic");
    return JsonString(c, "country") + " · " +
           (topic.empty() ? JsonString(c, "section") : p.TopicName(topic));
  }
  return DocTitle(p, kind, c);
}

std::string KindLinks(Page& p, const std::string& current) {
  std::string b = "<p class=\"filters\">";
  for (const char* kind : {"faq", "guide", "bulletin"}) {
    std::string label = p.H("kind." + std::string(kind));
    b += kind == current
             ? "<strong>" + label + "</strong> "
             : "<a href=\"/translations?kind=" + std::string(kind) + "\">" + label + "</a> ";
  }
  return b + "</p>";
}

}  // namespace

HttpResponse TranslationsPage(Page& p, const AppParts& parts) {
  std::string kind = Param(p.req().query, "kind");
  if (kind.empty()) kind = "faq";
  if (kind != "faq" && kind != "guide" && kind != "bulletin") {
    return ErrorHtml(p, 400, p.T("translations.bad_kind"));
  }
  std::string country = Param(p.req().query, "country");
  auto docs = AllOfKind(parts, kind);
  if (kind == "guide" && !country.empty()) {
    std::erase_if(docs,
                  [&](const Listed& d) { return JsonString(d.content, "country") != country; });
  }
  std::set<std::string> languages;
  std::vector<Row> rows = BuildRows(docs, &languages);
  languages.erase("");
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    return RowTitle(p, kind, a) < RowTitle(p, kind, b);
  });
  std::size_t stale = 0, missing = 0;
  for (const auto& row : rows) {
    for (const auto& lang : languages) {
      if (lang == JsonString(row.source->content, "language")) continue;
      auto it = row.by_language.find(lang);
      if (it == row.by_language.end())
        ++missing;
      else if (it->second.stale)
        ++stale;
    }
  }
  std::string b = "<h1>" + p.H("translations.title") + "</h1><p>" + p.H("translations.help") +
                  "</p>" + KindLinks(p, kind);
  if (kind == "guide") {
    b += "<form method=\"get\" action=\"/translations\"><input type=\"hidden\" name=\"kind\" "
         "value=\"guide\"><label for=\"tr-country\">" +
         p.H("translations.country") +
         "</label> <input id=\"tr-country\" name=\"country\" value=\"" + Esc(country) +
         "\" size=\"3\" maxlength=\"2\"> <button type=\"submit\">" + p.H("translations.show") +
         "</button></form>";
  }
  b += "<p>" +
       p.H("translations.counts", {{"documents", std::to_string(rows.size())},
                                   {"stale", std::to_string(stale)},
                                   {"missing", std::to_string(missing)}}) +
       "</p>";
  if (rows.empty()) {
    b += "<p>" + p.H("translations.none") + "</p>";
    return p.Render(200, p.T("translations.title"), b, "/translations");
  }
  b += "<div class=\"table-wrap\"><table class=\"translations\"><thead><tr><th scope=\"col\">" +
       p.H("translations.document") + "</th>";
  for (const auto& lang : languages)
    b += "<th scope=\"col\" lang=\"" + Esc(lang) + "\">" + Esc(lang) + "</th>";
  b += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    b += "<tr><th scope=\"row\"><a href=\"/docs/" + Esc(row.source->doc.id) + "\">" +
         Esc(RowTitle(p, kind, row)) + "</a></th>";
    for (const auto& lang : languages) b += CellHtml(p, row, lang);
    b += "</tr>";
  }
  b += "</tbody></table></div>";
  return p.Render(200, p.T("translations.title"), b, "/translations");
}

// On a translation's page: whether it is current, and when it is not,
// what changed in the source since the version it translates.
std::string TranslationNotice(Page& p, const AppParts& parts, const std::string& kind,
                              const json& content) {
  sync::Kind k;
  if (!sync::ParseKind(kind, &k)) return "";
  auto state = sync::TranslationOf(*parts.log, k, content);
  if (!state.ok() || !*state) return "";
  const sync::TranslationState& t = **state;
  std::string source_link =
      "<a href=\"/docs/" + Esc(t.source) + "\">" + p.H("translation.source_link") + "</a>";
  if (!t.stale) {
    return "<p class=\"translation current\">" + p.H("translation.current") + " " + source_link +
           "</p>";
  }
  std::string why = t.source_missing    ? "translation.source_missing"
                    : t.source_deleted  ? "translation.source_deleted"
                    : t.source_conflict ? "translation.source_conflict"
                                        : "translation.stale";
  std::string b = "<div class=\"translation stale\" role=\"status\"><p><strong>" +
                  p.H("translation.stale_title") + "</strong> " + p.H(why) + " " + source_link +
                  "</p>";
  if (t.source_then && t.source_now && *t.source_then != *t.source_now) {
    auto before = ContentLines(kind, ContentOf(t.source_then));
    auto after = ContentLines(kind, ContentOf(t.source_now));
    b += "<details open><summary>" + p.H("translation.changes") + "</summary>" +
         DiffHtml(ContentLines(kind, ContentOf(t.source_then)),
                  ContentLines(kind, ContentOf(t.source_now))) +
         "</details>";
  }
  return b + "</div>";
}

}  // namespace mrc::web::pages_impl
