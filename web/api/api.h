// Api: the JSON API, as a function from HttpRequest to HttpResponse.
//
// Routes (ids are 64 lowercase hex characters; bodies are DocService's JSON,
// see sync/doc_service.h for the shapes):
//   GET    /healthz                       200 {"status":"ok"}
//   GET    /api/v1/docs                   List; query: kind, after, limit,
//                                         include_deleted=true|false,
//                                         conflicts=true|false
//   POST   /api/v1/docs                   Create; 201 with Location
//   GET    /api/v1/docs/{id}              Get
//   PUT    /api/v1/docs/{id}              Update
//   DELETE /api/v1/docs/{id}?base=v1,v2   Delete (base optional)
//   GET    /api/v1/docs/{id}/history      History
//   GET    /api/v1/docs/{id}/proposals    Proposals
//   POST   /api/v1/docs/{id}/proposals    Propose; 201
//   POST   /api/v1/docs/{id}/proposals/{p}/accept   Accept (body optional)
//   POST   /api/v1/docs/{id}/proposals/{p}/decline  Decline {"reason"}
//   GET    /api/v1/digest                 Digest
//   GET    /api/v1/status                 peers, counts (SetStatusSource)
//   GET    /api/v1/members                TrustService::Members
//   POST   /api/v1/members                Approve an enrolment request; 201
//   GET    /api/v1/members/{key}          Member
//   POST   /api/v1/members/{key}/revoke   Revoke
//   GET    /api/v1/bulletins/{id}/receipts  Receipts
//   POST   /api/v1/bulletins/{id}/ack     Acknowledge
//   (the trust routes answer 503 until SetTrustService)
//
// Errors are {"error":{"code":"...","message":"..."}}:
//   404 NOT_FOUND              unknown path, a path id that is not 64 lowercase
//                              hex characters, or no such document
//   405 METHOD_NOT_ALLOWED     with an Allow header
//   415 UNSUPPORTED_MEDIA_TYPE POST/PUT without Content-Type: application/json
//   400 INVALID_ARGUMENT       bad query (bad escape, unknown or repeated
//                              parameter, bad limit or boolean) or bad body
//   409 CONFLICT, 403 PERMISSION_DENIED, 503 UNAVAILABLE, 500 otherwise, with
//   the Status code name from DocService.
// Every response carries the headers of AddStandardHeaders (http_types.h).
#pragma once

#include <functional>

#include "config/base/status.h"
#include "web/http/http_types.h"

namespace mrc::sync {
class DocService;
class TrustService;
}  // namespace mrc::sync

namespace mrc::web {

class Api {
 public:
  // `docs` is not owned and must outlive the Api.
  explicit Api(sync::DocService* docs) : docs_(docs) {}

  // Thread-safe (DocService is); never throws.
  HttpResponse Handle(const HttpRequest& request);

  // What GET /api/v1/status answers (a JSON object); set before serving.
  void SetStatusSource(std::function<Result<std::string>()> source) { status_ = std::move(source); }
  // Membership and receipts (not owned); set before serving.
  void SetTrustService(sync::TrustService* trust) { trust_ = trust; }

 private:
  HttpResponse Dispatch(const HttpRequest& request);
  HttpResponse DispatchTrust(int route, std::string_view id, const std::string& method,
                             const std::string& body);

  sync::DocService* docs_;
  std::function<Result<std::string>()> status_;
  sync::TrustService* trust_ = nullptr;
};

}  // namespace mrc::web
