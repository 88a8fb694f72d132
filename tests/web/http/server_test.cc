// Transport tests: a real Server on 127.0.0.1 with an echo handler, driven by
// HttpCall and by a raw socket for what a well-behaved client never sends.
#include "web/http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "config/foundation/log.h"
#include "web/http/client.h"

namespace mrc::web {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A connection that writes raw bytes and reads with a deadline.
class RawConn {
 public:
  explicit RawConn(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval tv{0, 100 * 1000};  // reads wake every 100 ms to check the deadline
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return ok_; }

  bool Send(const std::string& bytes) {
    std::size_t sent = 0;
    for (int i = 0; i < 10000 && sent < bytes.size(); ++i) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return sent == bytes.size();
  }

  // Reads until the peer closes, `until` appears in what was read, or `wait`
  // passes. Returns everything read so far.
  std::string Read(std::chrono::milliseconds wait = 5000ms, const std::string& until = "") {
    auto deadline = Clock::now() + wait;
    char buf[4096];
    while (Clock::now() < deadline && !closed_) {
      if (!until.empty() && got_.find(until) != std::string::npos) break;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0)
        got_.append(buf, static_cast<std::size_t>(n));
      else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        closed_ = true;
    }
    return got_;
  }
  bool closed() const { return closed_; }
  // Tells the server we are done sending (it lingers after an error until then).
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

 private:
  int fd_ = -1;
  bool ok_ = false;
  bool closed_ = false;
  std::string got_;
};

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// The status line's code of the first response in `raw`, or "none".
std::string FirstStatus(const std::string& raw) {
  if (raw.size() < 12 || raw.compare(0, 5, "HTTP/") != 0) return "none";
  return raw.substr(9, 3);
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(Options()); }
  void TearDown() override { Stop(); }

  static ServerOptions Options() {
    ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.body_limit = 1024;
    o.timeout_seconds = 5;
    o.threads = 2;
    return o;
  }

  // The handler echoes "METHOD TARGET BODY"; /throw throws, /slow waits.
  void Start(const ServerOptions& options) {
    auto s = Server::Create(options, [this](const HttpRequest& r) {
      if (r.target == "/throw") throw std::runtime_error("boom");
      if (r.target == "/slow") {
        in_slow_ = true;
        std::this_thread::sleep_for(500ms);
      }
      HttpResponse res;
      res.content_type = "text/plain";
      res.body = r.method + " " + r.target + " " + r.body;
      if (const std::string* v = r.Header("x-test")) res.headers.emplace_back("X-Echo", *v);
      return res;
    });
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    run_ = std::async(std::launch::async, [this] { return server_->Run(); });
    // Wait (bounded) until it answers.
    for (int i = 0; i < 100; ++i) {
      if (HttpCall(server_->address(), "GET", "/ready", "", 1).ok()) return;
      std::this_thread::sleep_for(20ms);
    }
    FAIL() << "server did not answer";
  }

  // Stops the server and returns whether Run() returned within `wait`.
  bool Stop(std::chrono::milliseconds wait = 10000ms) {
    if (!server_) return true;
    server_->Stop();
    bool returned = run_.wait_for(wait) == std::future_status::ready;
    if (!returned) return false;  // leave it; the test has failed
    EXPECT_TRUE(run_.get().ok());
    server_.reset();
    return true;
  }

  std::string Addr() const { return server_->address(); }
  std::uint16_t Port() const { return server_->port(); }

  // "STATUS BODY" of a call, or the error.
  std::string Call(const std::string& method, const std::string& target,
                   const std::string& body = "") {
    auto r = HttpCall(Addr(), method, target, body, 5);
    if (!r.ok()) return r.status().ToString();
    return std::to_string(r->status) + " " + r->body;
  }

  std::unique_ptr<Server> server_;
  std::future<Status> run_;
  std::atomic<bool> in_slow_{false};
};

TEST_F(ServerTest, ServesAndSetsStandardHeaders) {
  log::SetLevel(log::Level::kDebug);  // exercise the per-request log line
  EXPECT_EQ("200 GET /x ", Call("GET", "/x"));
  log::SetLevel(log::Level::kInfo);
  EXPECT_EQ("200 POST /y?a=1 {\"k\":1}", Call("POST", "/y?a=1", "{\"k\":1}"));
  auto r = HttpCall(Addr(), "GET", "/x", "", 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ("text/plain", r->content_type);
  ASSERT_NE(nullptr, r->Header("x-content-type-options"));
  EXPECT_EQ("nosniff", *r->Header("X-Content-Type-Options"));
  EXPECT_EQ("no-store", *r->Header("Cache-Control"));
  EXPECT_EQ("default-src 'none'; frame-ancestors 'none'", *r->Header("Content-Security-Policy"));
  EXPECT_EQ("no-referrer", *r->Header("Referrer-Policy"));
  EXPECT_TRUE(Addr().starts_with("127.0.0.1:"));
  EXPECT_EQ(Addr(), "127.0.0.1:" + std::to_string(Port()));
}

TEST_F(ServerTest, HeadersReachTheHandlerLowercasedAndJoined) {
  RawConn c(Port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.Send(
      "GET /h HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test: a\r\nx-TEST: b\r\nConnection: close\r\n\r\n"));
  std::string got = c.Read();
  EXPECT_EQ("200", FirstStatus(got));
  EXPECT_NE(std::string::npos, got.find("X-Echo: a, b\r\n")) << got;
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawConn c(Port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.Send("GET /1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  std::string got = c.Read(5000ms, "GET /1 ");
  EXPECT_EQ(1, Count(got, "HTTP/1.1 200 OK"));
  EXPECT_FALSE(c.closed());
  // Two pipelined in one write, the second closing.
  ASSERT_TRUE(
      c.Send("GET /2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /3 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             "Connection: close\r\n\r\n"));
  got = c.Read();
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(3, Count(got, "HTTP/1.1 200 OK")) << got;
  EXPECT_NE(std::string::npos, got.find("GET /3 "));
}

TEST_F(ServerTest, HeadResponsesHaveNoBody) {
  RawConn c(Port());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(
      c.Send("HEAD /h HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
             "GET /g HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  std::string got = c.Read();
  EXPECT_EQ(2, Count(got, "HTTP/1.1 200 OK")) << got;
  EXPECT_NE(std::string::npos, got.find("Content-Length: 8\r\n")) << got;  // "HEAD /h "
  EXPECT_EQ(std::string::npos, got.find("HEAD /h")) << got;
  EXPECT_NE(std::string::npos, got.find("\r\n\r\nHTTP/1.1 200 OK")) << got;
  EXPECT_TRUE(got.ends_with("GET /g ")) << got;
}

TEST_F(ServerTest, BodyOverTheLimitIs413) {
  auto r = HttpCall(Addr(), "POST", "/big", std::string(4096, 'x'), 5);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(413, r->status);
  EXPECT_NE(std::string::npos, r->body.find("\"PAYLOAD_TOO_LARGE\"")) << r->body;
  EXPECT_EQ("application/json; charset=utf-8", r->content_type);
  // At the limit is fine.
  EXPECT_EQ(200, HttpCall(Addr(), "POST", "/ok", std::string(1024, 'x'), 5)->status);

  // A chunked body has no declared length: it is cut off when it passes the limit.
  RawConn c(Port());
  ASSERT_TRUE(c.ok());
  std::string chunk = "400\r\n" + std::string(1024, 'y') + "\r\n";
  c.Send("POST /big HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk +
         chunk + "0\r\n\r\n");
  EXPECT_EQ("413", FirstStatus(c.Read(5000ms, "\"}}")));
  EXPECT_EQ("200 GET /after ", Call("GET", "/after"));
}

// A chunk's size line and the trailers are not body: the parser waits to
// see each whole, so they are capped by the read buffer (431), not left to
// grow with what the client sends. Bodies pass through that buffer a read at
// a time and are not limited by it.
TEST_F(ServerTest, LongChunkLinesAndTrailersAre431ButLongBodiesPass) {
  const std::string kHead =
      "POST /c HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  {
    RawConn c(Port());
    ASSERT_TRUE(c.ok());
    c.Send(kHead + "1;" + std::string(100 * 1024, 'a') + "\r\nx\r\n0\r\n\r\n");
    EXPECT_EQ("431", FirstStatus(c.Read(5000ms, "\"}}")));
  }
  {
    RawConn c(Port());
    ASSERT_TRUE(c.ok());
    std::string trailers;
    for (int i = 0; i < 20; ++i)
      trailers += "X-T" + std::to_string(i) + ": " + std::string(4000, 'b') + "\r\n";
    c.Send(kHead + "1\r\nx\r\n0\r\n" + trailers + "\r\n");
    EXPECT_EQ("431", FirstStatus(c.Read(5000ms, "\"}}")));
  }
  EXPECT_EQ("200 GET /after ", Call("GET", "/after"));

  ASSERT_TRUE(Stop());
  ServerOptions big = Options();
  big.body_limit = 1024 * 1024;
  Start(big);
  std::string body(600 * 1024, 'z');
  auto r = HttpCall(Addr(), "POST", "/long", body, 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(200, r->status);
  EXPECT_EQ("POST /long " + body, r->body);
  RawConn c(Port());
  ASSERT_TRUE(c.ok());
  std::string chunk = "32000\r\n" + std::string(0x32000, 'y') + "\r\n";
  ASSERT_TRUE(c.Send(kHead + chunk + chunk + "0\r\n\r\n"));
  EXPECT_EQ("200", FirstStatus(c.Read(10000ms, "POST /c yyy")));
}

TEST_F(ServerTest, SmugglingFramingIs400AndTheServerCarriesOn) {
  const std::string kHead = "POST /s HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  const std::string kChunkedBody = "\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  struct Case {
    std::string name, request, want, why;  // why: a word of the error message
  } cases[] = {
      {"TE gzip, chunked", kHead + "Transfer-Encoding: gzip, chunked" + kChunkedBody, "400",
       "only 'chunked'"},
      {"TE chunked, gzip",
       kHead + "Transfer-Encoding: chunked, gzip\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n", "400",
       "only 'chunked'"},
      {"TE gzip", kHead + "Transfer-Encoding: gzip\r\n\r\n", "400", "only 'chunked'"},
      {"TE then CL", kHead + "Transfer-Encoding: chunked\r\nContent-Length: 5" + kChunkedBody,
       "400", "Content-Length"},
      {"CL then TE", kHead + "Content-Length: 5\r\nTransfer-Encoding: chunked" + kChunkedBody,
       "400", "Transfer-Encoding"},
      {"TE identity then CL",
       kHead + "Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello", "400",
       "Content-Length"},
      {"TE twice", kHead + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked" + kChunkedBody,
       "400", "more than once"},
      {"two CLs", kHead + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "400",
       "Content-Length"},
      {"TE in HTTP/1.0", "POST /s HTTP/1.0\r\nTransfer-Encoding: chunked" + kChunkedBody, "400",
       "HTTP/1.0"},
      {"garbage", "NOT HTTP AT ALL\r\n\r\n", "400", "malformed"},
      {"headers too large", "GET / HTTP/1.1\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n",
       "431", "8192"},
      {"plain chunked is fine",
       kHead + "Transfer-Encoding: chunked\r\nConnection: close" + kChunkedBody, "200", ""},
      {"TE case-insensitive",
       kHead + "Transfer-Encoding: Chunked\r\nConnection: close" + kChunkedBody, "200", ""},
  };
  for (const auto& c : cases) {
    RawConn conn(Port());
    ASSERT_TRUE(conn.ok());
    conn.Send(c.request);
    // An error body ends with "}}"; then the server waits for us to finish.
    std::string got = conn.Read(5000ms, c.want == "200" ? "" : "\"}}");
    conn.ShutdownWrite();
    got = conn.Read(3000ms);
    EXPECT_EQ(c.want, FirstStatus(got)) << c.name << "\n" << got;
    EXPECT_EQ(1, Count(got, "\r\nContent-Length: ")) << c.name << ": one response, then close\n"
                                                     << got;
    EXPECT_NE(std::string::npos, got.find(c.why)) << c.name << "\n" << got;
    EXPECT_TRUE(conn.closed()) << c.name;
    if (c.want == "200") {
      EXPECT_NE(std::string::npos, got.find("POST /s hello")) << got;
    }
    EXPECT_EQ("200 GET /alive ", Call("GET", "/alive")) << c.name;
  }
}

TEST_F(ServerTest, HostMustBeLoopback) {
  struct Case {
    std::string host_lines, want;
  } cases[] = {
      {"Host: 127.0.0.1\r\n", "200"},
      {"Host: 127.0.0.1:8080\r\n", "200"},
      {"Host: localhost:8080\r\n", "200"},
      {"Host: [::1]:8080\r\n", "200"},
      {"Host: evil.example\r\n", "421"},  // DNS rebinding
      {"Host: evil.example:8080\r\n", "421"},
      {"Host: 127.0.0.1.evil.example\r\n", "421"},
      {"Host: [::1\r\n", "421"},
      {"Host: \r\n", "421"},
      {"", "400"},  // HTTP/1.1 requires Host
      {"Host: 127.0.0.1\r\nHost: evil.example\r\n", "400"},
  };
  for (const auto& c : cases) {
    RawConn conn(Port());
    ASSERT_TRUE(conn.ok());
    conn.Send("GET /h HTTP/1.1\r\n" + c.host_lines + "Connection: close\r\n\r\n");
    std::string got = conn.Read(5000ms, c.want == "200" ? "" : "\"}}");
    EXPECT_EQ(c.want, FirstStatus(got)) << c.host_lines << got;
  }
  RawConn old(Port());
  old.Send("GET /h HTTP/1.0\r\n\r\n");  // HTTP/1.0 has no Host to check
  EXPECT_EQ("200", FirstStatus(old.Read()));
}

TEST_F(ServerTest, ExpectContinueGets100) {
  RawConn c(Port());
  ASSERT_TRUE(c.ok());
  c.Send(
      "POST /c HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
      "Connection: close\r\n\r\n");
  EXPECT_EQ("HTTP/1.1 100 Continue\r\n\r\n", c.Read(5000ms, "\r\n\r\n"));
  c.Send("hello");
  std::string got = c.Read();
  EXPECT_NE(std::string::npos, got.find("HTTP/1.1 200 OK")) << got;
  EXPECT_NE(std::string::npos, got.find("POST /c hello")) << got;
}

TEST_F(ServerTest, HandlerExceptionIs500) {
  auto r = HttpCall(Addr(), "GET", "/throw", "", 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(500, r->status);
  EXPECT_NE(std::string::npos, r->body.find("\"INTERNAL\""));
  EXPECT_EQ("200 GET /alive ", Call("GET", "/alive"));
}

TEST_F(ServerTest, StopReturnsRunAndClosesIdleConnections) {
  RawConn idle(Port());
  ASSERT_TRUE(idle.ok());
  idle.Send("GET /1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ("200", FirstStatus(idle.Read(5000ms, "GET /1 ")));
  const std::uint16_t port = Port();
  auto t0 = Clock::now();
  EXPECT_TRUE(Stop(3000ms)) << "Run() did not return";
  EXPECT_LT(Clock::now() - t0, 3s);  // well before the 30 s idle timeout or 5 s grace
  idle.Read(2000ms);
  EXPECT_TRUE(idle.closed());
  EXPECT_EQ(
      "UNAVAILABLE",
      std::string(
          HttpCall("127.0.0.1:" + std::to_string(port), "GET", "/", "", 2).status().CodeName()));
}

TEST_F(ServerTest, StopLetsARequestInProgressFinish) {
  auto call =
      std::async(std::launch::async, [this] { return HttpCall(Addr(), "GET", "/slow", "", 5); });
  for (int i = 0; i < 250 && !in_slow_; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(in_slow_);
  EXPECT_TRUE(Stop(5000ms));
  ASSERT_EQ(std::future_status::ready, call.wait_for(5s));
  auto r = call.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(200, r->status);
  ASSERT_NE(nullptr, r->Header("Connection"));
  EXPECT_EQ("close", *r->Header("Connection"));
}

TEST_F(ServerTest, SigtermStopsRun) {
  ASSERT_EQ(0, ::kill(::getpid(), SIGTERM));
  EXPECT_EQ(std::future_status::ready, run_.wait_for(5s));
  EXPECT_TRUE(Stop());
}

TEST_F(ServerTest, IdleConnectionTimesOut) {
  Stop();
  ServerOptions o = Options();
  o.timeout_seconds = 1;
  Start(o);
  RawConn c(Port());
  ASSERT_TRUE(c.ok());
  auto t0 = Clock::now();
  c.Read(4000ms);
  EXPECT_TRUE(c.closed());
  EXPECT_LT(Clock::now() - t0, 3500ms);
}

TEST(ServerCreateTest, RefusesNonLoopbackAndBadAddresses) {
  auto handler = [](const HttpRequest&) { return HttpResponse{}; };
  auto code = [&](const std::string& listen) {
    ServerOptions o;
    o.listen = listen;
    auto s = Server::Create(o, handler);
    return s.ok() ? std::string("OK") : std::string(s.status().CodeName());
  };
  EXPECT_EQ("PERMISSION_DENIED", code("0.0.0.0:0"));
  EXPECT_EQ("PERMISSION_DENIED", code("192.168.1.10:0"));
  EXPECT_EQ("PERMISSION_DENIED", code("[::]:0"));
  EXPECT_EQ("PERMISSION_DENIED", code("example.org:8080"));
  EXPECT_EQ("INVALID_ARGUMENT", code("127.0.0.1"));
  EXPECT_EQ("INVALID_ARGUMENT", code("127.0.0.1:99999"));
  EXPECT_EQ("OK", code("127.0.0.1:0"));
  EXPECT_EQ("OK", code("localhost:0"));
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  EXPECT_EQ("INVALID_ARGUMENT", std::string(Server::Create(o, nullptr).status().CodeName()));

  // A port in use.
  auto first = Server::Create(o, handler);
  ASSERT_TRUE(first.ok());
  o.listen = (*first)->address();
  auto second = Server::Create(o, handler);
  EXPECT_EQ("UNAVAILABLE", std::string(second.status().CodeName()));
  EXPECT_NE(std::string::npos, second.status().message().find(o.listen));
}

TEST(ServerCreateTest, StopBeforeRunMakesRunReturn) {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  auto s = Server::Create(o, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_TRUE(s.ok());
  (*s)->Stop();
  auto run = std::async(std::launch::async, [&] { return (*s)->Run(); });
  ASSERT_EQ(std::future_status::ready, run.wait_for(5s));
  EXPECT_TRUE(run.get().ok());
  EXPECT_EQ("INVALID_ARGUMENT", std::string((*s)->Run().CodeName()));
}

// A handler that answers later from its own thread: the connection waits
// without an HTTP thread, so that other requests go on; an answer dropped
// unsent is a 500; an answer after the server has gone touches nothing.
TEST(ServerAsyncTest, AnswersFromAnotherThreadLetOtherRequestsGoOn) {
  std::mutex mu;
  std::vector<std::pair<std::string, Respond>> held;  // "/later" requests
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.threads = 1;
  auto s = Server::CreateAsync(o, [&](HttpRequest r, Respond respond) {
    if (r.target == "/drop") return;  // `respond` goes unanswered
    if (r.target.rfind("/later", 0) == 0) {
      std::lock_guard lock(mu);
      held.emplace_back(r.target, std::move(respond));
      return;
    }
    HttpResponse res;
    res.body = "now";
    respond(std::move(res));
  });
  ASSERT_TRUE(s.ok());
  auto run = std::async(std::launch::async, [&] { return (*s)->Run(); });
  std::string addr = (*s)->address();
  auto later =
      std::async(std::launch::async, [&] { return HttpCall(addr, "GET", "/later", "", 5); });
  auto held_count = [&] {
    std::lock_guard lock(mu);
    return held.size();
  };
  for (int i = 0; i < 250 && held_count() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(1u, held_count());
  // The one HTTP thread is free while /later waits.
  auto now = HttpCall(addr, "GET", "/now", "", 5);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ("now", now->body);
  auto dropped = HttpCall(addr, "GET", "/drop", "", 5);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(500, dropped->status);
  std::thread([&] {
    HttpResponse res;
    res.body = "later";
    std::lock_guard lock(mu);
    held[0].second(std::move(res));
    held[0].second(HttpResponse{});  // a second answer is ignored
  }).join();
  auto r = later.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ("later", r->body);

  // A request still waiting when the server stops: closed after the grace
  // period; its answer, later, goes nowhere.
  auto stuck =
      std::async(std::launch::async, [&] { return HttpCall(addr, "GET", "/later2", "", 10); });
  for (int i = 0; i < 250 && held_count() < 2; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(2u, held_count());
  (*s)->Stop();
  ASSERT_EQ(std::future_status::ready, run.wait_for(10s));
  EXPECT_TRUE(run.get().ok());
  EXPECT_FALSE(stuck.get().ok());
  s->reset();
  std::lock_guard lock(mu);
  held[1].second(HttpResponse{});
  held.clear();
}

// The address per-client limits key on: without the port, and an IPv6
// address without its brackets (so that ::1 is known as loopback).
TEST(HttpRequestTest, ClientAddressDropsThePortAndBrackets) {
  HttpRequest r;
  r.remote = "127.0.0.1:53412";
  EXPECT_EQ("127.0.0.1", r.ClientAddress());
  r.remote = "[::1]:53412";
  EXPECT_EQ("::1", r.ClientAddress());
  r.remote = "[fe80::1]:8080";
  EXPECT_EQ("fe80::1", r.ClientAddress());
}

TEST(HttpCallTest, ErrorsNameTheAddress) {
  // A port that was just free: bind to port 0, note it, close.
  std::uint16_t port;
  {
    ServerOptions o;
    o.listen = "127.0.0.1:0";
    auto s = Server::Create(o, [](const HttpRequest&) { return HttpResponse{}; });
    ASSERT_TRUE(s.ok());
    port = (*s)->port();
  }
  std::string addr = "127.0.0.1:" + std::to_string(port);
  auto r = HttpCall(addr, "GET", "/", "", 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("UNAVAILABLE", std::string(r.status().CodeName()));
  EXPECT_NE(std::string::npos, r.status().message().find(addr)) << r.status().ToString();
  EXPECT_EQ("INVALID_ARGUMENT",
            std::string(HttpCall("nowhere", "GET", "/", "").status().CodeName()));
}

}  // namespace
}  // namespace mrc::web
