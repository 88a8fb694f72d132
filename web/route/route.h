// Routes: what a request is matched against and what its handler gets.
//
// Every route of the node, HTML and API, is one RouteRule in one table
// (web/app/routes.cc): its method, its path pattern, the least role it
// needs and its handler, declared together. The App matches a request
// against the table once, checks login, CSRF and role from the rule, and
// calls the rule's handler with a Call; nothing else matches paths.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "web/http/forms.h"
#include "web/http/http_types.h"
#include "web/route/parts.h"
#include "web/route/request_metrics.h"
#include "web/text/body_cache.h"
#include "web/users/users.h"

namespace mrc::web {

// What a handler needs to know about the request.
struct PageRequest {
  const HttpRequest* http = nullptr;
  std::string path;
  Params query;                    // a page's query string (the API parses its own)
  Params form;                     // a page's POST fields
  const Principal* who = nullptr;  // null on open routes
  std::string lang;                // interface language
  // The handler runs on the password pool, where a password may be checked
  // or hashed (Argon2id). Elsewhere Users refuses a check as too early.
  bool may_hash = false;

  // The name the staff member signs a change with (content's `edited_by`):
  // the logged-in user's display name; "" on open routes and for the
  // node's local token.
  std::string signer() const { return who ? who->display_name : std::string(); }
};

// What the App keeps between requests for its handlers.
struct AppState {
  BodyCache search_answers;  // GET /api/v1/search answers
  // Requests answered, by route (GET /metrics); none outside an App.
  std::unique_ptr<RequestMetrics> requests;
};

struct RouteRule;

// One request on its way to its handler.
struct Call {
  const PageRequest& req;
  const AppParts& parts;
  AppState& state;
  const RouteRule& rule;
  // The values of the pattern's variables ("{id}", or the rest of the
  // path for a final "*"), in order, as sent (not percent-decoded).
  std::vector<std::string_view> args;

  const HttpRequest& http() const { return *req.http; }
  const std::string& method() const { return req.http->method; }
  std::string Arg(std::size_t i) const { return i < args.size() ? std::string(args[i]) : ""; }
};

using RouteHandler = HttpResponse (*)(Call& call);

// The Argon2id work a request will make its handler do, read from the
// request before the handler runs (route rules name the function).
struct PasswordWork {
  bool argon2 = false;  // it checks or hashes a password: it runs on the password pool
  std::string account;  // whose password it checks, if it does: tried too early, it runs at once
};
using PasswordWorkOf = PasswordWork (*)(const Call& call);

// The Retry-After of a refused password try (ResourceExhausted from
// Users): the seconds before `account`'s password may be tried again from
// the request's address, at least 1.
std::string LoginRetryAfter(Users& users, std::string_view account, const HttpRequest& request);

// One route, with the least role it needs (nullopt: open to anyone).
struct RouteRule {
  const char* method;   // "GET", "POST", ...
  const char* pattern;  // "/docs/{id}/edit"; "{x}" is one path segment, a final "*" the rest
  std::optional<Role> role;
  RouteHandler handler;
  // What the path's variables must be (NotFound, with a message naming
  // the bad one, otherwise); checked before the method, so that a bad id
  // is a 404 whatever the method. nullptr: anything.
  Status (*check)(const Call& call) = nullptr;
  // Part of the document and membership API that Api (web/app/doc_api.h)
  // also serves without login.
  bool doc_api = false;
  // An open route that answers every method itself (with its own 405).
  bool any_method = false;
  // For a route that checks or hashes passwords: what a request will cost.
  PasswordWorkOf password = nullptr;
};

// Whether `path` matches `pattern`; on a match, the variables' values are
// appended to `args` (when given).
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::vector<std::string_view>* args = nullptr);

}  // namespace mrc::web
