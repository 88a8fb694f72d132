// The UI's certificate: which files, making the node's own, and the `tls`
// commands.
#include "node/tls.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "node/commands.h"

namespace mrc::node {
namespace {

// The node's own certificate is replaced at start this long before it
// expires, so that it never lapses on a node that is restarted now and then.
constexpr std::int64_t kRenewBeforeSeconds = 30 * 86400;

void AddOnce(std::vector<std::string>* names, std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!name.empty() && std::find(names->begin(), names->end(), name) == names->end()) {
    names->push_back(std::move(name));
  }
}

// The machine's own addresses, but loopback (listed anyway) and IPv6
// link-local ones (a browser cannot open a URL with a zone).
void AddInterfaceAddresses(bool v6, std::vector<std::string>* names) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK)) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (i->ifa_addr->sa_family == AF_INET) {
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text,
                  sizeof text);
    } else if (v6 && i->ifa_addr->sa_family == AF_INET6) {
      const in6_addr& a = reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr;
      if (IN6_IS_ADDR_LINKLOCAL(&a)) continue;
      ::inet_ntop(AF_INET6, &a, text, sizeof text);
    }
    AddOnce(names, text);
  }
  ::freeifaddrs(list);
}

std::string Utc(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

Status MakeNodeCertificate(const UiCertificate& files, const config::Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(files.cert_file).parent_path(), ec);
  if (ec) return Status::IOError("cannot create the directory of " + files.cert_file);
  web::CertificateRequest req;
  req.names = NodeCertificateNames(config);
  req.common_name = "mrcnode " + (config.node_name.empty() ? req.names.front() : config.node_name);
  if (req.common_name.size() > 64) req.common_name.resize(64);  // the X.509 limit for a CN
  return web::MakeCertificate(req, files.cert_file, files.key_file);
}

// The configured names the node's own certificate must hold, since the
// server answers no other Host (the listen address when it is one address,
// and http.tls_names); "" when it holds them all. The machine's addresses
// on a wildcard listen are not among them: a DHCP lease that changes
// would replace the certificate, and make staff check a new one, each time.
std::string MissingName(const web::CertificateInfo& info, const config::Config& config) {
  std::vector<std::string> wanted = config.http_tls_names;
  if (auto listen = config::ParseHostPort(config.http_listen); listen.ok()) {
    if (listen->host != "0.0.0.0" && listen->host != "::" && listen->host != "localhost") {
      wanted.push_back(listen->host);
    }
  }
  for (const auto& name : wanted) {
    if (!web::HostMatchesNames(name, info.names)) return name;
  }
  return {};
}

Result<config::Config> LoadConfig(const std::string& data_dir) {
  if (std::error_code ec; !std::filesystem::exists(data_dir + "/identity.key", ec)) {
    return Status::NotFound(data_dir +
                            " is not an mrcnode data directory (run `mrcnode init --data " +
                            data_dir + "` first)");
  }
  return config::LoadFile(data_dir + "/config.toml");
}

}  // namespace

UiCertificate UiCertificateOf(const std::string& data_dir, const config::Config& config) {
  if (!config.http_tls_cert.empty()) return {config.http_tls_cert, config.http_tls_key, false};
  return {data_dir + "/tls/cert.pem", data_dir + "/tls/key.pem", true};
}

std::vector<std::string> NodeCertificateNames(const config::Config& config) {
  std::vector<std::string> names;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') {
    std::string h = host;
    bool usable = std::all_of(h.begin(), h.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    });
    if (usable) {
      AddOnce(&names, h);
      if (h.find('.') == std::string::npos) AddOnce(&names, h + ".local");
    }
  }
  AddOnce(&names, "localhost");
  AddOnce(&names, "127.0.0.1");
  AddOnce(&names, "::1");
  if (auto listen = config::ParseHostPort(config.http_listen); listen.ok()) {
    if (listen->host == "0.0.0.0" || listen->host == "::") {
      AddInterfaceAddresses(listen->host == "::", &names);
    } else if (listen->host != "localhost") {
      AddOnce(&names, listen->host);
    }
  }
  for (const auto& n : config.http_tls_names) AddOnce(&names, n);
  return names;
}

Result<web::CertificateInfo> PrepareUiCertificate(const std::string& data_dir,
                                                  const config::Config& config, std::string* note) {
  note->clear();
  UiCertificate files = UiCertificateOf(data_dir, config);
  if (!files.node_made) {
    auto info = web::ReadCertificate(files.cert_file);
    if (!info.ok()) return info.status().Annotate("http.tls_cert");
    return info;
  }
  auto info = web::ReadCertificate(files.cert_file);
  if (!info.ok()) {
    if (info.status().code() != Status::Code::kNotFound) return info.status();
    *note = "made a certificate for the web UI";
  } else if (!web::CheckKeyMatches(files.cert_file, files.key_file).ok()) {
    *note = "made a new certificate for the web UI (its key was missing or did not match)";
  } else if (info->not_after - kRenewBeforeSeconds <
             static_cast<std::int64_t>(std::time(nullptr))) {
    *note = "renewed the web UI's certificate, which expires " + Utc(info->not_after);
  } else if (std::string missing = MissingName(*info, config); !missing.empty()) {
    *note = "made a new certificate for the web UI: the old one was not made for " + missing +
            " (http.listen, http.tls_names)";
  } else {
    return info;
  }
  MRC_RETURN_IF_ERROR(MakeNodeCertificate(files, config));
  return web::ReadCertificate(files.cert_file);
}

std::string NamesNotCovered(const web::CertificateInfo& info, const config::Config& config) {
  std::string out;
  for (const auto& name : NodeCertificateNames(config)) {
    if (!web::HostMatchesNames(name, info.names)) out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

std::string DescribeCertificate(const UiCertificate& files, const web::CertificateInfo& info) {
  std::string names;
  for (const auto& n : info.names) names += (names.empty() ? "" : ", ") + n;
  return "  certificate: " + files.cert_file +
         (files.node_made ? " (made by this node)" : " (the centre's own, http.tls_cert)") +
         "\n  fingerprint: SHA-256 " + info.fingerprint + "\n  names:       " + names +
         "\n  valid:       " + Utc(info.not_before) + " to " + Utc(info.not_after) + "\n";
}

int CmdTlsShow(const std::string& data_dir) {
  auto config = LoadConfig(data_dir);
  if (!config.ok()) return Fail(config.status());
  UiCertificate files = UiCertificateOf(data_dir, *config);
  auto info = web::ReadCertificate(files.cert_file);
  if (!info.ok()) {
    if (info.status().code() == Status::Code::kNotFound && files.node_made) {
      return Fail(Status::NotFound("no certificate yet in " + files.cert_file +
                                   " (the node makes one when it starts, or run `mrcnode tls "
                                   "renew`)"));
    }
    return Fail(info.status());
  }
  std::cout << (config::HttpUsesTls(*config) ? "web UI: HTTPS on " : "web UI: plain HTTP on ")
            << config->http_listen << "\n"
            << DescribeCertificate(files, *info) << "  SPKI pin:    sha256//"
            << info->spki_sha256_base64 << "\n";
  return 0;
}

int CmdTlsRenew(const std::string& data_dir) {
  auto config = LoadConfig(data_dir);
  if (!config.ok()) return Fail(config.status());
  UiCertificate files = UiCertificateOf(data_dir, *config);
  if (!files.node_made) {
    return Fail(Status::InvalidArgument(
        "the config names the centre's own certificate (http.tls_cert = " + files.cert_file +
        "); renew it where it was issued, or remove http.tls_cert and http.tls_key to let the "
        "node make its own"));
  }
  if (Status s = MakeNodeCertificate(files, *config); !s.ok()) return Fail(s);
  auto info = web::ReadCertificate(files.cert_file);
  if (!info.ok()) return Fail(info.status());
  std::cout << "made a new certificate for the web UI\n"
            << DescribeCertificate(files, *info)
            << "A running node serves it from its next start; staff's browsers will ask about "
               "the new certificate once: check its fingerprint.\n";
  return 0;
}

}  // namespace mrc::node
