// The JSON request and response plumbing shared by DocService and
// TrustService (internal to sync/): every parse error is an InvalidArgument
// whose message is fit to show a user.
#pragma once

#include <initializer_list>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::sync {

// A request body that must be one JSON object.
Result<nlohmann::json> ParseRequestObject(std::string_view text);
// The same for a body that may be left out: "" reads as {}.
Result<nlohmann::json> ParseOptionalRequestObject(std::string_view text);
// InvalidArgument naming the first field not in `allowed`.
Status OnlyKeys(const nlohmann::json& j, std::initializer_list<std::string_view> allowed);
// 64 hex characters; `what` names it in the error ("document id", "key").
Result<Hash32> ParseHexId(std::string_view text, std::string_view what);
// The response text; InvalidArgument if the JSON cannot be encoded.
Result<std::string> DumpResponse(const nlohmann::json& j);

}  // namespace mrc::sync
