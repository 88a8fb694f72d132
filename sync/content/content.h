// What a document of each kind may contain, checked when it is written and
// again when any node applies it (the rules travel with the data).
//
// Content is a JSON object with a fixed set of fields per kind; an unknown
// field, a missing required field or a value of the wrong shape is refused
// with a message naming the field. See docs/architecture.md, "Document kinds".
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "sync/log/entry.h"

namespace mrc::sync {

// How a content field is written, and checked when any node applies it.
enum class FieldShape {
  kText,      // one line of text, <= 500 characters
  kMarkdown,  // long text, <= 256 KiB
  kTextList,  // list of <= 64 texts
  kSlugList,  // list of lowercase slugs
  kSlug,      // [a-z0-9-], <= 64
  kLanguage,  // "en", "pt-BR", "sr-Latn"
  kCountry,   // ISO 3166-1 alpha-2, uppercase
  kCountryList,
  kDate,   // YYYY-MM-DD
  kTopic,  // one of GuideTopics()
  kTopicList,
  kUrgency,   // low | normal | high | urgent
  kLocation,  // an object: ObjectFields(kLocation)
  kContact,   // an object: ObjectFields(kContact)
  kBool,
  kIdList,     // list of document ids (64 lowercase hex)
  kId,         // one document or version id (64 lowercase hex)
  kLatitude,   // a number within +-90
  kLongitude,  // a number within +-180
};

struct ContentField {
  const char* name;
  FieldShape shape;
  bool required;
};

// The fields a document of this kind may have, in the order a form shows
// them (none for the statement kinds). Forms and validation both read this
// one list. Every document kind has `edited_by`: the name of the staff
// member who signed the version, set by the node that signs it (DocService),
// never by a form.
const std::vector<ContentField>& ContentFields(Kind kind);
// The fields inside an object-shaped field (kLocation, kContact); none for
// other shapes.
const std::vector<ContentField>& ObjectFields(FieldShape shape);

// The content field that names who signed a version (see ContentFields).
inline constexpr const char* kEditedByField = "edited_by";

// The fixed topics every destination guide covers, in reading order.
const std::vector<std::string_view>& GuideTopics();
// ISO 3166-1 alpha-2 codes, upper case, and XK (Kosovo, in general use
// though not assigned by ISO), so that "XX" or a typo is refused.
bool IsCountryCode(std::string_view code);

// InvalidArgument naming the offending field when `content` is not valid.
Status ValidateContent(Kind kind, const nlohmann::json& content);
// Validates and returns the canonical text (sorted keys, no whitespace): the
// payload bytes that get signed.
Result<std::string> CanonicalContent(Kind kind, const nlohmann::json& content);
// Parses payload bytes of a document kind and validates them (the other
// kinds' payloads are checked by their own rules).
Status ValidatePayload(Kind kind, std::string_view payload);
// The payload of an entry of this kind and op: content for a put or a
// proposal, {"reason"} for a decline, nothing for a delete.
Status ValidateEntryPayload(Kind kind, Op op, std::string_view payload);
// True only if ValidatePayload accepts this document content; false when
// it is invalid or when the one-pass check does not handle its form (the
// full check decides then). Exposed for tests that compare the two.
bool QuickAccept(Kind kind, std::string_view payload);
// A guide payload marked "authoritative": true (set by headquarters only).
bool GuideIsAuthoritative(std::string_view payload);

}  // namespace mrc::sync
