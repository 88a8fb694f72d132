// Files compiled into the binary (web/ui/assets and web/ui/i18n): the node
// serves its UI with nothing loaded from disk or from elsewhere.
#pragma once

#include <span>
#include <string_view>

namespace mrc::web {

struct EmbeddedFile {
  std::string_view name;  // path under web/ui/: "assets/style.css", "i18n/fr.json"
  std::string_view data;
};

std::span<const EmbeddedFile> EmbeddedFiles();

// nullptr when absent.
inline const EmbeddedFile* FindEmbedded(std::string_view name) {
  for (const auto& f : EmbeddedFiles()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace mrc::web
