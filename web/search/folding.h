// How the index makes words comparable: a language tag's primary language,
// lowercase ASCII, and each language's Snowball stemmer (FoldForSearch,
// StemWord and StemKeepsFirstCharacter are declared in index.h).
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

namespace mrc::web::search {

// `s` with ASCII letters lowercased (other bytes as they are).
std::string Lower(std::string_view s);

// "pt-BR" -> "pt": stemmers go by the primary language.
std::string PrimaryLanguage(std::string_view tag);

// The Snowball stemmer for a language, or none (Xapian::Stem() stems
// nothing) when Xapian has no stemmer for it. Made once per thread.
Xapian::Stem StemmerFor(const std::string& language);

}  // namespace mrc::web::search
