#include "sync/log/log_txn.h"

#include <set>

namespace mrc::sync {

Result<std::optional<std::string>> Txn::Get(storage::Column c, std::string_view key) {
  auto& ov = overlay_[static_cast<int>(c)];
  if (auto it = ov.find(key); it != ov.end()) return it->second;
  MRC_ASSIGN_OR_RETURN(auto value, ReadStore(c, key));
  if (keep_[static_cast<int>(c)]) kept_[static_cast<int>(c)].emplace(key, value);
  return value;
}

Result<std::optional<std::string>> Txn::StoreValue(storage::Column c, std::string_view key) {
  const auto& kept = kept_[static_cast<int>(c)];
  if (auto it = kept.find(key); it != kept.end()) return it->second;
  return ReadStore(c, key);
}

Result<std::optional<std::string>> Txn::ReadStore(storage::Column c, std::string_view key) {
  auto r = store_->Get(c, key);
  if (r.ok()) return std::optional<std::string>(std::move(r).value());
  if (r.status().IsNotFound()) return std::optional<std::string>();
  return r.status();
}

void Txn::Put(storage::Column c, std::string_view key, std::string_view value) {
  overlay_[static_cast<int>(c)].insert_or_assign(std::string(key), std::string(value));
  if (c == storage::Column::kDocs) doc_writes_.emplace_back(key);
}

void Txn::Delete(storage::Column c, std::string_view key) {
  overlay_[static_cast<int>(c)].insert_or_assign(std::string(key), std::nullopt);
  if (c == storage::Column::kDocs) doc_writes_.emplace_back(key);
}

Status Txn::Commit() {
  for (auto& it : scans_) it.reset();  // release what they pin before the write
  // Only the last write of a key matters (a batch is applied atomically), so
  // a key written for every entry (a feed's head) goes to RocksDB once, and
  // keys in order make the memtable's inserts sequential (its skip list
  // resumes the search where the previous insert ended) instead of random
  // (ids and documents are hashes).
  // The overlay is spent by the commit: its strings move into the batch.
  storage::WriteBatch batch;
  for (int c = 0; c < storage::kColumnCount; ++c) {
    auto column = static_cast<storage::Column>(c);
    while (!overlay_[c].empty()) {
      auto node = overlay_[c].extract(overlay_[c].begin());
      if (node.mapped())
        batch.PutOwned(column, std::move(node.key()), std::move(*node.mapped()));
      else
        batch.Delete(column, node.key());
    }
  }
  return store_->Write(&batch);
}

Result<std::vector<std::string>> Txn::KeysWithPrefix(storage::Column c, std::string_view prefix) {
  std::set<std::string> keys;
  // A whole column (rebuilds) gets an iterator of its own; prefixes share one.
  std::unique_ptr<storage::Iterator> whole;
  auto& it = prefix.empty() ? whole : scans_[static_cast<int>(c)];
  if (it) {
    it->SeekPrefix(prefix);
  } else {
    it = store_->NewPrefixIterator(c, prefix);
    it->Seek(prefix);
  }
  for (; it->Valid() && it->key().substr(0, prefix.size()) == prefix; it->Next()) {
    keys.emplace(it->key());
  }
  MRC_RETURN_IF_ERROR(it->status());
  const auto& ov = overlay_[static_cast<int>(c)];
  for (auto o = ov.lower_bound(prefix);
       o != ov.end() && o->first.compare(0, prefix.size(), prefix) == 0; ++o) {
    if (o->second)
      keys.insert(o->first);
    else
      keys.erase(o->first);
  }
  return std::vector<std::string>(keys.begin(), keys.end());
}

std::vector<std::string> Txn::OverlayKeysWithPrefix(storage::Column c,
                                                    std::string_view prefix) const {
  std::vector<std::string> keys;
  const auto& ov = overlay_[static_cast<int>(c)];
  for (auto o = ov.lower_bound(prefix);
       o != ov.end() && o->first.compare(0, prefix.size(), prefix) == 0; ++o) {
    if (o->second) keys.push_back(o->first);
  }
  return keys;
}

Result<std::optional<std::vector<std::string>>> Txn::StoreKeys(storage::Column c,
                                                               std::size_t limit) {
  std::vector<std::string> keys;
  auto it = store_->NewIterator(c);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (keys.size() == limit) return std::optional<std::vector<std::string>>();
    keys.emplace_back(it->key());
  }
  MRC_RETURN_IF_ERROR(it->status());
  return std::optional<std::vector<std::string>>(std::move(keys));
}

}  // namespace mrc::sync
