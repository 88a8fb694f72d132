#include "web/api/common.h"

#include <cctype>
#include <charconv>
#include <exception>
#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"
#include "config/foundation/log.h"

namespace mrc::web::api {
namespace {

using nlohmann::json;

HttpResponse Checked(Call& c, RouteHandler handler, bool takes_query) {
  if (c.rule.check != nullptr) {
    if (Status s = c.rule.check(c); !s.ok()) return ErrorResponse(404, "NOT_FOUND", s.message());
  }
  const std::string& method = c.method();
  if ((method == "POST" || method == "PUT") &&
      !IsJsonContentType(c.http().Header("content-type"))) {
    return UnsupportedMediaType();
  }
  if (!takes_query) {
    if (auto q = ParseQuery(TargetQuery(c.http().target), {}); !q.ok())
      return JsonError(q.status());
  }
  return handler(c);
}

}  // namespace

// True when the media type (before any ";" parameters) is application/json.
bool IsJsonContentType(const std::string* value) {
  if (value == nullptr) return false;
  std::string_view v = *value;
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (v.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(v[i])) != kJson[i]) return false;
  }
  return true;
}

HttpResponse UnsupportedMediaType() {
  return ErrorResponse(415, "UNSUPPORTED_MEDIA_TYPE",
                       "the request body must be JSON, sent with Content-Type: application/json");
}

HttpResponse Json(int status, const json& j) {
  return JsonText(status, j.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse JsonError(const Status& s) {
  return ErrorResponse(HttpStatusOf(s), s.CodeName(), s.message());
}

HttpResponse JsonText(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  AddStandardHeaders(&r);
  return r;
}

HttpResponse FromResult(Result<std::string> r, int ok_status) {
  if (!r.ok()) return JsonError(r.status());
  return JsonText(ok_status, std::move(r).value());
}

Result<json> ParseBody(const HttpRequest& r) {
  if (!JsonNestsAtMost(r.body, kMaxJsonNesting))
    return Status::InvalidArgument("the body nests deeper than " + std::to_string(kMaxJsonNesting) +
                                   " levels");
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  return j;
}

Result<std::uint32_t> ParseCount(const Params& q, std::string_view name, std::uint32_t dflt) {
  std::string s = Param(q, name);
  if (s.empty()) return dflt;
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return Status::InvalidArgument("query parameter " + std::string(name) +
                                   " must be a whole number");
  return v;
}

bool IsHexId(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

HttpResponse RunService(Call& c, RouteHandler handler, bool takes_query) {
  HttpResponse res;
  try {
    res = Checked(c, handler, takes_query);
  } catch (const std::exception& e) {
    res = ErrorResponse(500, "INTERNAL", std::string("internal error: ") + e.what());
  }
  if (res.status >= 500) {
    const HttpRequest& r = c.http();
    log::Warn("api", r.method + " " + r.target.substr(0, 200) + " -> " +
                         std::to_string(res.status) + ": " + res.body);
  }
  return res;
}

}  // namespace mrc::web::api
