// The document routes of the JSON API, over sync::DocService (the bodies'
// shapes are in web/api/doc_json.h):
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
//   GET    /api/v1/status                 peers, counts (AppParts::status)
// Each runs through api::Service (web/api/common.h). Errors are
// {"error":{"code":"...","message":"..."}}: 404 NOT_FOUND for a path id
// that is not 64 lowercase hex characters or no such document, 415 for a
// POST or PUT without Content-Type: application/json, 400
// INVALID_ARGUMENT for a bad query or body, 409, 403, 503 or 500 with the
// Status code name from DocService.
#pragma once

#include "config/foundation/status.h"
#include "web/route/route.h"

namespace mrc::web::api {

HttpResponse Health(Call& c);
HttpResponse Digest(Call& c);
HttpResponse NodeStatus(Call& c);
HttpResponse ListDocs(Call& c);
HttpResponse CreateDoc(Call& c);
HttpResponse GetDoc(Call& c);
HttpResponse UpdateDoc(Call& c);
HttpResponse DeleteDoc(Call& c);
HttpResponse DocHistory(Call& c);
HttpResponse DocProposals(Call& c);
HttpResponse Propose(Call& c);
HttpResponse AcceptProposal(Call& c);
HttpResponse DeclineProposal(Call& c);

// The path's document id ({id}) and proposal id ({p}), when it has them.
Status CheckDocIds(const Call& c);

}  // namespace mrc::web::api
