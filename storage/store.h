// Store: the node's RocksDB database, behind a small API that keeps RocksDB's
// headers out of every other module.
//
// Data lives in column families (see docs/architecture.md, "Storage layout").
// All writes go through a WriteBatch, applied atomically: a crash never leaves
// half of a batch on disk. Reads are thread-safe; writes are serialised by the
// caller (the log has one writer).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/foundation/status.h"

namespace mrc::storage {

enum class Column : int {
  kMeta = 0,   // node-wide values: hybrid clock, format version
  kEntries,    // author(32) seq(8) -> signature(64) entry body payload
  kIds,        // entry id(32) -> author(32) seq(8)
  kFeeds,      // author(32) -> feed head record
  kDocs,       // doc id(32) -> document state record
  kPending,    // entry id(32) -> entry awaiting a dependency
  kWaits,      // dependency key + waiting entry id -> ""
  kForks,      // author(32) seq(8) entry id(32) -> evidence
  kRejects,    // entry id(32) -> reason (entries refused by a rule)
  kLocal,      // node-local data that never replicates (users, sessions)
  kTrust,      // membership and revocation records (sync/trust/trust.h)
  kReceipts,   // bulletin doc(32) author(32) type(1) version(32) -> hlc
  kProposals,  // doc(32) proposal(32) [decision(32)] -> proposal or decision
  kReferrals,  // referral(32) [step(32)] -> referral or status record
  kReports,    // problem reports and replies (sync/reports/report_records.h)
  kSettings,   // network settings in force, and their history (sync/settings/)
};
inline constexpr int kColumnCount = 16;
const char* ColumnName(Column c);

struct Options {
  bool create_if_missing = true;
  bool sync_writes = true;            // fsync the WAL on every Write()
  std::uint32_t block_cache_mb = 32;  // shared LRU block cache
  // Per column family, and twice that over all of them. A process that
  // opens many stores at once (bench/sim_bench.cc opens a thousand) sets
  // it low: each memtable also holds a Bloom filter sized from it.
  std::uint32_t write_buffer_mb = 16;
  // Keeps the store's files in memory (RocksDB's memory environment, one
  // for the whole process), for a process that opens a thousand throwaway
  // stores (a simulated network, bench/sim_bench.cc): RocksDB keeps ~19
  // file descriptors per store on disk, none in memory, and syncs nothing.
  // Nothing is created at `path`; the files last until the process exits
  // (closing the store does not free them), so reopening `path` in the same
  // process finds what was written (and a second open while it is open is
  // refused, as on disk).
  bool in_memory = false;
};

class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;

  void Put(Column c, std::string_view key, std::string_view value);
  // The same, taking the strings instead of copying them.
  void PutOwned(Column c, std::string&& key, std::string&& value);
  void Delete(Column c, std::string_view key);
  std::size_t Count() const;
  std::size_t ByteSize() const;
  void Clear();

  // Receives a batch's operations, in the order they were added.
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual void Put(Column c, std::string_view key, std::string_view value) = 0;
    virtual void Delete(Column c, std::string_view key) = 0;
  };
  void Iterate(Handler* handler) const;

 private:
  friend class StoreImpl;
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// Iterates one column in key order. Not thread-safe; one per thread.
class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual void Seek(std::string_view key) = 0;
  // On an iterator made by NewPrefixIterator with a non-empty prefix: moves
  // its bound to another non-empty prefix and seeks to that prefix's first
  // key (cheaper than a new iterator). Keys beyond a prefix made only of
  // 0xff bytes may follow it: check the prefix.
  virtual void SeekPrefix(std::string_view prefix) = 0;
  virtual void SeekToFirst() = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (or creates) the database in directory `path`. Returns Unavailable
  // when another process holds it open.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const Options& options);

  // NotFound when the key is absent.
  virtual Result<std::string> Get(Column c, std::string_view key) = 0;
  // Applies the batch atomically (and durably when options.sync_writes).
  virtual Status Write(WriteBatch* batch) = 0;
  // Moves on with every write applied: two reads of the same generation
  // read the same contents (what is derived from them may be kept).
  virtual std::uint64_t Generation() const = 0;
  virtual std::unique_ptr<Iterator> NewIterator(Column c) = 0;
  // Iterates only keys starting with `prefix`: the iterator stops at the
  // prefix's end instead of skipping deleted keys beyond it.
  virtual std::unique_ptr<Iterator> NewPrefixIterator(Column c, std::string_view prefix) = 0;
  // The same for a long sequential read (a feed sent to a peer or written
  // to a bundle): the blocks it reads do not enter the block cache, so that
  // sending a backlog neither churns the cache nor evicts what the node's
  // own reads keep there.
  virtual std::unique_ptr<Iterator> NewScanIterator(Column c, std::string_view prefix) = 0;
  // A consistent copy of the whole database in `dest` (must not exist).
  virtual Status Checkpoint(const std::string& dest) = 0;
  // Rewrites every file so deleted values leave the disk.
  virtual Status CompactAll() = 0;
  // Makes values overwritten or deleted in column c between keys `begin`
  // and `end` (inclusive) leave the disk: flushes every column family (so
  // the write-ahead log files holding them become obsolete and are
  // deleted), then rewrites the files overlapping the range.
  virtual Status Scrub(Column c, std::string_view begin, std::string_view end) = 0;
  // What RocksDB holds in memory now, in bytes, over all column families.
  struct MemoryUse {
    std::uint64_t memtables = 0;      // active and immutable write buffers
    std::uint64_t block_cache = 0;    // the shared block cache's usage
    std::uint64_t table_readers = 0;  // index and filter blocks outside the cache
  };
  virtual MemoryUse Memory() = 0;
  virtual std::string path() const = 0;
};

}  // namespace mrc::storage
