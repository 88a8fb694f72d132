// HttpRequest and HttpResponse: what the transport (server.h, client.h) and
// the request handlers (api.h) exchange. Plain values with no Beast or Asio,
// so handlers can be written and tested without a socket.
#pragma once

#include <cctype>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/foundation/status.h"

namespace mrc::web {

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent (methods are case-sensitive)
  std::string target;  // origin-form: "/api/v1/docs?kind=faq", not decoded
  // Header names in lowercase; a header sent several times is joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;
  std::string remote;  // the client's address ("127.0.0.1:53412", "[::1]:53412"), set by the server
  bool tls = false;    // whether it came over HTTPS, set by the server

  // The client's address without its port ("127.0.0.1", "::1"), for
  // per-client limits.
  std::string ClientAddress() const {
    if (!remote.empty() && remote.front() == '[') {
      auto close = remote.find(']');
      return close == std::string::npos ? remote : remote.substr(1, close - 1);
    }
    auto colon = remote.rfind(':');
    return colon == std::string::npos ? remote : remote.substr(0, colon);
  }

  // The value of header `lowercase_name`, or nullptr.
  const std::string* Header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct HttpResponse {
  int status = 200;  // 100 .. 599; the server answers 500 for anything else
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  // Headers besides Content-Type, Content-Length and Connection (which the
  // transport sets), in canonical case: {"Location", "/api/v1/docs/..."}.
  std::vector<std::pair<std::string, std::string>> headers;

  // The value of a header, matched case-insensitively, or nullptr.
  const std::string* Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < k.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(k[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) return &v;
    }
    return nullptr;
  }
};

// Hands over the response to one request: callable from any thread, once
// (later calls are ignored). A handler that answers later, from another
// thread, keeps it until then.
using Respond = std::function<void(HttpResponse)>;

// The security and caching headers every response carries (nosniff, no-store,
// a CSP that forbids everything, no referrer). Adds those not already set.
void AddStandardHeaders(HttpResponse* response);

// A JSON error response: {"error":{"code":"NOT_FOUND","message":"..."}} with
// the standard headers. `message` may hold any bytes (invalid UTF-8 is
// replaced), so it can quote user input.
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);

// The HTTP status for a Status code: InvalidArgument 400, NotFound 404,
// Conflict 409, PermissionDenied 403, Unavailable 503, Unauthenticated 401,
// ResourceExhausted 429, anything else 500.
int HttpStatusOf(const Status& status);

}  // namespace mrc::web
