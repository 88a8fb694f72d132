// Txn: the writes of one batch, kept in an overlay so that applying many
// entries in one batch reads its own writes, and written as one storage
// WriteBatch at Commit (internal to sync/).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
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
  // The keys the store (not the batch) holds in column c, or nullopt when
  // there are more than `limit`.
  Result<std::optional<std::vector<std::string>>> StoreKeys(storage::Column c, std::size_t limit);
  // Writes the batch's final state: each key once, in key order per column.
  // The writes are moved out: the Txn is spent.
  Status Commit();
  // Keys of kDocs written or deleted by this batch, in no order, possibly
  // repeated: the documents whose state it changes.
  const std::vector<std::string>& doc_writes() const { return doc_writes_; }

  // The batch's writes to column c so far: key -> value, nullopt a deletion.
  using Overlay = std::map<std::string, std::optional<std::string>, std::less<>>;
  const Overlay& Writes(storage::Column c) const { return overlay_[static_cast<int>(c)]; }
  // From now on, what Get reads from the store for column c is remembered,
  // so that StoreValue need not read it again.
  void KeepStoreValues(storage::Column c) { keep_[static_cast<int>(c)] = true; }
  // What the store (not the batch) holds for key.
  Result<std::optional<std::string>> StoreValue(storage::Column c, std::string_view key);

 private:
  Result<std::optional<std::string>> ReadStore(storage::Column c, std::string_view key);

  storage::Store* store_;
  Overlay overlay_[storage::kColumnCount];
  bool keep_[storage::kColumnCount] = {};
  Overlay kept_[storage::kColumnCount];
  std::vector<std::string> doc_writes_;
  // One store iterator per column, made on first use and moved from prefix
  // to prefix: making an iterator costs microseconds, and a batch may look
  // up a prefix for each of its thousand entries. The store does not change
  // until Commit, so a single iterator sees what a new one would.
  std::unique_ptr<storage::Iterator> scans_[storage::kColumnCount];
};

// A record read through the Txn and decoded; nullopt when absent.
template <typename T>
Result<std::optional<T>> GetDecoded(Txn& txn, storage::Column c, std::string_view key,
                                    std::optional<T> (*decode)(std::string_view)) {
  MRC_ASSIGN_OR_RETURN(auto raw, txn.Get(c, key));
  if (!raw) return std::optional<T>();
  auto v = decode(*raw);
  if (!v) return Status::Corruption(std::string("unreadable record in ") + storage::ColumnName(c));
  return v;
}

}  // namespace mrc::sync
