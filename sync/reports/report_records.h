// Problem reports as the log applies them (internal to sync/), in the
// `reports` column, keyed by the entries that made them so that the state
// is the same whatever order they arrived in:
//   'r' report(32)           -> doc(32) version(32) author(32) hlc(8)
//                               category(1) u16 n, by, u16 m, note
//   'a' report(32) reply(32) -> author(32) hlc(8) close(1) u16 n, by, u16 m, text
//   'd' doc(32) report(32)   -> empty (the reports of a document)
// Whether a report is closed is not stored: it follows from its replies
// and from the document's versions, read together (report_service.cc).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/log/log_txn.h"
#include "sync/reports/report.h"

namespace mrc::storage {
class Store;
}

namespace mrc::sync::reports {

struct ReplyRecord {
  Hash32 id{}, author{};
  std::uint64_t hlc = 0;
  bool close = false;
  std::string by, text;
};

struct ReportRecord {
  Hash32 id{}, doc{}, version{}, author{};
  std::uint64_t hlc = 0;
  Category category = Category::kOutdated;
  std::string by, note;
  std::vector<ReplyRecord> replies;  // by (hlc, id); filled by the readers below
};

void PutReport(Txn& txn, const ReportRecord& r);  // and its 'd' index key
void PutReply(Txn& txn, const Hash32& report, const ReplyRecord& r);
// nullopt when the report is not applied here (replies not read).
Result<std::optional<ReportRecord>> GetReport(Txn& txn, const Hash32& report);

// Readers for the service, straight from the store. Of a report's
// replies, each keeps those that close it and at most kMaxRepliesKept
// others, and looks at no more than kMaxRepliesRead: a list of thousands
// of reports stays within tens of megabytes whatever their owners wrote.
inline constexpr std::size_t kMaxRepliesKept = 50;
inline constexpr std::size_t kMaxRepliesRead = 1000;
Result<std::optional<ReportRecord>> ReadReport(storage::Store* store, const Hash32& report);
// The reports here on documents `wanted` accepts, at most `max` of them
// (by id), looking at no more than kMaxReportsScanned: *more is set when
// there were others.
inline constexpr std::size_t kMaxReportsScanned = 100000;
Result<std::vector<ReportRecord>> ReadAll(storage::Store* store, std::size_t max, bool* more,
                                          const std::function<Result<bool>(const Hash32&)>& wanted);
// The reports of one document, at most `max`.
Result<std::vector<ReportRecord>> ReadOfDoc(storage::Store* store, const Hash32& doc,
                                            std::size_t max, bool* more);

}  // namespace mrc::sync::reports
