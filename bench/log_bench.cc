// Benchmarks of the signed log, printed as a table (see docs/benchmarks.md):
//   raw libsodium Ed25519 sign / verify (the per-entry ceiling)
//   sign + append: Log::Append in batches, durable (fsync per batch)
//   verify + apply: Log::Ingest of another node's feed, in batches, durable
// Each figure is the median of --runs runs, each on fresh stores.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/store.h"
#include "sync/crypto/crypto.h"
#include "sync/kinds.h"
#include "sync/log/entry.h"
#include "sync/log/log.h"
#include "sync/trust/trust.h"

namespace {

using namespace mrc;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// A ~1 KB FAQ payload, canonical JSON, unique per i.
std::string Payload(std::size_t i) {
  std::string answer(900, 'a');
  for (std::size_t k = 0; k < answer.size(); k += 7)
    answer[k] = static_cast<char>('a' + (i + k) % 26);
  return R"({"answer":")" + answer +
         R"(","categories":["work"],"language":"en","question":"Question )" + std::to_string(i) +
         R"(?"})";
}

struct TempStore {
  explicit TempStore(const std::string& root, const std::string& name) : path(root + "/" + name) {
    storage::Options o;
    o.sync_writes = true;
    store = storage::Store::Open(path, o).value();
  }
  std::string path;
  std::unique_ptr<storage::Store> store;
};

Hash32 Network() {
  Hash32 n{};
  n.fill(1);
  return n;
}

struct Rates {
  double sign, verify, append, apply, mb_per_s;
  double rebuild_secs;
};

Rates RunOnce(std::size_t n, std::size_t batch, const std::string& root) {
  Rates r{};
  sync::KeyPair key = sync::GenerateKeyPair();
  std::string msg = sync::SigningMessage(Network(), sync::Blake2b256("x"));
  const std::size_t kRaw = 20000;
  auto t0 = Clock::now();
  sync::Signature sig{};
  for (std::size_t i = 0; i < kRaw; ++i) sig = sync::Sign(key, msg);
  auto t1 = Clock::now();
  std::size_t ok = 0;
  for (std::size_t i = 0; i < kRaw; ++i) ok += sync::VerifySignature(key.public_key, msg, sig);
  auto t2 = Clock::now();
  if (ok != kRaw) std::abort();
  r.sign = kRaw / Seconds(t0, t1);
  r.verify = kRaw / Seconds(t1, t2);

  TempStore a(root, "author"), b(root, "replica");
  auto log_a = sync::OpenLog(a.store.get(), key, Network(), key.public_key).value();
  double append_secs = 0;
  for (std::size_t i = 0; i < n; i += batch) {
    std::vector<sync::Draft> drafts;  // the import's input, built untimed
    for (std::size_t k = i; k < std::min(n, i + batch); ++k) {
      drafts.push_back({sync::Kind::kFaq, sync::Op::kPut, Hash32{}, {}, Payload(k)});
    }
    auto s = Clock::now();
    if (!log_a->Append(drafts).ok()) std::abort();
    append_secs += Seconds(s, Clock::now());
  }
  r.append = n / append_secs;

  auto log_b =
      sync::OpenLog(b.store.get(), sync::GenerateKeyPair(), Network(), key.public_key).value();
  std::size_t bytes = 0;
  double apply_secs = 0;
  for (std::uint64_t seq = 1; seq <= n; seq += batch) {
    auto entries = log_a->ReadFeed(key.public_key, seq, batch).value();  // untimed: the wire's job
    for (const auto& e : entries) bytes += e.signed_form.size() + e.payload.size();
    auto s = Clock::now();
    auto report = log_b->Ingest(entries);
    apply_secs += Seconds(s, Clock::now());
    if (!report.ok() || !report->refused.empty() || report->accepted != entries.size())
      std::abort();
  }
  r.apply = n / apply_secs;
  r.mb_per_s = bytes / apply_secs / 1e6;
  if (log_a->Digest().value().digest != log_b->Digest().value().digest) std::abort();

  // A revocation that reaches back into entries already applied makes the
  // replica re-judge its whole log (docs/trust.md): a centre c, approved by
  // the root key, writes one entry; then the root key revokes it from seq 1.
  TempStore c(root, "centre");
  sync::KeyPair key_c = sync::GenerateKeyPair();
  auto log_c = sync::OpenLog(c.store.get(), key_c, Network(), key.public_key).value();
  auto statement = [&](sync::Statement st) {
    auto payload = sync::StatementPayload(st).value();
    if (!log_a->Append({{sync::Kind::kMember, sync::Op::kPut, Hash32{}, {}, payload}}).ok())
      std::abort();
    return log_a->ReadFeed(key.public_key, log_a->Feeds().value().front().seq, 1).value();
  };
  sync::Statement approve;
  approve.key = key_c.public_key;
  approve.roles = {"centre"};
  approve.name = "centre";
  if (!log_b->Ingest(statement(approve)).ok()) std::abort();
  if (!log_c->Append({{sync::Kind::kFaq, sync::Op::kPut, Hash32{}, {}, Payload(n)}}).ok())
    std::abort();
  if (!log_b->Ingest(log_c->ReadFeed(key_c.public_key, 1, 1).value()).ok()) std::abort();
  sync::Statement revoke;
  revoke.type = sync::Statement::Type::kRevoke;
  revoke.key = key_c.public_key;
  revoke.from_seq = 1;
  revoke.reason = "benchmark";
  auto revocation = statement(revoke);
  auto s = Clock::now();
  if (!log_b->Ingest(revocation).ok()) std::abort();
  r.rebuild_secs = Seconds(s, Clock::now());
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 100000, batch = 1000, runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::size_t v = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--entries")
      n = v;
    else if (flag == "--batch")
      batch = v;
    else if (flag == "--runs")
      runs = v;
  }
  if (!sync::InitCrypto().ok()) return 1;
  std::string root = (std::filesystem::temp_directory_path() / "mrc-bench").string();
  std::vector<double> sign, verify, append, apply, mbs, rebuild;
  for (std::size_t run = 0; run < runs; ++run) {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
    Rates r = RunOnce(n, batch, root);
    sign.push_back(r.sign);
    verify.push_back(r.verify);
    append.push_back(r.append);
    apply.push_back(r.apply);
    mbs.push_back(r.mb_per_s);
    rebuild.push_back(r.rebuild_secs);
    std::fprintf(stderr, "run %zu: append %.0f/s, apply %.0f/s\n", run + 1, r.append, r.apply);
  }
  std::filesystem::remove_all(root);
  std::printf("| measure (%zu entries of ~1 KB, batches of %zu, median of %zu) | per second |\n", n,
              batch, runs);
  std::printf("|---|---|\n");
  std::printf("| libsodium Ed25519 sign, raw | %.0f |\n", Median(sign));
  std::printf("| libsodium Ed25519 verify, raw | %.0f |\n", Median(verify));
  std::printf("| sign + append + apply (local write, durable) | %.0f |\n", Median(append));
  std::printf("| verify + apply a received run (durable) | %.0f (%.1f MB/s) |\n", Median(apply),
              Median(mbs));
  std::printf("| verify + apply vs raw verify | %.1fx |\n", Median(apply) / Median(verify));
  std::printf("| rebuild after a revocation (%zu entries re-judged), seconds | %.2f |\n", n + 3,
              Median(rebuild));
  return 0;
}
