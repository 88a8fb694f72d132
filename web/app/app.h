// App: the node's whole HTTP surface (the HTML UI, the JSON API, the
// embedded assets) behind login, roles and CSRF checks.
//
// Every request except the login page, the assets and /healthz needs a
// principal: a session cookie (browsers), an API token, or the node's own
// local token (its command line), both as "Authorization: Bearer ...".
// A state-changing request (POST, PUT, DELETE, PATCH) made with a session
// cookie must also carry the session's CSRF token (form field "csrf" or
// header X-CSRF-Token) and, when the browser sends one, an Origin of this
// node; bearer tokens are not sent by browsers on their own, so they need
// neither. The role each route needs is in the route table (Routes()),
// with its handler, checked before the handler runs.
//
// A request whose handler checks or hashes a password (a login, changing
// one's password, adding a user) runs on the password pool
// (AppParts::passwords), not on the caller's thread, so that Argon2id work
// never holds an HTTP thread; when the pool's queue is full it is answered
// 503 with Retry-After at once. A password try that must wait (Users'
// login delays) is refused at once, without queueing.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "web/http/http_types.h"
#include "web/route/parts.h"
#include "web/route/route.h"
#include "web/users/users.h"

namespace mrc::web {

class App {
 public:
  explicit App(AppParts parts);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Accepts `token` as an admin API token named "local" (the node writes it
  // to its data directory for its own command line).
  void SetLocalToken(std::string token);

  // Thread-safe; never throws. Answers through `respond`, at once or from
  // the password pool.
  void HandleAsync(HttpRequest request, Respond respond);
  // The same, waiting for the answer (tests, fuzz targets).
  HttpResponse Handle(const HttpRequest& request);

 private:
  // Where a request's handler runs.
  enum class Mode {
    kHere,  // the caller's thread, unless it needs the pool (then *to_pool)
    kPool,  // the password pool
    kBusy,  // nowhere: the pool refused it, the answer is 503
  };
  HttpResponse HandleRequest(const HttpRequest& request, Mode mode, bool* to_pool);
  HttpResponse RunHandler(Call& c, Mode mode, bool* to_pool);
  HttpResponse Busy(const PageRequest& page);
  std::optional<Principal> Authenticate(const HttpRequest& r, Status* why);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Every route of the node, HTML and API, with its role and handler
// (web/app/routes.cc); the first rule that matches a request decides.
std::span<const RouteRule> Routes();
// The rule for a request, with its path's variables in `args`, or nullptr:
// a request no rule names is refused (404, or 405 when the path has rules
// for other methods) before any handler sees it, so a route added without
// a rule is closed, not open.
const RouteRule* FindRoute(std::string_view method, std::string_view path,
                           std::vector<std::string_view>* args = nullptr);
// The open rule (no role) that answers a request before login: one of its
// method, else one for the path that answers every method itself.
const RouteRule* FindOpenRoute(std::string_view method, std::string_view path,
                               std::vector<std::string_view>* args);
// Whether any rule names the path, whatever the method.
bool PathHasRoute(std::string_view path);

// Names of the session and CSRF pieces, for clients and tests.
inline constexpr std::string_view kSessionCookie = "mrc_session";
inline constexpr std::string_view kCsrfField = "csrf";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

}  // namespace mrc::web
