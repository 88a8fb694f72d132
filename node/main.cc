// mrcnode: the Migrant Resource Centre network node.
//
// main() parses the command line and dispatches to one command (commands.cc);
// each command opens what it needs from the data directory and returns an
// exit status. Usage errors exit 2 with CLI11's message.
#include <malloc.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "node/commands.h"
#include "node/doctor.h"
#include "node/tls.h"

namespace {

std::string DefaultDataDir() {
  const char* env = std::getenv("MRC_DATA");
  return env && *env ? env : "./mrcnode-data";
}

// What the command line sets, read by the command that runs; it lives
// until that command has returned its exit status.
struct Args {
  std::string data = DefaultDataDir();
  int status = 0;
  mrc::node::InitOptions init;
  std::string file, id, proposal, decline_reason, dir, dest, peer_address;
  std::string out, for_summary, bundle_file;
  std::vector<std::string> base;
  mrc::sync::ListQuery query;
  mrc::node::MemberRequestOptions req;
  std::string request, replaces, key, reason, by;
  std::vector<std::string> roles;
  std::uint64_t from_seq = 0;
  std::string user_name, user_role, token_label, display_name;
  bool password_stdin = false;
  mrc::node::RestoreOptions restore;
};

// Every command takes the data directory.
void AddData(CLI::App* cmd, Args& a) {
  cmd->add_option("--data,-d", a.data, "data directory (default $MRC_DATA or ./mrcnode-data)");
}

// init, run
void AddSetupCommands(CLI::App& app, Args& a) {
  auto* init_cmd = app.add_subcommand("init", "create a data directory: key pair, config, genesis");
  AddData(init_cmd, a);
  init_cmd->add_flag("--hq", a.init.hq, "start a new network with this node as headquarters");
  init_cmd->add_option("--network", a.init.network_name, "network name (with --hq)");
  init_cmd->add_option("--genesis", a.init.genesis,
                       "join a network: genesis.txt from headquarters, or its text");
  init_cmd->add_option("--http", a.init.http_listen, "HTTP listen address, e.g. 127.0.0.1:8080");
  init_cmd->add_option("--name", a.init.node_name, "display name of this centre");
  init_cmd->add_option("--listen", a.init.sync_listen,
                       "address peers connect to, e.g. 127.0.0.1:7400 (\"none\": do not listen)");
  init_cmd->callback([&] {
    a.init.data_dir = a.data;
    a.status = mrc::node::CmdInit(a.init);
  });

  auto* run_cmd = app.add_subcommand("run", "serve the JSON API until SIGINT/SIGTERM");
  AddData(run_cmd, a);
  run_cmd->callback([&] { a.status = mrc::node::CmdRun(a.data); });
}

// doc put|get|list|history|delete|propose|proposals|accept|decline; import
void AddDocumentCommands(CLI::App& app, Args& a) {
  auto* doc = app.add_subcommand("doc", "read and write documents (JSON in, JSON out)");
  doc->require_subcommand(1);

  auto* put = doc->add_subcommand(
      "put", "create ({\"kind\",\"content\"}) or edit ({\"id\",\"content\",\"base\"?})");
  AddData(put, a);
  put->add_option("--file,-f", a.file, "JSON file (default: standard input)");
  put->callback([&] { a.status = mrc::node::CmdDocPut(a.data, a.file); });
  auto* get = doc->add_subcommand("get", "print a document");
  AddData(get, a);
  get->add_option("id", a.id, "document id")->required();
  get->callback([&] { a.status = mrc::node::CmdDocGet(a.data, a.id); });

  auto* list = doc->add_subcommand("list", "list documents");
  AddData(list, a);
  list->add_option("--kind", a.query.kind, "faq, guide, bulletin or centre");
  list->add_option("--after", a.query.after, "continue after this document id");
  list->add_option("--limit", a.query.limit, "at most this many (1..1000)")
      ->check(CLI::Range(1, 1000));
  list->add_flag("--include-deleted", a.query.include_deleted, "include deleted documents");
  list->add_flag("--conflicts", a.query.conflicts_only, "only documents in conflict");
  list->callback([&] { a.status = mrc::node::CmdDocList(a.data, a.query); });
  auto* history = doc->add_subcommand("history", "every version of a document");
  AddData(history, a);
  history->add_option("id", a.id, "document id")->required();
  history->callback([&] { a.status = mrc::node::CmdDocHistory(a.data, a.id); });
  auto* del =
      doc->add_subcommand("delete", "delete a document (a tombstone version; history is kept)");
  AddData(del, a);
  del->add_option("id", a.id, "document id")->required();
  del->add_option("--base", a.base, "the head version(s) it replaces (default: the single head)")
      ->delimiter(',');
  del->callback([&] { a.status = mrc::node::CmdDocDelete(a.data, a.id, a.base); });

  auto* propose = doc->add_subcommand(
      "propose", "propose a change ({\"content\"}) to a document you may not edit");
  AddData(propose, a);
  propose->add_option("id", a.id, "document id")->required();
  propose->add_option("--file,-f", a.file, "JSON file (default: standard input)");
  propose->callback([&] { a.status = mrc::node::CmdDocPropose(a.data, a.id, a.file); });
  auto* proposals =
      doc->add_subcommand("proposals", "the proposals made to a document, and their status");
  AddData(proposals, a);
  proposals->add_option("id", a.id, "document id")->required();
  proposals->callback([&] { a.status = mrc::node::CmdDocProposals(a.data, a.id); });

  auto* accept = doc->add_subcommand(
      "accept", "accept a proposal (signed by this node, as owner or headquarters)");
  AddData(accept, a);
  accept->add_option("id", a.id, "document id")->required();
  accept->add_option("proposal", a.proposal, "proposal id")->required();
  accept->callback([&] { a.status = mrc::node::CmdDocAccept(a.data, a.id, a.proposal); });
  auto* decline = doc->add_subcommand("decline", "decline a proposal, saying why");
  AddData(decline, a);
  decline->add_option("id", a.id, "document id")->required();
  decline->add_option("proposal", a.proposal, "proposal id")->required();
  decline->add_option("--reason", a.decline_reason, "why")->required();
  decline->callback(
      [&] { a.status = mrc::node::CmdDocDecline(a.data, a.id, a.proposal, a.decline_reason); });

  auto* import =
      app.add_subcommand("import", "import .json and .md content files from a directory");
  AddData(import, a);
  import->add_option("dir", a.dir, "directory of content files")->required();
  import->callback([&] { a.status = mrc::node::CmdImport(a.data, a.dir);
});
}  // namespace

// verify, digest, backup, restore, status
void AddStoreCommands(CLI::App& app, Args& a) {
  auto* verify = app.add_subcommand(
      "verify", "re-check every signature, chain and payload (exit 3 on problems)");
  AddData(verify, a);
  verify->callback([&] { a.status = mrc::node::CmdVerify(a.data); });

  auto* digest =
      app.add_subcommand("digest", "print the state digest (equal on nodes with equal entries)");
  AddData(digest, a);
  digest->callback([&] { a.status = mrc::node::CmdDigest(a.data); });

  auto* backup = app.add_subcommand(
      "backup", "write a backup of the store to DEST (through the running node, if one runs)");
  AddData(backup, a);
  backup->add_option("dest", a.dest, "destination directory (must not exist)")->required();
  backup->callback([&] { a.status = mrc::node::CmdBackup(a.data, a.dest); });

  auto* restore = app.add_subcommand(
      "restore", "check a backup and install it as the store (the node must be stopped)");
  AddData(restore, a);
  restore->add_option("backup", a.dir, "backup directory written by `mrcnode backup`")->required();
  restore->add_flag("--as-new-node", a.restore.as_new_node,
                    "install a backup of another node under this data directory's key");
  restore->add_flag("--no-hold", a.restore.no_hold,
                    "sign at once at start, without first fetching this node's newer entries "
                    "from its peers (only when no other node can hold any)");
  restore->callback([&] { a.status = mrc::node::CmdRestore(a.data, a.dir, a.restore); });

  auto* status_cmd =
      app.add_subcommand("status", "this node's counts, digest and peer links (JSON)");
  AddData(status_cmd, a);
  status_cmd->callback([&] { a.status = mrc::node::CmdStatus(a.data); });
}

// peer add; summary; bundle export|import
void AddCarryCommands(CLI::App& app, Args& a) {
  auto* peer = app.add_subcommand("peer", "manage the peers this node dials");
  peer->require_subcommand(1);
  auto* peer_add = peer->add_subcommand("add", "add HOST:PORT to [sync] peers in config.toml");
  AddData(peer_add, a);
  peer_add->add_option("address", a.peer_address, "HOST:PORT of the peer")->required();
  peer_add->callback([&] { a.status = mrc::node::CmdPeerAdd(a.data, a.peer_address); });

  auto* summary =
      app.add_subcommand("summary", "write what this node holds (per author, the latest seq)");
  AddData(summary, a);
  summary->add_option("--out,-o", a.out, "file to write (default: standard output)");
  summary->callback([&] { a.status = mrc::node::CmdSummary(a.data, a.out); });
  auto* bundle = app.add_subcommand("bundle", "carry entries on a file (USB stick)");
  bundle->require_subcommand(1);
  auto* bexport = bundle->add_subcommand("export", "write entries to a bundle file");
  AddData(bexport, a);
  bexport->add_option("--out,-o", a.out, "bundle file to write")->required();
  bexport->add_option("--for", a.for_summary, "only what the node with this summary lacks");
  bexport->callback([&] { a.status = mrc::node::CmdBundleExport(a.data, a.out, a.for_summary); });
  auto* bimport = bundle->add_subcommand("import", "verify a bundle file and apply its entries");
  AddData(bimport, a);
  bimport->add_option("file", a.bundle_file, "bundle file")->required();
  bimport->callback([&] { a.status = mrc::node::CmdBundleImport(a.data, a.bundle_file); });
}

// member request|approve|revoke|list; key rotate|rotate-encryption
void AddMemberCommands(CLI::App& app, Args& a) {
  auto* member = app.add_subcommand("member", "enrol centres, list members, revoke keys");
  member->require_subcommand(1);

  auto* mreq =
      member->add_subcommand("request", "print this node's enrolment request for headquarters");
  AddData(mreq, a);
  mreq->add_option("--name", a.req.name, "the centre's name, e.g. \"MRC Shkoder\"")->required();
  mreq->add_option("--city", a.req.city, "city");
  mreq->add_option("--country", a.req.country, "ISO 3166-1 alpha-2 code, e.g. AL");
  mreq->add_option("--out,-o", a.req.out, "file to write (default: standard output)");
  mreq->callback([&] { a.status = mrc::node::CmdMemberRequest(a.data, a.req); });

  auto* mapprove =
      member->add_subcommand("approve", "approve an enrolment or rotation request (headquarters)");
  AddData(mapprove, a);
  mapprove->add_option("request", a.request, "request file, or its text")->required();
  mapprove->add_option("--roles", a.roles, "centre (default) or hq (root key only)")
      ->delimiter(',');

  mapprove->add_option("--replaces", a.replaces,
                       "re-admission: the lost or forked key whose documents it takes over");
  mapprove->callback(
      [&] { a.status = mrc::node::CmdMemberApprove(a.data, a.request, a.roles, a.replaces); });

  auto* mrevoke = member->add_subcommand(
      "revoke", "reject a key's entries from a point of its feed on (root key)");
  AddData(mrevoke, a);
  mrevoke->add_option("key", a.key, "the key to revoke (64 hex characters)")->required();
  mrevoke->add_option("--reason", a.reason, "why (shown to every node)")->required();
  mrevoke
      ->add_option("--from-seq", a.from_seq,
                   "first seq to reject (default: the first not held here)")
      ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
  mrevoke->callback(
      [&] { a.status = mrc::node::CmdMemberRevoke(a.data, a.key, a.from_seq, a.reason); });
  auto* mlist = member->add_subcommand("list", "every member, its roles, and revoked keys (JSON)");
  AddData(mlist, a);
  mlist->callback([&] { a.status = mrc::node::CmdMemberList(a.data); });

  auto* keycmd = app.add_subcommand("key", "manage this node's signing and encryption keys");
  keycmd->require_subcommand(1);
  auto* rotate = keycmd->add_subcommand(
      "rotate", "replace this node's key; prints the request for headquarters");
  AddData(rotate, a);
  rotate->add_option("--out,-o", a.out, "file for the rotation request (default: standard output)");
  rotate->callback([&] { a.status = mrc::node::CmdKeyRotate(a.data, a.out); });
  auto* rotate_enc = keycmd->add_subcommand(
      "rotate-encryption",
      "a new encryption key for referrals (the old one is kept to read older ones)");
  AddData(rotate_enc, a);
  rotate_enc->callback([&] { a.status = mrc::node::CmdEncryptionKeyRotate(a.data); });
}

// bulletin receipts|ack
void AddBulletinCommands(CLI::App& app, Args& a) {
  auto* bulletin = app.add_subcommand("bulletin", "receipts and acknowledgements of bulletins");
  bulletin->require_subcommand(1);
  auto* receipts =
      bulletin->add_subcommand("receipts", "which centres received and acknowledged a bulletin");
  AddData(receipts, a);
  receipts->add_option("id", a.id, "bulletin id")->required();
  receipts->callback([&] { a.status = mrc::node::CmdBulletinReceipts(a.data, a.id); });
  auto* ack = bulletin->add_subcommand("ack", "acknowledge a bulletin as read at this centre");
  AddData(ack, a);
  ack->add_option("id", a.id, "bulletin id")->required();
  ack->add_option("--by", a.by, "who read it");
  ack->callback([&] { a.status = mrc::node::CmdBulletinAck(a.data, a.id, a.by); });
}

// user add|list|remove|passwd|role|token
void AddUserCommands(CLI::App& app, Args& a) {
  auto* user = app.add_subcommand("user", "local accounts for the web UI and API");
  user->require_subcommand(1);
  auto* uadd = user->add_subcommand("add", "add an account (the password is asked for)");
  AddData(uadd, a);
  uadd->add_option("name", a.user_name, "1-32 of a-z, 0-9, '.', '_', '-'")->required();
  uadd->add_option("--role", a.user_role, "counsellor, editor or admin")->required();
  uadd->add_flag("--password-stdin", a.password_stdin, "read the password from standard input");
  uadd->add_option("--display-name", a.display_name,
                   "the name others see on what the user signs (default: the login name)");
  uadd->callback([&] {
    a.status =
        mrc::node::CmdUserAdd(a.data, a.user_name, a.user_role, a.password_stdin, a.display_name);
  });
  auto* ulist = user->add_subcommand("list", "the accounts and their roles (JSON)");
  AddData(ulist, a);
  ulist->callback([&] { a.status = mrc::node::CmdUserList(a.data); });
  auto* uremove = user->add_subcommand("remove", "remove an account, its sessions and tokens");
  AddData(uremove, a);
  uremove->add_option("name", a.user_name, "account")->required();
  uremove->callback([&] { a.status = mrc::node::CmdUserRemove(a.data, a.user_name); });
  auto* upass = user->add_subcommand("passwd", "set an account's password (ends its sessions)");
  AddData(upass, a);
  upass->add_option("name", a.user_name, "account")->required();
  upass->add_flag("--password-stdin", a.password_stdin, "read the password from standard input");
  upass->callback(
      [&] { a.status = mrc::node::CmdUserPassword(a.data, a.user_name, a.password_stdin); });
  auto* urole = user->add_subcommand("role", "change an account's role (ends its sessions)");
  AddData(urole, a);
  urole->add_option("name", a.user_name, "account")->required();
  urole->add_option("role", a.user_role, "counsellor, editor or admin")->required();
  urole->callback([&] { a.status = mrc::node::CmdUserRole(a.data, a.user_name, a.user_role); });
  auto* utoken = user->add_subcommand("token", "create an API token for an account (shown once)");
  AddData(utoken, a);
  utoken->add_option("name", a.user_name, "account")->required();
  utoken->add_option("--label", a.token_label, "what the token is for");
  utoken->callback([&] { a.status = mrc::node::CmdUserToken(a.data, a.user_name, a.token_label); });
}

// tls show|renew: the web UI's certificate (node/tls.h).
void AddTlsCommands(CLI::App& app, Args& a) {
  auto* tls = app.add_subcommand("tls", "the web UI's HTTPS certificate");
  tls->require_subcommand(1);
  auto* show = tls->add_subcommand("show", "its fingerprint, names and validity");
  AddData(show, a);
  show->callback([&] { a.status = mrc::node::CmdTlsShow(a.data); });
  auto* renew = tls->add_subcommand(
      "renew", "replace the node's own certificate (served from the node's next start)");
  AddData(renew, a);
  renew->callback([&] { a.status = mrc::node::CmdTlsRenew(a.data); });
}

// config check; doctor (node/doctor.h).
void AddCheckCommands(CLI::App& app, Args& a) {
  auto* config = app.add_subcommand("config", "the configuration file");
  config->require_subcommand(1);
  auto* check = config->add_subcommand(
      "check", "validate config.toml (or FILE) without starting: exit 1 on problems");
  AddData(check, a);
  check->add_option("file", a.file, "a config file (default: DATA/config.toml)");
  check->callback([&] { a.status = mrc::node::CmdConfigCheck(a.data, a.file); });
  auto* doctor = app.add_subcommand(
      "doctor", "check the data directory and say what to fix (exit 0 ok, 1 warnings, 3 problems)");
  AddData(doctor, a);
  doctor->callback([&] { a.status = mrc::node::CmdDoctor(a.data); });
}

// The command line's one-line errors (exit 2), CLI11's help and version.
int Parse(CLI::App& app, int argc, char** argv, const Args& a) {
  if (argc > 1 && argv[1][0] != '-') {
    try {
      app.get_subcommand(argv[1]);
    } catch (const CLI::OptionNotFound&) {
      std::fprintf(stderr, "mrcnode: error: unknown command '%s' (see mrcnode --help)\n", argv[1]);
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, like every other error (CLI11 would add a second).
    std::fprintf(stderr, "mrcnode: error: %s (see --help)\n", e.what());
    return 2;
  }
  return a.status;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives each thread that allocates its own arena, and memory freed
  // into one arena is not reused by another: with a link thread, a writer
  // thread and helpers passing batches between them, the peak grows by a
  // quarter. Two arenas keep it flat; set before any thread starts.
  mallopt(M_ARENA_MAX, 2);
  // glibc raises its mmap threshold (up to 32 MiB) each time a large block
  // it mapped is freed; from then on blocks that size come from the heap
  // and stay resident after they are freed. A peer's frame buffers are up
  // to 4 MiB: a fixed threshold keeps them mapped, given back when freed.
  // (Both settings are no-ops when mrcnode is linked with tcmalloc; the
  // peer service then asks tcmalloc to give freed memory back.)
  mallopt(M_MMAP_THRESHOLD, 256 << 10);
  // The store holds user records, sessions and referral ciphertext, and a
  // backup is a copy of it: everything the node creates is for its own user
  // alone, whatever umask it was started with.
  ::umask(077);
  CLI::App app{
      "mrcnode: network node for Migrant Resource Centres.\n"
      "Stores FAQ entries, destination guides, bulletins and centres as signed entries."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "mrcnode 0.1.0");
  Args args;
  AddSetupCommands(app, args);     // init, run
  AddDocumentCommands(app, args);  // doc ..., import
  AddStoreCommands(app, args);     // verify, digest, backup, restore, status
  AddCarryCommands(app, args);     // peer add, summary, bundle export|import
  AddMemberCommands(app, args);    // member ..., key ...
  AddBulletinCommands(app, args);  // bulletin receipts|ack
  AddUserCommands(app, args);      // user ...
  AddTlsCommands(app, args);       // tls show|renew
  AddCheckCommands(app, args);     // config check, doctor
  return Parse(app, argc, argv, args);
}
