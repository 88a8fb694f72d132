#include "node/context.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/foundation/log.h"
#include "sync/kinds.h"
#include "sync/log/hq_news.h"
#include "sync/settings/settings_service.h"
#include "sync/trust/trust_records.h"

namespace mrc::node {
namespace fs = std::filesystem;

namespace {

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A test seam (docs/testing.md): MRC_CLOCK_OFFSET_MS=<signed milliseconds>
// makes this process stamp its entries as if its clock were that far ahead
// (or behind, when negative), so that a test can run a node with a wrong
// clock without changing the machine's.
Status ApplyClockOffset(Context* ctx) {
  const char* env = std::getenv("MRC_CLOCK_OFFSET_MS");
  if (!env || !*env) return Status::Ok();
  std::string_view text(env);
  std::int64_t offset = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("MRC_CLOCK_OFFSET_MS: expected signed milliseconds, got \"" +
                                   std::string(text) + "\"");
  }
  ctx->test_clock = std::make_unique<OffsetClock>(SystemClock(), offset);
  ctx->clock = ctx->test_clock.get();
  log::Warn("node", "the clock is shifted by " + std::to_string(offset) +
                        " ms (MRC_CLOCK_OFFSET_MS, a test setting)");
  return Status::Ok();
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IOError("cannot write " + path);
  return Status::Ok();
}

// Files root writes into another user's data directory (RocksDB's log and
// tables, keys) would be unreadable by that user, and the node running as
// it (the Debian package's `mrcnode` service user) would then fail to start.
Status CheckNotRootInOthersDir(const std::string& data_dir) {
  struct stat st {};
  if (::geteuid() != 0 || ::stat(data_dir.c_str(), &st) != 0 || st.st_uid == 0) {
    return Status::Ok();
  }
  const passwd* pw = ::getpwuid(st.st_uid);
  std::string owner = pw ? pw->pw_name : std::to_string(st.st_uid);
  return Status::PermissionDenied(
      data_dir + " belongs to user " + owner + ": run this as that user (sudo -u " + owner +
      " mrcnode ...), so that what it writes stays readable by " + "the node");
}

// The config.toml `init` keeps: one already in the data directory (the
// Debian package's link to /etc/mrcnode/config.toml), whose settings the
// command line must then not try to set.
Result<config::Config> ExistingConfig(const InitOptions& o) {
  std::string path = o.data_dir + "/config.toml";
  if (!o.http_listen.empty() || !o.sync_listen.empty() || !o.node_name.empty()) {
    return Status::InvalidArgument(path + " exists: set http.listen, sync.listen and node.name " +
                                   "in it rather than with --http, --listen and --name");
  }
  return config::LoadFile(path);
}

}  // namespace

Result<std::string> InitDataDir(const InitOptions& o) {
  if (o.data_dir.empty()) return Status::InvalidArgument("--data is required");
  if (std::error_code ec; fs::exists(o.data_dir + "/identity.key", ec)) {
    return Status::InvalidArgument(o.data_dir + " is already initialised (identity.key exists)");
  }
  MRC_RETURN_IF_ERROR(CheckNotRootInOthersDir(o.data_dir));
  std::error_code config_ec;
  const bool keep_config = fs::is_symlink(o.data_dir + "/config.toml", config_ec) ||
                           fs::exists(o.data_dir + "/config.toml", config_ec);
  if (o.hq == !o.genesis.empty()) {
    return Status::InvalidArgument(
        "give either --hq (start a new network with this node as headquarters) or --genesis "
        "FILE|TEXT (join the network headquarters created)");
  }
  MRC_RETURN_IF_ERROR(sync::InitCrypto());
  config::Config cfg;
  if (keep_config) {
    MRC_ASSIGN_OR_RETURN(cfg, ExistingConfig(o));
  } else {
    cfg.node_name = o.node_name;
    if (!o.http_listen.empty()) cfg.http_listen = o.http_listen;
    if (o.sync_listen == "none")
      cfg.sync_listen.clear();
    else if (!o.sync_listen.empty())
      cfg.sync_listen = o.sync_listen;
    // Validate the settings before touching the disk.
    MRC_RETURN_IF_ERROR(config::Parse(config::Render(cfg), "--http/--listen").status());
  }

  sync::KeyPair key = sync::GenerateKeyPair();
  sync::Genesis genesis;
  if (o.hq) {
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    genesis = sync::MakeGenesis(key, o.network_name.empty() ? "MRC network" : o.network_name,
                                static_cast<std::uint64_t>(now));
  } else {
    std::string text = o.genesis;
    if (text.rfind("mrc-genesis-", 0) != 0) {
      auto file = ReadText(o.genesis);
      if (!file.ok())
        return Status::InvalidArgument("--genesis: " + o.genesis +
                                       " is neither a readable file nor a genesis text");
      text = *file;
    }
    auto g = sync::GenesisFromText(text);
    if (!g.ok()) return g.status().Annotate("--genesis");
    genesis = *g;
  }

  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (ec) return Status::IOError("cannot create " + o.data_dir + ": " + ec.message());
  ::chmod(o.data_dir.c_str(), 0700);
  MRC_RETURN_IF_ERROR(sync::WriteSecretKey(o.data_dir + "/identity.key", key));
  MRC_RETURN_IF_ERROR(sync::LoadOrCreateEncryptionKey(o.data_dir + "/encryption.key").status());
  MRC_RETURN_IF_ERROR(WriteText(o.data_dir + "/identity.pub", ToHex(key.public_key) + "\n"));
  MRC_RETURN_IF_ERROR(WriteText(o.data_dir + "/genesis.txt", genesis.ToText() + "\n"));
  if (!keep_config) MRC_RETURN_IF_ERROR(config::WriteFile(o.data_dir + "/config.toml", cfg));
  MRC_ASSIGN_OR_RETURN(auto store, storage::Store::Open(o.data_dir + "/db", storage::Options{}));

  std::string summary = "initialised " + o.data_dir + "\n";
  summary += "  node key:   " + ToHex(key.public_key) + "\n";
  summary += "  network:    " + genesis.network_name + " (" + ToHex(genesis.network_id()) + ")\n";
  summary +=
      o.hq ? "  role:       headquarters (genesis written to " + o.data_dir + "/genesis.txt)\n"
           : "  role:       centre\n";
  if (keep_config) summary += "  config:     " + o.data_dir + "/config.toml (kept as it was)\n";
  summary += "  http:       " + cfg.http_listen + "\n";
  summary += "  peers on:   " +
             (cfg.sync_listen.empty() ? std::string("(not listening)") : cfg.sync_listen) + "\n";
  return summary;
}

Result<Identity> LoadIdentity(const std::string& data_dir) {
  if (std::error_code ec; !fs::exists(data_dir + "/identity.key", ec)) {
    return Status::NotFound(data_dir +
                            " is not an mrcnode data directory (run `mrcnode init --data " +
                            data_dir + "` first)");
  }
  MRC_RETURN_IF_ERROR(sync::InitCrypto());
  Identity id;
  MRC_ASSIGN_OR_RETURN(id.key, sync::LoadSecretKey(data_dir + "/identity.key"));
  MRC_ASSIGN_OR_RETURN(std::string genesis_text, ReadText(data_dir + "/genesis.txt"));
  auto genesis = sync::GenesisFromText(genesis_text);
  if (!genesis.ok()) return genesis.status().Annotate(data_dir + "/genesis.txt");
  id.genesis = *genesis;
  return id;
}

Result<std::string> ReadTextFile(const std::string& path) { return ReadText(path); }

Result<std::unique_ptr<Context>> OpenContext(const std::string& data_dir) {
  if (std::error_code ec; !fs::exists(data_dir + "/identity.key", ec)) {
    return Status::NotFound(data_dir +
                            " is not an mrcnode data directory (run `mrcnode init --data " +
                            data_dir + "` first)");
  }
  MRC_RETURN_IF_ERROR(CheckNotRootInOthersDir(data_dir));
  auto ctx = std::make_unique<Context>();
  ctx->data_dir = data_dir;
  MRC_ASSIGN_OR_RETURN(ctx->config, config::LoadFile(ctx->Path("config.toml")));
  log::Level level;
  if (log::ParseLevel(ctx->config.log_level, &level)) log::SetLevel(level);
  MRC_RETURN_IF_ERROR(sync::InitCrypto());
  MRC_ASSIGN_OR_RETURN(ctx->identity, sync::LoadSecretKey(ctx->Path("identity.key")));
  MRC_ASSIGN_OR_RETURN(std::string genesis_text, ReadText(ctx->Path("genesis.txt")));
  auto genesis = sync::GenesisFromText(genesis_text);
  if (!genesis.ok()) return genesis.status().Annotate(ctx->Path("genesis.txt"));
  ctx->genesis = *genesis;
  storage::Options so;
  so.create_if_missing = false;
  so.sync_writes = ctx->config.storage_sync;
  so.block_cache_mb = ctx->config.storage_cache_mb;
  MRC_ASSIGN_OR_RETURN(ctx->store, storage::Store::Open(ctx->Path("db"), so));
  // After the store's lock: only one process makes the key of a data
  // directory from before encryption keys existed.
  MRC_ASSIGN_OR_RETURN(ctx->encryption,
                       sync::LoadOrCreateEncryptionKey(ctx->Path("encryption.key")));
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(ctx->data_dir, ec)) {
    if (f.path().filename().string().rfind("encryption.key.retired-", 0) != 0) continue;
    auto retired = sync::LoadOrCreateEncryptionKey(f.path().string());
    if (!retired.ok()) return retired.status().Annotate(f.path().string());
    ctx->retired_encryption.push_back(*retired);
  }
  MRC_RETURN_IF_ERROR(ApplyClockOffset(ctx.get()));
  sync::LogOptions lo;
  lo.clock = ctx->clock;
  const config::Config& cf = ctx->config;
  lo.unapproved.entries_per_author = cf.limits_unapproved_entries_per_key;
  lo.unapproved.bytes_per_author = std::uint64_t{cf.limits_unapproved_mb_per_key} << 20;
  lo.unapproved.total_bytes = std::uint64_t{cf.limits_unapproved_total_mb} << 20;
  MRC_ASSIGN_OR_RETURN(ctx->log,
                       sync::OpenLog(ctx->store.get(), ctx->identity, ctx->genesis.network_id(),
                                     ctx->genesis.root_key, lo));
  ctx->docs = std::make_unique<sync::DocService>(ctx->log.get());
  ctx->docs->SetClock(ctx->clock);  // "today" for review dates, as the log stamps entries
  ctx->docs->SetReviewIntervals(
      [log = ctx->log.get()] { return sync::ReviewIntervalsInForce(*log); });
  ctx->trust = std::make_unique<sync::TrustService>(ctx->log.get(), ctx->identity);
  return ctx;
}

std::vector<sync::BoxKeyPair> Context::EncryptionKeys() const {
  std::vector<sync::BoxKeyPair> keys{encryption};
  keys.insert(keys.end(), retired_encryption.begin(), retired_encryption.end());
  return keys;
}

namespace {

web::SelfStanding StandingOf(const sync::trust::MemberInfo& m) {
  using Role = web::SelfStanding::Role;
  if (m.revoked_from) return {Role::kRevoked, m.revoked_from, m.revoke_reason};
  return {m.root ? Role::kRoot : m.hq ? Role::kHqMember : Role::kCentreMember, 0, {}};
}

// What an administrator must see of the trust rules: this node's own
// standing, forked feeds, keys revoked and rejected entries.
Result<web::TrustStatus> ReadTrustStatus(sync::Log& log) {
  MRC_ASSIGN_OR_RETURN(auto members, sync::trust::Members(log));
  web::TrustStatus t;
  std::map<Hash32, std::string> names;
  for (const auto& m : members) {
    names[m.key] = m.name;
    if (m.key == log.self()) t.self = StandingOf(m);
    if (m.member && !m.revoked_from) t.members++;
    if (m.revoked_from) t.revoked.push_back({m.key, m.name, m.revoked_from});
  }
  MRC_ASSIGN_OR_RETURN(auto feeds, log.Feeds());
  for (const auto& f : feeds) {
    if (f.forked) t.forked_feeds.push_back({f.author, names[f.author], f.fork_seq});
  }
  MRC_ASSIGN_OR_RETURN(auto rejections, log.Rejections(20));
  t.rejected = rejections.first;
  t.rejections = std::move(rejections.second);
  return t;
}

// The authors of feeds this node has from bundles and from no link it
// knows of, with the time of the last bundle that carried each.
Result<std::vector<web::BundleCentre>> ReadBundleCentres(
    sync::Log& log, const std::vector<sync::PeerLinkStatus>& peers) {
  MRC_ASSIGN_OR_RETURN(auto feeds, sync::BundleFeeds(&log));
  std::vector<web::BundleCentre> out;
  if (feeds.empty()) return out;
  feeds.erase(log.self());
  for (const auto& p : peers) feeds.erase(p.peer);
  MRC_ASSIGN_OR_RETURN(auto members, sync::trust::Members(log));
  std::map<Hash32, std::string> names;
  for (const auto& m : members) names[m.key] = m.name;
  for (const auto& [key, ms] : feeds) out.push_back({key, names[key], ms});
  return out;
}

}  // namespace

web::HqNews ReadHqNews(Context& ctx) {
  web::HqNews n;
  n.headquarters = sync::IsHeadquarters(ctx.log.get(), ctx.identity.public_key);
  if (auto last = sync::LastHqNews(ctx.log.get()); last.ok()) n.last_ms = *last;
  n.now_ms = ctx.clock->NowMillis();
  return n;
}

Result<web::NodeStatus> ReadNodeStatus(Context& ctx, std::vector<sync::PeerLinkStatus> peers) {
  web::NodeStatus s;
  MRC_ASSIGN_OR_RETURN(s.digest, ctx.log->Digest());
  MRC_ASSIGN_OR_RETURN(s.trust, ReadTrustStatus(*ctx.log));
  storage::Store::MemoryUse mem = ctx.store->Memory();
  s.memory = {mem.memtables, mem.block_cache, mem.table_readers};
  s.node = ctx.identity.public_key;
  s.encryption_key = ctx.encryption.public_key;
  s.name = ctx.config.node_name;
  s.network = ctx.genesis.network_name;
  s.network_id = ctx.genesis.network_id();
  MRC_ASSIGN_OR_RETURN(s.bundle_centres, ReadBundleCentres(*ctx.log, peers));
  s.peers = std::move(peers);
  s.own_feed_held = ctx.log->own_feed_held();
  s.hq_news = ReadHqNews(ctx);
  return s;
}

Result<RunningNode> FindRunningNode(const std::string& data_dir) {
  auto text = ReadText(data_dir + "/node.json");
  if (!text.ok()) return Status::NotFound("no running node recorded in " + data_dir);
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("http") || !j["http"].is_string()) {
    return Status::Corruption(data_dir + "/node.json is unreadable");
  }
  RunningNode node;
  node.address = j["http"].get<std::string>();
  if (j.contains("tls_fingerprint") && j["tls_fingerprint"].is_string())
    node.tls_fingerprint = j["tls_fingerprint"].get<std::string>();
  auto token = ReadText(data_dir + "/api-token");
  if (!token.ok()) {
    return Status::PermissionDenied("cannot read " + data_dir +
                                    "/api-token (run this as the user that runs the node)");
  }
  node.token = *token;
  while (!node.token.empty() && std::isspace(static_cast<unsigned char>(node.token.back())))
    node.token.pop_back();
  return node;
}

}  // namespace mrc::node
