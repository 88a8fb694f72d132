// What the JSON API's handlers share (internal to web/api/): JSON answers
// and errors, reading bodies and counts, and the way the document and
// membership routes run.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "config/foundation/status.h"
#include "web/http/forms.h"
#include "web/http/http_types.h"
#include "web/route/route.h"

namespace mrc::web::api {

HttpResponse Json(int status, const nlohmann::json& j);
HttpResponse JsonError(const Status& s);
// A body that is already JSON text, with the standard headers.
HttpResponse JsonText(int status, std::string body);
// A service's answer: its JSON text with `ok_status`, or its error.
HttpResponse FromResult(Result<std::string> r, int ok_status = 200);
// A service's value as the API's JSON (written by `write`, with
// `ok_status`), or the service's error.
template <typename T>
HttpResponse Answer(const Result<T>& r, Result<std::string> (*write)(const T&),
                    int ok_status = 200) {
  if (!r.ok()) return JsonError(r.status());
  return FromResult(write(*r), ok_status);
}
// The body as a JSON object (InvalidArgument otherwise, or when it nests
// deeper than kMaxJsonNesting).
Result<nlohmann::json> ParseBody(const HttpRequest& r);
// True when the media type (before any ";" parameters) is application/json.
bool IsJsonContentType(const std::string* value);
// The 415 of a POST or PUT whose body is not declared JSON.
HttpResponse UnsupportedMediaType();
// A whole number in the query, `dflt` when absent.
Result<std::uint32_t> ParseCount(const Params& q, std::string_view name, std::uint32_t dflt);
// 64 lowercase hex characters.
bool IsHexId(std::string_view s);

// The document and membership routes (web/api/handlers.h, members.h) run the
// same way, each check with its own status so that a client can tell its
// mistakes apart: the path's ids (404), the media type of a POST or PUT
// (415), the query string (400; only the routes that take one read it),
// then the service, whose Status code picks the HTTP status. An
// exception is a 500, and every 5xx is logged.
HttpResponse RunService(Call& c, RouteHandler handler, bool takes_query);
template <RouteHandler kHandler, bool kTakesQuery = false>
HttpResponse Service(Call& c) {
  return RunService(c, kHandler, kTakesQuery);
}

}  // namespace mrc::web::api
