// App: authentication, CSRF and role checks from the route table, then the
// route's handler. See app.h for the rules.
#include "web/app/app.h"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>

#include "config/foundation/log.h"
#include "web/api/common.h"
#include "web/app/doc_api.h"
#include "web/app/login.h"
#include "web/http/forms.h"
#include "web/ui/ui.h"
#include "web/users/password_pool.h"

namespace mrc::web {
namespace {

// HEAD never gets here: App::HandleAsync runs it as a GET.
bool IsStateChanging(std::string_view method) { return method != "GET"; }

// Runs `handle`; an unexpected exception is a 500, not the end of the
// process.
template <typename F>
HttpResponse Guarded(F handle) {
  try {
    return handle();
  } catch (const std::exception& e) {
    log::Warn("http", std::string("request failed: ") + e.what());
    return ErrorResponse(500, "INTERNAL", "the request failed; see the node's log");
  }
}

}  // namespace

struct App::Impl {
  AppParts parts;
  AppState state;
  Ui ui;
  std::mutex local_mu;
  std::string local_token;                 // guarded by local_mu
  std::unique_ptr<PasswordPool> own_pool;  // when the parts name none
  PasswordPool* pool;

  explicit Impl(AppParts p) : parts(std::move(p)), ui(parts) {
    if (parts.passwords == nullptr) own_pool = std::make_unique<PasswordPool>(1, 16);
    pool = parts.passwords ? parts.passwords : own_pool.get();
    std::vector<RequestMetrics::Route> routes;
    for (const RouteRule& r : Routes()) routes.push_back({r.method, r.pattern});
    state.requests = std::make_unique<RequestMetrics>(std::move(routes));
  }

  // `respond`, counting the answer in the request metrics under the route
  // the request matched.
  Respond Timed(const HttpRequest& request, Respond respond) {
    const RouteRule* rule = FindRoute(request.method, TargetPath(request.target));
    std::size_t route =
        rule ? static_cast<std::size_t>(rule - Routes().data()) : state.requests->unmatched();
    auto start = std::chrono::steady_clock::now();
    return [metrics = state.requests.get(), route, start,
            respond = std::move(respond)](HttpResponse r) {
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      metrics->Observe(route, r.status, took.count());
      respond(std::move(r));
    };
  }
};

App::App(AppParts parts) : impl_(std::make_unique<Impl>(std::move(parts))) {}
// Jobs still queued for this App are dropped (their clients get a 500, or
// nothing once the server has stopped); running ones finish first.
App::~App() { impl_->pool->Forget(this); }

void App::SetLocalToken(std::string token) {
  std::lock_guard lock(impl_->local_mu);
  impl_->local_token = std::move(token);
}

void App::HandleAsync(HttpRequest request, Respond respond) {
  if (request.method == "HEAD") {
    // HEAD is GET without the body (the server leaves it out): it runs the
    // GET handler and nothing else, so that a handler that tells a read
    // from a write by "not GET" can never write on a HEAD, which passes no
    // CSRF check.
    request.method = "GET";
    request.body.clear();
  }
  respond = impl_->Timed(request, std::move(respond));
  bool to_pool = false;
  HttpResponse now = Guarded([&] { return HandleRequest(request, Mode::kHere, &to_pool); });
  if (!to_pool) return respond(std::move(now));
  auto held = std::make_shared<const HttpRequest>(std::move(request));
  bool queued = impl_->pool->Submit(held->ClientAddress(), this, [this, held, respond] {
    respond(Guarded([&] { return HandleRequest(*held, Mode::kPool, nullptr); }));
  });
  if (!queued) respond(Guarded([&] { return HandleRequest(*held, Mode::kBusy, nullptr); }));
}

HttpResponse App::Handle(const HttpRequest& request) {
  auto promise = std::make_shared<std::promise<HttpResponse>>();
  auto once = std::make_shared<std::atomic<bool>>(false);
  std::future<HttpResponse> answer = promise->get_future();
  HandleAsync(request, [promise, once](HttpResponse r) {
    if (!once->exchange(true)) promise->set_value(std::move(r));
  });
  try {
    return answer.get();
  } catch (const std::future_error&) {  // dropped unanswered
    return ErrorResponse(500, "INTERNAL", "the request was dropped without an answer");
  }
}

HttpResponse App::RunHandler(Call& c, Mode mode, bool* to_pool) {
  if (c.rule.password != nullptr) {
    PasswordWork work = c.rule.password(c);
    if (work.argon2) {
      if (mode == Mode::kBusy) return Busy(c.req);
      if (mode == Mode::kHere) {
        // A try that must wait is refused here, without Argon2id (the
        // handler runs where it may not hash); any other goes to the pool.
        bool early = !work.account.empty() &&
                     c.parts.users->LoginWait(work.account, c.http().ClientAddress()) > 0;
        if (!early) {
          *to_pool = true;
          return {};
        }
      }
    }
  }
  return c.rule.handler(c);
}

HttpResponse App::Busy(const PageRequest& page) {
  std::string retry = std::to_string(impl_->pool->RetryAfterSeconds());
  HttpResponse r =
      page.path.substr(0, 5) == "/api/"
          ? ErrorResponse(503, "UNAVAILABLE",
                          "the node is busy checking other passwords; try again in " + retry + " s")
          : impl_->ui.ErrorPage(page, 503, "busy");
  r.headers.emplace_back("Retry-After", retry);
  return r;
}

std::optional<Principal> App::Authenticate(const HttpRequest& r, Status* why) {
  std::string bearer = app::BearerToken(r);
  if (!bearer.empty()) {
    {
      std::lock_guard lock(impl_->local_mu);
      if (app::SameSecret(bearer, impl_->local_token))
        return Principal{"local", Role::kAdmin, "", "", true, true};
    }
    auto p = impl_->parts.users->Token(bearer);
    if (p.ok()) return *p;
    *why = p.status();
    return std::nullopt;
  }
  std::string cookie = app::CookieValue(r, kSessionCookie);
  if (cookie.empty()) {
    *why = Status::Unauthenticated("log in first (a session cookie or an API token is needed)");
    return std::nullopt;
  }
  auto p = impl_->parts.users->Session(cookie);
  if (p.ok()) return *p;
  *why = p.status();
  return std::nullopt;
}

HttpResponse App::HandleRequest(const HttpRequest& request, Mode mode, bool* to_pool) {
  Impl& s = *impl_;
  std::string_view path = TargetPath(request.target);
  // Answered in JSON, not with pages (a scraper of /metrics included).
  bool api = path.substr(0, 5) == "/api/" || path == "/metrics";
  PageRequest page;
  page.http = &request;
  page.path = std::string(path);
  page.lang = app::Language(request, nullptr);
  page.may_hash = mode == Mode::kPool;
  std::vector<std::string_view> args;

  // Routes open to anyone: no login, no page parsing (the login page
  // parses its own).
  if (const RouteRule* open = FindOpenRoute(request.method, path, &args)) {
    if (open->doc_api) return ServeDocApi(s.parts, s.state, request);
    Call c{page, s.parts, s.state, *open, std::move(args)};
    return RunHandler(c, mode, to_pool);
  }
  if (!api) {
    if (auto error = app::ParsePage(request, s.parts, &page)) return *error;
  }

  Status why;
  auto who = Authenticate(request, &why);
  if (!who) {
    if (api) return ErrorResponse(HttpStatusOf(why), why.CodeName(), why.message());
    if (request.method == "GET") return Redirect("/login?next=" + PercentEncode(request.target));
    return s.ui.LoginPage(page, 401, "login.expired", "/");
  }
  page.who = &*who;
  page.lang = app::Language(request, &*who);

  const RouteRule* rule = FindRoute(request.method, path, &args);
  if (rule == nullptr) {
    if (PathHasRoute(path)) {
      std::string message = request.method.substr(0, 20) + " is not allowed here";
      return api ? ErrorResponse(405, "METHOD_NOT_ALLOWED", message)
                 : s.ui.ErrorPage(page, 405, message);
    }
    return api ? ErrorResponse(404, "NOT_FOUND",
                               "no such path: " + std::string(path.substr(0, 200)))
               : s.ui.ErrorPage(page, 404, "not_found");
  }
  if (IsStateChanging(request.method) && !who->api_token) {
    std::string sent =
        api ? (request.Header(std::string(kCsrfHeader)) ? *request.Header(std::string(kCsrfHeader))
                                                        : std::string())
            : Param(page.form, kCsrfField);
    if (!app::SameSecret(sent, who->csrf) || !app::OriginAllowed(request)) {
      if (api) {
        return ErrorResponse(
            403, "CSRF", "missing or wrong CSRF token (send the session's token in X-CSRF-Token)");
      }
      return s.ui.ErrorPage(page, 403, "csrf");
    }
  }
  if (rule->role && static_cast<int>(who->role) < static_cast<int>(*rule->role)) {
    std::string msg = "this needs the " + std::string(RoleName(*rule->role)) + " role; " +
                      who->user + " is " + std::string(RoleName(who->role));
    return api ? ErrorResponse(403, "PERMISSION_DENIED", msg) : s.ui.ErrorPage(page, 403, "role");
  }
  // Every API body is JSON (the document routes check it in their own
  // order, after the path's ids).
  if (api && !rule->doc_api && (request.method == "POST" || request.method == "PUT") &&
      !web::api::IsJsonContentType(request.Header("content-type")))
    return web::api::UnsupportedMediaType();
  Call c{page, s.parts, s.state, *rule, std::move(args)};
  return RunHandler(c, mode, to_pool);
}

}  // namespace mrc::web
