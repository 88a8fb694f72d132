// The JSON of the document routes (web/api/handlers.h) and of the document
// commands (node/), written from and read into DocService's values. These
// are the API's shapes; keep them byte for byte, clients parse them:
//   document: {"id", "kind", "version", "heads": [..], "conflict": bool,
//              "deleted": bool, "created_by", "created_at", "updated_by",
//              "updated_at", "versions": n, "content": {..} | null,
//              "review"?: {"verified_on", "verified_by", "due", "overdue"}}
//              ("review" for FAQ entries, guide sections and centres; a
//              date is "" when there is none; content.edited_by names who
//              signed the version)
//   Create request:  {"kind": "faq"|"guide"|"bulletin"|"centre", "content": {..}}
//   Create result:   the document; or, while this centre is not yet approved
//                    by headquarters, {"id", "version", "waiting": why}
//                    (Update adds "waiting" to the document likewise)
//   Update request:  {"content": {..}, "base": ["version", ..]}   base optional
//   List result:     {"docs": [document without "content"...], "next": id|null}
//   History result:  {"id", "versions": [{"version", "author", "seq", "at",
//                    "hlc", "parents": [..], "op": "put"|"delete"|..,
//                    "head": bool, "content": {..}|null}]}   oldest first
//   Digest result:   {"digest", "documents", "entries", "authors", "pending",
//                    "awaiting_upgrade", "forks"}
//   Propose request: {"content": {..}}  -> {"document", "proposal", "status"}
//   Proposals: {"id", "proposals": [{"proposal", "author", "at", "base",
//              "content", "status": "open"|"accepted"|"declined",
//              "decided_by"?, "decided_at"?, "decision"?, "reason"?}]}
//   Accept request (optional): {"content"?}; Decline request: {"reason"}
//   Reviewed request (optional): {}  -> the document, as Update answers
// Readers answer InvalidArgument with a message fit to show a user; writers
// answer InvalidArgument only if the text cannot be encoded.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/foundation/status.h"
#include "sync/content/doc_service.h"
#include "web/api/written.h"

namespace mrc::web::api {

Result<std::string> DocJson(const sync::DocView& doc);
Result<std::string> SavedDocJson(const sync::SavedDoc& saved);
Result<std::string> DocListJson(const sync::DocList& list);
Result<std::string> HistoryJson(const sync::HistoryView& history);
Result<std::string> DigestJson(const sync::DigestInfo& digest);
Result<std::string> ProposedJson(const sync::ProposedChange& proposed);
Result<std::string> ProposalsJson(const sync::ProposalList& proposals);

Result<sync::CreateDocRequest> ReadCreateDoc(std::string_view body);
Result<sync::UpdateDocRequest> ReadUpdateDoc(std::string_view body);
// Propose's {"content"}: nullopt when absent (the service says it is required).
Result<std::optional<std::string>> ReadProposal(std::string_view body);
// Accept's optional body: "" or {} accepts the proposal as it is.
Result<std::optional<std::string>> ReadAcceptance(std::string_view body);
// Decline's reason.
Result<std::string> ReadDecline(std::string_view body);
// The body of "reviewed, still correct": empty or {}.
Status ReadReviewed(std::string_view body);

}  // namespace mrc::web::api
