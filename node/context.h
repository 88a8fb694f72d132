// The data directory and everything opened from it: configuration, identity,
// network genesis, store, log and document service.
//
// Layout of a data directory:
//   config.toml      settings, with comments (config/config.h)
//   identity.key     this node's Ed25519 secret key, mode 0600
//   identity.pub     its public key, hex
//   genesis.txt      the network genesis, text form (sync/crypto/identity.h)
//   db/              the RocksDB store
//   tls/             the web UI's certificate and key (mode 0600), made by the
//                    node unless the config names the centre's own (node/tls.h)
//   node.json        present while `mrcnode run` serves: {"pid", "http",
//                    "tls_fingerprint" when it serves HTTPS}
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "config/foundation/clock.h"
#include "config/foundation/status.h"
#include "storage/store.h"
#include "sync/content/doc_service.h"
#include "sync/crypto/identity.h"
#include "sync/log/log.h"
#include "sync/trust/trust_service.h"
#include "web/route/node_status.h"

namespace mrc::node {

struct InitOptions {
  std::string data_dir;
  bool hq = false;           // create a new network with this node as headquarters
  std::string network_name;  // with hq
  std::string genesis;       // without hq: a genesis file path or its text
  std::string http_listen;   // "" = default
  std::string sync_listen;   // "" = default; "none" = do not listen
  std::string node_name;
};

// Creates the data directory; InvalidArgument if it is already initialised.
// A config.toml already there (the Debian package's link to
// /etc/mrcnode/config.toml) is kept, and then http_listen, sync_listen and
// node_name must be empty. PermissionDenied for root in a directory another
// user owns.
// Returns a one-paragraph summary for the user.
Result<std::string> InitDataDir(const InitOptions& options);

struct Context {
  std::string data_dir;
  config::Config config;
  // The wall clock this node's entries are stamped from: the system clock,
  // or for tests one shifted by MRC_CLOCK_OFFSET_MS (docs/testing.md).
  // Declared before the log, which reads it until it closes.
  std::unique_ptr<OffsetClock> test_clock;
  const Clock* clock = SystemClock();
  sync::KeyPair identity;
  sync::BoxKeyPair encryption;  // for referrals (docs/referrals.md)
  // Earlier encryption keys (DATA/encryption.key.retired-*), kept to open
  // referrals sealed before a rotation.
  std::vector<sync::BoxKeyPair> retired_encryption;
  // The current key first, then the retired ones.
  std::vector<sync::BoxKeyPair> EncryptionKeys() const;
  sync::Genesis genesis;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<sync::Log> log;
  std::unique_ptr<sync::DocService> docs;
  std::unique_ptr<sync::TrustService> trust;

  std::string Path(const std::string& name) const { return data_dir + "/" + name; }
};

struct Identity {
  sync::KeyPair key;
  sync::Genesis genesis;
};
// The node's key and network genesis only (works while a node runs).
Result<Identity> LoadIdentity(const std::string& data_dir);
Result<std::string> ReadTextFile(const std::string& path);

// Opens everything. Unavailable when another process (a running node) holds
// the store.
Result<std::unique_ptr<Context>> OpenContext(const std::string& data_dir);

// This node's status: identity, network, counts, digest, trust and memory,
// with the peer links given (none connected when the node is not running).
// The search index's progress is the caller's to add.
Result<web::NodeStatus> ReadNodeStatus(Context& ctx, std::vector<sync::PeerLinkStatus> peers);
// When this node last heard from headquarters, read at its clock (cheap:
// every page asks, for its banner).
web::HqNews ReadHqNews(Context& ctx);

// The node running on this data directory: its HTTP address (node.json)
// and the admin token it wrote for its own command line (api-token, readable
// by the data directory's owner only). NotFound when none is recorded.
struct RunningNode {
  std::string address;
  std::string token;
  std::string tls_fingerprint;  // of its certificate when it serves HTTPS, else ""
};
Result<RunningNode> FindRunningNode(const std::string& data_dir);

}  // namespace mrc::node
