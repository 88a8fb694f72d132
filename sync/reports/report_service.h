// ReportService: problem reports on documents for the JSON API and the
// pages, C++ values in and out (docs/api.md, "Problem reports"). Each caller
// writes or reads JSON at its own edge.
//
// A report is open until the document's owner or headquarters closes it:
// by a reply that closes it, or by an edit of the document applied later
// (by hybrid clock) than the report. Either way every node holding the same
// entries shows the same status.
//
// Ids are 64 lowercase hex characters, times RFC 3339. Errors: InvalidArgument
// (a bad request; its message is fit to show a user), NotFound (no such
// document or report), PermissionDenied (this centre may not reply). Methods
// are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"

namespace mrc::sync {

class Log;

struct ReportCentre {
  std::string key;
  std::string name;  // "" when this node does not know the centre
};

struct ReportReplyView {
  std::string id;
  std::string by;  // the person's name
  ReportCentre centre;
  std::string at;
  std::string text;
  bool close = false;
};

struct ReportView {
  std::string id;
  std::string doc, doc_kind;
  std::string version;   // the version the reporter saw
  std::string category;  // outdated, wrong, unclear, broken-link
  std::string note;
  std::string by;  // the reporter's name
  ReportCentre centre;
  std::string at;
  std::string status;  // open or closed
  // When closed: "reply" or "edit", when, and the reply or the version.
  std::optional<std::string> closed_by, closed_at, closed_with;
  std::vector<ReportReplyView> replies;  // oldest first
  bool can_reply = false;                // this centre owns the document, or is headquarters
};

// The open and closed reports of one document, and of each category (open).
struct ReportDocCount {
  std::string doc, doc_kind;
  std::size_t open = 0, closed = 0;
};

struct ReportList {
  std::vector<ReportView> reports;  // open first, then newest first
  std::size_t total = 0;            // of the status asked, before paging
  std::size_t open = 0, closed = 0;
  std::map<std::string, std::size_t> categories;  // open reports by category
  std::vector<ReportDocCount> documents;          // most open first
  // More reports than a list reads (kMaxScanned) are held: counts cover
  // only those read.
  bool truncated = false;
};

struct ReportQuery {
  std::string status = "open";  // open, closed or all
  std::uint32_t offset = 0;
  std::uint32_t limit = 50;  // 1 .. 200
};

class ReportService {
 public:
  // A list reads at most this many reports.
  static constexpr std::size_t kMaxScanned = 2000;

  // `log` is not owned.
  explicit ReportService(Log* log) : log_(log) {}

  // Reports a problem with `version` of a document ("" = its current
  // version), in one of the categories, signed by this centre, naming `by`.
  // Answers the report.
  Result<ReportView> Report(std::string_view doc_hex, std::string_view version_hex,
                            std::string_view category, std::string_view note, std::string_view by);
  // Replies to a report, closing it when `close`; answers the report.
  Result<ReportView> Reply(std::string_view report_hex, std::string_view text, bool close,
                           std::string_view by);
  Result<ReportView> Get(std::string_view report_hex);
  // Reports on documents this centre owns.
  Result<ReportList> ListForOwner(const ReportQuery& query);
  // Reports on one document (NotFound when it is unknown).
  Result<ReportList> ListForDocument(std::string_view doc_hex, const ReportQuery& query);

 private:
  Log* log_;
};

}  // namespace mrc::sync
