// The interface's languages: message catalogues (web/ui/i18n/LANG.json,
// embedded), chosen per user or by the browser's Accept-Language.
//
// A catalogue maps message ids to text; "{name}" in a text is replaced by
// the argument of that name. A message missing from a catalogue falls back
// to English, then to its id, so a partial translation never breaks a page.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mrc::web {

class Catalogues {
 public:
  // The catalogues embedded in the binary (parsed once).
  static const Catalogues& Get();

  // Languages with a catalogue, English first: {"en", "fr", ...}.
  const std::vector<std::string>& languages() const { return languages_; }
  bool Has(std::string_view language) const { return texts_.count(std::string(language)) > 0; }

  // The text of message `id` in `language`, with {name} replaced from args.
  // Arguments are inserted as given: the caller escapes for HTML.
  std::string Text(std::string_view language, std::string_view id,
                   const std::map<std::string, std::string>& args = {}) const;
  // The language's own name ("Français"), for the language menu.
  std::string Name(std::string_view language) const { return Text(language, "language.name"); }

  // The best available language for an Accept-Language header value
  // ("fr-CH, fr;q=0.9, en;q=0.8"), or "en".
  std::string Negotiate(std::string_view accept_language) const;

  // Load a catalogue from JSON text (tests); false when it is not an object
  // of strings.
  bool Load(const std::string& language, std::string_view json_text);

 private:
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> texts_;
  std::vector<std::string> languages_;
};

// "rtl" for languages written right to left (Arabic, Persian, Urdu, Hebrew,
// ...), "ltr" otherwise.
std::string_view TextDirection(std::string_view language);

}  // namespace mrc::web
