#include "node/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/log.h"
#include "config/foundation/time.h"
#include "node/commands.h"
#include "node/context.h"
#include "sync/kinds.h"

namespace mrc::node {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// "20261207T232500Z": sorts by time, and is a file name everywhere.
std::string UtcStamp(std::uint64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

// A store copied from another: opened with the node's identity, its own
// feed held first, so that opening it (which signs what is owed) signs
// nothing into the copy.
struct OpenedCopy {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<sync::Log> log;
};
Result<OpenedCopy> OpenCopy(const std::string& path, const sync::KeyPair& key,
                            const sync::Genesis& genesis) {
  OpenedCopy c;
  storage::Options so;
  so.create_if_missing = false;
  so.block_cache_mb = 8;
  MRC_ASSIGN_OR_RETURN(c.store, storage::Store::Open(path, so));
  MRC_RETURN_IF_ERROR(sync::Log::HoldOwnFeed(c.store.get()));
  MRC_ASSIGN_OR_RETURN(c.log,
                       sync::OpenLog(c.store.get(), key, genesis.network_id(), genesis.root_key));
  return c;
}

Status CopyPublicFiles(const std::string& from, const std::string& to) {
  for (const char* name : {"identity.pub", "genesis.txt"}) {
    std::error_code ec;
    fs::copy_file(from + "/" + name, to + "/" + name, ec);
    if (ec) return Status::IOError("cannot copy " + from + "/" + name + ": " + ec.message());
  }
  return Status::Ok();
}

// The backup in `tmp`: the checkpoint, then what the manifest says of it.
Result<BackupManifest> WriteInto(Context& ctx, const std::string& tmp) {
  std::error_code ec;
  fs::create_directory(tmp, ec);
  if (ec) return Status::IOError("cannot create " + tmp + ": " + ec.message());
  MRC_RETURN_IF_ERROR(ctx.store->Checkpoint(tmp + "/db"));
  BackupManifest m;
  m.node = ToHex(ctx.identity.public_key);
  m.network_id = ToHex(ctx.genesis.network_id());
  m.created_ms = WallMillis();
  {
    MRC_ASSIGN_OR_RETURN(OpenedCopy copy, OpenCopy(tmp + "/db", ctx.identity, ctx.genesis));
    MRC_ASSIGN_OR_RETURN(sync::DigestInfo d, copy.log->Digest());
    MRC_ASSIGN_OR_RETURN(m.own_seq, copy.log->OwnSeq());
    m.digest = ToHex(d.digest);
    m.entries = d.entries;
    m.documents = d.documents;
  }
  MRC_RETURN_IF_ERROR(CopyPublicFiles(ctx.data_dir, tmp));
  MRC_RETURN_IF_ERROR(WritePrivateFile(tmp + "/backup.json", ManifestToJson(m)));
  // Files the checkpoint hard-links share the store's inodes, which an
  // older version may have created under a looser umask.
  MRC_RETURN_IF_ERROR(RestrictToOwner(tmp));
  return m;
}

}  // namespace

std::string ManifestToJson(const BackupManifest& m) {
  return json{{"format", m.format},
              {"node", m.node},
              {"network_id", m.network_id},
              {"created_ms", m.created_ms},
              {"created", UtcStamp(m.created_ms)},
              {"digest", m.digest},
              {"entries", m.entries},
              {"documents", m.documents},
              {"own_seq", m.own_seq}}
             .dump(2) +
         "\n";
}

Result<BackupManifest> ReadManifest(const std::string& backup_dir) {
  auto text = ReadTextFile(backup_dir + "/backup.json");
  if (!text.ok()) {
    return Status::InvalidArgument(backup_dir +
                                   " is not a backup made by `mrcnode backup` (no backup.json)");
  }
  json j = json::parse(*text, nullptr, false);
  BackupManifest m;
  try {
    m.format = j.at("format").get<std::uint32_t>();
    if (m.format != kBackupFormat) {
      return Status::InvalidArgument(backup_dir + "/backup.json: format " +
                                     std::to_string(m.format) + ", this version reads " +
                                     std::to_string(kBackupFormat));
    }
    m.node = j.at("node").get<std::string>();
    m.network_id = j.at("network_id").get<std::string>();
    m.created_ms = j.at("created_ms").get<std::uint64_t>();
    m.digest = j.at("digest").get<std::string>();
    m.entries = j.at("entries").get<std::uint64_t>();
    m.documents = j.at("documents").get<std::uint64_t>();
    m.own_seq = j.at("own_seq").get<std::uint64_t>();
  } catch (const json::exception& e) {
    return Status::InvalidArgument(backup_dir + "/backup.json is unreadable: " + e.what());
  }
  return m;
}

Result<BackupManifest> Backups::Write(const std::string& dest) {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    return Status::Unavailable("a backup is already being written; try again when it ends");
  }
  std::error_code ec;
  if (dest.empty() || fs::exists(dest, ec) || ec) {
    return Status::InvalidArgument("backup destination " + dest +
                                   " already exists or cannot be checked");
  }
  fs::path parent = fs::absolute(dest, ec).parent_path();
  if (ec || !fs::is_directory(parent, ec)) {
    return Status::InvalidArgument("backup destination " + dest + ": no directory " +
                                   parent.string());
  }
  // What a crash left of an earlier attempt at the same name.
  std::string tmp = dest + ".partial";
  fs::remove_all(tmp, ec);
  auto m = WriteInto(*ctx_, tmp);
  if (m.ok()) {
    fs::rename(tmp, dest, ec);
    if (ec) m = Status::IOError("cannot rename " + tmp + " to " + dest + ": " + ec.message());
  }
  if (!m.ok()) fs::remove_all(tmp, ec);
  return m;
}

// ---- the schedule

namespace {
constexpr std::string_view kScheduledPrefix = "mrcnode-backup-";
}  // namespace

std::vector<std::string> ScheduledBackups(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(dir, ec)) {
    std::string name = f.path().filename().string();
    if (name.rfind(kScheduledPrefix, 0) != 0 || name.ends_with(".partial")) continue;
    if (fs::exists(f.path() / "backup.json", ec)) found.push_back(f.path().string());
  }
  // Their names sort by time.
  std::sort(found.begin(), found.end());
  return found;
}

namespace {

// Writes one backup when the newest is `every` old; returns when the next
// is due.
std::chrono::milliseconds RunOnce(Backups* backups, const std::string& dir,
                                  std::chrono::milliseconds every, std::uint32_t keep) {
  auto existing = ScheduledBackups(dir);
  std::uint64_t now = WallMillis();
  std::uint64_t due = 0;
  if (!existing.empty()) {
    auto m = ReadManifest(existing.back());
    if (m.ok()) due = m->created_ms + static_cast<std::uint64_t>(every.count());
  }
  // A newest backup from the future (the clock was set back) does not
  // put the next one off by more than a period.
  if (due > now && due - now <= static_cast<std::uint64_t>(every.count()))
    return std::chrono::milliseconds(due - now);
  std::string dest = dir + "/" + std::string(kScheduledPrefix) + UtcStamp(now);
  auto written = backups->Write(dest);
  if (!written.ok()) {
    log::Warn("backup", "scheduled backup to " + dest + " failed: " + written.status().message());
    // Again in an hour, or sooner when backups are that frequent.
    return std::min(every, std::chrono::milliseconds(std::chrono::hours(1)));
  }
  log::Info("backup", "wrote " + dest + " (" + std::to_string(written->entries) + " entries)");
  existing = ScheduledBackups(dir);
  for (std::size_t i = 0; i + keep < existing.size(); ++i) {
    std::error_code ec;
    fs::remove_all(existing[i], ec);
    if (ec) log::Warn("backup", "cannot remove " + existing[i] + ": " + ec.message());
  }
  return every;
}

}  // namespace

struct BackupSchedule::Rep {
  std::jthread thread;
};

BackupSchedule::BackupSchedule(Backups* backups, const std::string& dir, std::uint32_t every_hours,
                               std::uint32_t keep)
    : rep_(std::make_unique<Rep>()) {
  if (dir.empty()) return;
  auto every = std::chrono::milliseconds(std::chrono::hours(every_hours));
  rep_->thread = std::jthread([backups, dir, every, keep](std::stop_token stop) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::mutex mu;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      auto wait = RunOnce(backups, dir, every, keep);
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, wait, [] { return false; });
    }
  });
}

BackupSchedule::~BackupSchedule() = default;

// ---- restore

namespace {

// What `restore` checks before it touches the data directory: the
// manifest against the directory's network and key.
Status CheckManifest(const BackupManifest& m, const Identity& id, const std::string& backup,
                     const RestoreOptions& options) {
  if (m.network_id != ToHex(id.genesis.network_id())) {
    return Status::InvalidArgument(backup + " is a backup of a node of another network (" +
                                   m.network_id.substr(0, 16) + "...)");
  }
  if (m.node != ToHex(id.key.public_key) && !options.as_new_node) {
    return Status::InvalidArgument(
        backup + " is a backup of node " + m.node.substr(0, 16) +
        "..., this data directory's key is " + ToHex(id.key.public_key).substr(0, 16) +
        "...: restore it with that node's identity.key, or give --as-new-node to seed this node "
        "from it");
  }
  return Status::Ok();
}

// The copy in `staging`, checked as `verify` checks a store, and against
// the manifest's digest; held (or not) as asked.
Status CheckCopy(const std::string& staging, const Identity& id, const BackupManifest& m,
                 const RestoreOptions& options) {
  MRC_ASSIGN_OR_RETURN(OpenedCopy copy, OpenCopy(staging, id.key, id.genesis));
  MRC_ASSIGN_OR_RETURN(std::uint64_t problems, copy.log->Verify([](const Status& s) {
    std::fprintf(stderr, "mrcnode: %s\n", s.message().c_str());
  }));
  if (problems > 0) {
    return Status::Corruption("the backup fails verification (" + std::to_string(problems) +
                              " problem(s)); nothing was restored");
  }
  MRC_ASSIGN_OR_RETURN(sync::DigestInfo d, copy.log->Digest());
  if (ToHex(d.digest) != m.digest) {
    return Status::Corruption("the backup's digest is " + ToHex(d.digest) + ", its manifest says " +
                              m.digest + "; nothing was restored");
  }
  if (options.no_hold) MRC_RETURN_IF_ERROR(copy.log->ReleaseOwnFeedHold("restored with --no-hold"));
  return Status::Ok();
}

// The lock RocksDB takes on a store (an fcntl write lock on DB/LOCK, which
// the kernel drops with its holder, so a crashed node leaves none), taken
// without opening the store: a damaged store, the one a restore is for,
// still tells whether a node runs on it. Unavailable while one does.
class StoreLock {
 public:
  static Result<StoreLock> Take(const std::string& db) {
    StoreLock lock;
    std::error_code ec;
    if (!fs::exists(db, ec)) return lock;  // nothing can run on it
    lock.fd_ = ::open((db + "/LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock.fd_ < 0)
      return Status::IOError("cannot open " + db + "/LOCK: " + std::strerror(errno));
    struct flock f {};
    f.l_type = F_WRLCK;
    f.l_whence = SEEK_SET;
    if (::fcntl(lock.fd_, F_SETLK, &f) != 0) return Status::Unavailable(db + " is locked");
    return lock;
  }
  StoreLock() = default;
  StoreLock(StoreLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  StoreLock& operator=(StoreLock&&) = delete;
  ~StoreLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

// Moves the store aside and `staging` in its place. The lock moves with the
// old store's files, so no node can open it meanwhile; between the two
// renames there is no DATA/db, which a node refuses to start without.
Result<std::string> Install(const std::string& staging, const std::string& data_dir) {
  std::string db = data_dir + "/db";
  std::string aside = db + ".before-restore-" + UtcStamp(WallMillis());
  std::error_code ec;
  if (fs::exists(db, ec)) {
    fs::rename(db, aside, ec);
    if (ec) return Status::IOError("cannot move " + db + " aside: " + ec.message());
  } else {
    aside.clear();
  }
  fs::rename(staging, db, ec);
  if (ec) return Status::IOError("cannot move " + staging + " to " + db + ": " + ec.message());
  // The search index follows the log it was built from; it is rebuilt from
  // the restored one at start.
  fs::remove_all(data_dir + "/search", ec);
  return aside;
}

}  // namespace

Result<std::string> Restore(const std::string& backup, const std::string& data_dir,
                            const RestoreOptions& options) {
  MRC_ASSIGN_OR_RETURN(BackupManifest m, ReadManifest(backup));
  MRC_ASSIGN_OR_RETURN(Identity id, LoadIdentity(data_dir));
  MRC_RETURN_IF_ERROR(CheckManifest(m, id, backup, options));
  // Held until the new store is in place.
  auto lock = StoreLock::Take(data_dir + "/db");
  if (lock.status().code() == Status::Code::kUnavailable) {
    return Status::Unavailable("the node is running on " + data_dir + "; stop it before `restore`");
  }
  if (!lock.ok()) return lock.status();
  std::string staging = data_dir + "/db.restoring";
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::copy(backup + "/db", staging, fs::copy_options::recursive, ec);
  if (ec) {
    fs::remove_all(staging, ec);
    return Status::IOError("cannot copy " + backup + "/db to " + staging + ": " + ec.message());
  }
  Status checked = CheckCopy(staging, id, m, options);
  if (checked.ok()) checked = RestrictToOwner(staging);
  if (!checked.ok()) {
    fs::remove_all(staging, ec);
    return checked;
  }
  MRC_ASSIGN_OR_RETURN(std::string aside, Install(staging, data_dir));
  std::string summary = "restore: " + backup + " (" + std::to_string(m.entries) + " entries, " +
                        std::to_string(m.documents) + " documents, taken " +
                        UtcStamp(m.created_ms) + ") checked and installed in " + data_dir + "/db\n";
  if (!aside.empty())
    summary += "  the replaced store is kept as " + aside + " (remove it once the node runs)\n";
  summary += options.no_hold ? "  the node signs at once when started (--no-hold)\n"
                             : "  the node signs nothing of its own until a peer has sent it its "
                               "newer entries: start it with its peers reachable\n";
  return summary;
}

}  // namespace mrc::node
