// mrcnode: the Migrant Resource Centre network node.
//
// main() parses the command line and dispatches to one command (commands.cc);
// each command opens what it needs from the data directory and returns an
// exit status. Usage errors exit 2 with CLI11's message.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "node/commands.h"

namespace {

std::string DefaultDataDir() {
  const char* env = std::getenv("MRC_DATA");
  return env && *env ? env : "./mrcnode-data";
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives each thread that allocates its own arena, and memory freed
  // into one arena is not reused by another: with a link thread, a writer
  // thread and helpers passing batches between them, a catch-up of 400,000
  // entries peaked at 180 MB instead of 140 MB (and used more CPU). Two
  // arenas keep the peak flat; set before any thread starts.
  mallopt(M_ARENA_MAX, 2);
  CLI::App app{
      "mrcnode: network node for Migrant Resource Centres.\n"
      "Stores FAQ entries, destination guides, bulletins and centres as signed entries."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "mrcnode 0.1.0");
  std::string data = DefaultDataDir();
  auto add_data = [&](CLI::App* cmd) {
    cmd->add_option("--data,-d", data, "data directory (default $MRC_DATA or ./mrcnode-data)");
  };
  int status = 0;

  // init
  mrc::node::InitOptions init;
  auto* init_cmd = app.add_subcommand("init", "create a data directory: key pair, config, genesis");
  add_data(init_cmd);
  init_cmd->add_flag("--hq", init.hq, "start a new network with this node as headquarters");
  init_cmd->add_option("--network", init.network_name, "network name (with --hq)");
  init_cmd->add_option("--genesis", init.genesis,
                       "join a network: genesis.txt from headquarters, or its text");
  init_cmd->add_option("--http", init.http_listen, "HTTP listen address, e.g. 127.0.0.1:8080");
  init_cmd->add_option("--name", init.node_name, "display name of this centre");
  init_cmd->add_option("--listen", init.sync_listen,
                       "address peers connect to, e.g. 127.0.0.1:7400 (\"none\": do not listen)");
  init_cmd->callback([&] {
    init.data_dir = data;
    status = mrc::node::CmdInit(init);
  });

  auto* run_cmd = app.add_subcommand("run", "serve the JSON API until SIGINT/SIGTERM");
  add_data(run_cmd);
  run_cmd->callback([&] { status = mrc::node::CmdRun(data); });

  // doc
  auto* doc = app.add_subcommand("doc", "read and write documents (JSON in, JSON out)");
  doc->require_subcommand(1);
  std::string file, id;
  std::vector<std::string> base;
  auto* put = doc->add_subcommand(
      "put", "create ({\"kind\",\"content\"}) or edit ({\"id\",\"content\",\"base\"?})");
  add_data(put);
  put->add_option("--file,-f", file, "JSON file (default: standard input)");
  put->callback([&] { status = mrc::node::CmdDocPut(data, file); });
  auto* get = doc->add_subcommand("get", "print a document");
  add_data(get);
  get->add_option("id", id, "document id")->required();
  get->callback([&] { status = mrc::node::CmdDocGet(data, id); });
  mrc::sync::ListQuery query;
  auto* list = doc->add_subcommand("list", "list documents");
  add_data(list);
  list->add_option("--kind", query.kind, "faq, guide, bulletin or centre");
  list->add_option("--after", query.after, "continue after this document id");
  list->add_option("--limit", query.limit, "at most this many (1..1000)")
      ->check(CLI::Range(1, 1000));
  list->add_flag("--include-deleted", query.include_deleted, "include deleted documents");
  list->add_flag("--conflicts", query.conflicts_only, "only documents in conflict");
  list->callback([&] { status = mrc::node::CmdDocList(data, query); });
  auto* history = doc->add_subcommand("history", "every version of a document");
  add_data(history);
  history->add_option("id", id, "document id")->required();
  history->callback([&] { status = mrc::node::CmdDocHistory(data, id); });
  auto* del =
      doc->add_subcommand("delete", "delete a document (a tombstone version; history is kept)");
  add_data(del);
  del->add_option("id", id, "document id")->required();
  del->add_option("--base", base, "the head version(s) it replaces (default: the single head)")
      ->delimiter(',');
  del->callback([&] { status = mrc::node::CmdDocDelete(data, id, base); });

  auto* propose = doc->add_subcommand(
      "propose", "propose a change ({\"content\"}) to a document you may not edit");
  add_data(propose);
  propose->add_option("id", id, "document id")->required();
  propose->add_option("--file,-f", file, "JSON file (default: standard input)");
  propose->callback([&] { status = mrc::node::CmdDocPropose(data, id, file); });
  auto* proposals =
      doc->add_subcommand("proposals", "the proposals made to a document, and their status");
  add_data(proposals);
  proposals->add_option("id", id, "document id")->required();
  proposals->callback([&] { status = mrc::node::CmdDocProposals(data, id); });
  std::string proposal, decline_reason;
  auto* accept = doc->add_subcommand(
      "accept", "accept a proposal (signed by this node, as owner or headquarters)");
  add_data(accept);
  accept->add_option("id", id, "document id")->required();
  accept->add_option("proposal", proposal, "proposal id")->required();
  accept->callback([&] { status = mrc::node::CmdDocAccept(data, id, proposal); });
  auto* decline = doc->add_subcommand("decline", "decline a proposal, saying why");
  add_data(decline);
  decline->add_option("id", id, "document id")->required();
  decline->add_option("proposal", proposal, "proposal id")->required();
  decline->add_option("--reason", decline_reason, "why")->required();
  decline->callback([&] { status = mrc::node::CmdDocDecline(data, id, proposal, decline_reason); });

  std::string dir;
  auto* import =
      app.add_subcommand("import", "import .json and .md content files from a directory");
  add_data(import);
  import->add_option("dir", dir, "directory of content files")->required();
  import->callback([&] { status = mrc::node::CmdImport(data, dir);
});

auto* verify = app.add_subcommand(
    "verify", "re-check every signature, chain and payload (exit 3 on problems)");
add_data(verify);
verify->callback([&] { status = mrc::node::CmdVerify(data); });

auto* digest =
    app.add_subcommand("digest", "print the state digest (equal on nodes with equal entries)");
add_data(digest);
digest->callback([&] { status = mrc::node::CmdDigest(data); });

std::string dest;
auto* backup = app.add_subcommand("backup", "write a consistent copy of the store to DEST");
add_data(backup);
backup->add_option("dest", dest, "destination directory (must not exist)")->required();
backup->callback([&] { status = mrc::node::CmdBackup(data, dest); });

auto* status_cmd = app.add_subcommand("status", "this node's counts, digest and peer links (JSON)");
add_data(status_cmd);
status_cmd->callback([&] { status = mrc::node::CmdStatus(data); });
std::string peer_address;
auto* peer = app.add_subcommand("peer", "manage the peers this node dials");
peer->require_subcommand(1);
auto* peer_add = peer->add_subcommand("add", "add HOST:PORT to [sync] peers in config.toml");
add_data(peer_add);
peer_add->add_option("address", peer_address, "HOST:PORT of the peer")->required();
peer_add->callback([&] { status = mrc::node::CmdPeerAdd(data, peer_address); });

std::string out, for_summary, bundle_file;
auto* summary =
    app.add_subcommand("summary", "write what this node holds (per author, the latest seq)");
add_data(summary);
summary->add_option("--out,-o", out, "file to write (default: standard output)");
summary->callback([&] { status = mrc::node::CmdSummary(data, out); });
auto* bundle = app.add_subcommand("bundle", "carry entries on a file (USB stick)");
bundle->require_subcommand(1);
auto* bexport = bundle->add_subcommand("export", "write entries to a bundle file");
add_data(bexport);
bexport->add_option("--out,-o", out, "bundle file to write")->required();
bexport->add_option("--for", for_summary, "only what the node with this summary lacks");
bexport->callback([&] { status = mrc::node::CmdBundleExport(data, out, for_summary); });
auto* bimport = bundle->add_subcommand("import", "verify a bundle file and apply its entries");
add_data(bimport);
bimport->add_option("file", bundle_file, "bundle file")->required();
bimport->callback([&] { status = mrc::node::CmdBundleImport(data, bundle_file); });

// member
auto* member = app.add_subcommand("member", "enrol centres, list members, revoke keys");
member->require_subcommand(1);
mrc::node::MemberRequestOptions req;
auto* mreq =
    member->add_subcommand("request", "print this node's enrolment request for headquarters");
add_data(mreq);
mreq->add_option("--name", req.name, "the centre's name, e.g. \"MRC Shkoder\"")->required();
mreq->add_option("--city", req.city, "city");
mreq->add_option("--country", req.country, "ISO 3166-1 alpha-2 code, e.g. AL");
mreq->add_option("--out,-o", req.out, "file to write (default: standard output)");
mreq->callback([&] { status = mrc::node::CmdMemberRequest(data, req); });
std::string request;
std::vector<std::string> roles;
auto* mapprove =
    member->add_subcommand("approve", "approve an enrolment or rotation request (headquarters)");
add_data(mapprove);
mapprove->add_option("request", request, "request file, or its text")->required();
mapprove->add_option("--roles", roles, "centre (default) or hq (root key only)")->delimiter(',');
std::string replaces;
mapprove->add_option("--replaces", replaces,
                     "re-admission: the lost or forked key whose documents it takes over");
mapprove->callback([&] { status = mrc::node::CmdMemberApprove(data, request, roles, replaces); });
std::string key, reason;
std::uint64_t from_seq = 0;
auto* mrevoke = member->add_subcommand(
    "revoke", "reject a key's entries from a point of its feed on (root key)");
add_data(mrevoke);
mrevoke->add_option("key", key, "the key to revoke (64 hex characters)")->required();
mrevoke->add_option("--reason", reason, "why (shown to every node)")->required();
mrevoke
    ->add_option("--from-seq", from_seq, "first seq to reject (default: the first not held here)")
    ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
mrevoke->callback([&] { status = mrc::node::CmdMemberRevoke(data, key, from_seq, reason); });
auto* mlist = member->add_subcommand("list", "every member, its roles, and revoked keys (JSON)");
add_data(mlist);
mlist->callback([&] { status = mrc::node::CmdMemberList(data); });

auto* keycmd = app.add_subcommand("key", "manage this node's signing and encryption keys");
keycmd->require_subcommand(1);
auto* rotate = keycmd->add_subcommand(
    "rotate", "replace this node's key; prints the request for headquarters");
add_data(rotate);
rotate->add_option("--out,-o", out, "file for the rotation request (default: standard output)");
rotate->callback([&] { status = mrc::node::CmdKeyRotate(data, out); });
auto* rotate_enc = keycmd->add_subcommand(
    "rotate-encryption",
    "a new encryption key for referrals (the old one is kept to read older ones)");
add_data(rotate_enc);
rotate_enc->callback([&] { status = mrc::node::CmdEncryptionKeyRotate(data); });

// bulletin
std::string by;
auto* bulletin = app.add_subcommand("bulletin", "receipts and acknowledgements of bulletins");
bulletin->require_subcommand(1);
auto* receipts =
    bulletin->add_subcommand("receipts", "which centres received and acknowledged a bulletin");
add_data(receipts);
receipts->add_option("id", id, "bulletin id")->required();
receipts->callback([&] { status = mrc::node::CmdBulletinReceipts(data, id); });
auto* ack = bulletin->add_subcommand("ack", "acknowledge a bulletin as read at this centre");
add_data(ack);
ack->add_option("id", id, "bulletin id")->required();
ack->add_option("--by", by, "who read it");
ack->callback([&] { status = mrc::node::CmdBulletinAck(data, id, by); });

// user
std::string user_name, user_role, token_label;
bool password_stdin = false;
auto* user = app.add_subcommand("user", "local accounts for the web UI and API");
user->require_subcommand(1);
auto* uadd = user->add_subcommand("add", "add an account (the password is asked for)");
add_data(uadd);
uadd->add_option("name", user_name, "1-32 of a-z, 0-9, '.', '_', '-'")->required();
uadd->add_option("--role", user_role, "counsellor, editor or admin")->required();
uadd->add_flag("--password-stdin", password_stdin, "read the password from standard input");
uadd->callback([&] { status = mrc::node::CmdUserAdd(data, user_name, user_role, password_stdin); });
auto* ulist = user->add_subcommand("list", "the accounts and their roles (JSON)");
add_data(ulist);
ulist->callback([&] { status = mrc::node::CmdUserList(data); });
auto* uremove = user->add_subcommand("remove", "remove an account, its sessions and tokens");
add_data(uremove);
uremove->add_option("name", user_name, "account")->required();
uremove->callback([&] { status = mrc::node::CmdUserRemove(data, user_name); });
auto* upass = user->add_subcommand("passwd", "set an account's password (ends its sessions)");
add_data(upass);
upass->add_option("name", user_name, "account")->required();
upass->add_flag("--password-stdin", password_stdin, "read the password from standard input");
upass->callback([&] { status = mrc::node::CmdUserPassword(data, user_name, password_stdin); });
auto* urole = user->add_subcommand("role", "change an account's role (ends its sessions)");
add_data(urole);
urole->add_option("name", user_name, "account")->required();
urole->add_option("role", user_role, "counsellor, editor or admin")->required();
urole->callback([&] { status = mrc::node::CmdUserRole(data, user_name, user_role); });
auto* utoken = user->add_subcommand("token", "create an API token for an account (shown once)");
add_data(utoken);
utoken->add_option("name", user_name, "account")->required();
utoken->add_option("--label", token_label, "what the token is for");
utoken->callback([&] { status = mrc::node::CmdUserToken(data, user_name, token_label); });

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
return status;
}
