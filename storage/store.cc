// RocksDB implementation of Store. The only file in mrcnode that includes
// RocksDB headers (they cost ~2.2 s of parsing per translation unit).
#include "storage/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <vector>

namespace mrc::storage {

const char* ColumnName(Column c) {
  static constexpr const char* kNames[kColumnCount] = {
      "default", "entries", "ids",   "feeds",    "docs",      "pending",   "waits",   "forks",
      "rejects", "local",   "trust", "receipts", "proposals", "referrals", "reports", "settings"};
  return kNames[static_cast<int>(c)];
}

struct WriteBatch::Rep {
  // Column handles are bound at Write() time, so a batch does not need a Store.
  struct Op {
    bool put;
    Column column;
    std::string key;
    std::string value;
  };
  std::vector<Op> ops;
  std::size_t bytes = 0;
};

WriteBatch::WriteBatch() : rep_(std::make_unique<Rep>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

void WriteBatch::Put(Column c, std::string_view key, std::string_view value) {
  PutOwned(c, std::string(key), std::string(value));
}

void WriteBatch::PutOwned(Column c, std::string&& key, std::string&& value) {
  rep_->bytes += key.size() + value.size();
  rep_->ops.push_back({true, c, std::move(key), std::move(value)});
}

void WriteBatch::Delete(Column c, std::string_view key) {
  rep_->bytes += key.size();
  rep_->ops.push_back({false, c, std::string(key), {}});
}

std::size_t WriteBatch::Count() const { return rep_->ops.size(); }
std::size_t WriteBatch::ByteSize() const { return rep_->bytes; }
void WriteBatch::Clear() {
  rep_->ops.clear();
  rep_->bytes = 0;
}

void WriteBatch::Iterate(Handler* handler) const {
  for (const auto& op : rep_->ops) {
    if (op.put)
      handler->Put(op.column, op.key, op.value);
    else
      handler->Delete(op.column, op.key);
  }
}

namespace {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return Status::Unavailable(msg + " (is another mrcnode process using this data directory?)");
  }
  return Status::IOError(msg);
}

// The smallest key greater than every key starting with prefix; "" if none.
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

class IteratorImpl final : public Iterator {
 public:
  explicit IteratorImpl(rocksdb::Iterator* it, std::unique_ptr<std::string> bound = nullptr,
                        std::unique_ptr<rocksdb::Slice> bound_slice = nullptr)
      : bound_(std::move(bound)), bound_slice_(std::move(bound_slice)), it_(it) {}
  void Seek(std::string_view key) override { it_->Seek(rocksdb::Slice(key.data(), key.size())); }
  void SeekPrefix(std::string_view prefix) override {
    // RocksDB reads the bound through its pointer at every step, so a new
    // bound followed by a Seek is a new range.
    std::string end = PrefixEnd(prefix);
    if (bound_ && !end.empty()) {
      *bound_ = std::move(end);
      *bound_slice_ = rocksdb::Slice(*bound_);
    }
    Seek(prefix);
  }
  void SeekToFirst() override { it_->SeekToFirst(); }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  std::string_view key() const override {
    auto k = it_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    auto v = it_->value();
    return {v.data(), v.size()};
  }
  Status status() const override { return FromRocks(it_->status(), "iterator"); }

 private:
  // The upper bound must outlive the iterator (RocksDB keeps a pointer).
  std::unique_ptr<std::string> bound_;
  std::unique_ptr<rocksdb::Slice> bound_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Shared by every in-memory store, and never destroyed: it holds their
// files, which a store reopened later in the process must find, and a store
// closed during static destruction would otherwise outlive it.
rocksdb::Env* MemoryEnv() {
  static rocksdb::Env* const env = rocksdb::NewMemEnv(rocksdb::Env::Default());
  return env;
}

}  // namespace

class StoreImpl final : public Store {
 public:
  StoreImpl(std::string path, const Options& options) : path_(std::move(path)), options_(options) {}
  ~StoreImpl() override {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    handles_.clear();
    if (db_) (void)db_->Close();
  }

  Status OpenDb() {
    rocksdb::Options opts;
    opts.create_if_missing = options_.create_if_missing;
    opts.create_missing_column_families = true;
    opts.max_background_jobs = 2;
    // Small files and a modest memtable: edge nodes run on old PCs. The total
    // over all column families is capped too, or ten families could hold
    // 10 x 16 MB of memtables during a large catch-up.
    opts.write_buffer_size = std::size_t{options_.write_buffer_mb} << 20;
    opts.db_write_buffer_size = 2 * opts.write_buffer_size;
    opts.keep_log_file_num = 4;
    if (options_.in_memory) {
      opts.env = MemoryEnv();
      // RocksDB's informational log is a file as well, kept in memory: at
      // its default level, 300 simulated nodes peaked at 1,723 MB instead
      // of 1,479 MB.
      opts.info_log_level = rocksdb::WARN_LEVEL;
    }
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(std::size_t{options_.block_cache_mb} << 20);
    // Most lookups while applying are for ids that do not exist yet (is this
    // entry new? is that parent here?): a Bloom filter answers them without
    // reading data blocks.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    // Index and filter blocks live in the block cache, in 4 KB partitions,
    // instead of whole per table file outside it: otherwise they grow with
    // the store (17 MB at a million entries) and a catch-up's memory grows
    // with its backlog. The top-level index of each file and level 0's
    // blocks stay pinned, so a lookup still costs no extra read.
    table.cache_index_and_filter_blocks = true;
    table.cache_index_and_filter_blocks_with_high_priority = true;
    table.pin_l0_filter_and_index_blocks_in_cache = true;
    table.pin_top_level_index_and_filter = true;
    table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    table.partition_filters = true;
    table.metadata_block_size = 4096;
    // The packaged RocksDB computes CRC32C in software; XXH3 is several times
    // cheaper for the same protection of table blocks.
    table.checksum = rocksdb::kXXH3;
    opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    // Smaller compaction outputs: a table file's index is built in memory
    // while it is written (12 MB per 64 MB file at ~1 KB values).
    opts.target_file_size_base = 16 << 20;
    // Flushes and the first compactions run beside the writer on a small
    // machine's other core: leave their output uncompressed (it is rewritten
    // soon) and compress the bulk of the data, in the lower levels, with LZ4.
    opts.compression_per_level = {rocksdb::kNoCompression, rocksdb::kNoCompression,
                                  rocksdb::kLZ4Compression};
    // The same for the memtable, where a miss otherwise walks the skip list
    // (2% of the write buffer: ~300 KB per 16 MB memtable, allocated and
    // zeroed when the memtable is made).
    opts.memtable_whole_key_filtering = true;
    opts.memtable_prefix_bloom_size_ratio = 0.02;

    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (int i = 0; i < kColumnCount; ++i) {
      cfs.emplace_back(ColumnName(static_cast<Column>(i)), rocksdb::ColumnFamilyOptions(opts));
    }
    // A column this version does not know was made by a newer one: refuse
    // the store before RocksDB opens (and so rewrites) anything of it.
    // (Columns missing are made: older stores gained columns that way.)
    std::vector<std::string> held;
    if (rocksdb::DB::ListColumnFamilies(opts, path_, &held).ok()) {
      for (const auto& name : held) {
        bool known =
            std::any_of(cfs.begin(), cfs.end(), [&](const auto& cf) { return cf.name == name; });
        if (!known) {
          return Status::InvalidArgument(
              "store " + path_ + " holds a column '" + name +
              "' this version does not know: it was written by a newer mrcnode. Run the "
              "newer version, or restore a backup made with this one");
        }
      }
    }
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(opts, path_, cfs, &handles_, &db);
    if (!s.ok()) return FromRocks(s, "open store " + path_);
    db_.reset(db);
    return Status::Ok();
  }

  Result<std::string> Get(Column c, std::string_view key) override {
    std::string value;
    auto s =
        db_->Get(rocksdb::ReadOptions(), Handle(c), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return Status::NotFound(std::string(ColumnName(c)) + " key not found");
    if (!s.ok()) return FromRocks(s, std::string("read ") + ColumnName(c));
    return value;
  }

  Status Write(WriteBatch* batch) override {
    rocksdb::WriteBatch wb;
    for (const auto& op : batch->rep_->ops) {
      rocksdb::Status s = op.put ? wb.Put(Handle(op.column), op.key, op.value)
                                 : wb.Delete(Handle(op.column), op.key);
      if (!s.ok()) return FromRocks(s, "build write batch");
    }
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync_writes;
    // Moved before the write as well as after: a reader that saw the old
    // generation while the write was being applied must not keep what it read.
    generation_.fetch_add(1);
    Status s = FromRocks(db_->Write(wo, &wb), "write batch");
    generation_.fetch_add(1);
    return s;
  }
  std::uint64_t Generation() const override { return generation_.load(); }

  std::unique_ptr<Iterator> NewIterator(Column c) override {
    return std::make_unique<IteratorImpl>(db_->NewIterator(rocksdb::ReadOptions(), Handle(c)));
  }

  std::unique_ptr<Iterator> NewPrefixIterator(Column c, std::string_view prefix) override {
    return Bounded(c, prefix, rocksdb::ReadOptions());
  }

  std::unique_ptr<Iterator> NewScanIterator(Column c, std::string_view prefix) override {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    return Bounded(c, prefix, ro);
  }

  Status Checkpoint(const std::string& dest) override {
    rocksdb::Checkpoint* raw = nullptr;
    MRC_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    return FromRocks(cp->CreateCheckpoint(dest), "checkpoint to " + dest);
  }

  Status CompactAll() override {
    rocksdb::CompactRangeOptions cro;
    cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    for (auto* h : handles_) {
      MRC_RETURN_IF_ERROR(FromRocks(db_->CompactRange(cro, h, nullptr, nullptr), "compact"));
    }
    return Status::Ok();
  }

  Status Scrub(Column c, std::string_view begin, std::string_view end) override {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    MRC_RETURN_IF_ERROR(FromRocks(db_->Flush(fo, handles_), "flush"));
    rocksdb::CompactRangeOptions cro;
    cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    rocksdb::Slice b(begin.data(), begin.size()), e(end.data(), end.size());
    return FromRocks(db_->CompactRange(cro, Handle(c), &b, &e), "compact");
  }

  std::string path() const override { return path_; }

  MemoryUse Memory() override {
    MemoryUse m;
    auto sum = [&](const char* property) {
      std::uint64_t total = 0, v = 0;
      for (auto* h : handles_) {
        if (db_->GetIntProperty(h, property, &v)) total += v;
      }
      return total;
    };
    m.memtables = sum("rocksdb.cur-size-all-mem-tables");
    m.table_readers = sum("rocksdb.estimate-table-readers-mem");
    std::uint64_t v = 0;
    // The block cache is shared: read it once.
    if (!handles_.empty() && db_->GetIntProperty(handles_[0], "rocksdb.block-cache-usage", &v))
      m.block_cache = v;
    return m;
  }

 private:
  std::unique_ptr<Iterator> Bounded(Column c, std::string_view prefix, rocksdb::ReadOptions ro) {
    auto end = std::make_unique<std::string>(PrefixEnd(prefix));
    if (end->empty()) return std::make_unique<IteratorImpl>(db_->NewIterator(ro, Handle(c)));
    auto slice = std::make_unique<rocksdb::Slice>(*end);
    ro.iterate_upper_bound = slice.get();
    auto* it = db_->NewIterator(ro, Handle(c));
    return std::make_unique<IteratorImpl>(it, std::move(end), std::move(slice));
  }

  rocksdb::ColumnFamilyHandle* Handle(Column c) const { return handles_[static_cast<int>(c)]; }

  std::string path_;
  Options options_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
  std::atomic<std::uint64_t> generation_{0};
};

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const Options& options) {
  auto store = std::make_unique<StoreImpl>(path, options);
  MRC_RETURN_IF_ERROR(store->OpenDb());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace mrc::storage
