#include "sync/content/translation.h"

#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"
#include "sync/log/log.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

std::string Field(const json& content, const char* name) {
  auto it = content.find(name);
  return it != content.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<Hash32> IdOf(const std::string& hex) {
  auto id = ParseHexId(hex, "id");
  if (!id.ok()) return std::nullopt;
  return *id;
}

// The source document, or nullopt when it is not held here or is not a
// document of `kind`.
Result<std::optional<DocState>> SourceOf(Log& log, Kind kind, const Hash32& id) {
  auto doc = log.GetDoc(id);
  if (!doc.ok()) {
    if (doc.status().code() == Status::Code::kNotFound) return std::optional<DocState>();
    return doc.status();
  }
  if (doc->kind != kind) return std::optional<DocState>();
  return std::optional<DocState>(std::move(*doc));
}

// The content of a version of `doc` applied here, or nullopt.
Result<std::optional<std::string>> ContentAt(Log& log, const Hash32& doc, const Hash32& version) {
  auto v = log.GetVersion(version);
  if (!v.ok()) {
    if (v.status().code() == Status::Code::kNotFound) return std::optional<std::string>();
    return v.status();
  }
  if (v->doc != doc || v->effect != Effect::kApplied || v->entry.op != Op::kPut)
    return std::optional<std::string>();
  return std::optional<std::string>(std::move(v->payload));
}

}  // namespace

Result<std::optional<TranslationState>> TranslationOf(Log& log, Kind kind, const json& content,
                                                      bool with_contents) {
  if (!content.is_object() || !content.contains("translation_of"))
    return std::optional<TranslationState>();
  TranslationState t;
  t.source = Field(content, "translation_of");
  t.source_version = Field(content, "source_version");
  auto source_id = IdOf(t.source);
  auto version_id = IdOf(t.source_version);
  std::optional<DocState> source;
  if (source_id) {
    MRC_ASSIGN_OR_RETURN(source, SourceOf(log, kind, *source_id));
  }
  if (!source || !version_id) {
    t.source_missing = true;
    t.stale = true;
    return std::optional<TranslationState>(std::move(t));
  }
  t.source_deleted = source->deleted();
  t.source_conflict = source->conflict();
  if (!t.source_deleted) t.source_current = ToHex(source->winner.id);
  t.stale =
      t.source_deleted || source->heads.size() != 1 || source->heads.front().id != *version_id;
  if (!t.source_deleted) {
    MRC_ASSIGN_OR_RETURN(auto now, ContentAt(log, *source_id, source->winner.id));
    if (now) {
      json parsed = json::parse(*now, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_object()) t.source_language = Field(parsed, "language");
    }
    if (with_contents) t.source_now = std::move(now);
  }
  if (with_contents) {
    MRC_ASSIGN_OR_RETURN(t.source_then, ContentAt(log, *source_id, *version_id));
  }
  return std::optional<TranslationState>(std::move(t));
}

Status CompleteTranslation(Log& log, Kind kind, const Hash32* self, json* content) {
  if (!content->is_object() || !content->contains("translation_of")) return Status::Ok();
  auto source_id = IdOf(Field(*content, "translation_of"));
  if (!source_id) {
    return Status::InvalidArgument(
        "content.translation_of: must be a document id (64 lowercase hex characters)");
  }
  if (self && *self == *source_id) {
    return Status::InvalidArgument("content.translation_of: a document cannot translate itself");
  }
  MRC_ASSIGN_OR_RETURN(auto source, SourceOf(log, kind, *source_id));
  if (!source) {
    return Status::InvalidArgument("content.translation_of: no " + std::string(KindName(kind)) +
                                   " document " + ToHex(*source_id) + " here");
  }
  if (source->deleted()) {
    return Status::InvalidArgument("content.translation_of: document " + ToHex(*source_id) +
                                   " is deleted");
  }
  if (!content->contains("source_version")) {
    (*content)["source_version"] = ToHex(source->winner.id);
  } else if (auto version = IdOf(Field(*content, "source_version")); version) {
    MRC_ASSIGN_OR_RETURN(auto then, ContentAt(log, *source_id, *version));
    if (!then) {
      return Status::InvalidArgument("content.source_version: not a version of document " +
                                     ToHex(*source_id));
    }
  }
  return Status::Ok();
}

}  // namespace mrc::sync
