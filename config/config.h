// The node's configuration: one TOML file, `config.toml` in the data
// directory, written with comments by `mrcnode init`.
//
// Every setting has a working default, so a missing file or a missing key is
// fine. An unknown key, a value of the wrong type, or a value out of range
// stops start-up with a message that names the key ("config.toml: http.tls:
// must be auto, on or off, got 'yes'").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"

namespace mrc::config {

struct HostPort {
  std::string host;  // an IPv4/IPv6 literal or "localhost"
  std::uint16_t port = 0;
  std::string ToString() const;  // "127.0.0.1:8080", "[::1]:8080"
};

// Parses "127.0.0.1:8080", "[::1]:8080" or "localhost:8080". Port 0 means "any
// free port" and is allowed only when `allow_port_zero`.
Result<HostPort> ParseHostPort(std::string_view text, bool allow_port_zero = true);
// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopback(std::string_view host);

struct Config {
  // [node]
  std::string node_name = "";  // display name of this centre; "" = unnamed

  // [http]
  std::string http_listen = "127.0.0.1:8080";  // any address; non-loopback means HTTPS
  // "auto": HTTPS on a non-loopback address, plain HTTP on loopback; "on":
  // HTTPS on any address; "off": plain HTTP, which only loopback may use.
  std::string http_tls = "auto";
  // PEM files of a certificate (chain) and key the centre already has; both
  // or neither. Neither: the node makes its own (DATA/tls/, HttpUsesTls).
  std::string http_tls_cert = "";
  std::string http_tls_key = "";
  // Names and addresses the node's own certificate is made for besides its
  // host name, "localhost", loopback and the machine's addresses.
  std::vector<std::string> http_tls_names;
  std::uint64_t http_body_limit = 1 << 20;  // bytes; 1 KiB .. 64 MiB
  std::uint32_t http_timeout_seconds = 30;  // read/write timeout; 1 .. 3600
  std::uint32_t http_threads = 2;           // 1 .. 64

  // [storage]
  bool storage_sync = true;             // fsync every write batch (crash safety)
  std::uint32_t storage_cache_mb = 32;  // RocksDB block cache; 1 .. 65536

  // [sync]
  std::string sync_listen = "127.0.0.1:7400";  // peers connect here; "" = do not listen
  std::vector<std::string> sync_peers;         // HOST:PORT of peers this node dials
  std::uint32_t sync_keepalive_seconds = 15;   // ping a quiet link this often; 1 .. 3600
  // Close a link on which no byte arrived for this long; 2 .. 86400, at
  // least twice the keepalive.
  std::uint32_t sync_idle_timeout_seconds = 60;
  // Every page warns when this node has heard nothing from headquarters
  // for this many days (docs/operations.md, "Last news from
  // headquarters"); 0 = never warn. 0 .. 3650.
  std::uint32_t sync_hq_silence_warning_days = 7;

  // [referrals]
  // Closed referrals (completed, declined, withdrawn) are erased this many
  // days after closing; 0 = only by hand.
  std::uint32_t referrals_retention_days = 365;  // 0 .. 36500

  // [backup]
  // Where the node writes backups on its own (docs/operations.md,
  // "Checking and backing up"): an absolute path, or one relative to the
  // data directory; "" = none.
  std::string backup_dir = "";
  std::uint32_t backup_every_hours = 24;  // 1 .. 8760
  std::uint32_t backup_keep = 7;          // the newest kept; 1 .. 1000

  // [limits]
  // HTTP connections and logins (docs/operations.md, "Limits").
  // Open at once, from all clients; 4 .. 65536.
  std::uint32_t http_connections = 256;
  // Open at once from one client address; 1 .. http_connections.
  std::uint32_t http_connections_per_address = 64;
  // Wrong passwords before further tries wait 1, 2, 4 ... s: of one name
  // from one address (1 .. 1000); from one address, any names (loopback
  // not counted); of one name from every address (1 .. 100000 each).
  std::uint32_t login_delay_after_failures = 5;
  std::uint32_t login_address_delay_after_failures = 20;
  std::uint32_t login_name_delay_after_failures = 20;
  std::uint32_t login_max_delay_seconds = 600;  // the longest wait; 1 .. 86400
  std::uint32_t password_check_threads = 1;     // Argon2id, off the HTTP threads; 1 .. 16
  std::uint32_t password_checks_queued = 16;    // waiting for them; 1 .. 4096

  // [log]
  std::string log_level = "info";  // debug | info | warn | error

  // [limits]: what others may cost this node (docs/operations.md, "Limits").
  // Links from other nodes:
  std::uint32_t limits_peer_handshake_seconds = 10;  // a handshake must finish; 1 .. 300
  std::uint32_t limits_peer_handshakes = 32;         // links being accepted at once; 1 .. 100000
  std::uint32_t limits_peer_links_per_address = 8;   // accepted links per remote IP; 1 .. 100000
  std::uint32_t limits_peer_links_per_key = 2;       // links per node key, either way; 2 .. 16
  // Accepted links of keys headquarters has not approved, at once (0 .. 100000),
  // and how long each may stay (1 .. 86400).
  std::uint32_t limits_peer_unapproved_links = 8;
  std::uint32_t limits_peer_unapproved_link_seconds = 300;
  std::uint32_t limits_peer_read_memory_mb = 64;  // frames being read, all links; 16 .. 65536
  // A frame being read must average this many bytes a second once it is
  // older than sync.idle_timeout_seconds; 1 .. 1048576.
  std::uint32_t limits_peer_min_bytes_per_second = 256;
  // Entries held of keys headquarters has not approved (they wait for the
  // approval): per key (1 .. 10000000 entries, 1 .. 65536 MiB), and of
  // every such key together (1 .. 1048576 MiB).
  std::uint32_t limits_unapproved_entries_per_key = 1000;
  std::uint32_t limits_unapproved_mb_per_key = 16;
  std::uint32_t limits_unapproved_total_mb = 256;
  std::uint32_t limits_bundle_import_memory_mb = 32;  // held of a bundle at once; 2 .. 65536
};

// Whether the web UI speaks HTTPS under `config` (http.tls and http.listen).
bool HttpUsesTls(const Config& config);

// Parses TOML text. `source` names the file in messages ("/data/config.toml").
Result<Config> Parse(std::string_view toml_text, std::string_view source);
// Reads and parses a file; a missing file gives the defaults.
Result<Config> LoadFile(const std::string& path);
// The file `init` writes: every setting, its value and a comment saying what
// it does and its default. Parse(Render(c)) == c.
std::string Render(const Config& config);
// Writes Render(config) to `path` (atomically: temp file + rename).
Status WriteFile(const std::string& path, const Config& config);

}  // namespace mrc::config
