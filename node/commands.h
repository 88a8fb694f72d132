// The mrcnode subcommands. Each returns the process exit status: 0 success,
// 1 failure (with one clear line on stderr), 3 for `verify` finding problems.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "node/backup.h"
#include "node/context.h"
#include "sync/content/doc_service.h"

namespace mrc::node {

// One line "mrcnode: error: ..." on stderr; returns exit status 1.
int Fail(const Status& s);
// Writes `text` to `path` readable and writable by the owner only,
// replacing it atomically.
Status WritePrivateFile(const std::string& path, const std::string& text);
// Gives `dir` and everything under it to the owner alone: directories
// 0700, files 0600.
Status RestrictToOwner(const std::string& dir);
// Opens the data directory for a command that needs the store to itself
// (Unavailable, saying to stop the node, while one runs on it).
Result<std::unique_ptr<Context>> OpenExclusive(const std::string& data_dir,
                                               std::string_view command);
// The JSON result pretty-printed on stdout (exit 0), or Fail.
int Print(const Result<std::string>& r);
// Prints local(context) when no node holds the data directory, or the
// running node's answer to `method target body` (with its local token).
int LocalOrRunning(const std::string& data_dir,
                   const std::function<Result<std::string>(Context&)>& local,
                   const std::string& method, const std::string& target, const std::string& body);

int CmdInit(const InitOptions& options);
int CmdRun(const std::string& data_dir);
int CmdDocPut(const std::string& data_dir, const std::string& file);
int CmdDocGet(const std::string& data_dir, const std::string& id);
int CmdDocList(const std::string& data_dir, const sync::ListQuery& query);
int CmdDocHistory(const std::string& data_dir, const std::string& id);
int CmdDocDelete(const std::string& data_dir, const std::string& id,
                 const std::vector<std::string>& base);
// Proposals: `propose` reads {"content"} like `doc put`.
int CmdDocPropose(const std::string& data_dir, const std::string& id, const std::string& file);
int CmdDocProposals(const std::string& data_dir, const std::string& id);
int CmdDocAccept(const std::string& data_dir, const std::string& id, const std::string& proposal);
int CmdDocDecline(const std::string& data_dir, const std::string& id, const std::string& proposal,
                  const std::string& reason);
int CmdImport(const std::string& data_dir, const std::string& dir);
int CmdVerify(const std::string& data_dir);
int CmdDigest(const std::string& data_dir);
// Through the running node when one holds the store (node/backup.h).
int CmdBackup(const std::string& data_dir, const std::string& dest);
int CmdRestore(const std::string& data_dir, const std::string& backup,
               const RestoreOptions& options);
int CmdStatus(const std::string& data_dir);
int CmdPeerAdd(const std::string& data_dir, const std::string& address);
int CmdSummary(const std::string& data_dir, const std::string& out);
int CmdBundleExport(const std::string& data_dir, const std::string& out,
                    const std::string& for_summary);
int CmdBundleImport(const std::string& data_dir, const std::string& file);

// Membership (node/member_commands.cc).
struct MemberRequestOptions {
  std::string name, city, country;
  std::string out;  // "" = standard output
};
int CmdMemberRequest(const std::string& data_dir, const MemberRequestOptions& options);
// `replaces`: re-admission of a centre whose old key is lost or forked.
int CmdMemberApprove(const std::string& data_dir, const std::string& request,
                     const std::vector<std::string>& roles, const std::string& replaces);
// from_seq 0: from the first entry of the key not held here.
int CmdMemberRevoke(const std::string& data_dir, const std::string& key, std::uint64_t from_seq,
                    const std::string& reason);
int CmdMemberList(const std::string& data_dir);
int CmdKeyRotate(const std::string& data_dir, const std::string& out);
// A new encryption key for referrals, published; the old one is kept to
// read what was sealed to it (node stopped).
int CmdEncryptionKeyRotate(const std::string& data_dir);
int CmdBulletinReceipts(const std::string& data_dir, const std::string& id);
// Local accounts (node/user_commands.cc).
// `display_name`: the name others see on what the user signs ("" = the login name).
int CmdUserAdd(const std::string& data_dir, const std::string& name, const std::string& role,
               bool password_stdin, const std::string& display_name = "");
int CmdUserList(const std::string& data_dir);
int CmdUserRemove(const std::string& data_dir, const std::string& name);
int CmdUserPassword(const std::string& data_dir, const std::string& name, bool password_stdin);
int CmdUserRole(const std::string& data_dir, const std::string& name, const std::string& role);
int CmdUserToken(const std::string& data_dir, const std::string& name, const std::string& label);
int CmdBulletinAck(const std::string& data_dir, const std::string& id, const std::string& by);

}  // namespace mrc::node
