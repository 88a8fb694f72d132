#include "web/ui/page.h"

#include <sodium.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>

#include "config/foundation/bytes.h"
#include "web/ui/embedded.h"

namespace mrc::web::page {

// A version tag for asset URLs: a hash of every embedded asset, so that a
// new binary's assets are fetched again and old ones cached for good.
const std::string& AssetVersion() {
  static const std::string v = [] {
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, 16);
    for (const auto& f : EmbeddedFiles()) {
      crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(f.data.data()),
                                f.data.size());
    }
    unsigned char out[16];
    crypto_generichash_final(&st, out, sizeof out);
    return ToHex(std::string_view(reinterpret_cast<const char*>(out), 6));
  }();
  return v;
}

// Names of countries and languages in the reader's language, from ICU's
// locale data ("DE" -> "Allemagne" for a French reader).
std::string CountryName(std::string_view code, std::string_view lang) {
  if (code.empty()) return "";
  icu::UnicodeString name;
  icu::Locale("", std::string(code).c_str())
      .getDisplayCountry(icu::Locale(std::string(lang).c_str()), name);
  std::string out;
  name.toUTF8String(out);
  return out.empty() ? std::string(code) : out;
}

std::string LanguageName(std::string_view code, std::string_view lang) {
  if (code.empty()) return "";
  icu::UnicodeString name;
  icu::Locale(std::string(code).c_str())
      .getDisplayLanguage(icu::Locale(std::string(lang).c_str()), name);
  std::string out;
  name.toUTF8String(out);
  return out.empty() ? std::string(code) : out;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

// "a, b ,c" -> {"a","b","c"}; empty items dropped.
std::vector<std::string> SplitList(std::string_view text, char sep) {
  std::vector<std::string> out;
  while (!text.empty()) {
    std::string_view item = text.substr(0, text.find(sep));
    text.remove_prefix(std::min(text.size(), item.size() + 1));
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())))
      item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())))
      item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

std::string ShortTime(const std::string& rfc3339) {
  // "2026-11-24T10:00:00.123Z" -> "2026-11-24 10:00"
  if (rfc3339.size() < 16) return rfc3339;
  return rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 5);
}

bool IsId(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

HttpResponse Page::Render(int status, std::string_view title, std::string_view body,
                          std::string_view active) const {
  std::string dir(TextDirection(r_.lang));
  std::string h;
  h.reserve(body.size() + 4096);
  h += "<!doctype html>\n<html lang=\"" + Esc(r_.lang) + "\" dir=\"" + dir + "\"><head>";
  h += "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
       "initial-scale=1\">";
  h += "<title>" + Esc(title) + " · " +
       Esc(parts_.node_name.empty() ? "mrcnode" : parts_.node_name) + "</title>";
  // No icon: browsers would otherwise ask for /favicon.ico on every page.
  h += "<link rel=\"icon\" href=\"data:,\">";
  h += "<link rel=\"stylesheet\" href=\"/static/style.css?v=" + AssetVersion() + "\">";
  h += "<script src=\"/static/app.js?v=" + AssetVersion() + "\" defer></script>";
  h += "</head><body>";
  h += "<a class=\"skip\" href=\"#main\">" + H("nav.skip") + "</a>";
  h += "<header class=\"top\"><div class=\"brand\">" +
       Esc(parts_.node_name.empty() ? "mrcnode" : parts_.node_name) + "</div>";
  if (r_.who) {
    struct Item {
      const char* path;
      const char* id;
      Role role;
    };
    static const Item kNav[] = {
        {"/", "nav.search", Role::kCounsellor},
        {"/faq", "nav.faq", Role::kCounsellor},
        {"/guides", "nav.guides", Role::kCounsellor},
        {"/bulletins", "nav.bulletins", Role::kCounsellor},
        {"/centres", "nav.centres", Role::kCounsellor},
        {"/referrals", "nav.referrals", Role::kCounsellor},
        {"/conflicts", "nav.conflicts", Role::kEditor},
        {"/review", "nav.review", Role::kEditor},
        {"/problems", "nav.problems", Role::kEditor},
        {"/translations", "nav.translations", Role::kEditor},
        {"/admin/review-intervals", "nav.review_intervals", Role::kEditor},
        {"/sync", "nav.sync", Role::kAdmin},
        {"/admin/users", "nav.users", Role::kAdmin},
    };
    h += "<nav aria-label=\"" + H("nav.label") + "\"><ul>";
    for (const auto& item : kNav) {
      if (!Can(item.role)) continue;
      bool current = active == item.path;
      h += "<li><a href=\"" + std::string(item.path) + "\"" +
           (current ? " aria-current=\"page\"" : "") + ">" + H(item.id) + "</a></li>";
    }
    h += "</ul></nav><div class=\"who\"><a href=\"/settings\">" + Esc(r_.who->user) + "</a> (" +
         H(std::string("role.") + std::string(RoleName(r_.who->role))) + ")";
    h += "<form method=\"post\" action=\"/logout\" class=\"inline\">" + CsrfField() +
         "<button type=\"submit\">" + H("nav.logout") + "</button></form></div>";
  }
  h += "</header>";
  if (r_.who) h += HqSilenceBanner();
  h += "<main id=\"main\">";
  h += body;
  h += "</main><footer><p>" + H("footer.text") + "</p></footer></body></html>\n";
  return HtmlResponse(status, std::move(h));
}

// Staff must know when the bulletins they read may be stale: a node cut off
// from headquarters (or held back by someone who controls its links) looks
// current otherwise (docs/operations.md, "Last news from headquarters").
std::string Page::HqSilenceBanner() const {
  if (!parts_.hq_news) return "";
  HqNews news = parts_.hq_news();
  if (!news.Silent(parts_.hq_silence_warning_ms)) return "";
  std::string text =
      news.last_ms == 0
          ? H("hq.never")
          : H("hq.silent", {{"days", std::to_string((news.now_ms - news.last_ms) / 86400000)}});
  return "<p class=\"warning hq-silent\" role=\"status\">" + text + "</p>";
}

std::string Options(const std::vector<std::pair<std::string, std::string>>& values,
                    const std::string& selected) {
  std::string out;
  for (const auto& [v, label] : values) {
    out += "<option value=\"" + Esc(v) + "\"" + (v == selected ? " selected" : "") + ">" +
           Esc(label) + "</option>";
  }
  return out;
}

HttpResponse ErrorHtml(Page& p, int status, std::string_view message) {
  std::string body = "<h1>" + p.H("error.title") + "</h1><p class=\"error\" role=\"alert\">" +
                     Esc(message) + "</p><p><a href=\"/\">" + p.H("error.home") + "</a></p>";
  return p.Render(status, p.T("error.title"), body, "");
}

HttpResponse FromStatus(Page& p, const Status& s) {
  return ErrorHtml(p, HttpStatusOf(s), s.message());
}

}  // namespace mrc::web::page
