// The web UI's TLS certificate: reading one (the node's own or the centre's),
// and making the node's own self-signed one.
//
//   auto info = web::ReadCertificate("/data/tls/cert.pem");
//   std::cout << info->fingerprint;  // "3A:7F:...": what a browser shows
//
// The node's own certificate is ECDSA P-256 (every browser accepts it;
// Chromium refuses Ed25519 certificates), valid for the names and addresses
// it is made for (subjectAltName), for `days` days. OpenSSL stays in tls.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"

namespace mrc::web {

struct CertificateInfo {
  // SHA-256 of the DER certificate, uppercase hex pairs joined by ':' (as
  // browsers and `openssl x509 -fingerprint -sha256` show it).
  std::string fingerprint;
  // SHA-256 of the DER SubjectPublicKeyInfo, base64: what curl's
  // --pinnedpubkey sha256//... and Chromium's
  // --ignore-certificate-errors-spki-list take.
  std::string spki_sha256_base64;
  std::string subject;             // "CN=mrcnode centre.lan"
  std::vector<std::string> names;  // subjectAltName DNS names and IP addresses, as written
  std::int64_t not_before = 0;     // Unix seconds
  std::int64_t not_after = 0;      // Unix seconds
  bool self_signed = false;        // issuer == subject and its own key verifies it
};

// The fingerprint (as CertificateInfo::fingerprint) of a DER certificate.
std::string FingerprintOfDer(std::string_view der);

// Reads the first certificate of a PEM file. NotFound when the file is
// missing, InvalidArgument when it holds no PEM certificate.
Result<CertificateInfo> ReadCertificate(const std::string& cert_file);

struct CertificateRequest {
  std::string common_name = "mrcnode";  // the subject's CN (names go in subjectAltName)
  // DNS names and IP addresses (v4 or v6 literals), at least one.
  std::vector<std::string> names;
  std::uint32_t days = 730;  // validity from now; 1 .. 3650
};

// Makes a new P-256 key and a self-signed certificate for `request` and
// writes them as PEM: the key with mode 0600. Each file is replaced
// atomically (a temporary file and a rename); the key is written first, so
// a crash between the two leaves a key that matches no certificate, which
// the next start notices (LoadServerTls) and replaces both.
Status MakeCertificate(const CertificateRequest& request, const std::string& cert_file,
                       const std::string& key_file);

// Whether `key_file` holds the private key of `cert_file`'s certificate.
// InvalidArgument (with the reason) when not, or when either is unreadable.
Status CheckKeyMatches(const std::string& cert_file, const std::string& key_file);

// Whether `host` (a Host header's name, without port and brackets) is one
// of `names` (a certificate's subjectAltNames): case-insensitive, IP
// addresses compared as addresses, and "*.centre.lan" matching exactly one
// label in front of centre.lan.
bool HostMatchesNames(std::string_view host, const std::vector<std::string>& names);

}  // namespace mrc::web
