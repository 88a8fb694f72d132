// A network of Migrant Resource Centres in simulation, printed as a table
// (see docs/benchmarks.md):
//   sim_bench [--nodes N] [--entries E] [--seed S]
// Each node is a real Log over a real RocksDB store (kept in memory), each
// link a pair of real PeerSessions, and every message goes through
// wire::Encode and wire::Decode.
// Only the network and time are simulated: a discrete-event loop with a
// simulated clock, links that come and go, with a latency and a bandwidth.
//
// Node 0 is headquarters (the root key; its feed approves every other key).
// A few regional hubs are linked to it; every other centre hangs off a
// random earlier centre (a random tree: the network is connected) and random
// chords add shortcuts, ~3 links per node. Most centres are therefore
// several hops from headquarters and from each other: what they write
// reaches the rest only by relay. Headquarters writes bulletins (each centre
// signs a receipt on applying one) and every centre writes E FAQ documents
// during the first simulated hour; then writes stop and links keep coming
// and going until every node's digest is the same.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "storage/store.h"
#include "sync/content/content.h"
#include "sync/crypto/crypto.h"
#include "sync/kinds.h"
#include "sync/log/entry.h"
#include "sync/log/log.h"
#include "sync/peer/peer_session.h"
#include "sync/peer/wire.h"
#include "sync/trust/trust.h"

namespace {

using namespace mrc;
using WallClock = std::chrono::steady_clock;

// Simulated time, in microseconds.
using Time = std::int64_t;
constexpr Time kSecond = 1'000'000;
constexpr Time kMinute = 60 * kSecond;
constexpr Time kHour = 60 * kMinute;

// What a secure frame adds to a message: the length prefix and the AEAD tag
// and stream tag (docs/protocol.md, "Frames").
constexpr std::size_t kFrameOverhead = 4 + 17;

Hash32 Network() {
  Hash32 n{};
  n.fill(3);
  return n;
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "sim_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

std::string Canonical(sync::Kind kind, const nlohmann::json& content) {
  return Must(sync::CanonicalContent(kind, content), "content");
}

sync::Draft Faq(std::size_t node, std::size_t i) {
  nlohmann::json c = {{"question", "How do I renew a permit? (centre " + std::to_string(node) +
                                       ", question " + std::to_string(i) + ")"},
                      {"answer", "Bring your passport and the old permit to the office. " +
                                     std::string(120, 'a' + static_cast<char>(i % 26))},
                      {"language", "en"}};
  return sync::Draft{
      sync::Kind::kFaq, sync::Op::kPut, Hash32{}, {}, Canonical(sync::Kind::kFaq, c)};
}

sync::Draft Bulletin(std::size_t i) {
  nlohmann::json c = {{"title", "Quota change " + std::to_string(i)},
                      {"body", "The quota for seasonal work changes next month."},
                      {"effective_date", "2027-01-01"},
                      {"urgency", "high"},
                      {"language", "en"}};
  return sync::Draft{
      sync::Kind::kBulletin, sync::Op::kPut, Hash32{}, {}, Canonical(sync::Kind::kBulletin, c)};
}

struct Node {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<sync::Log> log;
  std::vector<std::size_t> links;
  // Set by the log's change listener: the log gained entries, so every live
  // session of this node has something to offer its peer (relay).
  bool changed = false;
  // For the convergence table: entries held at the last check, and when
  // that count last moved.
  std::uint64_t entries = 0;
  Time entries_since = 0;
};

struct Link {
  std::size_t a = 0, b = 0;
  Time latency = 0;
  double bytes_per_us = 0;
  Time mean_up = 0, mean_down = 0;
  bool up = false;
  // Bumped on every up and down: deliveries of an older connection are
  // dropped, as a TCP reconnect drops what was in flight.
  std::uint64_t epoch = 0;
  std::unique_ptr<sync::PeerSession> at_a, at_b;
  Time busy_until[2] = {0, 0};  // per direction: when the sender's queue drains
};

struct Event {
  enum Type { kDeliver, kLinkUp, kLinkDown, kWrite, kCheck } type = kCheck;
  Time at = 0;
  std::uint64_t order = 0;  // ties break in scheduling order
  std::size_t index = 0;    // link or node
  int direction = 0;        // kDeliver: 0 towards b, 1 towards a
  std::uint64_t epoch = 0;
  Bytes frame;
  bool operator>(const Event& o) const { return at != o.at ? at > o.at : order > o.order; }
};

Event At(Time at, Event::Type type, std::size_t index = 0) {
  Event e;
  e.type = type;
  e.at = at;
  e.index = index;
  return e;
}

struct Traffic {
  std::uint64_t messages = 0, bytes = 0;
};

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// What the stores keep open: a store on disk keeps ~19 descriptors, and a
// process may be held to 20,000 (the hard limit on the machine measured).
std::size_t OpenFiles() {
  std::error_code ec;
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return n;
}

class Simulation {
 public:
  Simulation(std::size_t nodes, std::size_t entries, std::uint64_t seed)
      : rng_(seed), entries_per_node_(entries) {
    auto t0 = WallClock::now();
    Build(nodes);
    setup_seconds_ = std::chrono::duration<double>(WallClock::now() - t0).count();
  }

  void Run() {
    auto t0 = WallClock::now();
    Schedule(At(kMinute, Event::kCheck));
    for (std::size_t i = 0; i < links_.size(); ++i) {
      // Start each link in its steady state: up with the share of time it
      // is up.
      Link& l = links_[i];
      double p_up = double(l.mean_up) / double(l.mean_up + l.mean_down);
      bool up = std::uniform_real_distribution<>(0, 1)(rng_) < p_up;
      Schedule(At(0, up ? Event::kLinkUp : Event::kLinkDown, i));
    }
    // Headquarters' bulletins and every centre's documents, one write each,
    // at random times within the write phase.
    std::uniform_int_distribution<Time> when(0, kWritePhase);
    for (std::size_t b = 0; b < kBulletins; ++b) Schedule(At(when(rng_), Event::kWrite, 0));
    for (std::size_t n = 1; n < nodes_.size(); ++n)
      for (std::size_t e = 0; e < entries_per_node_; ++e)
        Schedule(At(when(rng_), Event::kWrite, n));

    while (!events_.empty() && !converged_) {
      if (events_processed_ >= kMaxEvents || events_.top().at > kMaxTime) break;
      Event ev = std::move(const_cast<Event&>(events_.top()));
      events_.pop();
      now_ = ev.at;
      ++events_processed_;
      switch (ev.type) {
        case Event::kDeliver:
          Deliver(ev);
          break;
        case Event::kLinkUp:
          LinkUp(ev.index);
          break;
        case Event::kLinkDown:
          LinkDown(ev.index);
          break;
        case Event::kWrite:
          Write(ev.index);
          break;
        case Event::kCheck:
          Check();
          break;
      }
    }
    wall_seconds_ = std::chrono::duration<double>(WallClock::now() - t0).count();
    if (converged_) MeasureQuietSessions();
  }

  void Print() const {
    std::size_t hq_links = nodes_[0].links.size();
    std::size_t written = kBulletins + (nodes_.size() - 1) * entries_per_node_;
    std::printf("| measure | result |\n|---|---|\n");
    std::printf("| nodes (headquarters + centres) | %zu |\n", nodes_.size());
    std::printf("| links (headquarters' own) | %zu (%zu), %.1f per node |\n", links_.size(),
                hq_links, 2.0 * double(links_.size()) / double(nodes_.size()));
    std::printf("| hops from headquarters: median / max | %d / %d |\n", hops_median_, hops_max_);
    std::printf("| documents written (bulletins + FAQ), in the first %lld min | %zu |\n",
                static_cast<long long>(kWritePhase / kMinute), written);
    std::printf("| entries held by every node at the end | %llu |\n",
                static_cast<unsigned long long>(final_entries_));
    if (converged_) {
      auto pct = [&](double q) {
        std::vector<Time> t;
        for (const auto& n : nodes_) t.push_back(std::max<Time>(0, n.entries_since - last_write_));
        std::sort(t.begin(), t.end());
        return Minutes(t[std::min(t.size() - 1, std::size_t(q * double(t.size() - 1) + 0.5))]);
      };
      std::printf(
          "| simulated time from the last write to: 50%% / 90%% / 100%% of nodes holding "
          "everything | %s / %s / %s |\n",
          pct(0.5).c_str(), pct(0.9).c_str(), pct(1.0).c_str());
      std::printf("| simulated time from the last write to identical digests everywhere | %s |\n",
                  Minutes(converged_at_ - last_write_).c_str());
    } else {
      std::printf("| converged | NO (stopped at %s simulated, %llu events) |\n",
                  Minutes(now_).c_str(), static_cast<unsigned long long>(events_processed_));
    }
    std::printf("| link connections made (sessions started, both ends) | %llu (%llu) |\n",
                static_cast<unsigned long long>(connections_),
                static_cast<unsigned long long>(2 * connections_));
    std::printf(
        "| events / wall time (setup: stores opened, approvals ingested) | %llu / %.0f s (%.0f s) "
        "|\n",
        static_cast<unsigned long long>(events_processed_), wall_seconds_, setup_seconds_);
    std::uint64_t total = 0;
    for (const auto& [type, t] : traffic_) total += t.bytes;
    std::printf("| bytes on the wire, all messages (incl. %zu per frame) | %s |\n", kFrameOverhead,
                Megabytes(total).c_str());
    for (const auto& [type, t] : traffic_) {
      std::printf("| bytes of '%c' messages (count) | %s (%llu) |\n", type,
                  Megabytes(t.bytes).c_str(), static_cast<unsigned long long>(t.messages));
    }
    // Every entry of the end state but the approvals (held from the start)
    // was written at one node and had to reach the N - 1 others once.
    std::uint64_t needed = (nodes_.size() - 1) * (final_entries_ - approvals_);
    std::printf(
        "| entries received / needed (each new entry once at every other node) | %llu / %llu |\n",
        static_cast<unsigned long long>(entries_received_),
        static_cast<unsigned long long>(needed));
    if (converged_) {
      std::printf(
          "| a link reconnecting when both ends hold the same: bytes, both directions, median "
          "of %zu | %llu |\n",
          quiet_samples_, static_cast<unsigned long long>(quiet_bytes_));
      std::printf(
          "| the same when one end lacks one new FAQ entry: bytes, both directions, median of "
          "%zu | %llu |\n",
          quiet_samples_, static_cast<unsigned long long>(one_new_bytes_));
    }
    std::printf("| peak RSS | %ld MB |\n", PeakRssKb() / 1024);
    std::printf("| file descriptors open, most seen at a check | %zu |\n", most_open_files_);
  }

  bool converged() const { return converged_; }

 private:
  static constexpr std::size_t kBulletins = 3;
  static constexpr Time kWritePhase = kHour;
  static constexpr Time kCheckEvery = kMinute;
  static constexpr Time kMaxTime = 14 * 24 * kHour;
  static constexpr std::uint64_t kMaxEvents = 200'000'000;

  static std::string Minutes(Time t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f min", double(t) / double(kMinute));
    return buf;
  }
  static std::string Megabytes(std::uint64_t b) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.2f MB", double(b) / 1e6);
    return buf;
  }

  void Build(std::size_t n) {
    storage::Options opts;
    opts.sync_writes = false;
    opts.block_cache_mb = 1;
    opts.write_buffer_mb = 1;
    // In memory: nothing on disk, no file descriptors (a thousand stores on
    // disk would keep ~19,000 open), nothing synced.
    opts.in_memory = true;
    keys_.push_back(sync::GenerateKeyPair());
    const Hash32 root = keys_[0].public_key;
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0) keys_.push_back(sync::GenerateKeyPair());
      Node node;
      node.store = Must(storage::Store::Open("/mrc-sim/n" + std::to_string(i), opts), "open store");
      node.log = Must(sync::OpenLog(node.store.get(), keys_[i], Network(), root), "open log");
      nodes_.push_back(std::move(node));
    }
    for (std::size_t i = 0; i < n; ++i) {
      Node* node = &nodes_[i];
      node->log->AddChangeListener([node] { node->changed = true; });
    }
    // Every centre was enrolled before the network starts: it holds
    // headquarters' approvals (enrolment is not what is measured).
    std::vector<sync::Draft> approvals;
    for (std::size_t i = 1; i < n; ++i) {
      sync::Statement st;
      st.key = keys_[i].public_key;
      st.roles = {"centre"};
      st.name = "centre " + std::to_string(i);
      approvals.push_back(sync::Draft{sync::Kind::kMember,
                                      sync::Op::kPut,
                                      Hash32{},
                                      {},
                                      Must(sync::StatementPayload(st), "statement")});
    }
    for (std::size_t i = 0; i < approvals.size(); i += 1000) {
      std::vector<sync::Draft> part(approvals.begin() + i,
                                    approvals.begin() + std::min(approvals.size(), i + 1000));
      Must(nodes_[0].log->Append(part), "approve");
    }
    auto feed = Must(nodes_[0].log->ReadFeed(root, 1, SIZE_MAX), "read approvals");
    approvals_ = feed.size();
    for (std::size_t i = 1; i < n; ++i) {
      for (std::size_t k = 0; k < feed.size(); k += 1000) {
        std::vector<sync::Incoming> part(feed.begin() + k,
                                         feed.begin() + std::min(feed.size(), k + 1000));
        Must(nodes_[i].log->Ingest(part), "ingest approvals");
      }
    }
    BuildTopology();
    for (auto& node : nodes_) node.changed = false;
  }

  void AddLink(std::size_t a, std::size_t b, double availability) {
    if (a == b || !linked_.insert({std::min(a, b), std::max(a, b)}).second) return;
    Link l;
    l.a = a;
    l.b = b;
    l.latency = std::uniform_int_distribution<Time>(20'000, 600'000)(rng_);
    // Log-uniform between 0.25 and 10 Mbit/s.
    double mbit = 0.25 * std::pow(40.0, std::uniform_real_distribution<>(0, 1)(rng_));
    l.bytes_per_us = mbit / 8.0;
    l.mean_up = std::uniform_int_distribution<Time>(5 * kMinute, 30 * kMinute)(rng_);
    // Down as long as it takes for the link to be up `availability` of the
    // time.
    l.mean_down = static_cast<Time>(double(l.mean_up) * (1 - availability) / availability);
    nodes_[a].links.push_back(links_.size());
    nodes_[b].links.push_back(links_.size());
    links_.push_back(std::move(l));
  }

  void BuildTopology() {
    const std::size_t n = nodes_.size();
    if (n < 2) return;
    const std::size_t hubs = std::min(n - 1, std::max<std::size_t>(2, n / 100));
    // How often a centre's connection works: hubs well, the rest anywhere
    // from a few hours a day to most of it.
    std::vector<double> avail(n, 0.9);
    for (std::size_t i = hubs + 1; i < n; ++i)
      avail[i] = std::uniform_real_distribution<>(0.1, 0.8)(rng_);
    auto both = [&](std::size_t a, std::size_t b) { return std::min(avail[a], avail[b]); };
    for (std::size_t h = 1; h <= hubs; ++h) AddLink(0, h, both(0, h));
    for (std::size_t i = hubs + 1; i < n; ++i) {
      std::size_t parent = std::uniform_int_distribution<std::size_t>(1, i - 1)(rng_);
      AddLink(i, parent, both(i, parent));
    }
    // Chords between centres until there are ~1.5 links per node (~3 ends).
    std::uniform_int_distribution<std::size_t> centre(1, n - 1);
    for (std::size_t tries = 0; links_.size() < n * 3 / 2 && tries < 10 * n; ++tries) {
      std::size_t a = centre(rng_), b = centre(rng_);
      AddLink(a, b, both(a, b));
    }
    // Hops from headquarters (breadth first), for the table.
    std::vector<int> hops(n, -1);
    std::vector<std::size_t> queue{0};
    hops[0] = 0;
    for (std::size_t q = 0; q < queue.size(); ++q) {
      std::size_t u = queue[q];
      for (std::size_t li : nodes_[u].links) {
        std::size_t v = links_[li].a == u ? links_[li].b : links_[li].a;
        if (hops[v] < 0) {
          hops[v] = hops[u] + 1;
          queue.push_back(v);
        }
      }
    }
    std::vector<int> sorted(hops.begin() + 1, hops.end());
    std::sort(sorted.begin(), sorted.end());
    hops_median_ = sorted[sorted.size() / 2];
    hops_max_ = sorted.back();
  }

  void Schedule(Event ev) {
    ev.order = next_order_++;
    events_.push(std::move(ev));
  }

  Time Exponential(Time mean) {
    return static_cast<Time>(std::exponential_distribution<>(1.0 / double(mean))(rng_)) + 1;
  }

  // Encodes and queues messages from one end of a link: each leaves once
  // the ones before it have, at the link's bandwidth, and arrives a latency
  // later.
  void Send(std::size_t li, int direction, const std::vector<sync::wire::Message>& msgs) {
    Link& l = links_[li];
    for (const auto& m : msgs) {
      Bytes frame = sync::wire::Encode(m);
      std::size_t size = frame.size() + kFrameOverhead;
      Traffic& t = traffic_[frame.empty() ? '?' : frame[0]];
      t.messages++;
      t.bytes += size;
      if (measuring_) measured_bytes_ += size;
      Time start = std::max(now_, l.busy_until[direction]);
      l.busy_until[direction] = start + static_cast<Time>(double(size) / l.bytes_per_us) + 1;
      Event ev = At(l.busy_until[direction] + l.latency, Event::kDeliver, li);
      ev.direction = direction;
      ev.epoch = l.epoch;
      ev.frame = std::move(frame);
      Schedule(std::move(ev));
    }
  }

  void LinkUp(std::size_t li) {
    Link& l = links_[li];
    l.up = true;
    l.epoch++;
    l.busy_until[0] = l.busy_until[1] = now_;
    l.at_a = std::make_unique<sync::PeerSession>(nodes_[l.a].log.get(), keys_[l.b].public_key);
    l.at_b = std::make_unique<sync::PeerSession>(nodes_[l.b].log.get(), keys_[l.a].public_key);
    connections_++;
    Send(li, 0, Must(l.at_a->Start(), "start"));
    Send(li, 1, Must(l.at_b->Start(), "start"));
    if (!measuring_) Schedule(At(now_ + Exponential(l.mean_up), Event::kLinkDown, li));
  }

  void LinkDown(std::size_t li) {
    Link& l = links_[li];
    if (l.up) {
      l.up = false;
      l.epoch++;
      l.at_a.reset();
      l.at_b.reset();
    }
    if (!measuring_) Schedule(At(now_ + Exponential(l.mean_down), Event::kLinkUp, li));
  }

  // The node's log gained entries: every live session of it offers them
  // (sync/peer/peer_service.cc does the same on the log's change listener).
  void PumpNode(std::size_t n, std::size_t except = SIZE_MAX) {
    if (!nodes_[n].changed) return;
    nodes_[n].changed = false;
    for (std::size_t li : nodes_[n].links) {
      Link& l = links_[li];
      if (!l.up || li == except) continue;
      bool at_a = l.a == n;
      std::vector<sync::wire::Message> out;
      Status s = (at_a ? l.at_a : l.at_b)->Pump(&out);
      if (!s.ok()) Die("pump", s);
      Send(li, at_a ? 0 : 1, out);
    }
  }

  void Deliver(Event& ev) {
    Link& l = links_[ev.index];
    if (!l.up || l.epoch != ev.epoch) return;
    const bool to_b = ev.direction == 0;
    const std::size_t node = to_b ? l.b : l.a;
    sync::PeerSession* session = to_b ? l.at_b.get() : l.at_a.get();
    auto m = sync::wire::Decode(ev.frame);
    if (!m.ok()) Die("decode", m.status());
    if (auto* e = std::get_if<sync::wire::EntriesMsg>(&*m); e && !measuring_)
      entries_received_ += e->entries.size();
    std::vector<sync::wire::Message> out;
    Status s = session->OnMessage(std::move(m).value(), &out);
    if (!s.ok()) Die("replication", s);
    Send(ev.index, to_b ? 1 : 0, out);
    // This session pumped itself on the batch it took in.
    PumpNode(node, ev.index);
  }

  void Write(std::size_t n) {
    sync::Draft d = n == 0 ? Bulletin(bulletins_written_++) : Faq(n, written_[n]++);
    Must(nodes_[n].log->Append({d}), "append");
    last_write_ = now_;
    PumpNode(n);
  }

  void Check() {
    most_open_files_ = std::max(most_open_files_, OpenFiles());
    bool same = true;
    Hash32 first{};
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      Node& node = nodes_[i];
      auto d = Must(node.log->Digest(), "digest");
      if (d.entries != node.entries) {
        node.entries = d.entries;
        node.entries_since = now_;
      }
      if (i == 0) first = d.digest;
      same = same && d.digest == first && d.pending == 0;
    }
    if (now_ % kHour == 0) {
      // Progress, for long runs: simulated hours, events, nodes complete.
      std::size_t at_max = 0;
      std::uint64_t most = 0;
      for (const auto& node : nodes_) most = std::max(most, node.entries);
      for (const auto& node : nodes_) at_max += node.entries == most;
      std::fprintf(
          stderr,
          "sim_bench: %lld h simulated, %llu events, %zu/%zu nodes hold %llu entries, %ld MB\n",
          static_cast<long long>(now_ / kHour), static_cast<unsigned long long>(events_processed_),
          at_max, nodes_.size(), static_cast<unsigned long long>(most), PeakRssKb() / 1024);
    }
    if (same && now_ > kWritePhase) {
      converged_ = true;
      converged_at_ = now_;
      final_entries_ = nodes_[0].entries;
      return;
    }
    final_entries_ = nodes_[0].entries;
    Schedule(At(now_ + kCheckEvery, Event::kCheck));
  }

  // Runs one fresh connection of link li to quiescence (nothing else
  // happens meanwhile) and returns the bytes it cost.
  std::uint64_t QuietConnection(std::size_t li) {
    std::priority_queue<Event, std::vector<Event>, std::greater<>> saved;
    std::swap(saved, events_);
    measuring_ = true;
    measured_bytes_ = 0;
    LinkUp(li);
    while (!events_.empty()) {
      Event ev = std::move(const_cast<Event&>(events_.top()));
      events_.pop();
      now_ = ev.at;
      if (ev.type == Event::kDeliver) Deliver(ev);
    }
    LinkDown(li);
    measuring_ = false;
    std::swap(saved, events_);
    return measured_bytes_;
  }

  // What a reconnection costs once everything is in sync, and when one side
  // lacks a single new entry: the cost of a sync with little to do.
  void MeasureQuietSessions() {
    for (auto& l : links_) LinkDown(&l - links_.data());
    std::vector<std::uint64_t> quiet, one_new;
    std::uniform_int_distribution<std::size_t> pick(0, links_.size() - 1);
    for (std::size_t k = 0; k < 9 && !links_.empty(); ++k) {
      std::size_t li = pick(rng_);
      quiet.push_back(QuietConnection(li));
      std::size_t a = links_[li].a;
      Must(nodes_[a].log->Append({Faq(a, 1000 + k)}), "append");
      nodes_[a].changed = false;
      one_new.push_back(QuietConnection(li));
    }
    std::sort(quiet.begin(), quiet.end());
    std::sort(one_new.begin(), one_new.end());
    quiet_samples_ = quiet.size();
    if (!quiet.empty()) {
      quiet_bytes_ = quiet[quiet.size() / 2];
      one_new_bytes_ = one_new[one_new.size() / 2];
    }
  }

  std::mt19937_64 rng_;
  std::size_t entries_per_node_;
  std::vector<sync::KeyPair> keys_;
  std::vector<Node> nodes_;
  std::vector<Link> links_;
  std::set<std::pair<std::size_t, std::size_t>> linked_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::uint64_t next_order_ = 0;
  Time now_ = 0;
  std::uint64_t events_processed_ = 0;
  std::map<std::size_t, std::size_t> written_;
  std::size_t bulletins_written_ = 0;
  Time last_write_ = 0;
  bool converged_ = false;
  Time converged_at_ = 0;
  std::uint64_t final_entries_ = 0;
  std::uint64_t connections_ = 0;
  std::map<char, Traffic> traffic_;
  std::uint64_t entries_received_ = 0;
  std::uint64_t approvals_ = 0;
  bool measuring_ = false;
  std::uint64_t measured_bytes_ = 0;
  std::size_t quiet_samples_ = 0;
  std::uint64_t quiet_bytes_ = 0, one_new_bytes_ = 0;
  int hops_median_ = 0, hops_max_ = 0;
  double setup_seconds_ = 0, wall_seconds_ = 0;
  std::size_t most_open_files_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t nodes = 1000, entries = 3;
  std::uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    unsigned long long v = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--nodes") {
      nodes = v;
    } else if (flag == "--entries") {
      entries = v;
    } else if (flag == "--seed") {
      seed = v;
    } else {
      std::fprintf(stderr, "usage: sim_bench [--nodes N] [--entries E] [--seed S]\n");
      return 2;
    }
  }
  if (nodes < 2) {
    std::fprintf(stderr, "sim_bench: at least 2 nodes\n");
    return 2;
  }
  if (Status s = sync::InitCrypto(); !s.ok()) Die("crypto", s);
  Simulation sim(nodes, entries, seed);
  sim.Run();
  sim.Print();
  return sim.converged() ? 0 : 1;
}
