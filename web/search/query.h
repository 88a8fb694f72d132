// Running a search against one reader of the index: the query parsed in
// each language, filtered, ranked, and its hits read with their snippets.
#pragma once

#include "config/foundation/status.h"
#include "web/search/index.h"
#include "web/search/ranking.h"
#include "web/search/reader_pool.h"

namespace mrc::web::search {

// The result of `q` from `reader`. `common_words`: the words matched from
// memory (ranking.h); `use_word_hashes`: whether snippets read the words'
// places and hashes stored with each text. Throws what Xapian throws
// (DatabaseModifiedError when the index changed too much meanwhile).
Result<SearchResult> RunQuery(Reader& reader, const SearchQuery& q,
                              ranking::CommonWords& common_words, bool use_word_hashes);

}  // namespace mrc::web::search
