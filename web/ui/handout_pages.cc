// Handouts: a document (or chosen topics of a country's guide) as a page
// to print and give to a client, in the document's language where the
// interface has it, with this centre's name, address and hours from the
// directory, the date, when the text was verified and its sources, and
// the date after which the client should check for changes.
#include <algorithm>
#include <optional>
#include <set>

#include "config/foundation/time.h"
#include "sync/content/review.h"
#include "sync/settings/settings_service.h"
#include "web/text/html.h"
#include "web/text/json_fields.h"
#include "web/text/markdown.h"
#include "web/ui/i18n.h"
#include "web/ui/pages_impl.h"

namespace mrc::web::pages_impl {
namespace {

// When no text in a handout has a review date, the client is asked to
// check again after this many months.
constexpr std::uint32_t kDefaultCheckMonths = 3;

std::string Today(const AppParts& parts) {
  return FormatUtcMillis(parts.clock->NowMillis()).substr(0, 10);
}

// This centre's own record in the directory (the one this node wrote),
// or nullopt when it has none.
std::optional<json> OwnCentre(const AppParts& parts) {
  std::string self = ToHex(parts.log->self());
  for (auto& [doc, content] : AllOfKind(parts, "centre")) {
    if (doc.created_by == self && content.is_object()) return content;
  }
  return std::nullopt;
}

// The interface language for a handout in `language`: the document's own
// when there is a catalogue for it, else the reader's.
std::string HandoutLanguage(const Page& p, const std::string& language) {
  const auto& catalogues = Catalogues::Get();
  if (catalogues.Has(language)) return language;
  std::string primary = language.substr(0, language.find('-'));
  return catalogues.Has(primary) ? primary : p.lang();
}

std::string CentreHtml(const Page& hp, const std::optional<json>& centre,
                       const std::string& node_name) {
  std::string b = "<header class=\"handout-centre\"><p class=\"handout-name\">";
  if (!centre) return b + Esc(node_name) + "</p></header>";
  const json& c = *centre;
  json loc = c.value("location", json::object());
  json contact = c.value("contact", json::object());
  b += Esc(JsonString(c, "name")) + "</p><p>";
  std::string address = JsonString(loc, "address");
  if (!address.empty()) b += Esc(address) + ", ";
  b += Esc(JsonString(loc, "city")) + ", " +
       Esc(CountryName(JsonString(loc, "country"), hp.lang())) + "</p>";
  std::vector<std::string> reach;
  for (const char* k : {"phone", "email", "website"}) {
    if (!JsonString(contact, k).empty()) reach.push_back(JsonString(contact, k));
  }
  if (!reach.empty()) b += "<p>" + Esc(Join(reach, " · ")) + "</p>";
  if (!JsonString(c, "hours").empty())
    b += "<p>" + hp.H("handout.hours", {{"hours", JsonString(c, "hours")}}) + "</p>";
  return b + "</header>";
}

// A text's verification and sources, in the handout's language.
std::string VerifiedHtml(const Page& hp, const json& c) {
  std::string b;
  std::string on = JsonString(c, "verified_on"), by = JsonString(c, "verified_by");
  if (!on.empty()) {
    b += "<p class=\"handout-verified\">" +
         (by.empty() ? hp.H("handout.verified_on", {{"date", on}})
                     : hp.H("handout.verified_by", {{"date", on}, {"name", by}})) +
         "</p>";
  }
  auto sources = JsonStrings(c, "sources");
  if (!sources.empty()) {
    b += "<p class=\"handout-sources\">" + hp.H("handout.sources") + "</p><ul>";
    for (const auto& s : sources) b += "<li>" + Esc(s) + "</li>";
    b += "</ul>";
  }
  return b;
}

// The earliest review date of the texts, or a few months from today.
std::string CheckAfter(const AppParts& parts, const std::vector<std::pair<sync::Kind, json>>& texts,
                       const std::vector<std::string>& version_dates) {
  std::string today = Today(parts), earliest;
  sync::ReviewIntervals intervals = sync::ReviewIntervalsInForce(*parts.log);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto r = sync::ReviewOf(texts[i].first, texts[i].second, version_dates[i], today, intervals);
    if (!r.due.empty() && r.due >= today && (earliest.empty() || r.due < earliest))
      earliest = r.due;
  }
  return earliest.empty() ? sync::AddMonths(today, kDefaultCheckMonths) : earliest;
}

HttpResponse RenderHandout(Page& hp, const AppParts& parts, const std::string& title,
                           const std::string& body, const std::string& check_after,
                           const std::string& controls) {
  std::string b =
      "<div class=\"handout\">" + controls + CentreHtml(hp, OwnCentre(parts), parts.node_name) +
      "<h1>" + Esc(title) + "</h1>" + body + "<footer class=\"handout-footer\"><p>" +
      hp.H("handout.printed", {{"date", Today(parts)}}) + "</p><p><strong>" +
      hp.H("handout.check_after", {{"date", check_after}}) + "</strong></p></footer></div>";
  return hp.Render(200, title, b, "");
}

std::string PrintButton(const Page& hp) {
  return "<p class=\"no-print\"><button type=\"button\" data-print>" + hp.H("handout.print") +
         "</button></p>";
}

}  // namespace

HttpResponse DocHandout(Page& p, const AppParts& parts, const std::string& id) {
  auto doc = parts.docs->Get(id);
  if (!doc.ok()) return FromStatus(p, doc.status());
  json c = ContentOf(doc->content);
  sync::Kind kind;
  if (doc->deleted || !c.is_object() || !sync::ParseKind(doc->kind, &kind) ||
      kind == sync::Kind::kCentre) {
    return ErrorHtml(p, 404, p.T("handout.none"));
  }
  PageRequest req = p.req();
  req.lang = HandoutLanguage(p, JsonString(c, "language"));
  Page hp(req, parts);
  std::string title = DocTitle(hp, doc->kind, c);
  std::string body = "<article" + LangAttrs(JsonString(c, "language")) + ">";
  if (doc->kind == "faq") {
    body += "<div class=\"md\">" + RenderMarkdown(JsonString(c, "answer")) + "</div>";
  } else {
    if (doc->kind == "bulletin") {
      body += "<p>" + hp.H("doc.effective", {{"date", JsonString(c, "effective_date")}}) + "</p>";
      if (!JsonString(c, "summary").empty())
        body += "<div class=\"md summary\">" + RenderMarkdown(JsonString(c, "summary")) + "</div>";
    }
    body += "<div class=\"md\">" + RenderMarkdown(JsonString(c, "body")) + "</div>";
  }
  body += VerifiedHtml(hp, c) + "</article>";
  std::string check = CheckAfter(parts, {{kind, c}}, {doc->updated_at.substr(0, 10)});
  return RenderHandout(hp, parts, title, body, check, PrintButton(hp));
}

HttpResponse GuideHandout(Page& p, const AppParts& parts, std::string country) {
  for (char& ch : country) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (!sync::IsCountryCode(country)) return ErrorHtml(p, 404, p.T("guides.no_such"));
  std::string language = Param(p.req().query, "language");
  if (language.empty()) language = p.lang();
  // Chosen topics come as topic.<name>=on (checkboxes); none: every topic.
  std::set<std::string> chosen;
  for (const auto& [name, value] : p.req().query) {
    if (name.rfind("topic.", 0) != 0) continue;
    std::string t = name.substr(6);
    const auto& all = sync::GuideTopics();
    if (std::find(all.begin(), all.end(), t) == all.end())
      return ErrorHtml(p, 400, p.T("handout.bad_topic", {{"topic", t}}));
    chosen.insert(t);
  }
  SearchQuery q;
  q.kind = "guide";
  q.country = country;
  q.language = language;
  q.limit = 1000;
  auto res = parts.search->Search(q);
  if (!res.ok()) return FromStatus(p, res.status());
  PageRequest req = p.req();
  req.lang = HandoutLanguage(p, language);
  Page hp(req, parts);
  std::string body;
  std::vector<std::pair<sync::Kind, json>> texts;
  std::vector<std::string> dates;
  for (auto topic : sync::GuideTopics()) {
    if (!chosen.empty() && !chosen.count(std::string(topic))) continue;
    for (const auto& h : res->hits) {
      if (h.topic != topic) continue;
      auto doc = parts.docs->Get(h.id);
      if (!doc.ok() || doc->deleted) continue;
      json c = ContentOf(doc->content);
      if (!c.is_object()) continue;
      body += "<section" + LangAttrs(JsonString(c, "language")) + "><h2>" +
              Esc(hp.TopicName(topic)) + "</h2><div class=\"md\">" +
              RenderMarkdown(JsonString(c, "body")) + "</div>" + VerifiedHtml(hp, c) + "</section>";
      texts.emplace_back(sync::Kind::kGuide, std::move(c));
      dates.push_back(doc->updated_at.substr(0, 10));
    }
  }
  if (texts.empty()) body = "<p>" + hp.H("handout.nothing") + "</p>";
  // Which topics and which language, for the counsellor; not printed.
  std::string controls =
      "<form method=\"get\" class=\"no-print handout-choice\"><fieldset><legend>" +
      p.H("handout.topics") + "</legend>";
  for (auto topic : sync::GuideTopics()) {
    std::string t(topic);
    controls += "<label><input type=\"checkbox\" name=\"topic." + Esc(t) + "\"" +
                (chosen.count(t) ? " checked" : "") + "> " + Esc(p.TopicName(topic)) + "</label> ";
  }
  controls += "</fieldset><label for=\"handout-language\">" + p.H("handout.language") +
              "</label> <input id=\"handout-language\" name=\"language\" value=\"" + Esc(language) +
              "\" size=\"6\"> <button type=\"submit\">" + p.H("handout.show") + "</button></form>" +
              PrintButton(hp);
  std::string title = hp.T("guides.guide_for", {{"country", CountryName(country, hp.lang())}});
  return RenderHandout(hp, parts, title, body, CheckAfter(parts, texts, dates), controls);
}

}  // namespace mrc::web::pages_impl
