// HttpCall, HttpsCall: a synchronous client built from Beast's asynchronous operations,
// because only those honour tcp_stream's deadline; each step runs the
// private io_context until its one operation completes.
#include "web/http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <type_traits>
#include <vector>

#include "config/config.h"
#include "web/http/tls.h"

namespace mrc::web {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
namespace ssl = net::ssl;

// Big enough for any list page the API returns.
constexpr std::uint64_t kResponseLimit = 256u << 20;

// Runs `ioc` until the one operation started on it completes.
void RunOne(net::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

Status Failure(const std::string& address, const std::string& step, beast::error_code ec,
               std::uint32_t timeout_seconds) {
  if (ec == beast::error::timeout) {
    return Status::Unavailable(address + ": no response within " + std::to_string(timeout_seconds) +
                               " s (" + step + ")");
  }
  if (step == "connecting" &&
      (ec == net::error::connection_refused || ec == net::error::host_unreachable ||
       ec == net::error::network_unreachable)) {
    return Status::Unavailable("cannot connect to " + address + ": " + ec.message() +
                               " (is the node running?)");
  }
  return Status::IOError(address + ": " + step + ": " + ec.message());
}

Result<std::vector<tcp::endpoint>> Resolve(net::io_context& ioc, const config::HostPort& hp,
                                           const std::string& address) {
  beast::error_code ec;
  auto ip = net::ip::make_address(hp.host, ec);
  if (!ec) return std::vector<tcp::endpoint>{tcp::endpoint(ip, hp.port)};
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(hp.host, std::to_string(hp.port), ec);
  if (ec || results.empty()) {
    return Status::Unavailable("cannot resolve " + address + ": " + ec.message());
  }
  std::vector<tcp::endpoint> out;
  for (const auto& r : results) out.push_back(r.endpoint());
  return out;
}

http::request<http::string_body> MakeRequest(const std::string& host_port,
                                             const HttpRequest& request) {
  http::request<http::string_body> req;
  http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(request.target);
  req.version(11);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (req.count(http::field::host) == 0) req.set(http::field::host, host_port);
  if (req.count(http::field::user_agent) == 0) req.set(http::field::user_agent, "mrcnode");
  req.keep_alive(false);
  req.body() = request.body;
  req.prepare_payload();
  return req;
}

HttpResponse FromBeast(http::response<http::string_body>&& res) {
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string(res[http::field::content_type]);
  for (const auto& field : res) {
    if (field.name() == http::field::content_type) continue;
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  return out;
}

// Trusts the one certificate whose fingerprint is `fingerprint`, whoever
// signed it: the node's own is self-signed, and a centre's CA is in no
// system trust store.
std::unique_ptr<ssl::context> PinnedContext(const std::string& fingerprint) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(ssl::verify_peer);
  ctx->set_verify_callback([fingerprint](bool, ssl::verify_context& vc) {
    X509_STORE_CTX* store = vc.native_handle();
    if (X509_STORE_CTX_get_error_depth(store) > 0) return true;  // the leaf decides
    X509* cert = X509_STORE_CTX_get_current_cert(store);
    unsigned char* der = nullptr;
    int len = i2d_X509(cert, &der);
    if (len <= 0) return false;
    std::string seen = FingerprintOfDer(
        std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)));
    OPENSSL_free(der);
    return seen == fingerprint;
  });
  return ctx;
}

// Connects (and over TLS, shakes hands), sends `request` and reads the
// response; each step runs `ioc` until its one operation completes.
template <class Stream>
Result<HttpResponse> Exchange(net::io_context& ioc, Stream& stream,
                              const std::vector<tcp::endpoint>& endpoints,
                              const std::string& host_port, const HttpRequest& request,
                              const std::string& address, std::uint32_t timeout_seconds) {
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(std::chrono::seconds(timeout_seconds));  // for the whole call
  beast::error_code ec;
  lowest.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  RunOne(ioc);
  if (ec) return Failure(address, "connecting", ec, timeout_seconds);
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    stream.async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    RunOne(ioc);
    if (ec)
      return Failure(address, "TLS handshake (is it the node's certificate?)", ec, timeout_seconds);
  }

  auto req = MakeRequest(host_port, request);
  http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
  RunOne(ioc);
  // A server may answer before reading the whole body (413) and stop
  // reading; its answer is still worth reading.
  beast::error_code write_ec = ec;

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kResponseLimit);
  parser.skip(req.method() == http::verb::head);  // Content-Length without a body
  http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  RunOne(ioc);
  if (ec) {
    if (write_ec) return Failure(address, "sending the request", write_ec, timeout_seconds);
    return Failure(address, "reading the response", ec, timeout_seconds);
  }
  lowest.socket().shutdown(tcp::socket::shutdown_both, ec);
  return FromBeast(parser.release());
}

Result<HttpResponse> Call(const std::string& host_port, const std::string& fingerprint,
                          const HttpRequest& request, std::uint32_t timeout_seconds) {
  auto hp = config::ParseHostPort(host_port, /*allow_port_zero=*/false);
  if (!hp.ok()) return hp.status().Annotate("HTTP address");
  const std::string address = hp->ToString();
  try {
    net::io_context ioc;
    MRC_ASSIGN_OR_RETURN(auto endpoints, Resolve(ioc, *hp, address));
    if (fingerprint.empty()) {
      beast::tcp_stream stream(ioc);
      return Exchange(ioc, stream, endpoints, host_port, request, address, timeout_seconds);
    }
    auto ctx = PinnedContext(fingerprint);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, *ctx);
    beast::error_code ec;
    if (net::ip::make_address(hp->host, ec); ec) {
      SSL_set_tlsext_host_name(stream.native_handle(), hp->host.c_str());  // SNI
    }
    return Exchange(ioc, stream, endpoints, host_port, request, address, timeout_seconds);
  } catch (const std::exception& e) {
    return Status::IOError(address + ": " + e.what());
  }
}

}  // namespace

Result<HttpResponse> HttpCall(const std::string& host_port, const HttpRequest& request,
                              std::uint32_t timeout_seconds) {
  return Call(host_port, "", request, timeout_seconds);
}

Result<HttpResponse> HttpsCall(const std::string& host_port, const std::string& fingerprint,
                               const HttpRequest& request, std::uint32_t timeout_seconds) {
  if (fingerprint.empty()) return Status::InvalidArgument("HTTPS call: no certificate fingerprint");
  return Call(host_port, fingerprint, request, timeout_seconds);
}

namespace {

HttpRequest JsonRequest(const std::string& method, const std::string& target,
                        const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.headers["content-type"] = "application/json";
  }
  return request;
}

}  // namespace

Result<HttpResponse> HttpCall(const std::string& host_port, const std::string& method,
                              const std::string& target, const std::string& body,
                              std::uint32_t timeout_seconds) {
  return HttpCall(host_port, JsonRequest(method, target, body), timeout_seconds);
}

Result<HttpResponse> HttpCallWithToken(const std::string& host_port, const std::string& token,
                                       const std::string& method, const std::string& target,
                                       const std::string& body, std::uint32_t timeout_seconds) {
  HttpRequest request = JsonRequest(method, target, body);
  request.headers["authorization"] = "Bearer " + token;
  return HttpCall(host_port, request, timeout_seconds);
}

}  // namespace mrc::web
