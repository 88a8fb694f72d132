// A hit's snippet: the passage of its text that best matches the query,
// cut into pieces with the matching words marked.
#pragma once

#include <string>
#include <vector>

#include "web/search/document.h"
#include "web/search/index.h"

namespace mrc::web::search {

class QueryWordMatcher;

// What snippets are cut from, as the index stores it: `text` itself, or,
// when longer than 3,000 bytes, its start. A text cut short ends with
// " …", which its snippets then show.
std::string SnippetSource(const std::string& text);

// The snippet of a hit's text (hit.text, in hit.language) for the query of
// `matcher`. `use_word_hashes`: whether to read the words' places and
// hashes stored with the text (the snippet is the same either way).
std::vector<SearchHit::Piece> Snippet(const StoredHit& hit, QueryWordMatcher& matcher,
                                      bool use_word_hashes);

}  // namespace mrc::web::search
