#include "web/api/request_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"

namespace mrc::web::api {

using nlohmann::json;

Result<json> ParseRequestObject(std::string_view text) {
  if (!JsonNestsAtMost(text, kMaxJsonNesting))
    return Status::InvalidArgument("request body nests deeper than " +
                                   std::to_string(kMaxJsonNesting) + " levels");
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("request body is not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  return j;
}

Result<json> ParseOptionalRequestObject(std::string_view text) {
  if (text.empty()) return json::object();
  return ParseRequestObject(text);
}

Status OnlyKeys(const json& j, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Status::InvalidArgument("unknown field '" + key + "' in request");
    }
  }
  return Status::Ok();
}

Result<std::string> DumpResponse(const json& j) {
  try {
    return j.dump();
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("cannot encode response: ") + e.what());
  }
}

}  // namespace mrc::web::api
