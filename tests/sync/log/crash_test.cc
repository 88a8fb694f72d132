// Crash safety: a writer process is killed with SIGKILL while appending; on
// reopen every acknowledged entry is there and the log verifies. The writer
// is this same test binary re-executed with a filter that runs only
// CrashChild.Writer, so the child starts clean (no threads inherited).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using testing::NewFaq;
using testing::OpenAsRoot;
using testing::TempDir;

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

}  // namespace
}  // namespace mrc::sync
