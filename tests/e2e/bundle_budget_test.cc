// Bundles from strangers: a crafted bundle of the largest entries costs the
// importing process a bounded amount of memory, and every malformed bundle
// is refused with its reason (a 4xx through the API, never a 500).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <fstream>

#include "config/foundation/bytes.h"
#include "sync/crypto/crypto.h"
#include "sync/crypto/identity.h"
#include "tests/e2e/cluster.h"

namespace mrc::e2e {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMeasuresMemory = false;  // the sanitizer's shadow memory is in every figure
#else
constexpr bool kMeasuresMemory = true;
#endif

// A bundle of `count` records, each an unsigned entry-sized blob with a
// payload of `payload_bytes`, for the network of `genesis_file`: every
// check of the file passes, every entry is refused on import.
void WriteCraftedBundle(const std::string& path, const std::string& genesis_file, int count,
                        std::size_t payload_bytes) {
  std::ifstream g(genesis_file);
  std::string text((std::istreambuf_iterator<char>(g)), std::istreambuf_iterator<char>());
  auto genesis = sync::GenesisFromText(text);
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  sync::Hasher h;
  std::ofstream out(path, std::ios::binary);
  auto put = [&](std::string_view bytes) {
    h.Update(bytes);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  };
  Hash32 network = genesis->network_id();
  put("MRCBNDL1");
  put(AsView(network));
  std::string payload(payload_bytes, 'p');
  for (int i = 0; i < count; ++i) {
    Bytes record(1, 'E');
    PutU32(&record, 200);
    record += std::string(200, static_cast<char>('a' + i % 26));
    PutU32(&record, static_cast<std::uint32_t>(payload.size()));
    put(record);
    put(payload);
  }
  Bytes trailer(1, 'Z');
  PutU64(&trailer, static_cast<std::uint64_t>(count));
  put(trailer);
  Hash32 digest = h.Finish();
  out.write(reinterpret_cast<const char*>(digest.data()), digest.size());
}

// The peak resident memory, in MiB, of running `args` to completion
// (killed after two minutes).
double PeakMiB(const std::vector<std::string>& args) {
  int null_fd = ::open("/dev/null", O_RDWR);
  pid_t pid = Spawn(args, null_fd, null_fd, null_fd);
  ::close(null_fd);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  rusage usage{};
  int status = 0;
  while (::wait4(pid, &status, WNOHANG, &usage) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      ADD_FAILURE() << "timed out";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The resident memory of a running process, in MiB.
double RssMiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

class BundleBudgetTest : public Cluster {};

TEST_F(BundleBudgetTest, ACraftedBundleOfHugeEntriesCostsABoundedAmountOfMemory) {
  Init("hq");
  // 80 entries of 1 MiB: an import that held them all would grow by more
  // than 80 MiB; one that verifies and drops as it streams, by its budget.
  WriteCraftedBundle(Dir("huge.bundle"), Dir("hq/genesis.txt"), 80, 1 << 20);
  WriteCraftedBundle(Dir("tiny.bundle"), Dir("hq/genesis.txt"), 1, 1 << 10);
  double tiny = PeakMiB({kBin, "bundle", "import", "--data", Dir("hq"), Dir("tiny.bundle")});
  double huge = PeakMiB({kBin, "bundle", "import", "--data", Dir("hq"), Dir("huge.bundle")});
  std::printf("bundle import peak: tiny %.0f MiB, 80 x 1 MiB %.0f MiB\n", tiny, huge);
  if (kMeasuresMemory) {
    EXPECT_LT(huge - tiny, 56.0) << "tiny " << tiny << ", huge " << huge;
  }
  // Nothing was applied: every entry was refused.
  Output o = Mrc({"bundle", "import", "--data", Dir("hq"), Dir("tiny.bundle")});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.out.find("1 refused")) << o.out;

  // The same through a running node: its memory comes back down after.
  std::string addr = Start("hq");
  ASSERT_FALSE(addr.empty());
  pid_t pid = nodes_["hq"]->pid();
  double before = RssMiB(pid);
  auto r = Call("hq", "POST", "/api/v1/bundles/import", json{{"path", Dir("huge.bundle")}}.dump());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(200, r->status) << r->body;
  EXPECT_EQ(80, json::parse(r->body).value("refused", 0)) << r->body;
  double after = RssMiB(pid);
  std::printf("running node: %.0f MiB before, %.0f MiB after the import\n", before, after);
  if (kMeasuresMemory) {
    EXPECT_LT(after - before, 56.0) << before << " -> " << after;
  }
}

TEST_F(BundleBudgetTest, EveryMalformedBundleIsRefusedWithItsReason) {
  Init("hq");
  Init("other");  // another network
  WriteCraftedBundle(Dir("good.bundle"), Dir("hq/genesis.txt"), 3, 100);
  std::ifstream in(Dir("good.bundle"), std::ios::binary);
  std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(good.size(), 400u);
  std::string too_large = good;
  too_large[8 + 32 + 1] = '\x7f';  // the first record's length: 2 GiB
  std::string unknown_record = good;
  unknown_record[8 + 32] = 'Q';
  std::string flipped = good;
  flipped[good.size() / 2] ^= 1;
  std::string format2 = good;
  format2[7] = '2';
  struct Case {
    std::string name, bytes, reason;
  } cases[] = {
      {"empty", "", "not an mrcnode bundle"},
      {"text", "hello, this is not a bundle at all, just some text", "not an mrcnode bundle"},
      {"format2", format2, "of format 2"},
      {"truncated", good.substr(0, good.size() - 10), "truncated"},
      {"header-only", good.substr(0, 40), "truncated"},
      {"flipped", flipped, "corrupted"},
      {"too-large", too_large, "larger than allowed"},
      {"unknown-record", unknown_record, "unknown record type"},
      {"trailing", good + "x", "data after its end"},
  };
  WriteCraftedBundle(Dir("other.bundle"), Dir("other/genesis.txt"), 1, 10);
  std::string addr = Start("hq");
  ASSERT_FALSE(addr.empty());
  std::string digest = Digest("hq");
  auto import = [&](const std::string& path) {
    auto r = Call("hq", "POST", "/api/v1/bundles/import", json{{"path", path}}.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : web::HttpResponse{};
  };
  for (const auto& c : cases) {
    std::ofstream(Dir(c.name + ".bundle"), std::ios::binary) << c.bytes;
    auto r = import(Dir(c.name + ".bundle"));
    EXPECT_EQ(400, r.status) << c.name << ": " << r.body;
    EXPECT_NE(std::string::npos, r.body.find(c.reason)) << c.name << ": " << r.body;
  }
  auto r = import(Dir("other.bundle"));
  EXPECT_EQ(400, r.status) << r.body;
  EXPECT_NE(std::string::npos, r.body.find("another network")) << r.body;
  r = import(Dir("missing.bundle"));
  EXPECT_EQ(404, r.status) << r.body;
  r = import(root_);  // a directory
  EXPECT_EQ(400, r.status) << r.body;
  EXPECT_EQ(digest, Digest("hq"));
}

}  // namespace
}  // namespace mrc::e2e
