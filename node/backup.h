// Backups of a node's store, taken with the node stopped or through the
// running node, on request or on a schedule, and restored into a data
// directory (docs/operations.md, "Checking and backing up").
//
// A backup is a directory:
//   db/           a RocksDB checkpoint of the store, its own feed held
//                 (sync::Log::HoldOwnFeed): a node started from it signs
//                 nothing until a peer has sent it its newer own entries
//   backup.json   the manifest (BackupManifest)
//   identity.pub, genesis.txt   copies of the data directory's (public)
// It holds no secret key. It is written as DEST.partial and renamed to
// DEST when complete, so a directory named DEST is a whole backup.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/foundation/status.h"

namespace mrc::node {

struct Context;

inline constexpr std::uint32_t kBackupFormat = 1;

struct BackupManifest {
  std::uint32_t format = kBackupFormat;
  std::string node;              // the node's public key, hex
  std::string network_id;        // hex
  std::uint64_t created_ms = 0;  // Unix time
  std::string digest;            // the state digest of db/, hex
  std::uint64_t entries = 0;
  std::uint64_t documents = 0;
  std::uint64_t own_seq = 0;  // the last seq of the node's own feed in db/
};
std::string ManifestToJson(const BackupManifest& m);
// InvalidArgument when `backup_dir` holds no readable manifest.
Result<BackupManifest> ReadManifest(const std::string& backup_dir);

// Writes backups of one open context, one at a time: the command line's
// requests and the schedule share it. Thread-safe.
class Backups {
 public:
  explicit Backups(Context* ctx) : ctx_(ctx) {}
  // `dest` must not exist; its parent must. Unavailable while another
  // backup is being written (a second one would double the time and disk
  // for nothing).
  Result<BackupManifest> Write(const std::string& dest);

 private:
  Context* ctx_;
  std::mutex mu_;  // held while a backup is written
};

// Writes a backup into `dir` every `every_hours` (the first when the newest
// there is that old, or at start when there is none) and removes the
// oldest beyond `keep`. Stops with its destructor.
class BackupSchedule {
 public:
  BackupSchedule(Backups* backups, const std::string& dir, std::uint32_t every_hours,
                 std::uint32_t keep);
  ~BackupSchedule();

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// The complete backups a BackupSchedule wrote in `dir`, oldest first.
std::vector<std::string> ScheduledBackups(const std::string& dir);

struct RestoreOptions {
  // Install a backup of another node's identity under this data
  // directory's key (seeding a new centre from a copy).
  bool as_new_node = false;
  // Sign at once at start, without waiting for peers: only for a node
  // whose feed no other node can hold newer entries of.
  bool no_hold = false;
};
// Checks the backup (as `verify` does, and against its manifest) and
// installs it as DATA/db, keeping the data directory's keys and config
// and the replaced store as DATA/db.before-restore-TIME. Unavailable
// while a node runs on `data_dir`. Returns a summary for the user.
Result<std::string> Restore(const std::string& backup, const std::string& data_dir,
                            const RestoreOptions& options);

}  // namespace mrc::node
