#include "web/app/doc_api.h"

#include <string>
#include <vector>

#include "web/app/app.h"
#include "web/http/forms.h"

namespace mrc::web {

HttpResponse ServeDocApi(const AppParts& parts, AppState& state, const HttpRequest& request) {
  std::string_view path = TargetPath(request.target);
  PageRequest page;
  page.http = &request;
  page.path = std::string(path);
  const RouteRule* other = nullptr;  // the first rule for the path, of another method
  std::vector<std::string_view> other_args;
  std::string allow;
  for (const RouteRule& rule : Routes()) {
    if (!rule.doc_api) continue;
    std::vector<std::string_view> args;
    if (!MatchPattern(rule.pattern, path, &args)) continue;
    if (request.method == rule.method) {
      Call c{page, parts, state, rule, std::move(args)};
      return rule.handler(c);
    }
    if (other == nullptr) {
      other = &rule;
      other_args = std::move(args);
    }
    allow += (allow.empty() ? "" : ", ") + std::string(rule.method);
  }
  if (other == nullptr)
    return ErrorResponse(404, "NOT_FOUND", "no such path: " + std::string(path.substr(0, 200)));
  Call c{page, parts, state, *other, std::move(other_args)};
  if (other->check != nullptr) {
    if (Status s = other->check(c); !s.ok()) return ErrorResponse(404, "NOT_FOUND", s.message());
  }
  HttpResponse r = ErrorResponse(405, "METHOD_NOT_ALLOWED",
                                 "method " + request.method.substr(0, 20) + " is not allowed on " +
                                     std::string(path) + " (allowed: " + allow + ")");
  r.headers.emplace_back("Allow", allow);
  return r;
}

HttpResponse Api::Handle(const HttpRequest& request) {
  return ServeDocApi(parts_, state_, request);
}

}  // namespace mrc::web
