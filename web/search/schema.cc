#include "web/search/schema.h"

#include <unicode/uvernum.h>

#include "web/search/folding.h"

namespace mrc::web::search {
namespace {

// Moves on whenever what a document's terms, values or data are changes.
constexpr const char* kFormat = "15";

}  // namespace

std::string FormatKey() {
  return std::string(kFormat) + " xapian " + Xapian::version_string() + " icu " + U_ICU_VERSION;
}

std::string StemPrefix(std::string_view language) { return "XS" + std::string(language) + ":"; }

std::string ParsePrefix(const std::string& language, const Xapian::Stem& stem) {
  return (stem.is_none() ? "Z" : "") + StemPrefix(language);
}

Xapian::TermGenerator::stem_strategy StemmingOf(const Xapian::Stem& stem) {
  return stem.is_none() ? Xapian::TermGenerator::STEM_NONE : Xapian::TermGenerator::STEM_ALL_Z;
}

std::string Term(std::string_view prefix, std::string_view value) {
  return std::string(prefix) + Lower(value);
}

// (Appended, not `prefix + hex`: GCC 12 at -O3 warns falsely about the
// latter, its bug 105329.)
std::string IdTerm(const Hash32& id) {
  std::string term(kIdPrefix);
  term += ToHex(id);
  return term;
}

}  // namespace mrc::web::search
