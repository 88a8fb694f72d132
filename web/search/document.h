// What the search index makes of a document: the fields taken from its
// content, the index document (terms, values) built from them, and the
// data kept with it to show a hit (StoredHit).
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::sync {
class Log;
}

namespace mrc::web::search {

// What a document contributes to search, taken from its content.
struct Fields {
  std::string kind, title, body, language, country, topic, translation_group;
  std::vector<std::string> categories, countries, topics;
  std::string review_due = {}, verified_on = {}, verified_by = {}, owner = {};  // as SearchHit's
};

// The current text of a document, or nullopt when it is deleted, gone, or
// not a searchable kind.
Result<std::optional<Fields>> ReadFields(sync::Log* log, const Hash32& id);

// The index document of `f`, the document `id`: its filter terms and
// values, its words (stemmed in `language`, f's primary language) weighed
// by their impacts (ranking.h), and its StoredHit as data.
Xapian::Document MakeDocument(const Hash32& id, const Fields& f, const std::string& language);

// What a hit shows, kept as its index document's data: the id, then
// length-prefixed fields (read back without parsing, as JSON would need).
// `text` is what snippets are cut from, kept so that a hit needs no read
// of the log and no Markdown rendering: the document's plain text, up to
// 3,000 bytes (cut at a character boundary).
struct StoredHit {
  Hash32 id{};
  std::string kind, title, language, country, topic, translation_group, text;
  std::string word_hashes;  // see WordHashes()
  std::string word_spans;   // see EncodeWordSpans()
  std::string review_due = {}, verified_on = {}, verified_by = {}, owner = {};
  std::vector<std::string> categories;
};

// A StoredHit as index document data, and back; false when `data` is not
// what PackStoredHit makes.
std::string PackStoredHit(const StoredHit& h);
bool UnpackStoredHit(std::string data, StoredHit* h);

}  // namespace mrc::web::search
