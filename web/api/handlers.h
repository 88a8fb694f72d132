// Every handler of the JSON API, by resource (one .cc each); their methods,
// paths and roles are in web/app/routes.cc, the one route table.
#pragma once

#include "config/foundation/status.h"
#include "web/route/route.h"

namespace mrc::web::api {

// ---- docs (docs.cc)
// Over sync::DocService (the bodies' shapes are in web/api/doc_json.h).
// Each runs through api::Service (web/api/common.h). Errors are
// {"error":{"code":"...","message":"..."}}: 404 NOT_FOUND for a path id
// that is not 64 lowercase hex characters or no such document, 415 for a
// POST or PUT without Content-Type: application/json, 400
// INVALID_ARGUMENT for a bad query or body, 409, 403, 503 or 500 with the
// Status code name from DocService.
HttpResponse Health(Call& c);
HttpResponse Digest(Call& c);
HttpResponse GetStatus(Call& c);
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
// "Reviewed, still correct" (DocService::MarkReviewed), signed by the
// logged-in user; the body is empty or {}. 403 when this centre may not
// edit the document (propose a change instead), 400 for a bulletin or a
// request without a user (the local token).
HttpResponse MarkReviewed(Call& c);

// The path's document id ({id}) and proposal id ({p}), when it has them.
Status CheckDocIds(const Call& c);

// ---- members (members.cc)
// Membership and receipts, over sync::TrustService (503 UNAVAILABLE on a
// node without it; the bodies' shapes are in web/api/trust_json.h). Each
// runs through api::Service (web/api/common.h); keys and ids are 64
// lowercase hex characters.
HttpResponse Members(Call& c);
HttpResponse ApproveMember(Call& c);
HttpResponse Member(Call& c);
HttpResponse RevokeMember(Call& c);
HttpResponse Receipts(Call& c);
// An acknowledgement names who read the bulletin: the logged-in user, not
// a name the request makes up (403 for a "by" naming anyone else). The
// node's own command line (the local token), and Api without login,
// acknowledge for the person the body names. Runs api::Service itself,
// after that check.
HttpResponse AcknowledgeBulletin(Call& c);

Status CheckMemberKey(const Call& c);
Status CheckBulletinId(const Call& c);

// ---- referrals (referrals.cc)
// Over sync::ReferralService (503 UNAVAILABLE on a node without it; the
// bodies' shapes are in web/api/referral_json.h, docs/referrals.md): the
// list and a new referral, the centres to refer to, the audit trail, one
// referral, a new status, an erasure.
HttpResponse ListReferrals(Call& c);
HttpResponse CreateReferral(Call& c);
HttpResponse ReferralTargets(Call& c);
HttpResponse ReferralAudit(Call& c);
HttpResponse GetReferral(Call& c);
HttpResponse SetReferralStatus(Call& c);
HttpResponse EraseReferral(Call& c);

// ---- problem reports (reports.cc)
// Over sync::ReportService (503 UNAVAILABLE on a node without it): report
// a problem with a document, a document's reports, the reports on this
// centre's documents (?status=open|closed|all&offset&limit), a reply
// (which may close the report). 404 for a path id that is not 64 lowercase
// hex characters or unknown, 415 for a POST not declared JSON, 400 for a
// bad query or body, 403 for a reply by a centre that does not own the
// document. The reporter's and replier's name is the logged-in user's.
HttpResponse ReportDoc(Call& c);
HttpResponse DocReports(Call& c);
HttpResponse OwnerReports(Call& c);
HttpResponse ReplyReport(Call& c);
// ---- settings (settings.cc)
// The review intervals in force in the network (docs/settings.md): GET
// answers them (headquarters' setting, or the defaults) with their history;
// PUT (a JSON object, the new value) signs a new setting: 400
// INVALID_ARGUMENT naming what the value cannot hold, 403
// PERMISSION_DENIED with the reason on a node that is not headquarters.
HttpResponse ReviewIntervals(Call& c);

// ---- users (users.cc)
// Over web::Users: one's own account (language, password with the
// current one), the users (list, add, role, password, language, removal)
// and their API tokens (list, create: shown once, revoke).
HttpResponse Me(Call& c);
HttpResponse ListUsers(Call& c);
HttpResponse AddUser(Call& c);
HttpResponse GetUser(Call& c);
HttpResponse ChangeUser(Call& c);
HttpResponse RemoveUser(Call& c);
HttpResponse ListTokens(Call& c);
HttpResponse CreateToken(Call& c);
HttpResponse RevokeToken(Call& c);
// What they cost in Argon2id: PUT /api/v1/me checks the current password
// of the user, when the body changes it; adding a user or changing one's
// password hashes it.
PasswordWork MePassword(const Call& c);
PasswordWork UserPassword(const Call& c);

// ---- bundles and backups (bundles.cc)
// What this node holds (for a bundle made elsewhere); a bundle written to
// or read from a path on this machine ({path, summary?}, {path}).
HttpResponse Summary(Call& c);
HttpResponse ExportBundle(Call& c);
HttpResponse ImportBundle(Call& c);
// A backup of the store written to a directory on this machine ({path});
// answers its manifest (node/backup.h). 503 while another is written.
HttpResponse Backup(Call& c);

// ---- search (search.cc)
// Over web::SearchIndex: a query with its filters and page, and a facet's
// values with their counts.
HttpResponse Search(Call& c);
HttpResponse Facet(Call& c);

// ---- metrics (metrics.cc)
// The node's figures for a Prometheus scraper (web/api/metrics_text.h); 503
// outside an App that counts requests.
HttpResponse GetMetrics(Call& c);

}  // namespace mrc::web::api
