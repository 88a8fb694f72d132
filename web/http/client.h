// HttpCall: one synchronous HTTP/1.1 request to a running node, for the
// command line and tests. Opens a connection, sends the request with
// Connection: close, reads the whole response, closes.
#pragma once

#include <cstdint>
#include <string>

#include "config/foundation/status.h"
#include "web/http/http_types.h"

namespace mrc::web {

// Sends `method target` to `host_port` ("127.0.0.1:8080", "[::1]:8080",
// "localhost:8080"). A non-empty body, or any POST or PUT, is sent with
// Content-Type: application/json. `timeout_seconds` bounds the whole call.
// Any HTTP status is a successful call; errors mean no response:
// InvalidArgument for a bad address, Unavailable when nothing answers
// (connection refused, timeout), IOError when the connection fails midway
// or the response is malformed. Messages name the address.
Result<HttpResponse> HttpCall(const std::string& host_port, const std::string& method,
                              const std::string& target, const std::string& body,
                              std::uint32_t timeout_seconds = 30);

// The same, authenticated as "Authorization: Bearer TOKEN" (an API token,
// or the node's local token from its data directory's api-token file).
Result<HttpResponse> HttpCallWithToken(const std::string& host_port, const std::string& token,
                                       const std::string& method, const std::string& target,
                                       const std::string& body, std::uint32_t timeout_seconds = 30);

// The same with full control of the request: `request.headers` are sent as
// given (Content-Length and Connection are set by the call, and Host
// unless given).
Result<HttpResponse> HttpCall(const std::string& host_port, const HttpRequest& request,
                              std::uint32_t timeout_seconds = 30);

// The same over HTTPS (TLS 1.2+), trusting only the certificate whose
// SHA-256 fingerprint is `fingerprint` ("3A:7F:...", CertificateInfo): the
// node's own self-signed one, or a centre's, with no system trust store. A
// certificate that does not match fails the handshake (IOError).
Result<HttpResponse> HttpsCall(const std::string& host_port, const std::string& fingerprint,
                               const HttpRequest& request, std::uint32_t timeout_seconds = 30);

}  // namespace mrc::web
