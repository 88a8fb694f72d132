// The HTTP server's budgets with a real node: one client address holding
// hundreds of idle connections must not keep another client out. The clients are loopback addresses
// of their own (127.0.0.2, ...), which the node tells apart as it would
// machines on a LAN.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/cluster.h"
#include "tests/e2e/loopback_client.h"

namespace mrc::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kPassword[] = "correct horse battery";

class HttpLimitsTest : public Cluster {
 protected:
  // Headquarters with an admin "ana" and one FAQ entry to search for.
  void SetUpNode() {
    Init("hq");
    Output o =
        Mrc({"user", "add", "--data", Dir("hq"), "ana", "--role", "admin", "--password-stdin"},
            std::string(kPassword) + "\n");
    ASSERT_EQ(0, o.status) << o.err;
    o = Mrc({"doc", "put", "--data", Dir("hq")}, Faq("Do I need a visa to work?"));
    ASSERT_EQ(0, o.status) << o.err;
    std::string addr = Start("hq");
    ASSERT_FALSE(addr.empty());
    port_ = static_cast<std::uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
  }

  RawResponse Login(const std::string& from, const std::string& name, const std::string& password,
                    milliseconds timeout = std::chrono::seconds(10)) {
    return RawCall(from, port_, "POST", "/api/v1/login", "Content-Type: application/json\r\n",
                   json{{"name", name}, {"password", password}}.dump(), timeout);
  }

  // Logs ana in from 127.0.0.1 and searches with the session: both must
  // answer within `bound` in all.
  void LogInAndSearch(milliseconds bound) {
    auto start = Clock::now();
    RawResponse login = Login("127.0.0.1", "ana", kPassword, bound);
    ASSERT_EQ(200, login.status) << login.body;
    std::string cookie = login.Header("set-cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    auto left = bound - std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    RawResponse search = RawCall("127.0.0.1", port_, "GET", "/api/v1/search?q=visa",
                                 "Cookie: " + cookie + "\r\n", "", std::max(left, milliseconds(1)));
    ASSERT_EQ(200, search.status) << search.body;
    EXPECT_EQ(1u, json::parse(search.body)["hits"].size()) << search.body;
    EXPECT_LT(Clock::now() - start, bound);
  }

  // `count` idle connections from `source` (bounded by count and by 10 s).
  std::vector<int> OpenIdle(const std::string& source, int count) {
    std::vector<int> fds;
    auto deadline = Clock::now() + std::chrono::seconds(10);
    for (int i = 0; i < count && Clock::now() < deadline; ++i) {
      int fd = ConnectFrom(source, port_);
      if (fd >= 0) fds.push_back(fd);
    }
    return fds;
  }

  static void CloseAll(std::vector<int>* fds) {
    for (int fd : *fds) ::close(fd);
    fds->clear();
  }

  std::uint16_t port_ = 0;
};

// One address may hold at most http_connections_per_address (64) of the
// http_connections (256); past that its own idle connections make room,
// and a new address gets in by closing an idle connection of the address
// holding the most.
TEST_F(HttpLimitsTest, IdleConnectionsOfOneAddressLeaveRoomForOthers) {
  SetUpNode();
  std::vector<int> hog = OpenIdle("127.0.0.2", 300);
  ASSERT_EQ(300u, hog.size());
  std::this_thread::sleep_for(milliseconds(500));  // the node accepts them
  LogInAndSearch(std::chrono::seconds(5));
  // All but the address's share were closed by the node (the newest
  // are kept).
  int closed = 0;
  for (int fd : hog) closed += ClosedByPeer(fd, milliseconds(0));
  EXPECT_GE(closed, 300 - 64 - 8);

  // Five more addresses fill the node's 256 connections between them.
  std::vector<int> more;
  for (int a = 3; a <= 7; ++a) {
    auto fds = OpenIdle("127.0.0." + std::to_string(a), 60);
    more.insert(more.end(), fds.begin(), fds.end());
  }
  std::this_thread::sleep_for(milliseconds(500));
  LogInAndSearch(std::chrono::seconds(5));
  CloseAll(&hog);
  CloseAll(&more);
}

}  // namespace
}  // namespace mrc::e2e
