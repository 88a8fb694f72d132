// FaultStore: a Store that passes everything to another one, with switches
// that make writes fail or lose what was not yet synced, so that tests can
// show what the log does when the disk fails or the power goes (as leveldb's
// fault-injection environment does for its files).
//
// Failing writes. A write chosen to fail applies nothing and returns
// IOError, as a RocksDB write does when its log append fails: a batch is
// atomic, so no part of it is applied.
//
// Unsynced writes. A RocksDB store opened with Options::sync_writes false
// acknowledges a batch once it is in the operating system's cache; a power
// failure loses the batches written since the last sync, always a suffix
// of them and each batch whole (RocksDB replays its write-ahead log up to
// the first incomplete record). The wrapper models that without touching
// files: each write made while writes are unsynced is applied to the
// wrapped store and recorded with the values it replaced; SyncPoint()
// forgets the records (the writes are durable), and DropUnsyncedWrites()
// puts the replaced values back, newest write first, as if the machine lost
// power then. Compaction, scrubbing and checkpoints flush RocksDB's write
// buffers to synced table files first, so they are sync points too.
//
// After DropUnsyncedWrites, whatever read the store before (a sync::Log and
// its caches) describes writes that are gone: close it and open it again,
// as the restarted process would.
//
// Thread-safe as the wrapped store is: the switches may be set from any
// thread; writes are serialised by the caller.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"

namespace mrc::storage {

class FaultStore final : public Store {
 public:
  static constexpr std::uint64_t kForever = std::numeric_limits<std::uint64_t>::max();

  // `base` must outlive the wrapper. `sync_writes`: every successful write
  // is durable at once (a store opened with Options::sync_writes true);
  // otherwise writes stay unsynced until SyncPoint().
  FaultStore(Store* base, bool sync_writes) : base_(base), sync_writes_(sync_writes) {}

  // Of the writes from now on, lets `after` succeed and fails the `count`
  // that follow them (kForever: every one). FailWrites(0) stops failing.
  void FailWrites(std::uint64_t count, std::uint64_t after = 0);
  // Every unsynced write so far becomes durable (a later synced write or a
  // flush would make it so).
  void SyncPoint();
  // Loses the unsynced writes but the first `keep` of them, as a power
  // failure would. An error here is the wrapped store's.
  [[nodiscard]] Status DropUnsyncedWrites(std::size_t keep = 0);

  std::uint64_t writes() const;         // applied (durable or not)
  std::uint64_t failed_writes() const;  // refused by FailWrites
  std::size_t unsynced_writes() const;

  Result<std::string> Get(Column c, std::string_view key) override { return base_->Get(c, key); }
  // IOError when chosen to fail (nothing applied); else the wrapped store's.
  Status Write(WriteBatch* batch) override;
  std::uint64_t Generation() const override { return base_->Generation(); }
  std::unique_ptr<Iterator> NewIterator(Column c) override { return base_->NewIterator(c); }
  std::unique_ptr<Iterator> NewPrefixIterator(Column c, std::string_view prefix) override {
    return base_->NewPrefixIterator(c, prefix);
  }
  std::unique_ptr<Iterator> NewScanIterator(Column c, std::string_view prefix) override {
    return base_->NewScanIterator(c, prefix);
  }
  Status Checkpoint(const std::string& dest) override;
  Status CompactAll() override;
  Status Scrub(Column c, std::string_view begin, std::string_view end) override;
  MemoryUse Memory() override { return base_->Memory(); }
  std::string path() const override { return base_->path(); }

 private:
  // What one unsynced write replaced: each key it wrote, with its value
  // before (nullopt: absent).
  struct Undo {
    struct Old {
      Column column;
      std::string key;
      std::optional<std::string> value;
    };
    std::vector<Old> old;
  };
  Status Flushed(Status s);

  Store* const base_;
  const bool sync_writes_;
  mutable std::mutex mu_;
  std::uint64_t pass_ = 0;  // writes to let through before failing; guarded by mu_
  std::uint64_t fail_ = 0;  // writes to fail after those; guarded by mu_
  std::uint64_t writes_ = 0, failed_writes_ = 0;  // guarded by mu_
  std::vector<Undo> unsynced_;                    // oldest first; guarded by mu_
};

}  // namespace mrc::storage
