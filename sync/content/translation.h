// Translations that know their source.
//
// A translation names the document it translates (`translation_of`) and
// the version of it it was made from (`source_version`). It is current
// while that version is the source's only head; once the source has a
// newer version (or a concurrent one: a conflict), the translation is
// stale until it is updated to name the source's current version.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "config/foundation/status.h"
#include "sync/log/entry.h"

namespace mrc::sync {

class Log;

struct TranslationState {
  std::string source;          // the source document's id
  std::string source_version;  // the version translated
  // The source as it is now: its winning version ("" when it is unknown
  // here, or deleted) and its language.
  std::string source_current;
  std::string source_language;
  bool source_missing = false;  // not (yet) held here, or not a document of this kind
  bool source_deleted = false;
  bool source_conflict = false;  // the source has several heads
  bool stale = false;            // the source moved on since source_version
  // The source's content at source_version and now, for a diff of what
  // changed since (when both are known and differ).
  std::optional<std::string> source_then, source_now;
};

// nullopt when `content` is not a translation (no translation_of). Reads
// the source's state through `log`; the source's contents then and now
// only `with_contents`.
Result<std::optional<TranslationState>> TranslationOf(Log& log, Kind kind,
                                                      const nlohmann::json& content,
                                                      bool with_contents = true);

// Before a translation is written: a `translation_of` without a
// `source_version` gets the source's current version (the translation is
// then current), and the source must be a document of the same kind, not
// the translation itself, and not deleted. InvalidArgument naming the
// field otherwise; content that is not a translation is left as it is.
// `self`: the translation's own id when it exists already (an update).
Status CompleteTranslation(Log& log, Kind kind, const Hash32* self, nlohmann::json* content);

}  // namespace mrc::sync
