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

#include "config/base/status.h"
#include "sync/entry.h"

namespace mrc::sync {

// The fixed topics every destination guide covers, in reading order.
const std::vector<std::string_view>& GuideTopics();

// InvalidArgument naming the offending field when `content` is not valid.
Status ValidateContent(Kind kind, const nlohmann::json& content);
// Validates and returns the canonical text (sorted keys, no whitespace): the
// payload bytes that get signed.
Result<std::string> CanonicalContent(Kind kind, const nlohmann::json& content);
// Parses payload bytes and validates them. The statement kinds (member,
// receipt) are checked by their own parsers (sync/trust.h).
Status ValidatePayload(Kind kind, std::string_view payload);
// The payload of an entry of this kind and op: content for a put or a
// proposal, {"reason"} for a decline, nothing for a delete.
Status ValidateEntryPayload(Kind kind, Op op, std::string_view payload);
// A guide payload marked "authoritative": true (set by headquarters only).
bool GuideIsAuthoritative(std::string_view payload);

}  // namespace mrc::sync
