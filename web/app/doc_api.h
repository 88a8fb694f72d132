// Api: the document and membership routes of the route table (those
// marked doc_api: /healthz, /api/v1/docs..., digest, status, members,
// receipts and acknowledgements) without login, roles or CSRF: for tests
// and for tools that hold a DocService themselves. The App serves the same
// routes, with their handlers, behind its checks. See web/api/handlers.h and
// web/app/routes.cc for the routes.
//
// A request goes through four checks before DocService sees it, each with
// its own status so a client can tell its mistakes apart: path (404, a
// malformed id included), method (405, with an Allow header), media type
// (415), query string (400).
#pragma once

#include <functional>

#include "config/foundation/status.h"
#include "web/http/http_types.h"
#include "web/route/route.h"

namespace mrc::sync {
class DocService;
class TrustService;
}  // namespace mrc::sync

namespace mrc::web {

class Api {
 public:
  // `docs` is not owned and must outlive the Api.
  explicit Api(sync::DocService* docs) { parts_.docs = docs; }

  // Thread-safe (DocService is); never throws.
  HttpResponse Handle(const HttpRequest& request);

  // What GET /api/v1/status answers; set before serving.
  void SetStatusSource(std::function<Result<NodeStatus>()> source) {
    parts_.status = std::move(source);
  }
  // Membership and receipts (not owned); set before serving.
  void SetTrustService(sync::TrustService* trust) { parts_.trust = trust; }

 private:
  AppParts parts_;
  AppState state_;
};

// The doc_api routes' answer to `request`, as Api gives it (the App's
// /healthz, open to anyone, is answered so).
HttpResponse ServeDocApi(const AppParts& parts, AppState& state, const HttpRequest& request);

}  // namespace mrc::web
