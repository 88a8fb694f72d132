#include "web/http/http_types.h"

#include <nlohmann/json.hpp>

namespace mrc::web {

void AddStandardHeaders(HttpResponse* response) {
  // Responses are JSON data, never documents to render or cache: forbid
  // sniffing, framing, every fetch from a rendered response, caching, and
  // leaking the URL to other sites.
  static const std::pair<const char*, const char*> kHeaders[] = {
      {"X-Content-Type-Options", "nosniff"},
      {"Cache-Control", "no-store"},
      {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
      {"Referrer-Policy", "no-referrer"},
  };
  for (const auto& [name, value] : kHeaders) {
    if (response->Header(name) == nullptr) response->headers.emplace_back(name, value);
  }
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  HttpResponse r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  AddStandardHeaders(&r);
  return r;
}

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return 200;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kConflict:
      return 409;
    case Status::Code::kPermissionDenied:
      return 403;
    case Status::Code::kUnavailable:
      return 503;
    case Status::Code::kUnauthenticated:
      return 401;
    case Status::Code::kResourceExhausted:
      return 429;
    default:
      return 500;
  }
}

}  // namespace mrc::web
