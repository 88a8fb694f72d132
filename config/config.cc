// Loading, validating and rendering config.toml. toml++ is included only
// here (it is a large header-only library).
#include "config/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/check.h"

namespace mrc::config {
namespace {

Status Bad(std::string_view source, std::string_view key, std::string_view why) {
  return Status::InvalidArgument(std::string(source) + ": " + std::string(key) + ": " +
                                 std::string(why));
}

// Reads one typed key of a section, leaving the default when absent.
class Reader {
 public:
  // With `all`, each problem is added there and reading goes on (Check);
  // without, the first problem is returned (Parse).
  Reader(const toml::table& root, std::string_view source, std::vector<std::string>* all = nullptr)
      : root_(root), source_(source), all_(all) {}

  // `s`, or Ok once it is recorded when collecting every problem.
  // Recorded messages name the key's line when the file has the key:
  // "config.toml: http.tls: ..." becomes "config.toml:7: http.tls: ...".
  Status Note(Status s) {
    if (s.ok() || !all_) return s;
    std::string m = s.message();
    std::string head = std::string(source_) + ": ";
    auto key_end = m.find(": ", head.size());
    auto dot = m.find('.', head.size());
    if (m.rfind(head, 0) == 0 && key_end != std::string::npos && dot < key_end) {
      const toml::node* n = Find(std::string_view(m).substr(head.size(), dot - head.size()),
                                 std::string_view(m).substr(dot + 1, key_end - dot - 1));
      if (n && n->source().begin.line > 0)
        m.insert(source_.size(), ":" + std::to_string(n->source().begin.line));
    }
    all_->push_back(std::move(m));
    return Status::Ok();
  }

  Status String(std::string_view section, std::string_view key, std::string* out) {
    const toml::node* n = Find(section, key);
    if (!n) return Status::Ok();
    if (!n->is_string()) return Note(Bad(source_, Dotted(section, key), "must be a string"));
    *out = n->as_string()->get();
    return Status::Ok();
  }

  Status Bool(std::string_view section, std::string_view key, bool* out) {
    const toml::node* n = Find(section, key);
    if (!n) return Status::Ok();
    if (!n->is_boolean()) return Note(Bad(source_, Dotted(section, key), "must be true or false"));
    *out = n->as_boolean()->get();
    return Status::Ok();
  }

  Status StringList(std::string_view section, std::string_view key, std::vector<std::string>* out) {
    const toml::node* n = Find(section, key);
    if (!n) return Status::Ok();
    const toml::array* a = n->as_array();
    if (!a)
      return Note(
          Bad(source_, Dotted(section, key), "must be a list of strings, e.g. [\"a\", \"b\"]"));
    out->clear();
    for (const auto& item : *a) {
      if (!item.is_string())
        return Note(Bad(source_, Dotted(section, key), "every item must be a string"));
      out->push_back(item.as_string()->get());
    }
    return Status::Ok();
  }

  template <typename T>
  Status Int(std::string_view section, std::string_view key, std::int64_t lo, std::int64_t hi,
             T* out) {
    const toml::node* n = Find(section, key);
    if (!n) return Status::Ok();
    if (!n->is_integer()) return Note(Bad(source_, Dotted(section, key), "must be a whole number"));
    std::int64_t v = n->as_integer()->get();
    if (v < lo || v > hi) {
      return Note(Bad(source_, Dotted(section, key),
                      "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                          ", got " + std::to_string(v)));
    }
    *out = static_cast<T>(v);
    return Status::Ok();
  }

 private:
  static std::string Dotted(std::string_view s, std::string_view k) {
    return std::string(s) + "." + std::string(k);
  }
  const toml::node* Find(std::string_view section, std::string_view key) {
    const toml::table* t = root_[section].as_table();
    return t ? t->get(key) : nullptr;
  }

  const toml::table& root_;
  std::string_view source_;
  std::vector<std::string>* all_;
};

// Every section and key this version understands.
const std::vector<std::pair<std::string_view, std::vector<std::string_view>>>& Known() {
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> kKnown = {
      {"node", {"name"}},
      {"http",
       {"listen", "tls", "tls_cert", "tls_key", "tls_names", "body_limit", "timeout_seconds",
        "threads"}},
      {"storage", {"sync", "cache_mb"}},
      {"sync",
       {"listen", "peers", "keepalive_seconds", "idle_timeout_seconds", "hq_silence_warning_days"}},
      {"referrals", {"retention_days"}},
      {"backup", {"dir", "every_hours", "keep"}},
      {"limits",
       {// Peer links.
        "peer_handshake_seconds", "peer_handshakes", "peer_links_per_address", "peer_links_per_key",
        "peer_unapproved_links", "peer_unapproved_link_seconds", "peer_read_memory_mb",
        "peer_min_bytes_per_second",
        // Entries of unapproved keys; bundles.
        "unapproved_entries_per_key", "unapproved_mb_per_key", "unapproved_total_mb",
        "bundle_import_memory_mb",
        // HTTP connections and logins.
        "http_connections", "http_connections_per_address", "login_delay_after_failures",
        "login_address_delay_after_failures", "login_name_delay_after_failures",
        "login_max_delay_seconds", "password_check_threads", "password_checks_queued"}},
      {"log", {"level"}}};
  return kKnown;
}

// With `all`, every unknown section and key is added there (with its line).
Status CheckKnownKeys(const toml::table& root, std::string_view source,
                      std::vector<std::string>* all) {
  auto problem = [&](const toml::node& where, std::string why) {
    std::string at = std::string(source);
    if (all && where.source().begin.line > 0) at += ":" + std::to_string(where.source().begin.line);
    Status s = Status::InvalidArgument(at + ": " + why);
    if (all) all->push_back(s.message());
    return all ? Status::Ok() : s;
  };
  for (const auto& [section, node] : root) {
    std::string name(section.str());
    auto it = std::find_if(Known().begin(), Known().end(),
                           [&name](const auto& k) { return k.first == name; });
    if (it == Known().end()) {
      MRC_RETURN_IF_ERROR(problem(node, "unknown section [" + name + "]"));
      continue;
    }
    if (!node.is_table()) {
      MRC_RETURN_IF_ERROR(problem(node, name + " must be a section ([" + name + "])"));
      continue;
    }
    for (const auto& [key, value] : *node.as_table()) {
      if (std::find(it->second.begin(), it->second.end(), key.str()) == it->second.end())
        MRC_RETURN_IF_ERROR(
            problem(value, "unknown key '" + name + "." + std::string(key.str()) + "'"));
    }
  }
  return Status::Ok();
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string QuoteList(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Quote(items[i]);
  return out;
}

Status ReadBackup(Reader& r, std::string_view source, Config* c) {
  MRC_RETURN_IF_ERROR(r.String("backup", "dir", &c->backup_dir));
  MRC_RETURN_IF_ERROR(r.Int("backup", "every_hours", 1, 8760, &c->backup_every_hours));
  MRC_RETURN_IF_ERROR(r.Int("backup", "keep", 1, 1000, &c->backup_keep));
  if (c->backup_dir.empty()) return Status::Ok();
  // Inside the data directory: not the directory itself, nor the store's
  // folder, which would mix backups with the files they copy.
  std::filesystem::path dir = std::filesystem::path(c->backup_dir).lexically_normal();
  std::string first = dir.empty() ? "." : dir.begin()->string();
  if (dir.is_relative() && (first == "." || first == ".." || first == "db")) {
    return r.Note(Bad(source, "backup.dir",
                      "\"" + c->backup_dir +
                          "\" is not a place for backups: give an absolute path (another disk is "
                          "best) or a folder inside the data directory such as \"backups\""));
  }
  return Status::Ok();
}

Status ReadPeerLimits(Reader& r, Config* c) {
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "peer_handshake_seconds", 1, 300, &c->limits_peer_handshake_seconds));
  MRC_RETURN_IF_ERROR(r.Int("limits", "peer_handshakes", 1, 100000, &c->limits_peer_handshakes));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "peer_links_per_address", 1, 100000, &c->limits_peer_links_per_address));
  MRC_RETURN_IF_ERROR(r.Int("limits", "peer_links_per_key", 2, 16, &c->limits_peer_links_per_key));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "peer_unapproved_links", 0, 100000, &c->limits_peer_unapproved_links));
  MRC_RETURN_IF_ERROR(r.Int("limits", "peer_unapproved_link_seconds", 1, 86400,
                            &c->limits_peer_unapproved_link_seconds));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "peer_read_memory_mb", 16, 65536, &c->limits_peer_read_memory_mb));
  MRC_RETURN_IF_ERROR(r.Int("limits", "peer_min_bytes_per_second", 1, 1 << 20,
                            &c->limits_peer_min_bytes_per_second));
  MRC_RETURN_IF_ERROR(r.Int("limits", "unapproved_entries_per_key", 1, 10000000,
                            &c->limits_unapproved_entries_per_key));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "unapproved_mb_per_key", 1, 65536, &c->limits_unapproved_mb_per_key));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "unapproved_total_mb", 1, 1 << 20, &c->limits_unapproved_total_mb));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "bundle_import_memory_mb", 2, 65536, &c->limits_bundle_import_memory_mb));
  return Status::Ok();
}

void RenderPeerLimits(const Config& c, std::ostream& o) {
  o << "# Seconds a peer has to complete the handshake (1 .. 300). Default: 10.\n"
       "peer_handshake_seconds = "
    << c.limits_peer_handshake_seconds
    << "\n"
       "# Links from other nodes still in their handshake, at once; more are closed\n"
       "# on arrival (1 .. 100000). Default: 32.\n"
       "peer_handshakes = "
    << c.limits_peer_handshakes
    << "\n"
       "# Links from one IP address at once, handshakes included; more are closed\n"
       "# on arrival. Centres behind one NAT share an address (1 .. 100000).\n"
       "# Default: 8.\n"
       "peer_links_per_address = "
    << c.limits_peer_links_per_address
    << "\n"
       "# Links with one node's key at once, either way: one, and one that\n"
       "# replaces it (2 .. 16). Default: 2.\n"
       "peer_links_per_key = "
    << c.limits_peer_links_per_key
    << "\n"
       "# Links from nodes whose key headquarters has not approved (a new centre\n"
       "# waiting for its approval), at once; 0 admits none (0 .. 100000).\n"
       "# Default: 8.\n"
       "peer_unapproved_links = "
    << c.limits_peer_unapproved_links
    << "\n"
       "# Seconds such a link may stay open; the centre then dials again\n"
       "# (1 .. 86400). Default: 300.\n"
       "peer_unapproved_link_seconds = "
    << c.limits_peer_unapproved_link_seconds
    << "\n"
       "# Memory for frames being received, over all links, in MiB; a frame is\n"
       "# read once it fits, and links not approved take at most half\n"
       "# (16 .. 65536). Default: 64.\n"
       "peer_read_memory_mb = "
    << c.limits_peer_read_memory_mb
    << "\n"
       "# Bytes a second a frame being received must average, once it is older\n"
       "# than [sync] idle_timeout_seconds; a slower link is closed\n"
       "# (1 .. 1048576). Default: 256.\n"
       "peer_min_bytes_per_second = "
    << c.limits_peer_min_bytes_per_second
    << "\n"
       "# Entries kept of one key headquarters has not approved (they wait for\n"
       "# the approval), and their size in MiB; past either, its further entries\n"
       "# are refused until the approval arrives (1 .. 10000000; 1 .. 65536).\n"
       "# Defaults: 1000, 16.\n"
       "unapproved_entries_per_key = "
    << c.limits_unapproved_entries_per_key
    << "\n"
       "unapproved_mb_per_key = "
    << c.limits_unapproved_mb_per_key
    << "\n"
       "# The same in MiB for every such key together (1 .. 1048576). Default: 256.\n"
       "unapproved_total_mb = "
    << c.limits_unapproved_total_mb
    << "\n"
       "# Memory an import holds of a bundle at once, in MiB, whatever the size\n"
       "# of its entries (2 .. 65536). Default: 32.\n"
       "bundle_import_memory_mb = "
    << c.limits_bundle_import_memory_mb << "\n";
}

// [limits]: HTTP connections and logins.
Status ReadHttpLimits(Reader& r, std::string_view source, Config* c) {
  MRC_RETURN_IF_ERROR(r.Int("limits", "http_connections", 4, 65536, &c->http_connections));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "http_connections_per_address", 1, 65536, &c->http_connections_per_address));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "login_delay_after_failures", 1, 1000, &c->login_delay_after_failures));
  MRC_RETURN_IF_ERROR(r.Int("limits", "login_address_delay_after_failures", 1, 100000,
                            &c->login_address_delay_after_failures));
  MRC_RETURN_IF_ERROR(r.Int("limits", "login_name_delay_after_failures", 1, 100000,
                            &c->login_name_delay_after_failures));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "login_max_delay_seconds", 1, 86400, &c->login_max_delay_seconds));
  MRC_RETURN_IF_ERROR(r.Int("limits", "password_check_threads", 1, 16, &c->password_check_threads));
  MRC_RETURN_IF_ERROR(
      r.Int("limits", "password_checks_queued", 1, 4096, &c->password_checks_queued));
  if (c->http_connections_per_address > c->http_connections) {
    return r.Note(Bad(source, "limits.http_connections_per_address",
                      "must be at most limits.http_connections (" +
                          std::to_string(c->http_connections) + "), got " +
                          std::to_string(c->http_connections_per_address)));
  }
  return Status::Ok();
}

// The [limits] settings of HTTP connections and logins, with their comments.
void RenderHttpLimits(const Config& c, std::ostream& o) {
  o << "# HTTP connections open at once, from all clients (4 .. 65536). Each is a\n"
       "# file descriptor, which the database needs too. Default: 256.\n"
       "http_connections = "
    << c.http_connections
    << "\n"
       "# Of those, how many one client address may hold (1 .. http_connections).\n"
       "# Past it, that address's own idle connections are closed to make room;\n"
       "# staff behind one NAT address share it. Default: 64.\n"
       "http_connections_per_address = "
    << c.http_connections_per_address
    << "\n"
       "# Wrong passwords for one name from one address before each further try\n"
       "# must wait, 1 s, then 2, 4, 8 ... up to login_max_delay_seconds (1 .. 1000).\n"
       "# Default: 5.\n"
       "login_delay_after_failures = "
    << c.login_delay_after_failures
    << "\n"
       "# Wrong passwords from one address, whatever the names, before its tries\n"
       "# are delayed the same way; loopback clients are not counted (1 .. 100000).\n"
       "# Default: 20.\n"
       "login_address_delay_after_failures = "
    << c.login_address_delay_after_failures
    << "\n"
       "# Wrong passwords for one name from all addresses before the tries of the\n"
       "# addresses that got it wrong are delayed; an address that has not failed\n"
       "# is never delayed by it (1 .. 100000). Default: 20.\n"
       "login_name_delay_after_failures = "
    << c.login_name_delay_after_failures
    << "\n"
       "# The longest delay between tries, in seconds (1 .. 86400). Default: 600.\n"
       "login_max_delay_seconds = "
    << c.login_max_delay_seconds
    << "\n"
       "# Threads checking and hashing passwords (Argon2id, 64 MiB and ~0.1 s\n"
       "# each), apart from the threads serving HTTP (1 .. 16). Default: 1.\n"
       "password_check_threads = "
    << c.password_check_threads
    << "\n"
       "# Password checks that may wait for those threads; past it (or past a\n"
       "# quarter of it from one address) a login is answered 503 at once\n"
       "# (1 .. 4096). Default: 16.\n"
       "password_checks_queued = "
    << c.password_checks_queued << "\n";
}

// http.listen, http.tls and its files and names, together.
Status CheckHttpTls(const Config& c, std::string_view source) {
  auto listen = ParseHostPort(c.http_listen);
  if (!listen.ok()) return Bad(source, "http.listen", listen.status().message());
  if (c.http_tls != "auto" && c.http_tls != "on" && c.http_tls != "off") {
    return Bad(source, "http.tls", "must be auto, on or off, got '" + c.http_tls + "'");
  }
  if (c.http_tls == "off" && !IsLoopback(listen->host)) {
    return Bad(source, "http.tls",
               "'off' (plain HTTP) is refused on '" + c.http_listen +
                   "', which is not a loopback address: passwords and session cookies must not "
                   "cross a network in the clear; use 'auto' or 'on'");
  }
  if (c.http_tls_cert.empty() != c.http_tls_key.empty()) {
    return Bad(source, c.http_tls_cert.empty() ? "http.tls_cert" : "http.tls_key",
               "http.tls_cert and http.tls_key go together: give both (the centre's own "
               "certificate) or neither (the node makes its own)");
  }
  for (const auto& name : c.http_tls_names) {
    bool ok = !name.empty() && name.size() <= 253;
    for (char ch : name) {
      ok = ok &&
           (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':');
    }
    if (!ok) {
      return Bad(source, "http.tls_names",
                 "'" + name + "' is neither a host name nor an IP address");
    }
  }
  return Status::Ok();
}

}  // namespace

bool HttpUsesTls(const Config& config) {
  if (config.http_tls == "on") return true;
  if (config.http_tls == "off") return false;
  auto listen = ParseHostPort(config.http_listen);
  return !listen.ok() || !IsLoopback(listen->host);
}

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

bool IsLoopback(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  if (host.substr(0, 4) != "127.") return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.')
      ++dots;
    else if (c < '0' || c > '9')
      return false;
  }
  return dots == 3;
}

Result<HostPort> ParseHostPort(std::string_view text, bool allow_port_zero) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not HOST:PORT (" +
                                   std::string(why) + ")");
  };
  HostPort hp;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad("IPv6 addresses are written [::1]:8080");
    }
    hp.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("missing port");
    hp.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (hp.host.find(':') != std::string::npos) return bad("IPv6 addresses are written [::1]:8080");
  }
  if (hp.host.empty()) return bad("missing host");
  for (char c : hp.host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':') {
      return bad("bad character in host");
    }
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  if (value == 0 && !allow_port_zero) return bad("port 0 is not allowed here");
  hp.port = static_cast<std::uint16_t>(value);
  return hp;
}

namespace {

// Parse, or with `all` every problem added there (a TOML syntax error is
// the only one then: nothing after it can be read).
Result<Config> ParseInto(std::string_view toml_text, std::string_view source,
                         std::vector<std::string>* all) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    Status s =
        Status::InvalidArgument(std::string(source) + ":" + std::to_string(where.line) + ":" +
                                std::to_string(where.column) + ": " + std::string(e.description()));
    if (all) all->push_back(s.message());
    return s;
  }
  MRC_RETURN_IF_ERROR(CheckKnownKeys(root, source, all));
  Config c;
  Reader r(root, source, all);
  MRC_RETURN_IF_ERROR(r.String("node", "name", &c.node_name));
  MRC_RETURN_IF_ERROR(r.String("http", "listen", &c.http_listen));
  MRC_RETURN_IF_ERROR(r.String("http", "tls", &c.http_tls));
  MRC_RETURN_IF_ERROR(r.String("http", "tls_cert", &c.http_tls_cert));
  MRC_RETURN_IF_ERROR(r.String("http", "tls_key", &c.http_tls_key));
  MRC_RETURN_IF_ERROR(r.StringList("http", "tls_names", &c.http_tls_names));
  MRC_RETURN_IF_ERROR(r.Int("http", "body_limit", 1024, 64LL << 20, &c.http_body_limit));
  MRC_RETURN_IF_ERROR(r.Int("http", "timeout_seconds", 1, 3600, &c.http_timeout_seconds));
  MRC_RETURN_IF_ERROR(r.Int("http", "threads", 1, 64, &c.http_threads));
  MRC_RETURN_IF_ERROR(r.Bool("storage", "sync", &c.storage_sync));
  MRC_RETURN_IF_ERROR(r.Int("storage", "cache_mb", 1, 65536, &c.storage_cache_mb));
  MRC_RETURN_IF_ERROR(r.String("sync", "listen", &c.sync_listen));
  MRC_RETURN_IF_ERROR(r.StringList("sync", "peers", &c.sync_peers));
  MRC_RETURN_IF_ERROR(r.Int("sync", "keepalive_seconds", 1, 3600, &c.sync_keepalive_seconds));
  MRC_RETURN_IF_ERROR(
      r.Int("sync", "idle_timeout_seconds", 2, 86400, &c.sync_idle_timeout_seconds));
  MRC_RETURN_IF_ERROR(
      r.Int("sync", "hq_silence_warning_days", 0, 3650, &c.sync_hq_silence_warning_days));
  MRC_RETURN_IF_ERROR(r.Int("referrals", "retention_days", 0, 36500, &c.referrals_retention_days));
  MRC_RETURN_IF_ERROR(ReadBackup(r, source, &c));
  MRC_RETURN_IF_ERROR(ReadHttpLimits(r, source, &c));
  MRC_RETURN_IF_ERROR(r.String("log", "level", &c.log_level));
  MRC_RETURN_IF_ERROR(ReadPeerLimits(r, &c));
  if (!c.sync_listen.empty()) {
    auto hp = ParseHostPort(c.sync_listen);
    if (!hp.ok()) MRC_RETURN_IF_ERROR(r.Note(Bad(source, "sync.listen", hp.status().message())));
  }
  for (const auto& peer : c.sync_peers) {
    auto hp = ParseHostPort(peer, /*allow_port_zero=*/false);
    if (!hp.ok()) MRC_RETURN_IF_ERROR(r.Note(Bad(source, "sync.peers", hp.status().message())));
  }
  if (c.sync_idle_timeout_seconds < 2 * c.sync_keepalive_seconds) {
    MRC_RETURN_IF_ERROR(r.Note(Bad(source, "sync.idle_timeout_seconds",
                                   "must be at least twice sync.keepalive_seconds (" +
                                       std::to_string(c.sync_keepalive_seconds) + "), got " +
                                       std::to_string(c.sync_idle_timeout_seconds) +
                                       ": a quiet link whose ping is late would be closed")));
  }

  MRC_RETURN_IF_ERROR(r.Note(CheckHttpTls(c, source)));
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error") {
    MRC_RETURN_IF_ERROR(r.Note(
        Bad(source, "log.level", "must be debug, info, warn or error, got '" + c.log_level + "'")));
  }
  return c;
}

}  // namespace

Result<Config> Parse(std::string_view toml_text, std::string_view source) {
  return ParseInto(toml_text, source, nullptr);
}

std::vector<std::string> Check(std::string_view toml_text, std::string_view source) {
  std::vector<std::string> all;
  auto parsed = ParseInto(toml_text, source, &all);
  if (!parsed.ok() && all.empty()) all.push_back(parsed.status().message());
  return all;
}

Result<Config> LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Config{};
    return Status::IOError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

namespace {

// The header and the [node] and [http] sections.
void RenderNodeAndHttp(const Config& c, std::ostream& o) {
  o << "# mrcnode configuration.\n"
       "# Every setting has a working default; delete a line to go back to it.\n"
       "# A setting mrcnode does not know, or a bad value, stops start-up with a\n"
       "# message naming it.\n\n"
       "[node]\n"
       "# Display name of this centre (default: empty).\n"
       "name = "
    << Quote(c.node_name)
    << "\n\n"
       "[http]\n"
       "# Address of the web UI and JSON API. On loopback (127.0.0.1, [::1]) only\n"
       "# this machine reaches it; on a network address (\"0.0.0.0:8443\" for\n"
       "# all, or one of the machine's) the centre's computers do, over HTTPS.\n"
       "# Port 0 picks a free port. Default: \"127.0.0.1:8080\".\n"
       "listen = "
    << Quote(c.http_listen)
    << "\n"
       "# HTTPS: \"auto\" on a non-loopback address and plain HTTP on loopback;\n"
       "# \"on\" on any address; \"off\" never (allowed on loopback only).\n"
       "# Default: \"auto\".\n"
       "tls = "
    << Quote(c.http_tls)
    << "\n"
       "# A certificate (PEM, with its chain) and key the centre already has,\n"
       "# e.g. from its own CA; both or neither. Neither: the node makes its own\n"
       "# self-signed one in DATA/tls/ (`mrcnode tls show`, `mrcnode tls renew`).\n"
       "# Default: \"\".\n"
       "tls_cert = "
    << Quote(c.http_tls_cert)
    << "\n"
       "tls_key = "
    << Quote(c.http_tls_key)
    << "\n"
       "# Names and addresses the node's own certificate is made for, besides the\n"
       "# host name, localhost, loopback and the machine's addresses, e.g.\n"
       "# [\"mrc.centre.lan\"]; browsers accept no other. Default: [].\n"
       "tls_names = ["
    << QuoteList(c.http_tls_names)
    << "]\n"
       "# Largest request body accepted, in bytes (1024 .. 67108864). Default: 1048576.\n"
       "body_limit = "
    << c.http_body_limit
    << "\n"
       "# Seconds a client may take to send a request or read a response (1 .. 3600). Default: "
       "30.\n"
       "timeout_seconds = "
    << c.http_timeout_seconds
    << "\n"
       "# Threads serving HTTP (1 .. 64). Default: 2.\n"
       "threads = "
    << c.http_threads << "\n\n";
}

}  // namespace

std::string Render(const Config& c) {
  std::ostringstream o;
  RenderNodeAndHttp(c, o);
  o << "[storage]\n"
       "# Flush every write to disk before acknowledging it. Turning this off\n"
       "# risks losing the latest changes in a power cut. Default: true.\n"
       "sync = "
    << (c.storage_sync ? "true" : "false")
    << "\n"
       "# Memory for the database's read cache, in MiB (1 .. 65536). Default: 32.\n"
       "cache_mb = "
    << c.storage_cache_mb
    << "\n\n"
       "[sync]\n"
       "# Address other nodes connect to. Links are authenticated and encrypted;\n"
       "# use \"0.0.0.0:7400\" to accept peers from other machines, \"\" to accept\n"
       "# none (a centre that only dials out). Default: \"127.0.0.1:7400\".\n"
       "listen = "
    << Quote(c.sync_listen)
    << "\n"
       "# Peers this node dials, as \"HOST:PORT\"; add with `mrcnode peer add`. Default: [].\n"
       "peers = ["
    << QuoteList(c.sync_peers)
    << "]\n"
       "# Seconds between pings on a link with nothing else to send (1 .. 3600).\n"
       "# Default: 15.\n"
       "keepalive_seconds = "
    << c.sync_keepalive_seconds
    << "\n"
       "# Seconds without a byte from a peer after which its link is closed and\n"
       "# dialled again (2 .. 86400, at least twice keepalive_seconds, and more\n"
       "# than the peers' keepalive). A slow line keeps its link as long as\n"
       "# bytes arrive.\n"
       "# Default: 60.\n"
       "idle_timeout_seconds = "
    << c.sync_idle_timeout_seconds
    << "\n"
       "# Days without news from headquarters (a link to it, or a bundle\n"
       "# carrying its entries) after which every page warns that bulletins\n"
       "# may be out of date; 0 never warns (0 .. 3650). Default: 7.\n"
       "hq_silence_warning_days = "
    << c.sync_hq_silence_warning_days
    << "\n\n"
       "[referrals]\n"
       "# Days after which a referral this centre is party to, once completed,\n"
       "# declined or withdrawn, is erased on every node (the client's details;\n"
       "# the signed trail stays). 0 keeps them until erased by hand (0 .. 36500).\n"
       "# Default: 365.\n"
       "retention_days = "
    << c.referrals_retention_days
    << "\n\n"
       "[backup]\n"
       "# A folder the node writes a backup into on its own, every every_hours,\n"
       "# keeping the newest `keep` (docs/operations.md, \"Checking and backing\n"
       "# up\"): an absolute path (best on another disk: a backup in the data\n"
       "# directory's folder shares its disk, and its files share the store's by\n"
       "# hard links), or a folder inside the data directory. A backup holds no\n"
       "# key. \"\" writes none. Default: \"\".\n"
       "dir = "
    << Quote(c.backup_dir)
    << "\n"
       "# Hours between two backups (1 .. 8760). Default: 24.\n"
       "every_hours = "
    << c.backup_every_hours
    << "\n"
       "# How many backups to keep; older ones are removed (1 .. 1000). Default: 7.\n"
       "keep = "
    << c.backup_keep
    << "\n\n"
       "[log]\n"
       "# How much to log: debug, info, warn or error. Default: \"info\".\n"
       "level = "
    << Quote(c.log_level)
    << "\n\n"
       "[limits]\n"
       "# What other nodes and clients may cost this one (docs/operations.md,\n"
       "# \"Limits\").\n";
  RenderPeerLimits(c, o);
  RenderHttpLimits(c, o);
  return o.str();
}

Status WriteFile(const std::string& path, const Config& config) {
  // A config.toml that is a link (the Debian package links DATA/config.toml
  // to /etc/mrcnode/config.toml) is rewritten at its target, keeping the
  // link; and the rewritten file keeps the owner, group and mode the old one
  // had (root:mrcnode 0640 there), so that an edit made as root leaves the
  // file readable by the node.
  std::error_code ec;
  std::string target = path;
  if (std::filesystem::is_symlink(path, ec)) {
    target = std::filesystem::weakly_canonical(path, ec).string();
    if (ec) return Status::IOError("cannot resolve the link " + path + ": " + ec.message());
  }
  struct stat old {};
  bool existed = ::stat(target.c_str(), &old) == 0;
  std::string tmp = target + ".tmp";
  std::string text = Render(config);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            (!existed || (::fchown(fd, old.st_uid, old.st_gid) == 0 &&
                          ::fchmod(fd, old.st_mode & 07777) == 0)) &&
            ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::IOError("cannot write " + target + ": " + std::strerror(err));
  }
  return Status::Ok();
}

}  // namespace mrc::config
