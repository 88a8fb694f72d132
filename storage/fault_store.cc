#include "storage/fault_store.h"

#include <algorithm>
#include <utility>

namespace mrc::storage {
namespace {

// The distinct keys a batch writes, in the order first written.
class KeyCollector final : public WriteBatch::Handler {
 public:
  void Put(Column c, std::string_view key, std::string_view) override { Add(c, key); }
  void Delete(Column c, std::string_view key) override { Add(c, key); }
  std::vector<std::pair<Column, std::string>> keys;

 private:
  void Add(Column c, std::string_view key) {
    auto same = [&](const auto& k) { return k.first == c && k.second == key; };
    if (std::none_of(keys.begin(), keys.end(), same)) keys.emplace_back(c, std::string(key));
  }
};

}  // namespace

void FaultStore::FailWrites(std::uint64_t count, std::uint64_t after) {
  std::lock_guard lock(mu_);
  pass_ = after;
  fail_ = count;
}

void FaultStore::SyncPoint() {
  std::lock_guard lock(mu_);
  unsynced_.clear();
}

Status FaultStore::DropUnsyncedWrites(std::size_t keep) {
  std::lock_guard lock(mu_);
  // Newest first: each write's record holds the values from just before it.
  while (unsynced_.size() > keep) {
    WriteBatch restore;
    for (const auto& old : unsynced_.back().old) {
      if (old.value)
        restore.Put(old.column, old.key, *old.value);
      else
        restore.Delete(old.column, old.key);
    }
    MRC_RETURN_IF_ERROR(base_->Write(&restore));
    unsynced_.pop_back();
  }
  unsynced_.clear();  // what is kept is on disk now
  return Status::Ok();
}

std::uint64_t FaultStore::writes() const {
  std::lock_guard lock(mu_);
  return writes_;
}

std::uint64_t FaultStore::failed_writes() const {
  std::lock_guard lock(mu_);
  return failed_writes_;
}

std::size_t FaultStore::unsynced_writes() const {
  std::lock_guard lock(mu_);
  return unsynced_.size();
}

Status FaultStore::Write(WriteBatch* batch) {
  std::lock_guard lock(mu_);
  if (pass_ > 0) {
    --pass_;
  } else if (fail_ > 0) {
    if (fail_ != kForever) --fail_;
    ++failed_writes_;
    return Status::IOError("write batch: injected failure (FaultStore)");
  }
  Undo undo;
  if (!sync_writes_) {
    KeyCollector collect;
    batch->Iterate(&collect);
    for (auto& [c, key] : collect.keys) {
      auto r = base_->Get(c, key);
      if (!r.ok() && !r.status().IsNotFound()) return r.status();
      std::optional<std::string> value;
      if (r.ok()) value = std::move(r).value();
      undo.old.push_back({c, std::move(key), std::move(value)});
    }
  }
  MRC_RETURN_IF_ERROR(base_->Write(batch));
  ++writes_;
  if (!sync_writes_) unsynced_.push_back(std::move(undo));
  return Status::Ok();
}

Status FaultStore::Flushed(Status s) {
  if (s.ok()) SyncPoint();
  return s;
}

Status FaultStore::Checkpoint(const std::string& dest) { return Flushed(base_->Checkpoint(dest)); }

Status FaultStore::CompactAll() { return Flushed(base_->CompactAll()); }

Status FaultStore::Scrub(Column c, std::string_view begin, std::string_view end) {
  return Flushed(base_->Scrub(c, begin, end));
}

}  // namespace mrc::storage
