#include "node/commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stop_token>
#include <thread>

#include "config/foundation/bytes.h"
#include "config/foundation/clock.h"
#include "config/foundation/log.h"
#include "config/foundation/progress.h"
#include "node/doc_client.h"
#include "node/import.h"
#include "node/tls.h"
#include "sync/bundle/bundle.h"
#include "sync/crypto/crypto.h"
#include "sync/peer/peer_service.h"
#include "sync/referrals/referral_service.h"
#include "sync/reports/report_service.h"
#include "sync/trust/trust_service.h"
#include "web/api/status_json.h"
#include "web/app/app.h"
#include "web/http/client.h"
#include "web/http/server.h"
#include "web/search/index.h"
#include "web/users/password_pool.h"
#include "web/users/users.h"

namespace mrc::node {
namespace {

using nlohmann::json;

Result<std::unique_ptr<DocClient>> Connect(const std::string& dir, std::unique_ptr<Context>* ctx) {
  return ConnectDocClient(dir, ctx);
}

// Runs one document call against the data directory or the running node.
template <typename Call>
int WithDocClient(const std::string& data_dir, Call call) {
  std::unique_ptr<Context> ctx;
  auto client = Connect(data_dir, &ctx);
  if (!client.ok()) return Fail(client.status());
  return Print(call(**client));
}

}  // namespace

// Writes `text` to `path` readable and writable by the owner only,
// replacing it atomically.
Status WritePrivateFile(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::IOError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

Status RestrictToOwner(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, ec);
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    bool is_dir = it->is_directory(ec);
    if (ec) break;
    fs::permissions(it->path(),
                    is_dir ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write,
                    ec);
  }
  if (ec) return Status::IOError("cannot restrict " + dir + " to its owner: " + ec.message());
  return Status::Ok();
}

int Fail(const Status& s) {
  std::fprintf(stderr, "mrcnode: error: %s\n", s.message().c_str());
  return 1;
}

int Print(const Result<std::string>& r) {
  if (!r.ok()) return Fail(r.status());
  auto j = json::parse(*r, nullptr, false);
  std::cout << (j.is_discarded() ? *r : j.dump(2)) << "\n";
  return 0;
}

int CmdInit(const InitOptions& options) {
  auto r = InitDataDir(options);
  if (!r.ok()) return Fail(r.status());
  std::cout << *r;
  // The web UI's certificate, made now so that its fingerprint can be
  // noted before anyone's browser first asks about it.
  auto config = config::LoadFile(options.data_dir + "/config.toml");
  if (!config.ok()) return Fail(config.status());
  std::string note;
  auto cert = PrepareUiCertificate(options.data_dir, *config, &note);
  if (!cert.ok()) return Fail(cert.status());
  std::cout << "  web UI:     "
            << (config::HttpUsesTls(*config) ? "HTTPS" : "plain HTTP (loopback)")
            << "; its certificate, for when it serves HTTPS:\n"
            << DescribeCertificate(UiCertificateOf(options.data_dir, *config), *cert);
  return 0;
}

// Erases closed referrals past the retention period: at start, then hourly.
class RetentionTimer {
 public:
  // `clock` (the node's, which its entries are stamped from) must outlive
  // the timer.
  RetentionTimer(sync::ReferralService* service, std::uint32_t days, const Clock* clock) {
    if (days == 0) return;
    thread_ = std::jthread([service, days, clock](std::stop_token stop) {
      std::mutex mu;
      std::condition_variable_any cv;
      while (!stop.stop_requested()) {
        auto erased = service->EraseExpired(clock->NowMillis(), days);
        if (!erased.ok()) {
          log::Warn("referrals", "retention: " + erased.status().message());
        } else if (*erased > 0) {
          log::Info("referrals", "retention: erased " + std::to_string(*erased) +
                                     " closed referral(s) older than " + std::to_string(days) +
                                     " days");
        }
        std::unique_lock lock(mu);
        cv.wait_for(lock, stop, std::chrono::hours(1), [] { return false; });
      }
    });
  }

 private:
  std::jthread thread_;
};

namespace {

sync::PeerOptions PeerOptionsOf(const config::Config& config) {
  sync::PeerOptions po;
  po.listen = config.sync_listen;
  po.peers = config.sync_peers;
  po.keepalive_seconds = config.sync_keepalive_seconds;
  po.idle_timeout_seconds = config.sync_idle_timeout_seconds;
  po.handshake_seconds = config.limits_peer_handshake_seconds;
  po.limits.handshakes = config.limits_peer_handshakes;
  po.limits.links_per_address = config.limits_peer_links_per_address;
  po.limits.links_per_key = config.limits_peer_links_per_key;
  po.limits.unapproved_links = config.limits_peer_unapproved_links;
  po.limits.unapproved_link_seconds = config.limits_peer_unapproved_link_seconds;
  po.limits.read_memory_bytes = std::size_t{config.limits_peer_read_memory_mb} << 20;
  po.limits.min_bytes_per_second = config.limits_peer_min_bytes_per_second;
  return po;
}

web::ServerOptions ServerOptionsOf(const config::Config& config) {
  web::ServerOptions so;
  so.listen = config.http_listen;
  so.body_limit = config.http_body_limit;
  so.timeout_seconds = config.http_timeout_seconds;
  so.threads = config.http_threads;
  so.max_connections = config.http_connections;
  so.max_connections_per_address = config.http_connections_per_address;
  return so;
}

// The UI's certificate for `options`: the node's own made or renewed when
// it must, a warning when the centre's own is about to expire.
Result<web::CertificateInfo> UseUiCertificate(const std::string& data_dir,
                                              const config::Config& config,
                                              web::ServerOptions* options) {
  std::string note;
  MRC_ASSIGN_OR_RETURN(auto info, PrepareUiCertificate(data_dir, config, &note));
  UiCertificate files = UiCertificateOf(data_dir, config);
  if (!note.empty()) {
    log::Info("http", note + " (" + files.cert_file + ")");
    std::cout << "mrcnode: " << note << "\n" << DescribeCertificate(files, info);
  }
  if (std::string missing = NamesNotCovered(info, config); files.node_made && !missing.empty()) {
    log::Warn("http", "the certificate is not made for " + missing +
                          ", so browsers opening the node by it warn and get 421: run `mrcnode "
                          "tls renew` and restart");
  }
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  if (info.not_after < now) {
    log::Warn("http", "the certificate " + files.cert_file + " has expired: browsers refuse it");
  } else if (info.not_after - now < 30 * 86400) {
    log::Warn("http", "the certificate " + files.cert_file + " expires in " +
                          std::to_string((info.not_after - now) / 86400) + " days");
  }
  options->tls_cert_file = files.cert_file;
  options->tls_key_file = files.key_file;
  return info;
}

// Where this machine's own command line reaches the node: a wildcard
// listen address ("0.0.0.0:8443") through loopback, which it includes.
std::string LocalAddress(const std::string& address) {
  auto hp = config::ParseHostPort(address);
  if (!hp.ok()) return address;
  if (hp->host == "0.0.0.0") hp->host = "127.0.0.1";
  if (hp->host == "::") hp->host = "::1";
  return hp->ToString();
}

web::LoginLimits LoginLimitsOf(const config::Config& config) {
  web::LoginLimits limits;
  limits.delay_after_failures = config.login_delay_after_failures;
  limits.address_delay_after_failures = config.login_address_delay_after_failures;
  limits.name_delay_after_failures = config.login_name_delay_after_failures;
  limits.max_delay_seconds = config.login_max_delay_seconds;
  return limits;
}

// What GET /api/v1/status answers: the node's counts and peers, and how far
// the search index has followed the log.
std::function<Result<web::NodeStatus>()> StatusSource(Context& c, sync::PeerService* peers,
                                                      web::SearchIndex* index) {
  return [&c, peers, index]() -> Result<web::NodeStatus> {
    MRC_ASSIGN_OR_RETURN(web::NodeStatus status, ReadNodeStatus(c, peers->Links()));
    if (auto p = index->Progress(); p.ok()) status.search = *p;
    return status;
  };
}

// This node's own command line talks to it with an admin token that only
// the data directory's owner can read; a new one every run.
Result<std::string> NewLocalToken(const std::string& path) {
  std::string raw(32, '\0');
  sync::RandomBytes(raw.data(), raw.size());
  std::string token = ToHex(raw);
  MRC_RETURN_IF_ERROR(WritePrivateFile(path, token + "\n"));
  return token;
}

// Writes `text` to `path` through a temporary file and a rename, so that a
// reader never sees half of it.
Status ReplaceFile(const std::string& path, const std::string& text) {
  {
    std::ofstream out(path + ".tmp");
    out << text;
    if (!out.flush()) return Status::IOError("cannot write " + path + ".tmp");
  }
  std::error_code ec;
  std::filesystem::rename(path + ".tmp", path, ec);
  if (ec) return Status::IOError("cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

// Where the node serves, in its log and on standard output (with the
// certificate's fingerprint over HTTPS, for staff to check against what
// their browser shows), and what to do first when it has no accounts yet.
void Announce(const Context& c, const std::string& data_dir, const std::string& address,
              const std::string& fingerprint, const std::string& peer_address, web::Users& users) {
  log::Info("node", "serving " + c.genesis.network_name + " as " +
                        ToHex(c.identity.public_key).substr(0, 16) + " from " + data_dir);
  std::cout << "mrcnode: serving " << (fingerprint.empty() ? "http://" : "https://") << address
            << "/ (data " << data_dir << ")";
  if (!peer_address.empty()) std::cout << ", peers on " << peer_address;
  std::cout << std::endl;
  if (!fingerprint.empty()) {
    log::Info("http", "certificate SHA-256 fingerprint " + fingerprint);
    std::cout << "mrcnode: certificate SHA-256 fingerprint " << fingerprint << std::endl;
  }
  auto user_count = users.Count();
  if (user_count.ok() && *user_count == 0) {
    std::cout
        << "mrcnode: no user accounts yet; add one with: mrcnode user add NAME --role admin -d "
        << data_dir << std::endl;
  }
}

}  // namespace

int CmdRun(const std::string& data_dir) {
  auto ctx = OpenContext(data_dir);
  if (!ctx.ok()) {
    if (ctx.status().code() == Status::Code::kUnavailable) {
      return Fail(Status::Unavailable("another mrcnode is already running on " + data_dir));
    }
    return Fail(ctx.status());
  }
  Context& c = **ctx;
  sync::PeerOptions peer_options = PeerOptionsOf(c.config);
  peer_options.clock = c.clock;
  auto peers =
      sync::PeerService::Create(c.log.get(), c.identity, c.genesis.network_id(), peer_options);
  if (!peers.ok()) return Fail(peers.status());
  // The search index is derived from the log: rebuilt if missing, then kept
  // in step on its own thread.
  auto search = web::SearchIndex::Open(c.Path("search"), c.log.get());
  if (!search.ok()) return Fail(search.status());
  (*search)->Start();
  web::Users users(c.store.get(), LoginLimitsOf(c.config), c.config.password_check_threads);
  // Argon2id work (logins, password changes) runs here, not on the HTTP
  // threads; declared before the App, which it must outlive.
  web::PasswordPool passwords(c.config.password_check_threads, c.config.password_checks_queued);
  // Referrals: this centre's encryption key is published once (other
  // centres seal referrals to it), and the log signs "received" for those
  // addressed here as they arrive.
  if (auto published = c.trust->PublishEncryptionKey(c.encryption.public_key); !published.ok()) {
    // A node restored from a backup signs nothing until its peers have
    // sent its newer entries; the key is published at a later start.
    if (!c.log->own_feed_held()) return Fail(published.status());
    log::Warn("referrals", "encryption key not published yet: " + published.status().message());
  }
  // A "received" that cannot be signed now is retried after the next
  // commit; it must not keep the node from serving.
  if (Status s = c.log->SetReferralKeys(c.EncryptionKeys()); !s.ok())
    log::Warn("referrals", "received statuses not signed yet: " + s.message());
  sync::ReferralService referrals(c.log.get(), c.store.get(), c.identity, c.EncryptionKeys());
  RetentionTimer retention(&referrals, c.config.referrals_retention_days, c.clock);
  sync::ReportService reports(c.log.get());
  web::AppParts parts;
  parts.log = c.log.get();
  parts.docs = c.docs.get();
  parts.trust = c.trust.get();
  parts.referrals = &referrals;
  parts.reports = &reports;
  parts.search = search->get();
  parts.users = &users;
  parts.passwords = &passwords;
  parts.status = StatusSource(c, peers->get(), search->get());
  parts.hq_news = [&c] { return ReadHqNews(c); };
  parts.hq_silence_warning_ms = std::uint64_t{c.config.sync_hq_silence_warning_days} * 86400000;
  parts.clock = c.clock;
  // Backups on request (`mrcnode backup` while the node runs) and on the
  // configured schedule, one at a time.
  Backups backups(&c);
  parts.backup = [&backups](const std::string& dest) -> Result<std::string> {
    MRC_ASSIGN_OR_RETURN(BackupManifest m, backups.Write(dest));
    return ManifestToJson(m);
  };
  std::string backup_dir = c.config.backup_dir;
  if (!backup_dir.empty() && backup_dir[0] != '/') backup_dir = c.Path(backup_dir);
  BackupSchedule schedule(&backups, backup_dir, c.config.backup_every_hours, c.config.backup_keep);
  parts.node_name = c.config.node_name;
  parts.bundle_import_bytes = std::size_t{c.config.limits_bundle_import_memory_mb} << 20;
  web::ServerOptions server_options = ServerOptionsOf(c.config);
  if (config::HttpUsesTls(c.config)) {
    auto cert = UseUiCertificate(data_dir, c.config, &server_options);
    if (!cert.ok()) return Fail(cert.status());
    parts.tls_fingerprint = cert->fingerprint;
  }
  web::App app(parts);
  std::string token_path = c.Path("api-token");
  auto token = NewLocalToken(token_path);
  if (!token.ok()) return Fail(token.status());
  app.SetLocalToken(*token);
  auto server =
      web::Server::CreateAsync(server_options, [&app](web::HttpRequest r, web::Respond respond) {
        app.HandleAsync(std::move(r), std::move(respond));
      });
  if (!server.ok()) return Fail(server.status());
  std::string address = (*server)->address();
  (*peers)->Start();
  // Tell `mrcnode doc ...` (and scripts) where this node answers.
  std::string info_path = c.Path("node.json");
  json info{
      {"pid", ::getpid()}, {"http", LocalAddress(address)}, {"peer", (*peers)->listen_address()}};
  if (!parts.tls_fingerprint.empty()) info["tls_fingerprint"] = parts.tls_fingerprint;
  if (Status s = ReplaceFile(info_path, info.dump() + "\n"); !s.ok()) return Fail(s);
  Announce(c, data_dir, address, parts.tls_fingerprint, (*peers)->listen_address(), users);
  Status s = (*server)->Run();
  (*peers)->Stop();
  (*search)->Stop();
  // Best effort: a file left behind names a node that no longer answers,
  // which its readers find out at their first request.
  std::error_code ec;
  std::filesystem::remove(info_path, ec);
  std::filesystem::remove(token_path, ec);
  if (!s.ok()) return Fail(s);
  return 0;
}

int CmdStatus(const std::string& data_dir) {
  auto ctx = OpenContext(data_dir);
  if (ctx.ok()) {
    // Not running: the configured peers, none connected.
    std::vector<sync::PeerLinkStatus> peers;
    for (const auto& address : (*ctx)->config.sync_peers) {
      sync::PeerLinkStatus link;
      link.address = address;
      link.direction = "out";
      peers.push_back(std::move(link));
    }
    auto status = ReadNodeStatus(**ctx, std::move(peers));
    if (!status.ok()) return Fail(status.status());
    return Print(web::api::NodeStatusJson(*status));
  }
  if (ctx.status().code() != Status::Code::kUnavailable) return Fail(ctx.status());
  auto running = FindRunningNode(data_dir);
  if (!running.ok()) return Fail(running.status());
  return Print(ApiCall(*running, "GET", "/api/v1/status", ""));
}

int CmdPeerAdd(const std::string& data_dir, const std::string& address) {
  auto hp = config::ParseHostPort(address, /*allow_port_zero=*/false);
  if (!hp.ok()) return Fail(hp.status());
  std::string path = data_dir + "/config.toml";
  if (std::error_code ec; !std::filesystem::exists(data_dir + "/identity.key", ec)) {
    return Fail(Status::NotFound(data_dir + " is not an mrcnode data directory"));
  }
  auto cfg = config::LoadFile(path);
  if (!cfg.ok()) return Fail(cfg.status());
  if (std::find(cfg->sync_peers.begin(), cfg->sync_peers.end(), address) != cfg->sync_peers.end()) {
    std::cout << "peer " << address << " is already configured\n";
    return 0;
  }
  cfg->sync_peers.push_back(address);
  Status s = config::WriteFile(path, *cfg);
  if (!s.ok()) return Fail(s);
  std::cout << "added peer " << address << " to " << path
            << " (a running node dials it after a restart)\n";
  return 0;
}

namespace {

// The request body: a file, or standard input for "" and "-".
Result<std::string> ReadInput(const std::string& file) {
  std::stringstream ss;
  if (file.empty() || file == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::InvalidArgument("cannot read " + file);
    ss << in.rdbuf();
  }
  return ss.str();
}

}  // namespace

int CmdDocPropose(const std::string& data_dir, const std::string& id, const std::string& file) {
  auto text = ReadInput(file);
  if (!text.ok()) return Fail(text.status());
  return WithDocClient(data_dir, [&](DocClient& c) { return c.Propose(id, *text); });
}

int CmdDocProposals(const std::string& data_dir, const std::string& id) {
  return WithDocClient(data_dir, [&](DocClient& c) { return c.Proposals(id); });
}

int CmdDocAccept(const std::string& data_dir, const std::string& id, const std::string& proposal) {
  return WithDocClient(data_dir, [&](DocClient& c) { return c.Accept(id, proposal, "{}"); });
}

int CmdDocDecline(const std::string& data_dir, const std::string& id, const std::string& proposal,
                  const std::string& reason) {
  std::string body = json{{"reason", reason}}.dump();
  return WithDocClient(data_dir, [&](DocClient& c) { return c.Decline(id, proposal, body); });
}

int CmdDocPut(const std::string& data_dir, const std::string& file) {
  auto input = ReadInput(file);
  if (!input.ok()) return Fail(input.status());
  std::string text = *input;
  json req = JsonNestsAtMost(text, kMaxJsonNesting) ? json::parse(text, nullptr, false)
                                                    : json(json::value_t::discarded);
  if (req.is_discarded() || !req.is_object()) {
    return Fail(
        Status::InvalidArgument("input is not a JSON object: expected {\"kind\", \"content\"} "
                                "to create, or {\"id\", \"content\", \"base\"?} to edit"));
  }
  if (req.contains("id") && !req["id"].is_string()) {
    return Fail(Status::InvalidArgument("\"id\" must be a string"));
  }
  return WithDocClient(data_dir, [&](DocClient& c) {
    return req.contains("id") ? c.Update(req["id"].get<std::string>(), text) : c.Create(text);
  });
}

int CmdDocGet(const std::string& data_dir, const std::string& id) {
  return WithDocClient(data_dir, [&](DocClient& c) { return c.Get(id); });
}

int CmdDocList(const std::string& data_dir, const sync::ListQuery& query) {
  return WithDocClient(data_dir, [&](DocClient& c) { return c.List(query); });
}

int CmdDocHistory(const std::string& data_dir, const std::string& id) {
  return WithDocClient(data_dir, [&](DocClient& c) { return c.History(id); });
}

int CmdDocDelete(const std::string& data_dir, const std::string& id,
                 const std::vector<std::string>& base) {
  return WithDocClient(data_dir, [&](DocClient& c) { return c.Delete(id, base); });
}

int CmdImport(const std::string& data_dir, const std::string& dir) {
  std::vector<std::string> errors;
  auto items = ReadImportDir(dir, &errors);
  if (!items.ok()) return Fail(items.status());
  if (!errors.empty()) {
    for (const auto& e : errors) std::fprintf(stderr, "mrcnode: %s\n", e.c_str());
    return Fail(Status::InvalidArgument(std::to_string(errors.size()) + " file(s) in " + dir +
                                        " are invalid; nothing was imported"));
  }
  std::unique_ptr<Context> ctx;
  auto client = Connect(data_dir, &ctx);
  if (!client.ok()) return Fail(client.status());
  Progress progress("import", items->size());
  if (ctx) {
    // Local: one signed batch per 1000 documents.
    for (std::size_t i = 0; i < items->size(); i += 1000) {
      std::vector<sync::Draft> drafts;
      for (std::size_t k = i; k < std::min(items->size(), i + 1000); ++k)
        drafts.push_back((*items)[k].draft);
      auto ids = ctx->log->Append(drafts);
      if (!ids.ok()) return Fail(ids.status());
      progress.Add(drafts.size());
    }
  } else {
    for (const auto& item : *items) {
      json req{{"kind", sync::KindName(item.draft.kind)},
               {"content", json::parse(item.draft.payload)}};
      auto r = (*client)->Create(req.dump());
      if (!r.ok()) return Fail(r.status().Annotate(item.source));
      progress.Add();
    }
  }
  progress.Done();
  std::cout << "imported " << items->size() << " documents from " << dir << " into "
            << (*client)->Describe() << "\n";
  return 0;
}

int CmdVerify(const std::string& data_dir) {
  auto ctx = OpenContext(data_dir);
  if (!ctx.ok()) return Fail(ctx.status());
  // The total is for the progress only: a damaged store that cannot say it
  // still gets its problems listed.
  auto held = (*ctx)->log->Digest();
  Progress progress("verify", held.ok() ? held->entries : 0);
  auto found = (*ctx)->log->Verify(
      [&](const Status& s) { progress.Print("mrcnode: " + s.message()); }, &progress);
  if (!found.ok()) return Fail(found.status());
  progress.Done();
  auto info = (*ctx)->log->Digest();
  if (!info.ok()) return Fail(info.status());
  if (*found > 0) {
    std::fprintf(stderr, "mrcnode: verify: %llu problem(s) found\n",
                 static_cast<unsigned long long>(*found));
    return 3;
  }
  std::cout << "verify: ok: " << info->entries << " entries from " << info->authors << " authors, "
            << info->documents << " documents; signatures, chains and payloads check\n";
  return 0;
}

int CmdDigest(const std::string& data_dir) {
  std::unique_ptr<Context> ctx;
  auto client = Connect(data_dir, &ctx);
  if (!client.ok()) return Fail(client.status());
  auto r = (*client)->Digest();
  if (!r.ok()) return Fail(r.status());
  std::cout << json::parse(*r)["digest"].get<std::string>() << "\n";
  return 0;
}

Result<std::unique_ptr<Context>> OpenExclusive(const std::string& data_dir,
                                               std::string_view command) {
  auto ctx = OpenContext(data_dir);
  if (ctx.status().code() == Status::Code::kUnavailable) {
    return Status::Unavailable("the node is running on " + data_dir + "; stop it before `" +
                               std::string(command) + "`");
  }
  return ctx;
}

namespace {

Status WriteFileText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return out ? Status::Ok() : Status::IOError("cannot write " + path);
}

// The node running on `data_dir`, for a command that found its store locked
// (`opened` failed with Unavailable): bundles and summaries go through it,
// so that a centre need not stop its node to use a stick.
Result<RunningNode> RunningInstead(const std::string& data_dir, const Status& opened) {
  if (opened.code() != Status::Code::kUnavailable) return opened;
  auto running = FindRunningNode(data_dir);
  if (running.status().code() == Status::Code::kPermissionDenied) return running.status();
  if (!running.ok()) {
    return Status::Unavailable("the store in " + data_dir +
                               " is locked and no running node is recorded in node.json");
  }
  return running;
}

// The running node does the work of `what` and shows no progress over the
// call; say so before a wait that can be long.
void ThroughNode(const RunningNode& node, const char* what) {
  std::fprintf(stderr, "%s: the running node at %s does it; the counts follow when it ends\n", what,
               node.address.c_str());
}

// A bundle can take minutes to write or read on a slow stick.
constexpr std::uint32_t kBundleCallSeconds = 3600;

// A call to the running node naming a file on this machine: `req` with
// the file's absolute "path" added.
Result<std::string> PathCall(const RunningNode& node, const std::string& target,
                             const std::string& path, json req = json::object()) {
  std::error_code ec;
  req["path"] = std::filesystem::absolute(path, ec).string();
  if (ec) return Status::InvalidArgument("bad path " + path + ": " + ec.message());
  return ApiCall(node, "POST", target, req.dump(), kBundleCallSeconds);
}

}  // namespace

int CmdSummary(const std::string& data_dir, const std::string& out) {
  std::string text;
  auto ctx = OpenContext(data_dir);
  if (ctx.ok()) {
    auto s = sync::MakeSummary((*ctx)->log.get());
    if (!s.ok()) return Fail(s.status());
    text = sync::SummaryToJson(*s);
  } else {
    auto running = RunningInstead(data_dir, ctx.status());
    if (!running.ok()) return Fail(running.status());
    auto got = ApiCall(*running, "GET", "/api/v1/summary", "");
    if (!got.ok()) return Fail(got.status());
    text = std::move(got).value();
  }
  if (out.empty() || out == "-") {
    std::cout << text;
    return 0;
  }
  Status w = WriteFileText(out, text);
  return w.ok() ? 0 : Fail(w);
}

int CmdBundleExport(const std::string& data_dir, const std::string& out,
                    const std::string& for_summary) {
  std::optional<sync::Summary> peer;
  std::string summary_text;
  if (!for_summary.empty()) {
    std::ifstream in(for_summary, std::ios::binary);
    if (!in) return Fail(Status::InvalidArgument("cannot read summary " + for_summary));
    summary_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    auto s = sync::SummaryFromJson(summary_text);
    if (!s.ok()) return Fail(s.status().Annotate(for_summary));
    peer = *s;
  }
  sync::BundleStats stats;
  auto ctx = OpenContext(data_dir);
  if (ctx.ok()) {
    Progress progress("bundle export", 0);
    auto written = sync::ExportBundle((*ctx)->log.get(), peer ? &*peer : nullptr, out, &progress);
    if (!written.ok()) return Fail(written.status());
    progress.Done();
    stats = *written;
  } else {
    auto running = RunningInstead(data_dir, ctx.status());
    if (!running.ok()) return Fail(running.status());
    json req = json::object();
    if (peer) req["summary"] = json::parse(summary_text);
    ThroughNode(*running, "bundle export");
    auto got = PathCall(*running, "/api/v1/bundles/export", out, req);
    if (!got.ok()) return Fail(got.status());
    json j = json::parse(*got);
    stats.entries = j.value("entries", std::uint64_t{0});
    stats.bytes = j.value("bytes", std::uint64_t{0});
  }
  std::cout << "bundle: wrote " << stats.entries << " entries (" << stats.bytes << " bytes) to "
            << out << "\n";
  return 0;
}

int CmdBundleImport(const std::string& data_dir, const std::string& file) {
  sync::BundleImport r;
  auto ctx = OpenContext(data_dir);
  if (ctx.ok()) {
    sync::ImportOptions options;
    options.memory_bytes = std::size_t{(*ctx)->config.limits_bundle_import_memory_mb} << 20;
    Progress progress("bundle import", 0);
    options.progress = &progress;
    options.clock = (*ctx)->clock;
    auto read = sync::ImportBundle((*ctx)->log.get(), file, options);
    if (!read.ok()) return Fail(read.status());
    progress.Done();
    r = *read;
  } else {
    auto running = RunningInstead(data_dir, ctx.status());
    if (!running.ok()) return Fail(running.status());
    ThroughNode(*running, "bundle import");
    auto got = PathCall(*running, "/api/v1/bundles/import", file);
    if (!got.ok()) return Fail(got.status());
    json j = json::parse(*got);
    r.entries = j.value("entries", std::uint64_t{0});
    r.accepted = j.value("accepted", std::uint64_t{0});
    r.duplicates = j.value("duplicates", std::uint64_t{0});
    r.pending = j.value("pending", std::uint64_t{0});
    r.refused = j.value("refused", std::uint64_t{0});
    r.first_refusal = j.value("first_refusal", "");
  }
  std::cout << "bundle: " << r.entries << " entries: " << r.accepted << " new, " << r.duplicates
            << " already held, " << r.pending << " waiting for earlier entries, " << r.refused
            << " refused\n";
  if (r.refused > 0) {
    std::fprintf(stderr, "mrcnode: first refusal: %s\n", r.first_refusal.c_str());
    return 1;
  }
  return 0;
}

int CmdBackup(const std::string& data_dir, const std::string& dest) {
  BackupManifest m;
  auto ctx = OpenContext(data_dir);
  if (ctx.ok()) {
    auto written = Backups(ctx->get()).Write(dest);
    if (!written.ok()) return Fail(written.status());
    m = *written;
  } else {
    auto running = RunningInstead(data_dir, ctx.status());
    if (!running.ok()) return Fail(running.status());
    auto got = PathCall(*running, "/api/v1/backup", dest);
    if (!got.ok()) return Fail(got.status());
    auto read = ReadManifest(dest);
    if (!read.ok()) return Fail(read.status());
    m = *read;
  }
  std::cout << "backup: " << m.entries << " entries, " << m.documents << " documents, digest "
            << m.digest.substr(0, 16) << "..., written to " << dest
            << " (the backup holds no key: keep identity.key and encryption.key apart)\n";
  return 0;
}

int CmdRestore(const std::string& data_dir, const std::string& backup,
               const RestoreOptions& options) {
  auto r = Restore(backup, data_dir, options);
  if (!r.ok()) return Fail(r.status());
  std::cout << *r;
  return 0;
}

}  // namespace mrc::node
