// The web UI over HTTPS with a real node: the certificate `init` makes, the
// node serving HTTPS when its config forces TLS on loopback (a LAN address
// is tested in a network namespace by tests/browser/lan_test.sh), the
// command line reaching it through its pinned certificate, Secure cookies
// and HSTS over TLS only, `tls renew` and the centre's own certificate.
#include "web/http/tls.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config.h"
#include "tests/e2e/cluster.h"
#include "web/http/client.h"

namespace mrc::e2e {
namespace {

constexpr char kPassword[] = "correct horse battery";

class TlsTest : public Cluster {
 protected:
  // Headquarters with an admin "ana", TLS forced on its loopback address.
  void SetUpNode(bool tls) {
    Init("hq");
    Output o =
        Mrc({"user", "add", "--data", Dir("hq"), "ana", "--role", "admin", "--password-stdin"},
            std::string(kPassword) + "\n");
    ASSERT_EQ(0, o.status) << o.err;
    if (tls) EditConfig("hq", {{"tls = \"auto\"", "tls = \"on\""}});
    addr_ = Start("hq");
    ASSERT_FALSE(addr_.empty());
  }

  std::string Fingerprint() {
    return nodes_["hq"]->WaitForField("tls_fingerprint", std::chrono::seconds(5));
  }

  // POST /api/v1/login as ana, over HTTPS pinned to `fingerprint`, or plain
  // HTTP when it is "", with the Host header `host` if given.
  Result<web::HttpResponse> Login(const std::string& fingerprint, const std::string& host = "") {
    web::HttpRequest r;
    if (!host.empty()) r.headers["host"] = host;
    r.method = "POST";
    r.target = "/api/v1/login";
    r.headers["content-type"] = "application/json";
    r.body = json{{"name", "ana"}, {"password", kPassword}}.dump();
    return fingerprint.empty() ? web::HttpCall(addr_, r, 30)
                               : web::HttpsCall(addr_, fingerprint, r, 30);
  }

  std::string addr_;
};

TEST_F(TlsTest, InitMakesACertificateForTheListenAddressAndNames) {
  Output o =
      Mrc({"init", "--data", Dir("c"), "--hq", "--http", "192.168.77.10:8443", "--listen", "none"});
  ASSERT_EQ(0, o.status) << o.err;
  auto info = web::ReadCertificate(Dir("c") + "/tls/cert.pem");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_NE(std::string::npos, o.out.find("fingerprint: SHA-256 " + info->fingerprint)) << o.out;
  std::vector<std::string> want = {"localhost", "127.0.0.1", "::1", "192.168.77.10"};
  for (const auto& name : want) {
    EXPECT_NE(info->names.end(), std::find(info->names.begin(), info->names.end(), name)) << name;
  }
  struct stat st {};
  ASSERT_EQ(0, ::stat((Dir("c") + "/tls/key.pem").c_str(), &st));
  EXPECT_EQ(0600u, st.st_mode & 0777);
  o = Mrc({"tls", "show", "--data", Dir("c")});
  ASSERT_EQ(0, o.status) << o.err;
  EXPECT_NE(std::string::npos, o.out.find("web UI: HTTPS on 192.168.77.10:8443")) << o.out;
  EXPECT_NE(std::string::npos, o.out.find(info->fingerprint)) << o.out;
}

TEST_F(TlsTest, PlainHttpOnANetworkAddressIsRefused) {
  Init("hq");
  EditConfig("hq", {{"listen = \"127.0.0.1:0\"", "listen = \"10.77.0.1:8080\""},
                    {"tls = \"auto\"", "tls = \"off\""}});
  Output o = Mrc({"run", "--data", Dir("hq")});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("http.tls: 'off' (plain HTTP) is refused")) << o.err;
}

TEST_F(TlsTest, ServesHttpsWithSecureCookiesAndHsts) {
  SetUpNode(/*tls=*/true);
  std::string fingerprint = Fingerprint();
  ASSERT_EQ(95u, fingerprint.size());
  auto info = web::ReadCertificate(Dir("hq") + "/tls/cert.pem");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->fingerprint, fingerprint);
  std::ifstream out(Dir("hq") + "/run.out");
  std::stringstream printed;
  printed << out.rdbuf();
  EXPECT_NE(std::string::npos, printed.str().find("fingerprint " + fingerprint)) << printed.str();

  // Opened by a name of the certificate (the machine's host name), as from
  // a staff PC: Secure cookie and HSTS.
  std::string name = info->names.front();
  ASSERT_FALSE(config::IsLoopback(name)) << name;
  auto login = Login(fingerprint, name + addr_.substr(addr_.rfind(':')));
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  ASSERT_EQ(200, login->status) << login->body;
  ASSERT_NE(nullptr, login->Header("set-cookie"));
  EXPECT_NE(std::string::npos, login->Header("set-cookie")->find("; Secure"));
  ASSERT_NE(nullptr, login->Header("strict-transport-security"));
  EXPECT_NE(nullptr, login->Header("content-security-policy"));
  // By loopback: Secure, but no HSTS (it would hold for every service on
  // that name in the browser).
  auto local = Login(fingerprint);
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  ASSERT_EQ(200, local->status) << local->body;
  EXPECT_NE(std::string::npos, local->Header("set-cookie")->find("; Secure"));
  EXPECT_EQ(nullptr, local->Header("strict-transport-security"));
  // Plain HTTP on the TLS port is told to use HTTPS, and logs no one in.
  auto plain = Login("");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(400, plain->status);
  EXPECT_NE(std::string::npos, plain->body.find("serves HTTPS only")) << plain->body;
  EXPECT_EQ(nullptr, plain->Header("set-cookie"));

  // The node's own command line reaches it through node.json's fingerprint.
  Output o = Mrc({"status", "--data", Dir("hq")});
  EXPECT_EQ(0, o.status) << o.err;
  EXPECT_NE(std::string::npos, o.out.find("\"documents\"")) << o.out;
}

TEST_F(TlsTest, PlainHttpOnLoopbackHasNoSecureCookieNorHsts) {
  SetUpNode(/*tls=*/false);
  auto login = Login("");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  ASSERT_EQ(200, login->status) << login->body;
  ASSERT_NE(nullptr, login->Header("set-cookie"));
  EXPECT_EQ(std::string::npos, login->Header("set-cookie")->find("Secure"));
  EXPECT_EQ(nullptr, login->Header("strict-transport-security"));
}

TEST_F(TlsTest, RenewReplacesTheNodesOwnCertificate) {
  Init("hq");
  auto before = web::ReadCertificate(Dir("hq") + "/tls/cert.pem");
  ASSERT_TRUE(before.ok());
  Output o = Mrc({"tls", "renew", "--data", Dir("hq")});
  ASSERT_EQ(0, o.status) << o.err;
  auto after = web::ReadCertificate(Dir("hq") + "/tls/cert.pem");
  ASSERT_TRUE(after.ok());
  EXPECT_NE(before->fingerprint, after->fingerprint);
  EXPECT_NE(std::string::npos, o.out.find(after->fingerprint)) << o.out;

  // Started with TLS, the node serves the renewed certificate.
  EditConfig("hq", {{"tls = \"auto\"", "tls = \"on\""}});
  ASSERT_FALSE(Start("hq").empty());
  EXPECT_EQ(after->fingerprint,
            nodes_["hq"]->WaitForField("tls_fingerprint", std::chrono::seconds(5)));
  ASSERT_EQ(0, nodes_["hq"]->Stop());

  // A name added to http.tls_names that the certificate lacks: the node
  // makes a new one for it at start, since it answers no Host it lacks.
  EditConfig("hq", {{"tls_names = []", "tls_names = [\"mrc.centre.lan\"]"}});
  ASSERT_FALSE(Start("hq").empty());
  auto renamed = web::ReadCertificate(Dir("hq") + "/tls/cert.pem");
  ASSERT_TRUE(renamed.ok());
  EXPECT_NE(after->fingerprint, renamed->fingerprint);
  EXPECT_TRUE(web::HostMatchesNames("mrc.centre.lan", renamed->names));
  EXPECT_EQ(renamed->fingerprint,
            nodes_["hq"]->WaitForField("tls_fingerprint", std::chrono::seconds(5)));
}

TEST_F(TlsTest, TheCentresOwnCertificateIsServedAndNotRenewed) {
  Init("hq");
  web::CertificateRequest req;
  req.common_name = "centre CA-issued";
  req.names = {"mrc.centre.lan", "localhost"};
  std::string cert = Dir("centre-cert.pem"), key = Dir("centre-key.pem");
  ASSERT_TRUE(web::MakeCertificate(req, cert, key).ok());
  auto info = web::ReadCertificate(cert);
  ASSERT_TRUE(info.ok());
  EditConfig("hq", {{"tls = \"auto\"", "tls = \"on\""},
                    {"tls_cert = \"\"", "tls_cert = \"" + cert + "\""},
                    {"tls_key = \"\"", "tls_key = \"" + key + "\""}});
  Output o = Mrc({"tls", "renew", "--data", Dir("hq")});
  EXPECT_EQ(1, o.status);
  EXPECT_NE(std::string::npos, o.err.find("names the centre's own certificate")) << o.err;
  ASSERT_FALSE(Start("hq").empty());
  EXPECT_EQ(info->fingerprint,
            nodes_["hq"]->WaitForField("tls_fingerprint", std::chrono::seconds(5)));
  EXPECT_EQ(0, Mrc({"status", "--data", Dir("hq")}).status);
}

}  // namespace
}  // namespace mrc::e2e
