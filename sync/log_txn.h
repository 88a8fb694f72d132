// Txn: one storage WriteBatch plus an overlay, so that applying many entries
// in one batch reads its own writes (internal to sync/).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/status.h"
#include "storage/store.h"

namespace mrc::sync {

class Txn {
 public:
  explicit Txn(storage::Store* store) : store_(store) {}

  // nullopt when absent (in the overlay or the store).
  Result<std::optional<std::string>> Get(storage::Column c, std::string_view key);
  void Put(storage::Column c, std::string_view key, std::string_view value);
  void Delete(storage::Column c, std::string_view key);
  // Live keys of column c that start with prefix, as the batch would leave them.
  Result<std::vector<std::string>> KeysWithPrefix(storage::Column c, std::string_view prefix);
  // The same, when the store is known to hold no key of the column: only the
  // batch's own writes are looked at (no store iterator, which costs
  // microseconds each).
  std::vector<std::string> OverlayKeysWithPrefix(storage::Column c, std::string_view prefix) const;
  // Whether the store (not the batch) holds any key in column c.
  Result<bool> StoreHasAny(storage::Column c);
  Status Commit() { return store_->Write(&batch_); }
  std::size_t size() const { return batch_.Count(); }
  // Keys of kDocs written or deleted by this batch, in no order, possibly
  // repeated: the documents whose state it changes.
  const std::vector<std::string>& doc_writes() const { return doc_writes_; }

 private:
  using Overlay = std::map<std::string, std::optional<std::string>, std::less<>>;
  storage::Store* store_;
  storage::WriteBatch batch_;
  Overlay overlay_[storage::kColumnCount];
  std::vector<std::string> doc_writes_;
};

}  // namespace mrc::sync
