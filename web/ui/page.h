// The pieces every HTML page shares (internal to web/): the Page being
// built (language, escaping, layout) and small helpers. The pages
// themselves are in web/ui/ui.cc and web/ui/referral_pages.cc.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "sync/log/log.h"
#include "sync/trust/trust_records.h"
#include "web/text/html.h"
#include "web/ui/i18n.h"
#include "web/ui/ui.h"

namespace mrc::web::page {

// A version tag for asset URLs (a hash of every embedded asset).
const std::string& AssetVersion();
// Names of countries and languages in the reader's language (ICU).
std::string CountryName(std::string_view code, std::string_view lang);
std::string LanguageName(std::string_view code, std::string_view lang);
std::string Join(const std::vector<std::string>& items, std::string_view sep);
// "a, b ,c" -> {"a","b","c"}; empty items dropped.
std::vector<std::string> SplitList(std::string_view text, char sep = ',');
// "2026-11-24T10:00:00.123Z" -> "2026-11-24 10:00"
std::string ShortTime(const std::string& rfc3339);
// 64 lowercase hex characters.
bool IsId(std::string_view s);

// One page being built: the request, its language, and the output.
class Page {
 public:
  Page(const PageRequest& r, const AppParts& parts) : r_(r), parts_(parts) {}

  std::string T(std::string_view id, const std::map<std::string, std::string>& args = {}) const {
    return Catalogues::Get().Text(r_.lang, id, args);
  }
  // Translated and escaped, ready for HTML.
  std::string H(std::string_view id, const std::map<std::string, std::string>& args = {}) const {
    return Esc(T(id, args));
  }
  const std::string& lang() const { return r_.lang; }
  const PageRequest& req() const { return r_; }
  bool Can(Role role) const {
    return r_.who && static_cast<int>(r_.who->role) >= static_cast<int>(role);
  }
  std::string CsrfField() const {
    return r_.who ? "<input type=\"hidden\" name=\"csrf\" value=\"" + Esc(r_.who->csrf) + "\">"
                  : std::string();
  }
  std::string TopicName(std::string_view topic) const {
    std::string id = "topic." + std::string(topic);
    std::string t = T(id);
    return t == id ? std::string(topic) : t;
  }
  // Categories are free slugs; the common ones have names in the
  // catalogues, any other shows as itself.
  std::string CategoryName(std::string_view category) const {
    std::string id = "category." + std::string(category);
    std::string t = T(id);
    return t == id ? std::string(category) : t;
  }
  // key hex -> centre name, for authors.
  std::string AuthorName(const std::string& key_hex) {
    if (authors_.empty()) {
      auto members = sync::trust::Members(*parts_.log);
      if (members.ok()) {
        for (const auto& m : *members) authors_[ToHex(m.key)] = m.name;
      }
      authors_[""] = "";
    }
    auto it = authors_.find(key_hex);
    if (it != authors_.end() && !it->second.empty()) return it->second;
    return key_hex.substr(0, 12);
  }

  HttpResponse Render(int status, std::string_view title, std::string_view body,
                      std::string_view active) const;

 private:
  // The warning every page shows when headquarters has been silent too long.
  std::string HqSilenceBanner() const;
  const PageRequest& r_;
  const AppParts& parts_;
  std::map<std::string, std::string> authors_;
};

// <option> elements, `selected` marked.
std::string Options(const std::vector<std::pair<std::string, std::string>>& values,
                    const std::string& selected);
HttpResponse ErrorHtml(Page& p, int status, std::string_view message);
HttpResponse FromStatus(Page& p, const Status& s);

}  // namespace mrc::web::page
