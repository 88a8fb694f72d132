// GET /metrics on real nodes, parsed by prometheus_client's own parser
// (Debian's python3-prometheus-client), not matched by patterns: the
// families a monitoring system scrapes, their types and values, and who
// may read them.
#include <string>

#include "tests/e2e/cluster.h"

namespace mrc::e2e {
namespace {

class MetricsTest : public Cluster {
 protected:
  // The families of `text` as parse_metrics.py prints them; fails the test
  // when the parser refuses the text.
  json Parse(const std::string& text) {
    Output o = e2e::Run(
        {"/usr/bin/python3", std::string(MRC_SOURCE_DIR) + "/tests/e2e/parse_metrics.py"}, text);
    EXPECT_EQ(0, o.status) << o.err << "\n" << text.substr(0, 2000);
    return json::parse(o.out, nullptr, false);
  }
  json Scrape(const std::string& name) {
    auto r = Call(name, "GET", "/metrics");
    EXPECT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.status().ToString());
    if (!r.ok()) return json();
    EXPECT_EQ(0u, r->content_type.find("text/plain; version=0.0.4")) << r->content_type;
    return Parse(r->body);
  }
  // The value of the sample `name` whose labels include `labels`.
  static double Value(const json& families, const std::string& family, const std::string& name,
                      const json& labels = json::object()) {
    if (!families.contains(family)) return -1;
    for (const auto& s : families[family]["samples"]) {
      if (s["name"] != name) continue;
      bool match = true;
      for (const auto& [k, v] : labels.items()) match = match && s["labels"].value(k, "") == v;
      if (match && s["value"].is_number()) return s["value"].get<double>();
    }
    return -1;
  }
};

TEST_F(MetricsTest, AScrapeParsesAndCountsTheLogThePeersAndTheRequests) {
  Init("hq");
  Init("c1", "hq");
  Start("hq");
  AddPeer("c1", PeerAddress("hq"));
  Start("c1");
  for (int i = 0; i < 3; ++i) Post("hq", Faq("Question " + std::to_string(i)));
  ASSERT_TRUE(Converge({"hq", "c1"}));

  json m;
  ASSERT_TRUE(Eventually([&] {
    m = Scrape("c1");
    return Value(m, "mrcnode_peers_connected", "mrcnode_peers_connected") == 1 &&
           Value(m, "mrcnode_peer_entries_behind", "mrcnode_peer_entries_behind") == 0;
  })) << m.dump();
  // Linked to headquarters and reconciled: news from it, as Unix time.
  EXPECT_TRUE(Eventually([&] {
    return Value(Scrape("c1"), "mrcnode_hq_last_news_seconds", "mrcnode_hq_last_news_seconds") >
           1.7e9;
  }));
  EXPECT_EQ("gauge", m["mrcnode_entries"]["type"]);
  EXPECT_GE(Value(m, "mrcnode_entries", "mrcnode_entries"), 3);
  EXPECT_EQ(3, Value(m, "mrcnode_documents", "mrcnode_documents"));
  EXPECT_EQ(0, Value(m, "mrcnode_entries_waiting", "mrcnode_entries_waiting"));
  EXPECT_EQ("counter", m["mrcnode_entries_added"]["type"]);  // the parser drops "_total"
  EXPECT_GE(Value(m, "mrcnode_entries_added", "mrcnode_entries_added_total"), 3);
  // The link to headquarters, by the address c1 dials.
  json link = {{"peer", PeerAddress("hq")}, {"direction", "out"}};
  EXPECT_EQ(1, Value(m, "mrcnode_peer_up", "mrcnode_peer_up", link));
  EXPECT_GT(
      Value(m, "mrcnode_peer_last_contact_seconds", "mrcnode_peer_last_contact_seconds", link),
      1.7e9);
  EXPECT_GT(Value(m, "mrcnode_peer_received_bytes", "mrcnode_peer_received_bytes_total", link), 0);
  EXPECT_GE(Value(m, "mrcnode_peer_received_entries", "mrcnode_peer_received_entries_total", link),
            3);
  EXPECT_GT(Value(m, "mrcnode_sync_received_bytes", "mrcnode_sync_received_bytes_total"), 0);
  EXPECT_GT(Value(m, "mrcnode_rocksdb_memory_bytes", "mrcnode_rocksdb_memory_bytes",
                  {{"part", "memtables"}}),
            0);
  EXPECT_GT(Value(m, "process_resident_memory_bytes", "process_resident_memory_bytes"), 1e6);
  EXPECT_GT(Value(m, "process_start_time_seconds", "process_start_time_seconds"), 1.7e9);
  EXPECT_GE(Value(m, "mrcnode_search_lag_changes", "mrcnode_search_lag_changes"), 0);

  // Headquarters answered three POSTs on the documents route: counted by
  // route and status class, and in the latency histogram.
  json h = Scrape("hq");
  json docs = {{"method", "POST"}, {"route", "/api/v1/docs"}};
  EXPECT_EQ(3, Value(h, "mrcnode_http_requests", "mrcnode_http_requests_total",
                     {{"method", "POST"}, {"route", "/api/v1/docs"}, {"code", "2xx"}}));
  EXPECT_EQ("histogram", h["mrcnode_http_request_duration_seconds"]["type"]);
  json inf = docs;
  inf["le"] = "+Inf";
  EXPECT_EQ(3, Value(h, "mrcnode_http_request_duration_seconds",
                     "mrcnode_http_request_duration_seconds_count", docs));
  EXPECT_GT(Value(h, "mrcnode_http_request_duration_seconds",
                  "mrcnode_http_request_duration_seconds_sum", docs),
            0);
  // A path no route has is counted once, under no route: what clients
  // send cannot make new series.
  for (const char* path : {"/no/such/1", "/no/such/2"}) ASSERT_TRUE(Call("hq", "GET", path).ok());
  json after = Scrape("hq");
  EXPECT_EQ(2, Value(after, "mrcnode_http_requests", "mrcnode_http_requests_total",
                     {{"route", "(none)"}, {"code", "4xx"}}));
}

TEST_F(MetricsTest, OnlyAnAdminsTokenReadsThem) {
  Init("hq");
  Output o = Mrc({"user", "add", "--data", Dir("hq"), "ed", "--role", "editor", "--password-stdin"},
                 "correct horse\n");
  ASSERT_EQ(0, o.status) << o.err;
  o = Mrc({"user", "token", "--data", Dir("hq"), "ed", "--label", "scraper"});
  ASSERT_EQ(0, o.status) << o.err;
  std::string editor = json::parse(o.out)["token"];
  std::string addr = Start("hq");
  auto anonymous = web::HttpCall(addr, "GET", "/metrics", "");
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(401, anonymous->status) << "no login page for a scraper";
  auto as_editor = web::HttpCallWithToken(addr, editor, "GET", "/metrics", "");
  ASSERT_TRUE(as_editor.ok());
  EXPECT_EQ(403, as_editor->status);
  EXPECT_FALSE(Scrape("hq").empty());
}

}  // namespace
}  // namespace mrc::e2e
