#include "sync/settings/setting_records.h"

#include <deque>

#include "storage/store.h"
#include "sync/log/log_txn.h"

namespace mrc::sync::settings {

using storage::Column;

namespace {

std::string CurrentKey(std::string_view name) { return "c" + std::string(name); }
std::string HistoryPrefix(std::string_view name) { return "h" + std::string(name) + "/"; }

std::string EncodeCurrent(const SettingRecord& r) {
  Bytes v;
  PutU64(&v, r.hlc);
  PutHash(&v, r.id);
  PutHash(&v, r.author);
  return v + r.value;
}

std::optional<SettingRecord> DecodeCurrent(std::string_view v) {
  SettingRecord r;
  if (!GetU64(&v, &r.hlc) || !GetHash(&v, &r.id) || !GetHash(&v, &r.author)) return std::nullopt;
  r.value = std::string(v);
  return r;
}

// A history key's tail (hlc, id) and value (author, value).
std::optional<SettingRecord> DecodeHistory(std::string_view tail, std::string_view v) {
  SettingRecord r;
  if (!GetU64(&tail, &r.hlc) || !GetHash(&tail, &r.id) || !tail.empty() || !GetHash(&v, &r.author))
    return std::nullopt;
  r.value = std::string(v);
  return r;
}

}  // namespace

Status Record(Txn& txn, std::string_view name, const SettingRecord& r) {
  Bytes key = HistoryPrefix(name);
  PutU64(&key, r.hlc);
  PutHash(&key, r.id);
  Bytes value;
  PutHash(&value, r.author);
  txn.Put(Column::kSettings, key, value + r.value);
  MRC_ASSIGN_OR_RETURN(auto held, txn.Get(Column::kSettings, CurrentKey(name)));
  if (held) {
    auto now = DecodeCurrent(*held);
    if (!now) return Status::Corruption("unreadable setting record '" + std::string(name) + "'");
    if (std::make_pair(now->hlc, now->id) >= std::make_pair(r.hlc, r.id)) return Status::Ok();
  }
  txn.Put(Column::kSettings, CurrentKey(name), EncodeCurrent(r));
  return Status::Ok();
}

Result<std::optional<SettingRecord>> Current(storage::Store& store, std::string_view name) {
  auto v = store.Get(Column::kSettings, CurrentKey(name));
  if (!v.ok()) {
    if (v.status().code() == Status::Code::kNotFound) return std::optional<SettingRecord>();
    return v.status();
  }
  auto r = DecodeCurrent(*v);
  if (!r) return Status::Corruption("unreadable setting record '" + std::string(name) + "'");
  return r;
}

Result<std::vector<SettingRecord>> History(storage::Store& store, std::string_view name,
                                           std::size_t max) {
  // The newest `max`, in memory at once.
  std::deque<SettingRecord> kept;
  std::string prefix = HistoryPrefix(name);
  auto it = store.NewPrefixIterator(Column::kSettings, prefix);
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string_view key = it->key();
    if (key.substr(0, prefix.size()) != prefix) break;
    auto r = DecodeHistory(key.substr(prefix.size()), it->value());
    if (!r) return Status::Corruption("unreadable setting history of '" + std::string(name) + "'");
    kept.push_back(std::move(*r));
    if (kept.size() > max) kept.pop_front();
  }
  MRC_RETURN_IF_ERROR(it->status());
  return std::vector<SettingRecord>(kept.rbegin(), kept.rend());
}

}  // namespace mrc::sync::settings
