// "To be reviewed: bulletin X changed this": a bulletin that names guide
// sections (`guide_sections`) flags each of them until an editor verifies
// the section again (a version with a later `verified_on`).
//
// Applying a bulletin version records, for each section it names, that the
// bulletin named it and when it first did (kLocal "guide-bulletins/"
// section(32) bulletin(32) -> hlc(8), the smallest). So a section's page
// reads its own few records, not every bulletin. The records only grow: a
// bulletin edited to drop the section is filtered out when read, against
// its version in force; a rebuild writes the same records again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::sync {

class Log;
class Txn;

inline constexpr std::string_view kGuideBulletinsPrefix = "guide-bulletins/";

// Records the sections a bulletin version's content names (called when the
// version applies; content that is not a bulletin's names none).
Status IndexBulletinSections(Txn& txn, const Hash32& bulletin, std::uint64_t hlc,
                             std::string_view payload);

struct BulletinFlag {
  std::string bulletin;  // its doc id, hex
  std::string title;
  std::string effective_date;  // YYYY-MM-DD
  std::string named_on;        // YYYY-MM-DD: when it first named the section
};

// The bulletins whose version in force names `section` and which first
// named it on a day after `reviewed_on` (YYYY-MM-DD: the section's
// `verified_on`, or its version's date when never verified), oldest first,
// at most `max`. A deleted bulletin flags nothing.
Result<std::vector<BulletinFlag>> BulletinFlags(Log& log, const Hash32& section,
                                                std::string_view reviewed_on, std::size_t max = 20);

}  // namespace mrc::sync
