#include "storage/fault_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/temp_dir.h"

namespace mrc::storage {
namespace {

class FaultStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(/*sync_writes=*/false); }
  void TearDown() override {
    fault_.reset();
    base_.reset();
  }
  // Closes and opens the RocksDB store again, under a new wrapper.
  void Reopen(bool sync_writes) {
    fault_.reset();
    base_.reset();
    Options opts;
    opts.sync_writes = false;  // the wrapper decides what counts as synced
    base_ = Store::Open(dir_ + "/db", opts).value();
    fault_ = std::make_unique<FaultStore>(base_.get(), sync_writes);
  }
  std::string Write(std::vector<std::pair<std::string, std::string>> puts,
                    std::vector<std::string> deletes = {}) {
    WriteBatch b;
    for (const auto& [k, v] : puts) b.Put(Column::kDocs, k, v);
    for (const auto& k : deletes) b.Delete(Column::kDocs, k);
    Status s = fault_->Write(&b);
    return std::string(s.CodeName());
  }
  // Every key=value of the column, in key order.
  std::string Contents() {
    std::string out;
    auto it = fault_->NewIterator(Column::kDocs);
    for (it->SeekToFirst(); it->Valid(); it->Next())
      out += std::string(it->key()) + "=" + std::string(it->value()) + " ";
    return out;
  }

  mrc::testing::TempDir tmp_;
  const std::string dir_ = tmp_.path();
  std::unique_ptr<Store> base_;
  std::unique_ptr<FaultStore> fault_;
};

TEST_F(FaultStoreTest, ChosenWritesFailAndApplyNothing) {
  fault_->FailWrites(2, /*after=*/1);
  EXPECT_EQ("OK", Write({{"a", "1"}}));
  EXPECT_EQ("IO_ERROR", Write({{"b", "2"}, {"a", "x"}}));
  EXPECT_EQ("IO_ERROR", Write({}, {"a"}));
  EXPECT_EQ("a=1 ", Contents());
  EXPECT_EQ("OK", Write({{"b", "2"}}));
  EXPECT_EQ("a=1 b=2 ", Contents());
  EXPECT_EQ(2u, fault_->writes());
  EXPECT_EQ(2u, fault_->failed_writes());
}

TEST_F(FaultStoreTest, FailingForeverUntilStopped) {
  fault_->FailWrites(FaultStore::kForever);
  for (int i = 0; i < 5; ++i) EXPECT_EQ("IO_ERROR", Write({{"a", std::to_string(i)}}));
  fault_->FailWrites(0);
  EXPECT_EQ("OK", Write({{"a", "5"}}));
  EXPECT_EQ("a=5 ", Contents());
}

TEST_F(FaultStoreTest, PowerFailureLosesWhatFollowsTheLastSyncPoint) {
  EXPECT_EQ("OK", Write({{"a", "1"}, {"b", "1"}}));
  fault_->SyncPoint();
  EXPECT_EQ("OK", Write({{"a", "2"}, {"c", "2"}}, {"b"}));
  EXPECT_EQ("OK", Write({{"a", "3"}, {"a", "4"}}, {"c"}));  // a key twice in one batch
  EXPECT_EQ("a=4 ", Contents());
  EXPECT_EQ(2u, fault_->unsynced_writes());
  ASSERT_TRUE(fault_->DropUnsyncedWrites().ok());
  EXPECT_EQ("a=1 b=1 ", Contents());
  EXPECT_EQ(0u, fault_->unsynced_writes());
  // What remains is what the store holds when opened again.
  Reopen(/*sync_writes=*/false);
  EXPECT_EQ("a=1 b=1 ", Contents());
}

TEST_F(FaultStoreTest, PowerFailureCanKeepAPrefixOfTheUnsyncedWrites) {
  EXPECT_EQ("OK", Write({{"a", "1"}}));
  EXPECT_EQ("OK", Write({{"b", "2"}}));
  EXPECT_EQ("OK", Write({{"a", "3"}}, {"b"}));
  ASSERT_TRUE(fault_->DropUnsyncedWrites(/*keep=*/2).ok());
  EXPECT_EQ("a=1 b=2 ", Contents());
  // The kept writes are durable now: a second failure keeps them.
  ASSERT_TRUE(fault_->DropUnsyncedWrites().ok());
  EXPECT_EQ("a=1 b=2 ", Contents());
}

TEST_F(FaultStoreTest, SyncedWritesAndFlushesSurvive) {
  Reopen(/*sync_writes=*/true);
  EXPECT_EQ("OK", Write({{"a", "1"}}));
  ASSERT_TRUE(fault_->DropUnsyncedWrites().ok());
  EXPECT_EQ("a=1 ", Contents());

  Reopen(/*sync_writes=*/false);
  EXPECT_EQ("OK", Write({{"b", "2"}}));
  ASSERT_TRUE(fault_->CompactAll().ok());
  EXPECT_EQ("OK", Write({{"c", "3"}}));
  ASSERT_TRUE(fault_->DropUnsyncedWrites().ok());
  EXPECT_EQ("a=1 b=2 ", Contents());
}

}  // namespace
}  // namespace mrc::storage
