// HTTPS: certificates the node makes, and a real Server speaking TLS on
// 127.0.0.1, driven by HttpsCall and by a bare OpenSSL client for what a
// well-behaved client never tries (old protocol versions, weak ciphers,
// plain HTTP on the TLS port, a handshake never finished).
#include "web/http/tls.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <future>
#include <thread>

#include "tests/support/temp_dir.h"
#include "web/http/client.h"
#include "web/http/server.h"

namespace mrc::web {
namespace {

using namespace std::chrono_literals;

int Connect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    timeval tv{5, 0};  // no read in these tests waits longer
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
  }
  if (fd >= 0) ::close(fd);
  return -1;
}

// Whether the server closes `fd` (EOF or reset) within `wait`.
bool ClosedByPeer(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char buf[512];
  for (int i = 0; i < 100; ++i) {  // an alert may come before the close
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) return n == 0 || errno != EAGAIN;
  }
  return false;
}

// A handshake with a bare OpenSSL client limited to `max_version` and, if
// given, `ciphers` (TLS 1.2 names); "OK" or why it failed.
std::string Handshake(std::uint16_t port, int max_version, const char* ciphers = nullptr) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx, max_version);
  // Security level 0: this client offers what OpenSSL would refuse, so that
  // it is the server that refuses it.
  SSL_CTX_set_cipher_list(ctx, ciphers ? ciphers : "ALL:@SECLEVEL=0");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  int fd = Connect(port);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  int rc = SSL_connect(ssl);
  std::string out = rc == 1 ? std::string("OK") : "FAILED";
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  return out;
}

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CertificateRequest req;
    req.names = {"localhost", "127.0.0.1", "mrc.centre.lan", "*.wild.lan", "10.9.8.7"};
    Status made = MakeCertificate(req, cert_, key_);
    ASSERT_TRUE(made.ok()) << made.ToString();
    auto info = ReadCertificate(cert_);
    ASSERT_TRUE(info.ok());
    fingerprint_ = info->fingerprint;
    ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.tls_cert_file = cert_;
    o.tls_key_file = key_;
    o.timeout_seconds = 1;
    o.max_connections_per_address = 3;
    Start(o);
  }
  void TearDown() override {
    if (!server_) return;
    server_->Stop();
    ASSERT_EQ(std::future_status::ready, run_.wait_for(10s));
    EXPECT_TRUE(run_.get().ok());
  }

  void Start(const ServerOptions& o) {
    auto s = Server::Create(o, [](const HttpRequest& r) {
      HttpResponse res;
      res.content_type = "text/plain";
      res.body = r.method + " " + r.target + (r.tls ? " tls " : " plain ") + r.ClientAddress();
      res.headers.emplace_back("Set-Cookie", "c=1; Path=/; HttpOnly");
      return res;
    });
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    run_ = std::async(std::launch::async, [this] { return server_->Run(); });
  }

  Result<HttpResponse> Get(const std::string& target, const std::string& host = "") {
    HttpRequest r;
    r.method = "GET";
    r.target = target;
    if (!host.empty()) r.headers["host"] = host;
    return HttpsCall(server_->address(), fingerprint_, r, 5);
  }

  testing::TempDir dir_;
  std::string cert_ = dir_.Sub("cert.pem"), key_ = dir_.Sub("key.pem");
  std::string fingerprint_;
  std::unique_ptr<Server> server_;
  std::future<Status> run_;
};

TEST_F(TlsServerTest, ServesOverTlsWithSecureCookiesAndHsts) {
  EXPECT_TRUE(server_->tls());
  auto r = Get("/x", "mrc.centre.lan:8443");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(200, r->status);
  EXPECT_EQ("GET /x tls 127.0.0.1", r->body);  // the peer's own address, for per-client limits
  ASSERT_NE(nullptr, r->Header("Set-Cookie"));
  EXPECT_EQ("c=1; Path=/; HttpOnly; Secure", *r->Header("Set-Cookie"));
  ASSERT_NE(nullptr, r->Header("Strict-Transport-Security"));
  EXPECT_EQ("max-age=31536000", *r->Header("Strict-Transport-Security"));
  ASSERT_NE(nullptr, r->Header("Content-Security-Policy"));  // the standard headers stay

  // Opened by a loopback name: Secure cookies, but no HSTS, which would
  // hold for every other service on "localhost" in that browser.
  for (std::string host : {"localhost:8443", "127.0.0.1"}) {
    auto local = Get("/x", host);
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    EXPECT_EQ("c=1; Path=/; HttpOnly; Secure", *local->Header("Set-Cookie"));
    EXPECT_EQ(nullptr, local->Header("Strict-Transport-Security")) << host;
  }
}

TEST_F(TlsServerTest, AnotherCertificateIsRefusedByThePinningClient) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/";
  auto wrong = HttpsCall(server_->address(), std::string(95, 'A'), r, 5);
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(std::string::npos, wrong.status().message().find("TLS handshake"));
}

// The error path closes after draining what the client still sends, as
// over plain HTTP, so the client reads the 413 instead of a reset.
TEST_F(TlsServerTest, BodyOverTheLimitIs413) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/big";
  r.body = std::string((1 << 20) + 1, 'x');
  auto res = HttpsCall(server_->address(), fingerprint_, r, 10);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(413, res->status);
  auto after = Get("/after");  // the server carries on
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(200, after->status);
}

TEST_F(TlsServerTest, HostMustBeLoopbackOrACertificateName) {
  auto code = [&](const std::string& host) {
    auto r = Get("/", host);
    return r.ok() ? r->status : -1;
  };
  EXPECT_EQ(200, code("127.0.0.1"));
  EXPECT_EQ(200, code("localhost:8443"));
  EXPECT_EQ(200, code("mrc.centre.lan:8443"));
  EXPECT_EQ(200, code("MRC.Centre.LAN"));
  EXPECT_EQ(200, code("10.9.8.7:8443"));
  EXPECT_EQ(200, code("a.wild.lan"));
  EXPECT_EQ(421, code("a.b.wild.lan"));
  EXPECT_EQ(421, code("wild.lan"));
  EXPECT_EQ(421, code("evil.example"));  // DNS rebinding
  EXPECT_EQ(421, code("10.9.8.6"));
  EXPECT_EQ(421, code("mrc.centre.lan.evil.example"));
}

TEST_F(TlsServerTest, OldProtocolsAndWeakCiphersAreRefused) {
  EXPECT_EQ("OK", Handshake(server_->port(), TLS1_3_VERSION));
  EXPECT_EQ("OK", Handshake(server_->port(), TLS1_2_VERSION));
  EXPECT_EQ("FAILED", Handshake(server_->port(), TLS1_1_VERSION));
  EXPECT_EQ("FAILED", Handshake(server_->port(), TLS1_VERSION));
  // TLS 1.2 without forward secrecy or without AEAD.
  EXPECT_EQ("FAILED", Handshake(server_->port(), TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA"));
  EXPECT_EQ("FAILED", Handshake(server_->port(), TLS1_2_VERSION, "AES128-GCM-SHA256"));
  EXPECT_EQ("OK", Handshake(server_->port(), TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305"));
}

TEST_F(TlsServerTest, PlainHttpOnTheTlsPortIsToldToUseHttps) {
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  std::string req = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_EQ(static_cast<ssize_t>(req.size()), ::send(fd, req.data(), req.size(), MSG_NOSIGNAL));
  std::string got;
  char buf[512];
  for (int i = 0; i < 16; ++i) {  // until the server closes
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  EXPECT_EQ(0u, got.find("HTTP/1.1 400 Bad Request\r\n")) << got;
  EXPECT_NE(std::string::npos, got.find("\r\n\r\nThis address serves HTTPS only")) << got;
  // The same port still speaks TLS to the next client.
  auto r = Get("/after");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(200, r->status);
}

// A stranger who opens TCP and never starts the handshake holds a slot of
// its address's budget only until the timeout, and an idle one at that: a
// new connection from the same address makes it room.
TEST_F(TlsServerTest, UnfinishedHandshakesAreBoundedByTheBudgetAndTheTimeout) {
  std::vector<int> stalled;
  for (int i = 0; i < 3; ++i) stalled.push_back(Connect(server_->port()));
  for (int fd : stalled) ASSERT_GE(fd, 0);
  auto r = Get("/after");  // a fourth from 127.0.0.1, over the budget of 3
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(200, r->status);
  int closed = 0;
  for (int fd : stalled) closed += ClosedByPeer(fd, 5000ms) ? 1 : 0;
  EXPECT_EQ(3, closed);  // evicted, or timed out (timeout_seconds = 1)
  for (int fd : stalled) ::close(fd);
}

TEST(TlsServerCreateTest, PlainHttpNeedsLoopbackAndTlsNeedsAUsableKey) {
  testing::TempDir dir;
  auto handler = [](const HttpRequest&) { return HttpResponse{}; };
  ServerOptions o;
  o.listen = "0.0.0.0:0";
  auto plain = Server::Create(o, handler);
  EXPECT_EQ("PERMISSION_DENIED", std::string(plain.status().CodeName()));
  EXPECT_NE(std::string::npos, plain.status().message().find("HTTPS only"));

  CertificateRequest req;
  req.names = {"localhost"};
  ASSERT_TRUE(MakeCertificate(req, dir.Sub("a.pem"), dir.Sub("a.key")).ok());
  ASSERT_TRUE(MakeCertificate(req, dir.Sub("b.pem"), dir.Sub("b.key")).ok());
  o.listen = "127.0.0.1:0";
  o.tls_cert_file = dir.Sub("a.pem");
  o.tls_key_file = dir.Sub("b.key");
  auto mismatched = Server::Create(o, handler);
  EXPECT_EQ("INVALID_ARGUMENT", std::string(mismatched.status().CodeName()));
  EXPECT_FALSE(CheckKeyMatches(dir.Sub("a.pem"), dir.Sub("b.key")).ok());
  EXPECT_TRUE(CheckKeyMatches(dir.Sub("a.pem"), dir.Sub("a.key")).ok());
  o.tls_key_file = dir.Sub("missing.key");
  EXPECT_EQ("INVALID_ARGUMENT", std::string(Server::Create(o, handler).status().CodeName()));
}

TEST(CertificateTest, MadeCertificateHoldsTheNamesAndAPrivateKey) {
  testing::TempDir dir;
  CertificateRequest req;
  req.common_name = "mrcnode centre";
  req.names = {"centre-pc", "mrc.centre.lan", "192.168.1.10", "fe80::1", "::1"};
  Status made = MakeCertificate(req, dir.Sub("cert.pem"), dir.Sub("key.pem"));
  ASSERT_TRUE(made.ok()) << made.ToString();
  auto info = ReadCertificate(dir.Sub("cert.pem"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(req.names, info->names);
  EXPECT_EQ("CN=mrcnode centre", info->subject);
  EXPECT_TRUE(info->self_signed);
  EXPECT_EQ(95u, info->fingerprint.size());  // 32 bytes as "AB:" pairs
  EXPECT_EQ(44u, info->spki_sha256_base64.size());
  std::int64_t now = std::time(nullptr);
  EXPECT_LE(info->not_before, now);
  EXPECT_NEAR(static_cast<double>(now + 730 * 86400), static_cast<double>(info->not_after), 7200);
  struct stat st {};
  ASSERT_EQ(0, ::stat(dir.Sub("key.pem").c_str(), &st));
  EXPECT_EQ(0600u, st.st_mode & 0777);

  // A new one has a new key and fingerprint.
  ASSERT_TRUE(MakeCertificate(req, dir.Sub("cert.pem"), dir.Sub("key.pem")).ok());
  auto again = ReadCertificate(dir.Sub("cert.pem"));
  ASSERT_TRUE(again.ok());
  EXPECT_NE(info->fingerprint, again->fingerprint);
  EXPECT_NE(info->spki_sha256_base64, again->spki_sha256_base64);
}

TEST(CertificateTest, BadRequestsAndFilesAreClearErrors) {
  testing::TempDir dir;
  CertificateRequest req;
  EXPECT_FALSE(MakeCertificate(req, dir.Sub("c"), dir.Sub("k")).ok());  // no names
  req.names = {"a,DNS:evil.example"};
  auto bad = MakeCertificate(req, dir.Sub("c"), dir.Sub("k"));
  EXPECT_EQ("INVALID_ARGUMENT", std::string(bad.CodeName()));
  req.names = {"ok.lan"};
  req.days = 0;
  EXPECT_FALSE(MakeCertificate(req, dir.Sub("c"), dir.Sub("k")).ok());
  EXPECT_EQ("NOT_FOUND", std::string(ReadCertificate(dir.Sub("none")).status().CodeName()));
  {
    std::FILE* f = std::fopen(dir.Sub("junk").c_str(), "w");
    std::fputs("not a certificate\n", f);
    std::fclose(f);
  }
  EXPECT_EQ("INVALID_ARGUMENT", std::string(ReadCertificate(dir.Sub("junk")).status().CodeName()));
}

TEST(CertificateTest, HostMatchesNames) {
  std::vector<std::string> names = {"Mrc.Centre.lan", "*.office.lan", "10.0.0.1", "fe80::1"};
  EXPECT_TRUE(HostMatchesNames("mrc.centre.lan", names));
  EXPECT_TRUE(HostMatchesNames("mrc.centre.lan.", names));
  EXPECT_TRUE(HostMatchesNames("pc1.office.lan", names));
  EXPECT_FALSE(HostMatchesNames("office.lan", names));
  EXPECT_FALSE(HostMatchesNames("a.pc1.office.lan", names));
  EXPECT_TRUE(HostMatchesNames("10.0.0.1", names));
  EXPECT_TRUE(HostMatchesNames("fe80:0::1", names));
  EXPECT_FALSE(HostMatchesNames("10.0.0.2", names));
  EXPECT_FALSE(HostMatchesNames("", names));
  EXPECT_FALSE(HostMatchesNames("evil.example", names));
}

}  // namespace
}  // namespace mrc::web
