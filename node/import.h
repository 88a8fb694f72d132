// Bulk import of content files: JSON ({"kind", "content"} or a list of them)
// and Markdown with front matter (see docs/import.md).
#pragma once

#include <string>
#include <vector>

#include "config/foundation/status.h"
#include "sync/log/log.h"

namespace mrc::node {

struct ImportItem {
  std::string source;  // "guides/DE/study.md" or "centres.json[2]"
  sync::Draft draft;   // validated, canonical content
};

// Reads and validates every .json and .md file under `dir` (sorted by path).
// Problems are collected in `errors` ("file: message"), one per bad item; the
// caller imports nothing unless errors is empty.
Result<std::vector<ImportItem>> ReadImportDir(const std::string& dir,
                                              std::vector<std::string>* errors);

// Parses one Markdown file with front matter into a {"kind","content"} JSON text.
Result<std::string> MarkdownToRequest(const std::string& text);

}  // namespace mrc::node
