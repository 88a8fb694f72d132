#include "web/api/metrics_text.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

namespace mrc::web::api {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Label values escaped as the format asks: backslash, quote, newline.
std::string Escape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string Number(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

class Exposition {
 public:
  void Family(const std::string& name, const char* type, const char* help) {
    out_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void Sample(const std::string& name, const Labels& labels, const std::string& value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) out_ += ',';
        out_ += labels[i].first + "=\"" + Escape(labels[i].second) + "\"";
      }
      out_ += '}';
    }
    out_ += ' ' + value + '\n';
  }
  void Sample(const std::string& name, const Labels& labels, std::uint64_t value) {
    Sample(name, labels, std::to_string(value));
  }
  // A family of one sample without labels.
  void One(const std::string& name, const char* type, const char* help, std::uint64_t value) {
    Family(name, type, help);
    Sample(name, {}, value);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void LogFigures(Exposition& e, const NodeStatus& s) {
  e.Family("mrcnode_info", "gauge", "This node: its key, name and network (always 1).");
  e.Sample("mrcnode_info", {{"node", ToHex(s.node)}, {"name", s.name}, {"network", s.network}}, 1);
  const sync::DigestInfo& d = s.digest;
  e.One("mrcnode_entries", "gauge", "Entries held in the log.", d.entries);
  e.One("mrcnode_documents", "gauge", "Documents held.", d.documents);
  e.One("mrcnode_authors", "gauge", "Feeds (signing keys) held.", d.authors);
  e.One("mrcnode_entries_waiting", "gauge", "Entries held until a predecessor or parent arrives.",
        d.pending);
  e.One("mrcnode_entries_awaiting_upgrade", "gauge",
        "Entries of kinds only a newer version has rules for.", d.awaiting_upgrade);
  e.One("mrcnode_forked_feeds", "gauge", "Feeds whose key signed two histories.", d.forks);
  e.One("mrcnode_entries_added_total", "counter",
        "Entries added to the log (received or written here) since the node started.", d.added);
  e.One("mrcnode_unapproved_refused_total", "counter",
        "Entries of keys not yet approved refused since the node started (budget spent).",
        d.unapproved_refused);
  e.One("mrcnode_entries_rejected", "gauge", "Entries the trust rules rejected, in all.",
        s.trust.rejected);
  e.One("mrcnode_own_feed_held", "gauge",
        "1 while a node restored from a backup waits for its own newer entries.", s.own_feed_held);
  e.One("mrcnode_hq_last_news_seconds", "gauge",
        "When this node last heard from headquarters (Unix time; 0: never).",
        s.hq_news.last_ms / 1000);
}

// One series per link: an outgoing link by the address it dials (stable),
// an incoming one by the key it proved (its address changes each time);
// when two links share those labels, the first connected one is shown.
std::vector<std::pair<Labels, const sync::PeerLinkStatus*>> PeerSeries(
    const std::vector<sync::PeerLinkStatus>& peers) {
  std::map<std::pair<std::string, std::string>, const sync::PeerLinkStatus*> by_label;
  for (const auto& p : peers) {
    std::string id = p.direction == "out" || IsZero(p.peer) ? p.address : ToHex(p.peer);
    auto& slot = by_label[{p.direction, id}];
    if (slot == nullptr || (!slot->connected && p.connected)) slot = &p;
  }
  std::vector<std::pair<Labels, const sync::PeerLinkStatus*>> out;
  for (const auto& [key, link] : by_label)
    out.push_back({{{"peer", key.second}, {"direction", key.first}}, link});
  return out;
}

void PeerFigures(Exposition& e, const NodeStatus& s) {
  auto series = PeerSeries(s.peers);
  std::uint64_t connected = 0, sent = 0, received = 0;
  for (const auto& p : s.peers) {
    connected += p.connected ? 1 : 0;
    sent += p.bytes_sent;
    received += p.bytes_received;
  }
  e.One("mrcnode_peers_connected", "gauge", "Peer links connected now.", connected);
  e.One("mrcnode_sync_sent_bytes_total", "counter",
        "Bytes sent on the peer links listed now, over their lifetimes.", sent);
  e.One("mrcnode_sync_received_bytes_total", "counter",
        "Bytes received on the peer links listed now, over their lifetimes.", received);
  struct PeerGauge {
    const char* name;
    const char* type;
    const char* help;
    std::uint64_t (*value)(const sync::PeerLinkStatus&);
  };
  static const PeerGauge kGauges[] = {
      {"mrcnode_peer_up", "gauge", "1 when the link is connected.",
       [](const sync::PeerLinkStatus& p) -> std::uint64_t { return p.connected; }},
      {"mrcnode_peer_last_contact_seconds", "gauge",
       "When the peer was last heard from (Unix time; 0: never).",
       [](const sync::PeerLinkStatus& p) { return p.last_contact_ms / 1000; }},
      {"mrcnode_peer_entries_behind", "gauge", "Entries the peer holds that this node lacks.",
       [](const sync::PeerLinkStatus& p) { return p.stats.we_lack; }},
      {"mrcnode_peer_entries_ahead", "gauge", "Entries this node holds that the peer lacks.",
       [](const sync::PeerLinkStatus& p) { return p.stats.peer_lacks; }},
      {"mrcnode_peer_sent_entries_total", "counter", "Entries sent on the link.",
       [](const sync::PeerLinkStatus& p) { return p.stats.entries_sent; }},
      {"mrcnode_peer_received_entries_total", "counter", "Entries received on the link.",
       [](const sync::PeerLinkStatus& p) { return p.stats.entries_received; }},
      {"mrcnode_peer_sent_bytes_total", "counter", "Bytes sent on the link.",
       [](const sync::PeerLinkStatus& p) { return p.bytes_sent; }},
      {"mrcnode_peer_received_bytes_total", "counter", "Bytes received on the link.",
       [](const sync::PeerLinkStatus& p) { return p.bytes_received; }},
  };
  for (const PeerGauge& g : kGauges) {
    e.Family(g.name, g.type, g.help);
    for (const auto& [labels, link] : series) e.Sample(g.name, labels, g.value(*link));
  }
}

void SearchFigures(Exposition& e, const NodeStatus& s) {
  if (!s.search) return;
  const SearchProgress& p = *s.search;
  e.One("mrcnode_search_documents", "gauge", "Documents in the search index.", p.documents);
  e.One("mrcnode_search_lag_changes", "gauge",
        "Document changes of the log the search index has not followed yet.",
        p.log_change > p.indexed_through ? p.log_change - p.indexed_through : 0);
  e.One("mrcnode_search_rebuilding", "gauge", "1 while the search index is being rebuilt.",
        p.rebuilding);
}

void RequestFigures(Exposition& e, const std::vector<RequestMetrics::Series>& requests) {
  auto labels_of = [](const RequestMetrics::Series& s) -> Labels {
    if (s.route.pattern.empty()) return {{"method", ""}, {"route", "(none)"}};
    return {{"method", s.route.method}, {"route", s.route.pattern}};
  };
  e.Family("mrcnode_http_requests_total", "counter",
           "HTTP requests answered, by route and status class.");
  for (const auto& s : requests) {
    for (std::size_t c = 0; c < RequestMetrics::kClasses; ++c) {
      if (s.by_class[c] == 0) continue;
      Labels l = labels_of(s);
      l.emplace_back("code", std::to_string(c + 1) + "xx");
      e.Sample("mrcnode_http_requests_total", l, s.by_class[c]);
    }
  }
  const std::string h = "mrcnode_http_request_duration_seconds";
  e.Family(h, "histogram", "Time from a request read to its answer, by route.");
  for (const auto& s : requests) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < RequestMetrics::kBuckets.size(); ++b) {
      cumulative += s.buckets[b];
      Labels l = labels_of(s);
      l.emplace_back("le", Number(RequestMetrics::kBuckets[b]));
      e.Sample(h + "_bucket", l, cumulative);
    }
    Labels inf = labels_of(s);
    inf.emplace_back("le", "+Inf");
    e.Sample(h + "_bucket", inf, s.count);
    e.Sample(h + "_sum", labels_of(s), Number(s.sum_seconds));
    e.Sample(h + "_count", labels_of(s), s.count);
  }
}

void MemoryFigures(Exposition& e, const NodeStatus& s, const ProcessFigures& process) {
  e.Family("mrcnode_rocksdb_memory_bytes", "gauge", "Memory the store uses, by part.");
  e.Sample("mrcnode_rocksdb_memory_bytes", {{"part", "memtables"}}, s.memory.rocksdb_memtables);
  e.Sample("mrcnode_rocksdb_memory_bytes", {{"part", "block_cache"}}, s.memory.rocksdb_block_cache);
  e.Sample("mrcnode_rocksdb_memory_bytes", {{"part", "table_readers"}},
           s.memory.rocksdb_table_readers);
  e.One("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
        process.resident_bytes);
  e.Family("process_start_time_seconds", "gauge",
           "Start time of the process since the Unix epoch in seconds.");
  e.Sample("process_start_time_seconds", {}, Number(process.start_time_seconds));
}

}  // namespace

ProcessFigures ReadProcessFigures() {
  ProcessFigures f;
  std::uint64_t size = 0, resident = 0;
  if (std::ifstream statm("/proc/self/statm"); statm >> size >> resident)
    f.resident_bytes = resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  // starttime: the 22nd field of /proc/self/stat, in clock ticks after boot;
  // the fields after the command name (which may hold spaces) start at 3.
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  std::uint64_t start_ticks = 0;
  if (auto close = line.rfind(')'); close != std::string::npos) {
    std::istringstream rest(line.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22 && rest >> field; ++i) {
      if (i == 22) start_ticks = std::strtoull(field.c_str(), nullptr, 10);
    }
  }
  std::ifstream proc_stat("/proc/stat");
  std::uint64_t boot = 0;
  for (std::string key; proc_stat >> key;) {
    if (key == "btime") {
      proc_stat >> boot;
      break;
    }
    proc_stat.ignore(1 << 20, '\n');
  }
  long ticks = ::sysconf(_SC_CLK_TCK);
  if (boot && start_ticks && ticks > 0)
    f.start_time_seconds =
        static_cast<double>(boot) + static_cast<double>(start_ticks) / static_cast<double>(ticks);
  return f;
}

std::string MetricsText(const NodeStatus& status,
                        const std::vector<RequestMetrics::Series>& requests,
                        const ProcessFigures& process) {
  Exposition e;
  LogFigures(e, status);
  PeerFigures(e, status);
  SearchFigures(e, status);
  RequestFigures(e, requests);
  MemoryFigures(e, status, process);
  return e.Take();
}

}  // namespace mrc::web::api
