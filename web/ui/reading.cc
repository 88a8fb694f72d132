// Reading: a document, the FAQ, the guides, bulletins and their receipts,
// the centre directory, and the bulletins' Atom feed.
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
#include "web/ui/pages_impl.h"

namespace mrc::web::pages_impl {

// A document's content as JSON to render: null when there is none (a
// deleted document) or, never expected of a validated payload, it is not
// JSON.
json ContentOf(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  json c = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  return c.is_discarded() ? json() : c;
}

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
    std::string verified = JsonString(c, "verified_on"), by = JsonString(c, "verified_by");
    b += "<dt>" + p.H("doc.verified_on") + "</dt><dd>" +
         (verified.empty() ? p.H("doc.not_verified")
                           : Esc(verified) + (by.empty() ? "" : " · " + Esc(by))) +
         "</dd>";
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
  const std::vector<sync::CentreReceipt>& centres = got->centres;
  if (centres.empty()) return "";
  std::size_t received = 0, acknowledged = 0;
  std::string rows;
  for (const auto& ce : centres) {
    auto state = [&](const std::optional<sync::ReceiptMark>& st, std::size_t* count) {
      if (!st) return p.H("receipts.no");
      *count += st->current;
      std::string when = ShortTime(st->at);
      return Esc(when + (st->by.empty() ? "" : " · " + st->by)) +
             (st->current ? "" : " (" + p.H("receipts.older_version") + ")");
    };
    rows += "<tr><th scope=\"row\">" + Esc(ce.name.empty() ? ce.key.substr(0, 12) : ce.name) +
            "</th><td>" + state(ce.received, &received) + "</td><td>" +
            state(ce.acknowledged, &acknowledged) + "</td></tr>";
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
    if (kind == "guide") b += BulletinFlagsHtml(p, parts, id, c, d.updated_at);
    if (d.translation) b += TranslationNotice(p, parts, kind, c);
    b += ContentHtml(p, kind, c) + "</article>";
    if (d.review) b += ReviewHtml(p, id, *d.review, d.deleted);
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
       Esc(SignedBy(p, d.updated_by, c)) + "</dd>";
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
  if (!d.deleted && kind != "centre") {
    b += " <a href=\"/docs/" + Esc(id) + "/handout\">" + p.H("doc.handout") + "</a>";
  }
  if (p.Can(Role::kEditor) && !d.deleted)
    b += " <a class=\"button\" href=\"/docs/" + Esc(id) + "/edit\">" + p.H("doc.edit") + "</a>";
  b += "</p>";
  if (!d.deleted) b += ReportFormHtml(p, parts, id, d.version);
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
  // (and the day: a section's overdue mark changes at midnight)
  std::string today = Today(parts);
  std::string key = today + "|" + country + "|" + p.lang() + "|" + Param(p.req().query, "language");
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
  std::string b = "<h1>" + Esc(title) + "</h1><p class=\"actions\"><a href=\"/guides/" +
                  Esc(country) + "/handout\">" + p.H("guides.handout") + "</a></p>";
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
         "</a>" + OverdueMark(p, h, today) + "</p></section>";
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
        for (const auto& ce : rec->centres) {
          if (ce.key != self) continue;
          centre = true;
          unread = !(ce.acknowledged && ce.acknowledged->current);
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
  auto r = parts.trust->Acknowledge(id, {.by = p.req().signer()});
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

}  // namespace mrc::web::pages_impl
