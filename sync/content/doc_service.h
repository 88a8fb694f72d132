// DocService: the document operations, C++ values in and out.
//
// The HTTP API (web/api/), the pages (web/ui/) and the command line (node/)
// all call this, so a document created through any of them is validated,
// signed and applied the same way; each writes or reads JSON at its own
// edge (web/api/doc_json.h holds the API's shapes). Methods are
// thread-safe. Every error is a Status whose message is fit to show a user;
// web/ maps codes to HTTP statuses:
//   InvalidArgument -> 400 (a missing or invalid field, invalid content)
//   NotFound        -> 404
//   Conflict        -> 409 (the edit is based on versions that are no longer
//                           the document's heads)
//   others          -> 500/503
//
// Ids are 64 lowercase hex characters and times RFC 3339 UTC, as shown.
// Content is the document's own format, a JSON object whose fields each
// kind defines (sync/content/content.h): it travels as that text, checked
// and made canonical here, and is the payload that gets signed.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/content/review.h"
#include "sync/content/translation.h"
#include "sync/log/log.h"

namespace mrc {
class Clock;
}

namespace mrc::sync {

struct ListQuery {
  std::string kind;           // "" = every kind
  std::string after;          // resume after this doc id ("" = from start)
  std::uint32_t limit = 100;  // 1 .. 1000
  bool include_deleted = false;
  bool conflicts_only = false;
};

// A document's state without its content: one item of a list.
struct DocSummary {
  std::string id;
  std::string kind;     // faq, guide, bulletin, centre
  std::string version;  // the winning head
  std::vector<std::string> heads;
  bool conflict = false;  // more than one head
  bool deleted = false;
  std::string created_by, created_at;
  std::string updated_by, updated_at;
  std::uint32_t versions = 0;
};

struct DocView : DocSummary {
  // The canonical content text; nullopt once deleted.
  std::optional<std::string> content;
  // When it is due for review, today; nullopt for a kind without review
  // dates (bulletins) and once deleted.
  std::optional<ReviewState> review = {};
  // For a translation: its source and whether it is current (without the
  // source's contents); nullopt for a document that translates nothing.
  std::optional<TranslationState> translation = {};
};

// What a save answers: the document, or, while this centre is not yet
// approved by headquarters, only the new version's ids and why it waits
// (an update that waits still has the document as it was).
struct SavedDoc {
  std::string id;
  std::string version;
  std::optional<DocView> doc;
  std::optional<std::string> waiting;
};

struct DocList {
  std::vector<DocSummary> docs;
  std::optional<std::string> next;  // the id to resume after; nullopt at the end
};

struct VersionView {
  std::string version, author;
  std::uint64_t seq = 0;
  std::string at;
  std::uint64_t hlc = 0;
  std::vector<std::string> parents;
  std::string op;  // put, delete, propose, decline
  bool head = false;
  std::optional<std::string> content;  // the content of a put or a proposal
};

struct HistoryView {
  std::string id;
  std::vector<VersionView> versions;  // oldest first
};

struct ProposalView {
  std::string proposal, author, at;
  std::vector<std::string> base;
  std::string content;
  std::string status;  // open, accepted, declined
  // Set once decided (accepted wins over declined when both happened).
  std::optional<std::string> decided_by, decided_at, decision;
  std::optional<std::string> reason;  // only when declined
};

struct ProposalList {
  std::string id;
  std::vector<ProposalView> proposals;
};

struct ProposedChange {
  std::string document, proposal;
  std::string status = "open";
  std::optional<std::string> waiting;
};

// A field that is absent, or not a string where one is expected, is
// nullopt; the service answers which is required.
struct CreateDocRequest {
  std::optional<std::string> kind;
  std::optional<std::string> content;  // JSON text of the content object
  // The staff member making the change (a display name), recorded as the
  // content's `edited_by`: set by the server from the login, never from
  // what a client sent ("" records no one; any `edited_by` in `content`
  // is dropped either way).
  std::string edited_by = {};
};

struct UpdateDocRequest {
  std::optional<std::string> content;  // JSON text of the content object
  // The versions the edit replaces; empty means the current head, refused
  // with Conflict when the document has several heads.
  std::vector<std::string> base;
  // Echoes a client may send back; each must match the document. A value
  // that is not a string is carried as its JSON text (which never matches).
  std::optional<std::string> kind, id;
  std::string edited_by = {};  // as CreateDocRequest's
};

class DocService {
 public:
  explicit DocService(Log* log);

  // Where "today" comes from for review dates (not owned; outlives this).
  // The system clock unless set; set before use.
  void SetClock(const Clock* clock) { clock_ = clock; }
  // Where the review intervals come from (headquarters' network setting,
  // sync::NetworkReviewIntervals, which this module cannot read itself);
  // DefaultReviewIntervals() unless set. Set before use; called on any
  // thread.
  void SetReviewIntervals(std::function<ReviewIntervals()> source) {
    review_intervals_ = std::move(source);
  }

  Result<SavedDoc> Create(const CreateDocRequest& request);
  Result<SavedDoc> Update(std::string_view doc_id, const UpdateDocRequest& request);
  // `base` lists the versions the deletion replaces; empty means the head.
  Result<DocView> Delete(std::string_view doc_id, const std::vector<std::string>& base);
  Result<DocView> Get(std::string_view doc_id);
  Result<DocList> List(const ListQuery& query);
  Result<HistoryView> History(std::string_view doc_id);
  Result<DigestInfo> Digest();

  // "Reviewed, still correct": a new version of the document's current
  // content, signed like any edit, with verified_on today and verified_by
  // `reviewer` (a display name, required), and without its own review_due
  // once that date has come. InvalidArgument for a kind without review
  // dates or no reviewer; NotFound once deleted; Conflict while in
  // conflict; PermissionDenied when this centre may not edit it (propose
  // a change instead).
  Result<SavedDoc> MarkReviewed(std::string_view doc_id, const std::string& reviewer);

  // Proposals: anyone proposes a change to a document it may not edit; the
  // owner (or headquarters) accepts it, signing the change itself (with the
  // proposed content, or its own amendment), or declines it with a reason.
  // Propose's content is required (nullopt: InvalidArgument). Accept answers
  // the document; Decline answers the proposals.
  // `edited_by` is as CreateDocRequest's: the proposer, or the accepter
  // (accepting without a name keeps the proposer's).
  Result<ProposedChange> Propose(std::string_view doc_id, const std::optional<std::string>& content,
                                 const std::string& edited_by = "");
  Result<ProposalList> Proposals(std::string_view doc_id);
  Result<DocView> Accept(std::string_view doc_id, std::string_view proposal_id,
                         const std::optional<std::string>& amended_content,
                         const std::string& edited_by = "");
  Result<ProposalList> Decline(std::string_view doc_id, std::string_view proposal_id,
                               const std::string& reason);

 private:
  Result<std::optional<std::string>> WaitingNote(const Hash32& version);
  // Signs `payload` as the document's next version after `parents`.
  Result<SavedDoc> PutVersion(const DocState& doc, const std::vector<Hash32>& parents,
                              std::string payload);

  Log* log_;
  const Clock* clock_;
  std::function<ReviewIntervals()> review_intervals_;
  // Held from the check that a proposal is undecided to the entry that
  // decides it, so that two at once (a double click) write one decision.
  std::mutex decide_mu_;
};

}  // namespace mrc::sync
