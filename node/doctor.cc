// `mrcnode config check` and `mrcnode doctor`. Each check adds findings
// (ok, warning or problem, with what to do); the command prints them one a
// line and derives its exit status from the worst.
#include "node/doctor.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "config/check.h"
#include "config/foundation/time.h"
#include "node/backup.h"
#include "node/context.h"
#include "node/doc_client.h"
#include "node/tls.h"
#include "sync/log/entry.h"

namespace mrc::node {
namespace {

namespace fs = std::filesystem;

enum class Level { kOk, kWarning, kProblem };

struct Finding {
  Level level = Level::kOk;
  std::string what;
  std::string fix;  // "" when there is nothing to do
};

class Findings {
 public:
  void Ok(std::string what) { all_.push_back({Level::kOk, std::move(what), ""}); }
  void Warning(std::string what, std::string fix) {
    all_.push_back({Level::kWarning, std::move(what), std::move(fix)});
  }
  void Problem(std::string what, std::string fix) {
    all_.push_back({Level::kProblem, std::move(what), std::move(fix)});
  }
  std::size_t Count(Level level) const {
    std::size_t n = 0;
    for (const auto& f : all_) n += f.level == level;
    return n;
  }
  // "problem  WHAT; fix: FIX", one a line.
  void Print(std::ostream& out) const {
    for (const auto& f : all_) {
      out << (f.level == Level::kOk        ? "ok       "
              : f.level == Level::kWarning ? "warning  "
                                           : "problem  ")
          << f.what << (f.fix.empty() ? "" : "; fix: " + f.fix) << "\n";
    }
  }

 private:
  std::vector<Finding> all_;
};

std::string Days(std::int64_t seconds) { return std::to_string(seconds / 86400) + " days"; }

std::string Date(std::int64_t unix_seconds) {
  return sync::FormatTime(static_cast<std::uint64_t>(std::max<std::int64_t>(unix_seconds, 0)) *
                          1000)
      .substr(0, 10);
}

std::string BackupDirOf(const std::string& data_dir, const config::Config& c) {
  if (c.backup_dir.empty() || c.backup_dir[0] == '/') return c.backup_dir;
  return data_dir + "/" + c.backup_dir;
}

// ---- the config file

struct ConfigReport {
  std::string path;
  std::optional<config::Config> config;  // when it is valid
};

// The files the config names: readable, the key the certificate's; the
// backup folder there and writable.
void CheckNamedFiles(const std::string& data_dir, const config::Config& c, Findings* out) {
  bool readable = true;
  for (const auto& [key, file] :
       {std::pair<std::string, std::string>{"http.tls_cert", c.http_tls_cert},
        {"http.tls_key", c.http_tls_key}}) {
    if (file.empty() || ::access(file.c_str(), R_OK) == 0) continue;
    readable = false;
    out->Problem(key + ": cannot read " + file + ": " + std::strerror(errno),
                 "give a file the user that runs the node can read");
  }
  if (readable && !c.http_tls_cert.empty()) {
    Status match = web::CheckKeyMatches(c.http_tls_cert, c.http_tls_key);
    if (!match.ok())
      out->Problem("http.tls_key: " + match.message(),
                   "give the key of http.tls_cert's certificate");
  }
  std::string dir = BackupDirOf(data_dir, c);
  if (dir.empty()) return;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    out->Problem("backup.dir: " + dir + " is not a directory",
                 "mkdir -p " + dir + " (owned by the user that runs the node)");
  } else if (::access(dir.c_str(), W_OK) != 0) {
    out->Problem("backup.dir: cannot write in " + dir + ": " + std::strerror(errno),
                 "chown it to the user that runs the node");
  }
}

// Reads and checks `file`, or DATA/config.toml when "" (missing there:
// the defaults).
ConfigReport CheckConfig(const std::string& data_dir, const std::string& file, Findings* out) {
  ConfigReport r;
  r.path = file.empty() ? data_dir + "/config.toml" : file;
  std::ifstream in(r.path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT && file.empty()) {
      r.config = config::Config{};
      out->Ok("config: no " + r.path + ": every setting has its default");
      return r;
    }
    out->Problem("config: cannot read " + r.path + ": " + std::strerror(errno),
                 "give a readable config file");
    return r;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto problems = config::Check(text.str(), r.path);
  for (const auto& p : problems)
    out->Problem("config: " + p, "edit the file (docs/operations.md describes every setting)");
  if (!problems.empty()) return r;
  auto parsed = config::Parse(text.str(), r.path);
  if (!parsed.ok()) {
    out->Problem("config: " + parsed.status().message(), "edit the file");
    return r;
  }
  std::size_t before = out->Count(Level::kProblem);
  CheckNamedFiles(data_dir, *parsed, out);
  if (out->Count(Level::kProblem) == before) out->Ok("config: " + r.path + " is valid");
  r.config = *parsed;
  return r;
}

std::string Summary(const std::string& data_dir, const config::Config& c) {
  std::string s =
      "  web UI: " + std::string(config::HttpUsesTls(c) ? "https://" : "http://") + c.http_listen;
  if (config::HttpUsesTls(c))
    s += c.http_tls_cert.empty() ? " (the node's own certificate)"
                                 : " (certificate " + c.http_tls_cert + ")";
  s += "\n  sync: " + (c.sync_listen.empty() ? "not listening" : "listening on " + c.sync_listen) +
       ", " + std::to_string(c.sync_peers.size()) + " peer(s) to dial\n  backups: ";
  if (c.backup_dir.empty()) return s + "not scheduled ([backup] dir)\n";
  return s + "every " + std::to_string(c.backup_every_hours) + " hours into " +
         BackupDirOf(data_dir, c) + ", keeping " + std::to_string(c.backup_keep) + "\n";
}

// ---- the data directory

std::string UserName(uid_t uid) {
  struct passwd* pw = ::getpwuid(uid);
  return pw ? pw->pw_name : std::to_string(uid);
}

std::string Octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// A secret file: the data directory's owner's, readable by no one else.
// Missing files are not reported (encryption.key comes at the first start).
void CheckSecretFile(const std::string& data_dir, const std::string& name, uid_t owner,
                     Findings* out) {
  std::string path = data_dir + "/" + name;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (st.st_uid != owner) {
    out->Problem(
        path + ": owned by " + UserName(st.st_uid) + ", the data directory by " + UserName(owner),
        "chown " + UserName(owner) + " " + path);
  } else if ((st.st_mode & 077) != 0) {
    out->Problem(path + ": mode " + Octal(st.st_mode) + ", other users may read this secret",
                 "chmod 600 " + path);
  } else {
    out->Ok(name + ": mode " + Octal(st.st_mode) + ", owner " + UserName(st.st_uid));
  }
}

void CheckModes(const std::string& data_dir, const config::Config* c, Findings* out) {
  struct stat st {};
  if (::stat(data_dir.c_str(), &st) != 0) return;
  if ((st.st_mode & 077) != 0) {
    out->Warning(data_dir + ": mode " + Octal(st.st_mode) + ", other users may look inside",
                 "chmod 700 " + data_dir);
  } else {
    out->Ok("data directory: mode " + Octal(st.st_mode) + ", owner " + UserName(st.st_uid));
  }
  std::vector<std::string> secrets = {"identity.key", "encryption.key", "api-token", "tls/key.pem"};
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(data_dir, ec)) {
    std::string name = f.path().filename().string();
    if (name.rfind("encryption.key.retired-", 0) == 0) secrets.push_back(name);
  }
  for (const auto& name : secrets) CheckSecretFile(data_dir, name, st.st_uid, out);
  // The centre's own key may be shared with its group (root:mrcnode 0640).
  if (c && !c->http_tls_key.empty() && ::stat(c->http_tls_key.c_str(), &st) == 0 &&
      (st.st_mode & 007) != 0) {
    out->Problem(c->http_tls_key + ": mode " + Octal(st.st_mode) + ", every user may read it",
                 "chmod o-rwx " + c->http_tls_key);
  }
}

void CheckDisk(const std::string& data_dir, Findings* out) {
  struct statvfs v {};
  if (::statvfs(data_dir.c_str(), &v) != 0) {
    out->Warning("disk: cannot read the free space: " + std::string(std::strerror(errno)), "");
    return;
  }
  double free_bytes = static_cast<double>(v.f_bavail) * v.f_frsize;
  double total = static_cast<double>(v.f_blocks) * v.f_frsize;
  double percent = total > 0 ? 100.0 * free_bytes / total : 0;
  char what[160];
  std::snprintf(what, sizeof what, "disk: %.1f GiB free (%.0f%%) where the data directory is",
                free_bytes / (1 << 30), percent);
  const std::string fix = "free space on that disk, or move the data directory to a larger one";
  if (free_bytes < 100.0 * (1 << 20))
    out->Problem(what + std::string(": the store needs room to write"), fix);
  else if (free_bytes < 1.0 * (1 << 30) || percent < 10)
    out->Warning(what + std::string(": less than 1 GiB or 10%"), fix);
  else
    out->Ok(what);
}

void CheckCertificate(const std::string& data_dir, const config::Config& c, Findings* out) {
  UiCertificate files = UiCertificateOf(data_dir, c);
  std::error_code ec;
  if (!config::HttpUsesTls(c)) {
    out->Ok("certificate: not used (the UI speaks plain HTTP on loopback " + c.http_listen + ")");
    return;
  }
  if (files.node_made && !fs::exists(files.cert_file, ec)) {
    out->Ok("certificate: the node makes its own at its next start");
    return;
  }
  auto info = web::ReadCertificate(files.cert_file);
  std::string renew = files.node_made
                          ? "mrcnode tls renew (the node also renews it at start)"
                          : "put a renewed certificate from the centre's CA in " + files.cert_file;
  if (!info.ok()) {
    out->Problem("certificate: " + info.status().message(), renew);
    return;
  }
  std::int64_t now = std::time(nullptr);
  std::string what = "certificate " + files.cert_file;
  if (info->not_before > now + 300) {
    out->Problem(what + ": not valid before " + Date(info->not_before) +
                     ": browsers refuse it (is this machine's clock behind?)",
                 "set the clock, or " + renew);
  } else if (info->not_after < now) {
    out->Problem(what + ": expired on " + Date(info->not_after) + ": browsers refuse it", renew);
  } else if (info->not_after < now + 30 * 86400) {
    out->Warning(
        what + ": expires on " + Date(info->not_after) + ", in " + Days(info->not_after - now),
        renew);
  } else {
    out->Ok("certificate: valid until " + Date(info->not_after) + " (" +
            Days(info->not_after - now) + "), fingerprint SHA-256 " + info->fingerprint);
  }
  Status match = web::CheckKeyMatches(files.cert_file, files.key_file);
  if (!match.ok()) out->Problem("certificate: " + match.message(), renew);
}

// Whether a node runs on the data directory, asked through its API.
bool CheckRunning(const std::string& data_dir, Findings* out) {
  auto running = FindRunningNode(data_dir);
  if (!running.ok()) {
    if (running.status().code() == Status::Code::kNotFound) return false;
    out->Warning("node: " + running.status().message(),
                 "run doctor as the user that runs the node");
    return true;
  }
  auto status = ApiCall(*running, "GET", "/api/v1/status", "", 10);
  if (!status.ok()) {
    out->Warning("node: " + data_dir + "/node.json names a node at " + running->address +
                     " that does not answer (" + status.status().message() + ")",
                 "start the node (mrcnode run, or systemctl start mrcnode); a node that "
                 "stopped uncleanly leaves node.json behind");
    return false;
  }
  auto j = nlohmann::json::parse(*status, nullptr, false);
  std::size_t peers = 0, connected = 0;
  if (j.is_object() && j.contains("peers") && j["peers"].is_array()) {
    for (const auto& p : j["peers"]) {
      ++peers;
      connected += p.is_object() && p.value("connected", false);
    }
  }
  out->Ok("node: running at " + running->address + ", " + std::to_string(connected) + " of " +
          std::to_string(peers) + " peer links connected");
  out->Ok(
      "clock: not compared while the node runs (links carry no clock readings; with the "
      "node stopped, doctor compares it with the newest entries of other centres)");
  return true;
}

// The newest entries of other centres must not be stamped far ahead of
// this machine's clock (peers exchange no clock readings; entry times,
// the hybrid logical clock's, are what the network knows of its clocks).
void CheckClock(Context& ctx, Findings* out) {
  auto feeds = ctx.log->Feeds();
  if (!feeds.ok()) return;
  std::uint64_t others = 0, own = 0;
  for (const auto& head : *feeds) {
    auto v = ctx.log->GetVersion(head.id);
    if (!v.ok()) continue;
    std::uint64_t ms = sync::HlcMillis(v->entry.hlc);
    std::uint64_t& newest = head.author == ctx.identity.public_key ? own : others;
    newest = std::max(newest, ms);
  }
  std::uint64_t now = ctx.clock->NowMillis();
  const std::uint64_t slack = sync::HybridClock::kMaxDriftMillis;
  const std::string fix = "set the clock (timedatectl set-ntp true)";
  auto minutes = [now](std::uint64_t t) { return std::to_string((t - now) / 60000) + " minutes"; };
  if (others > now + slack) {
    out->Problem("clock: " + sync::FormatTime(now) + ", but another centre's entry is stamped " +
                     sync::FormatTime(others) + ", " + minutes(others) +
                     " later: this clock is probably behind",
                 fix);
  } else if (own > now + slack) {
    out->Problem("clock: " + sync::FormatTime(now) + ", but this node's newest entry is stamped " +
                     sync::FormatTime(own) + ", " + minutes(own) + " later: the clock went back",
                 fix);
  } else if (others == 0) {
    out->Ok("clock: " + sync::FormatTime(now) + "; no entry of another centre to compare with");
  } else {
    out->Ok("clock: " + sync::FormatTime(now) + "; the newest entry of another centre is from " +
            sync::FormatTime(others));
  }
}

void CheckStore(const std::string& data_dir, Findings* out) {
  auto ctx = OpenContext(data_dir);
  if (!ctx.ok()) {
    if (ctx.status().code() == Status::Code::kPermissionDenied) {
      // Its message says what to do (a key file's mode, root in another
      // user's directory).
      out->Warning("store: not opened: " + ctx.status().message(), "");
    } else if (ctx.status().code() == Status::Code::kUnavailable) {
      out->Warning(
          "store: held by another process, though no node answers: " + ctx.status().message(),
          "stop that process, or wait for the command that holds it");
    } else {
      out->Problem("store: does not open: " + ctx.status().message(),
                   "mrcnode verify for details; mrcnode restore BACKUP to go back to a backup");
    }
    return;
  }
  auto d = (*ctx)->log->Digest();
  if (d.ok()) {
    out->Ok("store: opens, " + std::to_string(d->entries) + " entries, " +
            std::to_string(d->documents) + " documents (a full check: mrcnode verify)");
  }
  CheckClock(**ctx, out);
}

void CheckBackups(const std::string& data_dir, const config::Config& c, bool running,
                  Findings* out) {
  if (c.backup_dir.empty()) {
    out->Warning("backups: not scheduled",
                 "set [backup] dir in config.toml (docs/operations.md), or take them with "
                 "mrcnode backup DEST");
    return;
  }
  std::string dir = BackupDirOf(data_dir, c);
  auto found = ScheduledBackups(dir);
  std::uint64_t now = WallMillis();
  std::uint64_t every_ms = std::uint64_t{c.backup_every_hours} * 3600 * 1000;
  if (found.empty()) {
    out->Warning("backups: none yet in " + dir,
                 running ? "see the node's log for \"scheduled backup\"" : "start the node");
    return;
  }
  auto m = ReadManifest(found.back());
  if (!m.ok()) {
    out->Warning("backups: " + m.status().message(), "mrcnode backup DEST writes one now");
    return;
  }
  std::uint64_t age = now > m->created_ms ? now - m->created_ms : 0;
  std::string what = "backups: the newest, " + found.back() + ", is " +
                     std::to_string(age / 3600000) + " hours old";
  if (age > 2 * every_ms) {
    out->Warning(what + ", more than twice backup.every_hours (" +
                     std::to_string(c.backup_every_hours) + ")",
                 running ? "see the node's log for \"scheduled backup ... failed\""
                         : "start the node, which writes one at once");
  } else {
    out->Ok(what + " (every " + std::to_string(c.backup_every_hours) + " hours, keeping " +
            std::to_string(c.backup_keep) + ")");
  }
}

}  // namespace

int CmdConfigCheck(const std::string& data_dir, const std::string& file) {
  Findings findings;
  ConfigReport r = CheckConfig(data_dir, file, &findings);
  if (findings.Count(Level::kProblem) > 0) {
    findings.Print(std::cout);
    return 1;
  }
  std::cout << "ok: " << r.path << "\n" << Summary(data_dir, *r.config);
  return 0;
}

int CmdDoctor(const std::string& data_dir) {
  Findings findings;
  std::error_code ec;
  if (!fs::exists(data_dir + "/identity.key", ec)) {
    findings.Problem(data_dir + " is not an mrcnode data directory (no identity.key)",
                     "give --data, or mrcnode init --data " + data_dir);
  } else {
    ConfigReport r = CheckConfig(data_dir, "", &findings);
    CheckModes(data_dir, r.config ? &*r.config : nullptr, &findings);
    CheckDisk(data_dir, &findings);
    bool running = CheckRunning(data_dir, &findings);
    if (!running) CheckStore(data_dir, &findings);
    if (r.config) {
      CheckCertificate(data_dir, *r.config, &findings);
      CheckBackups(data_dir, *r.config, running, &findings);
    }
  }
  findings.Print(std::cout);
  std::size_t problems = findings.Count(Level::kProblem);
  std::size_t warnings = findings.Count(Level::kWarning);
  std::cout << "doctor: " << problems << " problem(s), " << warnings << " warning(s)\n";
  return problems > 0 ? 3 : warnings > 0 ? 1 : 0;
}

}  // namespace mrc::node
