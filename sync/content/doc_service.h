// DocService: the document operations of the JSON API, JSON text in and out.
//
// The HTTP API (web/) and the command line (node/) both call this, so a
// document created through either is validated, signed and applied the same
// way. Methods are thread-safe. Every error is a Status whose message is fit
// to show a user; web/ maps codes to HTTP statuses:
//   InvalidArgument -> 400 (malformed JSON, unknown field, invalid content)
//   NotFound        -> 404
//   Conflict        -> 409 (the edit is based on versions that are no longer
//                           the document's heads)
//   others          -> 500/503
//
// JSON shapes (ids are 64 lowercase hex characters; times are RFC 3339 UTC):
//   document: {"id", "kind", "version", "heads": [..], "conflict": bool,
//              "deleted": bool, "created_by", "created_at", "updated_by",
//              "updated_at", "versions": n, "content": {..} | null}
//   Create request:  {"kind": "faq"|"guide"|"bulletin"|"centre", "content": {..}}
//   Create result:   the document; or, while this centre is not yet approved
//                    by headquarters, {"id", "version", "waiting": why}
//                    (Update adds "waiting" to the document likewise)
//   Update request:  {"content": {..}, "base": ["version", ..]}   base optional:
//                    omitted means "the current head" and is refused with
//                    Conflict when the document has several heads.
//   List result:     {"docs": [document without "content"...], "next": id|null}
//   History result:  {"id", "versions": [{"version", "author", "at", "hlc",
//                    "parents": [..], "op": "put"|"delete", "head": bool,
//                    "content": {..}|null}]}   oldest first
//   Digest result:   {"digest", "documents", "entries", "authors", "pending",
//                    "forks"}
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::sync {

class Log;

struct ListQuery {
  std::string kind;           // "" = every kind
  std::string after;          // resume after this doc id ("" = from start)
  std::uint32_t limit = 100;  // 1 .. 1000
  bool include_deleted = false;
  bool conflicts_only = false;
};

class DocService {
 public:
  explicit DocService(Log* log) : log_(log) {}

  Result<std::string> Create(std::string_view request_json);
  Result<std::string> Update(std::string_view doc_id, std::string_view request_json);
  // `base` lists the versions the deletion replaces; empty means the head.
  Result<std::string> Delete(std::string_view doc_id, const std::vector<std::string>& base);
  Result<std::string> Get(std::string_view doc_id);
  Result<std::string> List(const ListQuery& query);
  Result<std::string> History(std::string_view doc_id);
  Result<std::string> Digest();

  // Proposals: anyone proposes a change to a document it may not edit; the
  // owner (or headquarters) accepts it, signing the change itself (with the
  // proposed content, or its own amendment: {"content"?}), or declines it
  // ({"reason"}). Shapes:
  //   Propose request: {"content": {..}}  -> {"document", "proposal", "status"}
  //   Proposals: {"id", "proposals": [{"proposal", "author", "at", "base",
  //              "content", "status": "open"|"accepted"|"declined",
  //              "decided_by"?, "decided_at"?, "decision"?, "reason"?}]}
  // Accept answers the document; Decline answers Proposals.
  Result<std::string> Propose(std::string_view doc_id, std::string_view request_json);
  Result<std::string> Proposals(std::string_view doc_id);
  Result<std::string> Accept(std::string_view doc_id, std::string_view proposal_id,
                             std::string_view request_json);
  Result<std::string> Decline(std::string_view doc_id, std::string_view proposal_id,
                              std::string_view request_json);

 private:
  Result<std::optional<std::string>> WaitingNote(const Hash32& version);

  Log* log_;
  // Held from the check that a proposal is undecided to the entry that
  // decides it, so that two at once (a double click) write one decision.
  std::mutex decide_mu_;
};

}  // namespace mrc::sync
