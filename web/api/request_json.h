// Reading request bodies and writing responses, shared by the writers of
// each resource's JSON (web/api/*_json.h): every parse error is an
// InvalidArgument whose message is fit to show a user.
#pragma once

#include <initializer_list>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "config/foundation/status.h"

namespace mrc::web::api {

// A request body that must be one JSON object.
Result<nlohmann::json> ParseRequestObject(std::string_view text);
// The same for a body that may be left out: "" reads as {}.
Result<nlohmann::json> ParseOptionalRequestObject(std::string_view text);
// InvalidArgument naming the first field not in `allowed`.
Status OnlyKeys(const nlohmann::json& j, std::initializer_list<std::string_view> allowed);
// The response text; InvalidArgument if the JSON cannot be encoded.
Result<std::string> DumpResponse(const nlohmann::json& j);

}  // namespace mrc::web::api
