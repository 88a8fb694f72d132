#include "sync/log/record_sum.h"

#include "config/foundation/bytes.h"
#include "sync/crypto/crypto.h"

namespace mrc::sync {
namespace {

// The record's hash as four little-endian 64-bit limbs. Lengths are
// framed, so no two (column, key, value) triples hash the same input.
std::array<std::uint64_t, 4> RecordHash(storage::Column c, std::string_view key,
                                        std::string_view value) {
  Bytes head;
  head.push_back(static_cast<char>(c));
  PutU32(&head, static_cast<std::uint32_t>(key.size()));
  PutU32(&head, static_cast<std::uint32_t>(value.size()));
  Hasher h;
  h.Update("mrc-record-v1");
  h.Update(head);
  h.Update(key);
  h.Update(value);
  Hash32 digest = h.Finish();
  std::array<std::uint64_t, 4> limbs{};
  for (int i = 0; i < 4; ++i) {
    for (int b = 7; b >= 0; --b) limbs[i] = (limbs[i] << 8) | digest[i * 8 + b];
  }
  return limbs;
}

}  // namespace

void RecordSum::Add(storage::Column c, std::string_view key, std::string_view value) {
  auto h = RecordHash(c, key, value);
  unsigned carry = 0;
  for (int i = 0; i < 4; ++i) {
    std::uint64_t a = limbs_[i], s = a + h[i];
    unsigned c1 = s < a;
    std::uint64_t t = s + carry;
    unsigned c2 = t < s;
    limbs_[i] = t;
    carry = c1 | c2;
  }
  if (c == storage::Column::kDocs) ++documents_;
}

void RecordSum::Remove(storage::Column c, std::string_view key, std::string_view value) {
  auto h = RecordHash(c, key, value);
  unsigned borrow = 0;
  for (int i = 0; i < 4; ++i) {
    std::uint64_t a = limbs_[i], d = a - h[i];
    unsigned b1 = a < h[i];
    std::uint64_t t = d - borrow;
    unsigned b2 = d < borrow;
    limbs_[i] = t;
    borrow = b1 | b2;
  }
  if (c == storage::Column::kDocs) --documents_;
}

std::string RecordSum::SumBytes() const {
  std::string out;
  for (std::uint64_t limb : limbs_) {
    for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((limb >> (8 * b)) & 0xff));
  }
  return out;
}

std::string RecordSum::Encode() const {
  std::string out = SumBytes();
  PutU64(&out, documents_);
  return out;
}

std::optional<RecordSum> RecordSum::Decode(std::string_view bytes) {
  if (bytes.size() != 40) return std::nullopt;
  RecordSum s;
  for (int i = 0; i < 4; ++i) {
    for (int b = 7; b >= 0; --b) {
      s.limbs_[i] = (s.limbs_[i] << 8) | static_cast<unsigned char>(bytes[i * 8 + b]);
    }
  }
  std::string_view rest = bytes.substr(32);
  if (!GetU64(&rest, &s.documents_)) return std::nullopt;
  return s;
}

Result<RecordSum> ScanRecordSum(storage::Store& store) {
  RecordSum sum;
  for (storage::Column c : kSummedColumns) {
    auto it = store.NewScanIterator(c, "");
    for (it->SeekToFirst(); it->Valid(); it->Next()) sum.Add(c, it->key(), it->value());
    MRC_RETURN_IF_ERROR(it->status());
  }
  return sum;
}

}  // namespace mrc::sync
