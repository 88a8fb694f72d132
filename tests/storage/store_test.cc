#include "storage/store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <filesystem>

#include "tests/support/temp_dir.h"

namespace mrc::storage {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = Store::Open(dir_ + "/db", Options{}).value(); }
  void TearDown() override { store_.reset(); }
  std::string Get(Column c, const std::string& k) {
    auto r = store_->Get(c, k);
    return r.ok() ? *r : std::string(r.status().CodeName());
  }
  std::string Keys(Column c, const std::string& prefix) {
    std::string out;
    auto it = store_->NewPrefixIterator(c, prefix);
    for (it->Seek(prefix); it->Valid(); it->Next()) out += std::string(it->key()) + ",";
    return out;
  }

  mrc::testing::TempDir tmp_;
  const std::string dir_ = tmp_.path();
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, BatchIsAtomicAndColumnsAreSeparate) {
  WriteBatch b;
  b.Put(Column::kDocs, "a", "1");
  b.Put(Column::kIds, "a", "2");
  b.Delete(Column::kDocs, "missing");
  EXPECT_EQ(3u, b.Count());
  ASSERT_TRUE(store_->Write(&b).ok());
  EXPECT_EQ("1", Get(Column::kDocs, "a"));
  EXPECT_EQ("2", Get(Column::kIds, "a"));
  EXPECT_EQ("NOT_FOUND", Get(Column::kFeeds, "a"));
}

TEST_F(StoreTest, PrefixIteratorStopsAtThePrefix) {
  WriteBatch b;
  for (const char* k : {"pa1", "pa2", "pb1", "q", "pa\xff"}) b.Put(Column::kWaits, k, "");
  b.Delete(Column::kWaits, "pb1");
  ASSERT_TRUE(store_->Write(&b).ok());
  EXPECT_EQ("pa1,pa2,pa\xff,", Keys(Column::kWaits, "pa"));
  EXPECT_EQ("", Keys(Column::kWaits, "pb"));
  EXPECT_EQ("pa1,pa2,pa\xff,", Keys(Column::kWaits, "p"));
}

// One iterator moved from prefix to prefix stops at each prefix's end, in
// the memtable and in table files alike.
TEST_F(StoreTest, APrefixIteratorMovesToAnotherPrefix) {
  WriteBatch b;
  for (const char* k : {"a1", "a2", "b1", "b2", "c1", "d1"}) b.Put(Column::kWaits, k, "");
  b.Delete(Column::kWaits, "c1");
  ASSERT_TRUE(store_->Write(&b).ok());
  for (int pass = 0; pass < 2; ++pass) {
    auto it = store_->NewPrefixIterator(Column::kWaits, "a");
    auto keys = [&](const char* prefix) {
      std::string out;
      for (it->SeekPrefix(prefix); it->Valid(); it->Next()) out += std::string(it->key()) + ",";
      return out;
    };
    EXPECT_EQ("a1,a2,", keys("a")) << pass;
    EXPECT_EQ("b1,b2,", keys("b")) << pass;
    EXPECT_EQ("", keys("c")) << pass;
    EXPECT_EQ("d1,", keys("d")) << pass;
    EXPECT_EQ("a1,a2,", keys("a")) << pass;
    ASSERT_TRUE(store_->CompactAll().ok());  // the second pass reads table files
  }
}

TEST_F(StoreTest, SecondOpenIsRefusedAsUnavailable) {
  auto second = Store::Open(dir_ + "/db", Options{});
  EXPECT_EQ(Status::Code::kUnavailable, second.status().code()) << second.status().ToString();
}

// A column this version does not know was made by a newer one: the store
// is refused with an error that says so, before RocksDB opens it.
TEST_F(StoreTest, AStoreWithAColumnOfANewerVersionIsRefused) {
  store_.reset();
  const std::string path = dir_ + "/db";
  const std::string newer = "from-a-newer-version";
  {
    rocksdb::Options o;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(o, path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* db = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(rocksdb::DB::Open(o, path, cfs, &handles, &db).ok());
    rocksdb::ColumnFamilyHandle* added = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), newer, &added).ok());
    handles.push_back(added);
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  auto refused = Store::Open(path, Options{});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(Status::Code::kInvalidArgument, refused.status().code());
  EXPECT_NE(std::string::npos, refused.status().message().find(newer));
  EXPECT_NE(std::string::npos, refused.status().message().find("newer mrcnode"));
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::Options(), path, &names).ok());
  EXPECT_NE(names.end(), std::find(names.begin(), names.end(), newer)) << "left as it was";
}

TEST_F(StoreTest, CheckpointIsAConsistentCopy) {
  WriteBatch b;
  b.Put(Column::kDocs, "k", "v");
  ASSERT_TRUE(store_->Write(&b).ok());
  ASSERT_TRUE(store_->Checkpoint(dir_ + "/copy").ok());
  ASSERT_TRUE(store_->CompactAll().ok());
  auto copy = Store::Open(dir_ + "/copy", Options{}).value();
  EXPECT_EQ("v", copy->Get(Column::kDocs, "k").value());
  EXPECT_FALSE(store_->Checkpoint(dir_ + "/copy").ok());
}

// A small write buffer only makes the store flush sooner, and an in-memory
// store only keeps its files elsewhere: what was written several buffers ago
// (in table files by then) is read back, and again after a reopen.
class SmallStoreTest : public StoreTest, public ::testing::WithParamInterface<bool> {};

TEST_P(SmallStoreTest, StoresAndReadsBack) {
  Options small;
  small.write_buffer_mb = 1;
  small.block_cache_mb = 1;
  small.sync_writes = false;
  small.in_memory = GetParam();
  auto path = dir_ + "/small";
  auto value = [](int i) { return std::string(1000, static_cast<char>('a' + i % 26)); };
  auto key = [](int i) { return std::to_string(100000 + i); };  // sorts as i does
  const int n = 8000;  // ~8 MB: four times what the buffers hold
  {
    auto store = Store::Open(path, small).value();
    for (int i = 0; i < n; i += 100) {
      WriteBatch b;
      for (int k = i; k < i + 100; ++k) b.Put(Column::kEntries, key(k), value(k));
      ASSERT_TRUE(store->Write(&b).ok());
    }
    EXPECT_LE(store->Memory().memtables, 3u << 20);
    EXPECT_EQ(value(0), store->Get(Column::kEntries, key(0)).value());
  }
  auto store = Store::Open(path, small).value();
  int count = 0;
  auto it = store->NewIterator(Column::kEntries);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ASSERT_EQ(key(count), it->key());
    ASSERT_EQ(value(count), it->value());
    ++count;
  }
  EXPECT_EQ(n, count);
  EXPECT_EQ(!small.in_memory, std::filesystem::exists(path));
  EXPECT_EQ(Status::Code::kUnavailable, Store::Open(path, small).status().code());
}

// What the in-memory option is for: a thousand stores open at once without
// a thousand times RocksDB's descriptors.
TEST_F(StoreTest, AnInMemoryStoreKeepsNoFileOpen) {
  auto open_files = [] {
    int n = 0;
    for ([[maybe_unused]] const auto& fd : std::filesystem::directory_iterator("/proc/self/fd"))
      ++n;
    return n;
  };
  Options options;
  options.in_memory = true;
  options.write_buffer_mb = 1;
  const int before = open_files();
  auto store = Store::Open(dir_ + "/mem", options).value();
  for (int i = 0; i < 3000; i += 100) {  // ~3 MB: table files as well
    WriteBatch b;
    for (int k = i; k < i + 100; ++k)
      b.Put(Column::kDocs, std::to_string(k), std::string(1000, 'x'));
    ASSERT_TRUE(store->Write(&b).ok());
  }
  ASSERT_TRUE(store->CompactAll().ok());
  EXPECT_EQ("xxx", store->Get(Column::kDocs, "2999").value().substr(0, 3));
  EXPECT_EQ(before, open_files());
}

INSTANTIATE_TEST_SUITE_P(InMemory, SmallStoreTest, ::testing::Bool());

}  // namespace
}  // namespace mrc::storage
