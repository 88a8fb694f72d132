// The web UI's certificate in a data directory: the centre's own, when the
// config names one (http.tls_cert, http.tls_key), else the node's own,
// self-signed, in DATA/tls/ (docs/operations.md, "The UI on the centre's
// network (TLS)").
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "config/foundation/status.h"
#include "web/http/tls.h"

namespace mrc::node {

struct UiCertificate {
  std::string cert_file;  // PEM
  std::string key_file;   // PEM, mode 0600 when the node made it
  bool node_made = true;  // false: the config names the centre's own
};
UiCertificate UiCertificateOf(const std::string& data_dir, const config::Config& config);

// What the node's own certificate is made for: the host name (and
// NAME.local, how mDNS announces it), localhost, 127.0.0.1, ::1, the listen
// address, or every address of the machine when it listens on all of
// them, and http.tls_names.
std::vector<std::string> NodeCertificateNames(const config::Config& config);

// The UI's certificate, ready to serve: the node's own is made when it is
// missing, when its key does not match, when it expires within 30 days, or
// when it lacks the listen address or a name of http.tls_names (`note`
// then says so, for the user); the centre's own is only read.
Result<web::CertificateInfo> PrepareUiCertificate(const std::string& data_dir,
                                                  const config::Config& config, std::string* note);

// The names and addresses NodeCertificateNames gives now that the node's
// own certificate lacks (the machine's addresses change with a DHCP lease
// or a new network), joined by ", "; "" when it holds them all.
std::string NamesNotCovered(const web::CertificateInfo& info, const config::Config& config);

// "  certificate: FILE\n  fingerprint: SHA-256 AB:CD:...\n  names: ...\n  valid until: ..."
std::string DescribeCertificate(const UiCertificate& files, const web::CertificateInfo& info);

int CmdTlsShow(const std::string& data_dir);
int CmdTlsRenew(const std::string& data_dir);

}  // namespace mrc::node
