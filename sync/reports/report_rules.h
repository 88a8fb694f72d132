// The rules of problem reports (kind report, sync/reports/report.h): any
// member reports on a version of a document; only the document's owner (the
// centre that created it, or a key that succeeds it) or headquarters
// replies, on every node alike.
#pragma once

#include "sync/log/kind_rules.h"

namespace mrc::sync::reports {

// The rules of problem reports and their replies.
const EntryRules& ReportRules();

}  // namespace mrc::sync::reports
