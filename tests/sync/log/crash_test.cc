// Crash safety: a writer process is killed with SIGKILL while appending; on
// reopen every acknowledged entry is there and the log verifies. The writer
// is this same test binary re-executed with a filter that runs only
// CrashChild.Writer, so the child starts clean (no threads inherited).
//
// Then the same questions through storage::FaultStore: a write that fails
// leaves the log as if it had not been tried, and a power failure that
// loses the unsynced writes leaves a log that verifies and goes on.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "storage/fault_store.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::EditFaq;
using testing::NewFaq;
using testing::OpenAsRoot;
using testing::TempDir;
using testing::TestNetwork;

std::unique_ptr<storage::Store> OpenDurable(const std::string& path) {
  storage::Options opts;
  opts.sync_writes = true;
  return storage::Store::Open(path, opts).value();
}

TEST(CrashChild, Writer) {
  const char* dir = std::getenv("MRC_CRASH_DIR");
  const char* fd_text = std::getenv("MRC_CRASH_ACK_FD");
  if (!dir || !fd_text) GTEST_SKIP() << "runs only as the child of CrashTest";
  ASSERT_TRUE(InitCrypto().ok());
  int fd = std::atoi(fd_text);
  auto store = OpenDurable(dir);
  auto log = OpenAsRoot(store.get());
  // Bounded: the parent kills us long before this ends.
  for (int i = 0; i < 200000; ++i) {
    std::vector<Draft> drafts;
    for (int k = 0; k < 1 + i % 5; ++k) drafts.push_back(NewFaq("crash " + std::to_string(i)));
    auto ids = log->Append(drafts);
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
    auto feeds = log->Feeds().value();
    std::uint64_t total = 0;
    for (const auto& f : feeds) total += f.seq;
    // Acknowledge only after Append returned: these entries must survive.
    ASSERT_EQ(static_cast<ssize_t>(sizeof total), ::write(fd, &total, sizeof total));
  }
}

TEST(CrashTest, KilledWriterLosesNothingAcknowledged) {
  ASSERT_TRUE(InitCrypto().ok());
  TempDir tmp;
  std::string dir = tmp.Sub("db");
  std::uint64_t acked = 0;
  for (int cycle = 0; cycle < 4; ++cycle) {
    int fds[2];
    ASSERT_EQ(0, ::pipe(fds));
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      ::setenv("MRC_CRASH_DIR", dir.c_str(), 1);
      ::setenv("MRC_CRASH_ACK_FD", std::to_string(fds[1]).c_str(), 1);
      ::execl("/proc/self/exe", "sync_test", "--gtest_filter=CrashChild.Writer", nullptr);
      ::_exit(127);
    }
    ::close(fds[1]);
    // Let the child acknowledge a varying number of batches, then kill it.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int wanted = 20 + cycle * 37, got = 0;
    std::uint64_t value;
    while (got < wanted && std::chrono::steady_clock::now() < deadline &&
           ::read(fds[0], &value, sizeof value) == static_cast<ssize_t>(sizeof value)) {
      acked = value;
      ++got;
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    // Drain acknowledgements written just before the kill.
    while (::read(fds[0], &value, sizeof value) == static_cast<ssize_t>(sizeof value))
      acked = value;
    ::close(fds[0]);
    ASSERT_GT(got, 0) << "child acknowledged nothing in cycle " << cycle;

    auto store = OpenDurable(dir);
    auto log = OpenAsRoot(store.get());
    std::uint64_t problems =
        log->Verify([](const Status& s) { ADD_FAILURE() << s.ToString(); }).value();
    EXPECT_EQ(0u, problems);
    auto info = log->Digest().value();
    EXPECT_GE(info.entries, acked) << "cycle " << cycle;
    EXPECT_EQ(info.entries, info.documents);
  }
}

// A lone headquarters writing through a FaultStore, and a second log that
// receives its entries: the second one's digest is what a log holding
// exactly those entries has.
class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    key_ = GenerateKeyPair();
    storage::Options opts;
    opts.sync_writes = false;  // the wrapper decides what a power failure loses
    base_ = storage::Store::Open(tmp_.Sub("faulty"), opts).value();
    fault_ = std::make_unique<storage::FaultStore>(base_.get(), /*sync_writes=*/false);
    Restart();
  }
  // Opens the log again on the same store, as the restarted process would.
  void Restart() {
    log_.reset();
    log_ = OpenLog(fault_.get(), key_, TestNetwork(), key_.public_key).value();
  }
  // A fresh log of the same network holding the first `seq` entries of
  // the faulty log's feed (as a peer that received them would).
  std::string DigestOfFirst(std::uint64_t seq) {
    auto dir = tmp_.Sub("reference" + std::to_string(++references_));
    storage::Options opts;
    opts.sync_writes = false;
    auto store = storage::Store::Open(dir, opts).value();
    auto other = OpenLog(store.get(), GenerateKeyPair(), TestNetwork(), key_.public_key).value();
    if (seq > 0) {
      auto report = other->Ingest(log_->ReadFeed(key_.public_key, 1, seq).value()).value();
      EXPECT_TRUE(report.refused.empty());
    }
    return ToHex(other->Digest().value().digest);
  }
  std::string Digest() { return ToHex(log_->Digest().value().digest); }
  std::uint64_t Seq() {
    for (const auto& f : log_->Feeds().value()) {
      if (f.author == key_.public_key) return f.seq;
    }
    return 0;
  }
  std::uint64_t Problems() {
    return log_->Verify([](const Status& s) { ADD_FAILURE() << s.ToString(); }).value();
  }
  static std::vector<Draft> Faqs(int n, const std::string& prefix) {
    std::vector<Draft> drafts;
    for (int i = 0; i < n; ++i) drafts.push_back(NewFaq(prefix + " " + std::to_string(i)));
    return drafts;
  }

  TempDir tmp_;
  KeyPair key_;
  std::unique_ptr<storage::Store> base_;
  std::unique_ptr<storage::FaultStore> fault_;
  std::unique_ptr<Log> log_;
  int references_ = 0;
};

TEST_F(FaultTest, AFailedAppendLeavesTheLogAsIfNotTried) {
  auto first = log_->Append(Faqs(5, "kept")).value();
  std::string before = Digest();
  fault_->FailWrites(1);
  auto failed = log_->Append(Faqs(7, "failed"));
  ASSERT_EQ(Status::Code::kIOError, failed.status().code()) << failed.status().ToString();
  EXPECT_EQ(1u, fault_->failed_writes());
  EXPECT_EQ(0u, Problems());
  EXPECT_EQ(5u, Seq());
  EXPECT_EQ(before, Digest());
  EXPECT_EQ(DigestOfFirst(5), Digest());
  EXPECT_TRUE(log_->GetVersion(first.back()).ok());
  // Tried again: the feed goes on from where it was, with no gap.
  auto retried = log_->Append(Faqs(7, "failed"));
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(12u, Seq());
  EXPECT_EQ(0u, Problems());
  EXPECT_EQ(DigestOfFirst(12), Digest());
}

TEST_F(FaultTest, AFailedIngestLeavesTheLogAsIfNotTried) {
  // Entries of another member, received in two batches; the second fails.
  KeyPair other_key = GenerateKeyPair();
  storage::Options opts;
  opts.sync_writes = false;
  auto other_store = storage::Store::Open(tmp_.Sub("other"), opts).value();
  auto other = OpenLog(other_store.get(), other_key, TestNetwork(), key_.public_key).value();
  Statement approval;
  approval.key = other_key.public_key;
  approval.roles = {"hq"};
  approval.name = "other";
  Draft approve{Kind::kMember, Op::kPut, {}, {}, StatementPayload(approval).value()};
  ASSERT_TRUE(log_->Append({approve}).ok());
  ASSERT_TRUE(other->Ingest(log_->ReadFeed(key_.public_key, 1, 100).value()).ok());
  auto docs = other->Append(Faqs(3, "doc")).value();
  auto batch1 = other->ReadFeed(other_key.public_key, 1, 100).value();
  std::vector<Draft> edits;
  for (const auto& d : docs) edits.push_back(EditFaq(d, {d}, "edited"));
  ASSERT_TRUE(other->Append(edits).ok());
  auto batch2 = other->ReadFeed(other_key.public_key, 4, 100).value();
  ASSERT_EQ(3u, batch2.size());

  ASSERT_TRUE(log_->Ingest(batch1).ok());
  std::string after_first = Digest();
  fault_->FailWrites(1);
  auto failed = log_->Ingest(batch2);
  ASSERT_EQ(Status::Code::kIOError, failed.status().code()) << failed.status().ToString();
  EXPECT_EQ(0u, Problems());
  EXPECT_EQ(after_first, Digest());
  for (const auto& d : docs) EXPECT_EQ(d, log_->GetDoc(d).value().winner.id);
  // The same batch again (a peer sends it again): all of it is taken.
  auto retried = log_->Ingest(batch2);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(3u, retried->accepted);
  EXPECT_EQ(0u, Problems());
  ASSERT_TRUE(other->Ingest(log_->ReadFeed(key_.public_key, 1, 100).value()).ok());
  EXPECT_EQ(ToHex(other->Digest().value().digest), Digest());
}

TEST_F(FaultTest, APowerFailureLosesOnlyUnsyncedBatchesWhole) {
  // Batches of 1 to 4 entries; the first three synced, the rest not.
  std::vector<std::uint64_t> seq_after;
  for (int b = 0; b < 8; ++b) {
    ASSERT_TRUE(log_->Append(Faqs(1 + b % 4, "batch " + std::to_string(b))).ok());
    seq_after.push_back(Seq());
    if (b == 2) fault_->SyncPoint();
  }
  ASSERT_EQ(5u, fault_->unsynced_writes());
  // Lose all but the first two unsynced batches, then restart.
  ASSERT_TRUE(fault_->DropUnsyncedWrites(/*keep=*/2).ok());
  Restart();
  EXPECT_EQ(0u, Problems());
  EXPECT_EQ(seq_after[4], Seq());
  EXPECT_EQ(DigestOfFirst(seq_after[4]), Digest());
  // The node goes on writing from the last entry it kept.
  ASSERT_TRUE(log_->Append(Faqs(3, "after the power came back")).ok());
  EXPECT_EQ(seq_after[4] + 3, Seq());
  EXPECT_EQ(0u, Problems());
  EXPECT_EQ(DigestOfFirst(seq_after[4] + 3), Digest());
  // A second failure with nothing synced since loses those three too.
  ASSERT_TRUE(fault_->DropUnsyncedWrites().ok());
  Restart();
  EXPECT_EQ(seq_after[4], Seq());
  EXPECT_EQ(0u, Problems());
}

}  // namespace
}  // namespace mrc::sync
