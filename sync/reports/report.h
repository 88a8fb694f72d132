// Problem reports (kind report): a member's signed word that a version of a
// document is out of date, wrong, unclear or has a broken link, and the
// replies of the document's owner (docs/architecture.md, "Problem reports").
//
// Two shapes share the kind, both naming the document as doc with one
// parent, told apart by their payload:
//   report  parent = the version the reporter saw;
//           payload {"category": ..., "note": text, "by": name}
//   reply   parent = the report;
//           payload {"reply": text, "close": bool, "by": name}
// Payloads are parsed strictly (unknown fields refused) so that every node
// reads them alike; `by` is the person's display name, never their login.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/foundation/status.h"

namespace mrc::sync::reports {

enum class Category : std::uint8_t { kOutdated = 1, kWrong = 2, kUnclear = 3, kBrokenLink = 4 };
inline constexpr Category kCategories[] = {Category::kOutdated, Category::kWrong,
                                           Category::kUnclear, Category::kBrokenLink};
// "outdated", "wrong", "unclear", "broken-link".
std::string_view CategoryName(Category c);
bool ParseCategory(std::string_view name, Category* c);

inline constexpr std::size_t kMaxNoteBytes = 2000;  // a report's note, a reply's text
inline constexpr std::size_t kMaxNameBytes = 100;   // "by"

struct ReportBody {
  Category category = Category::kOutdated;
  std::string note;  // may be empty
  std::string by;    // required
};

struct ReplyBody {
  std::string reply;  // may be empty only when it closes
  bool close = false;
  std::string by;  // required
};

// InvalidArgument naming the field and the problem.
Result<ReportBody> ParseReport(std::string_view payload);
Result<ReplyBody> ParseReply(std::string_view payload);
// The canonical payloads, after the same checks as the parsers.
Result<std::string> ReportPayload(const ReportBody& r);
Result<std::string> ReplyPayload(const ReplyBody& r);

// Whether a payload is a reply's (it has "close" and no "category"); any
// other is read as a report's.
bool IsReplyPayload(std::string_view payload);

}  // namespace mrc::sync::reports
