#include "web/ui/i18n.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "config/foundation/log.h"
#include "web/ui/embedded.h"

namespace mrc::web {

const Catalogues& Catalogues::Get() {
  static const Catalogues catalogues = [] {
    Catalogues c;
    constexpr std::string_view kPrefix = "i18n/";
    for (const auto& f : EmbeddedFiles()) {
      if (f.name.substr(0, kPrefix.size()) != kPrefix) continue;
      std::string_view file = f.name.substr(kPrefix.size());
      std::string lang(file.substr(0, file.find('.')));
      if (!c.Load(lang, f.data))
        log::Error("i18n", "catalogue " + std::string(f.name) + " is unreadable");
    }
    return c;
  }();
  return catalogues;
}

bool Catalogues::Load(const std::string& language, std::string_view json_text) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_object()) return false;
  auto& texts = texts_[language];
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return false;
    texts[k] = v.get<std::string>();
  }
  languages_.clear();
  for (const auto& [lang, t] : texts_) languages_.push_back(lang);
  std::stable_partition(languages_.begin(), languages_.end(),
                        [](const std::string& l) { return l == "en"; });
  return true;
}

std::string Catalogues::Text(std::string_view language, std::string_view id,
                             const std::map<std::string, std::string>& args) const {
  const std::string* text = nullptr;
  for (std::string_view lang : {language, std::string_view("en")}) {
    auto c = texts_.find(lang);
    if (c == texts_.end()) continue;
    auto t = c->second.find(id);
    if (t != c->second.end()) {
      text = &t->second;
      break;
    }
  }
  if (text == nullptr) return std::string(id);
  if (args.empty() || text->find('{') == std::string::npos) return *text;
  std::string out;
  out.reserve(text->size() + 32);
  for (std::size_t i = 0; i < text->size();) {
    if ((*text)[i] == '{') {
      std::size_t close = text->find('}', i);
      if (close != std::string::npos) {
        auto a = args.find(text->substr(i + 1, close - i - 1));
        if (a != args.end()) {
          out += a->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += (*text)[i++];
  }
  return out;
}

std::string Catalogues::Negotiate(std::string_view header) const {
  std::string best = "en";
  double best_q = -1;
  while (!header.empty()) {
    std::string_view item = header.substr(0, header.find(','));
    header.remove_prefix(std::min(header.size(), item.size() + 1));
    std::string_view tag = item.substr(0, item.find(';'));
    double q = 1.0;
    if (auto qpos = item.find("q="); qpos != std::string_view::npos) {
      q = std::strtod(std::string(item.substr(qpos + 2, 5)).c_str(), nullptr);
    }
    auto trim = [](std::string_view s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
      return s;
    };
    tag = trim(tag);
    std::string primary;
    for (char c : tag.substr(0, tag.find('-')))
      primary += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Earlier entries win ties (browsers list by preference).
    if (q > 0 && Has(primary) && q > best_q) {
      best = primary;
      best_q = q;
    }
  }
  return best;
}

std::string_view TextDirection(std::string_view language) {
  std::string_view primary = language.substr(0, language.find('-'));
  for (std::string_view rtl : {"ar", "fa", "ur", "he", "ps", "ckb", "dv", "yi"}) {
    if (primary == rtl) return "rtl";
  }
  return "ltr";
}

}  // namespace mrc::web
