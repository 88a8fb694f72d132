// The digest's summary of the derived state, kept as the state changes.
//
// Nodes holding the same entries hold the same documents, trust, receipt,
// proposal, referral and setting records. The digest summarises them as a sum of one
// hash per record, modulo 2^256 (an additive multiset hash): the sum does
// not depend on the order records were written in, and a write changes it
// by removing the old record's hash and adding the new one's. So each
// commit updates it in O(records written), and a digest costs a read
// instead of a scan of every document. See docs/architecture.md, "Digest".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace mrc::sync {

// Where the sum is kept (column kMeta), updated in the same write batch as
// the records it sums.
inline constexpr std::string_view kRecordSumKey = "record-sum";

// The columns whose records the digest covers.
inline constexpr storage::Column kSummedColumns[] = {
    storage::Column::kDocs,      storage::Column::kTrust,     storage::Column::kReceipts,
    storage::Column::kProposals, storage::Column::kReferrals, storage::Column::kReports,
    storage::Column::kSettings};

class RecordSum {
 public:
  void Add(storage::Column c, std::string_view key, std::string_view value);
  void Remove(storage::Column c, std::string_view key, std::string_view value);

  // The sum itself (32 bytes, little-endian), what the digest hashes.
  std::string SumBytes() const;
  std::uint64_t documents() const { return documents_; }

  // The sum and the document count, as kept in the store.
  std::string Encode() const;
  static std::optional<RecordSum> Decode(std::string_view bytes);

  bool operator==(const RecordSum&) const = default;

 private:
  std::array<std::uint64_t, 4> limbs_{};
  std::uint64_t documents_ = 0;  // records in kDocs
};

// The sum over every record the store holds now (a full scan).
Result<RecordSum> ScanRecordSum(storage::Store& store);

}  // namespace mrc::sync
