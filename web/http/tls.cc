// Certificates through OpenSSL 3, and the server's TLS context.
//
// The context follows Mozilla's "intermediate" profile: TLS 1.2 and 1.3
// only, and for TLS 1.2 only ECDHE key exchange with AEAD ciphers (AES-GCM,
// ChaCha20-Poly1305); TLS 1.3's own suites are all AEAD. No compression
// (CRIME), no renegotiation (a client could make the server redo the
// expensive half of a handshake at will).
#include "web/http/tls.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

#include "web/http/session.h"

namespace mrc::web {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Names = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

// The most recent OpenSSL error, for a message; clears the queue.
std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

std::string Hex(const unsigned char* p, unsigned n, bool colons) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    if (colons && i > 0) out += ':';
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

std::int64_t ToUnix(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::vector<std::string> AltNames(X509* cert) {
  std::vector<std::string> out;
  Names names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    if (n->type == GEN_DNS) {
      const ASN1_STRING* s = n->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (n->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = n->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      int len = ASN1_STRING_length(s);
      int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
      if (family && inet_ntop(family, ASN1_STRING_get0_data(s), text, sizeof text)) {
        out.emplace_back(text);
      }
    }
  }
  return out;
}

Result<X509Ptr> LoadCert(const std::string& path) {
  Bio bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    if (errno == ENOENT) return Status::NotFound("no certificate file " + path);
    return Status::IOError("cannot read " + path + ": " + std::strerror(errno));
  }
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return Status::InvalidArgument(path + " holds no PEM certificate: " + OpenSslError());
  }
  return cert;
}

// An IPv4 or IPv6 literal in its canonical text form, or "" for anything else.
std::string CanonicalAddress(std::string_view text) {
  std::string s(text);
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN] = {};
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return inet_ntop(AF_INET, buf, out, sizeof out);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return inet_ntop(AF_INET6, buf, out, sizeof out);
  return {};
}

// A host name, or a wildcard "*.centre.lan" (one label, in front).
bool ValidDnsName(std::string_view name) {
  if (name.size() > 2 && name.substr(0, 2) == "*.") name.remove_prefix(2);
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return name.front() != '.' && name.front() != '-';
}

// "DNS:a,IP:10.0.0.1,..." for X509V3_EXT_conf_nid; the names are checked
// first, so none carries a comma or a colon that would change its meaning.
Result<std::string> AltNameConf(const std::vector<std::string>& names) {
  if (names.empty()) return Status::InvalidArgument("a certificate needs at least one name");
  std::string conf;
  for (const auto& n : names) {
    if (!conf.empty()) conf += ',';
    if (std::string ip = CanonicalAddress(n); !ip.empty()) {
      conf += "IP:" + ip;
    } else if (ValidDnsName(n)) {
      conf += "DNS:" + n;
    } else {
      return Status::InvalidArgument("'" + n + "' is neither a host name nor an IP address");
    }
  }
  return conf;
}

Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Status::InvalidArgument("certificate extension '" + value + "': " + OpenSslError());
  }
  return Status::Ok();
}

Status SetSerialAndDates(X509* cert, std::uint32_t days) {
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Status::IOError(OpenSslError());
  serial[0] &= 0x7f;  // a positive INTEGER
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) {
    return Status::IOError(OpenSslError());
  }
  // An hour back: a client whose clock is a little behind still accepts it.
  if (!X509_gmtime_adj(X509_getm_notBefore(cert), -3600) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert), static_cast<int>(days), 0, nullptr)) {
    return Status::IOError(OpenSslError());
  }
  return Status::Ok();
}

Result<X509Ptr> SelfSigned(const CertificateRequest& r, EVP_PKEY* key) {
  MRC_ASSIGN_OR_RETURN(std::string alt, AltNameConf(r.names));
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return Status::IOError(OpenSslError());
  MRC_RETURN_IF_ERROR(SetSerialAndDates(cert.get(), r.days));
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(r.common_name.c_str());
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), subject) != 1 || X509_set_pubkey(cert.get(), key) != 1) {
    return Status::InvalidArgument("certificate subject: " + OpenSslError());
  }
  MRC_RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  MRC_RETURN_IF_ERROR(AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature"));
  MRC_RETURN_IF_ERROR(AddExtension(cert.get(), NID_ext_key_usage, "serverAuth"));
  MRC_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_key_identifier, "hash"));
  MRC_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_alt_name, alt));
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) return Status::IOError(OpenSslError());
  return cert;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

// Writes `text` to `path` with `mode`, through a temporary file and a rename.
Status WriteAtomically(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::IOError("cannot write " + path + ": " + why);
  }
  return Status::Ok();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string FingerprintOfDer(std::string_view der) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (EVP_Digest(der.data(), der.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
  return Hex(md, len, /*colons=*/true);
}

Result<CertificateInfo> ReadCertificate(const std::string& cert_file) {
  MRC_ASSIGN_OR_RETURN(X509Ptr cert, LoadCert(cert_file));
  CertificateInfo info;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) return Status::IOError(OpenSslError());
  info.fingerprint = Hex(md, len, /*colons=*/true);
  unsigned char* der = nullptr;
  int der_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &der);
  if (der_len <= 0) return Status::IOError(OpenSslError());
  EVP_Digest(der, static_cast<std::size_t>(der_len), md, &len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  unsigned char b64[64];
  int b64_len = EVP_EncodeBlock(b64, md, static_cast<int>(len));
  info.spki_sha256_base64.assign(reinterpret_cast<char*>(b64), static_cast<std::size_t>(b64_len));
  Bio subject(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(subject.get(), X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253);
  info.subject = BioText(subject.get());
  info.names = AltNames(cert.get());
  info.not_before = ToUnix(X509_get0_notBefore(cert.get()));
  info.not_after = ToUnix(X509_get0_notAfter(cert.get()));
  // Not X509_check_issued: it also wants keyCertSign, which a leaf lacks.
  info.self_signed =
      X509_NAME_cmp(X509_get_issuer_name(cert.get()), X509_get_subject_name(cert.get())) == 0 &&
      X509_verify(cert.get(), X509_get0_pubkey(cert.get())) == 1;
  ERR_clear_error();
  return info;
}

Status MakeCertificate(const CertificateRequest& request, const std::string& cert_file,
                       const std::string& key_file) {
  if (request.days < 1 || request.days > 3650) {
    return Status::InvalidArgument("certificate validity must be 1 .. 3650 days");
  }
  PKey key(EVP_EC_gen("P-256"));
  if (!key) return Status::IOError("cannot make a P-256 key: " + OpenSslError());
  MRC_ASSIGN_OR_RETURN(X509Ptr cert, SelfSigned(request, key.get()));
  Bio key_pem(BIO_new(BIO_s_mem()));
  Bio cert_pem(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(key_pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_pem.get(), cert.get()) != 1) {
    return Status::IOError("cannot encode the certificate: " + OpenSslError());
  }
  MRC_RETURN_IF_ERROR(WriteAtomically(key_file, BioText(key_pem.get()), 0600));
  return WriteAtomically(cert_file, BioText(cert_pem.get()), 0644);
}

Status CheckKeyMatches(const std::string& cert_file, const std::string& key_file) {
  MRC_ASSIGN_OR_RETURN(X509Ptr cert, LoadCert(cert_file));
  Bio bio(BIO_new_file(key_file.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    return Status::InvalidArgument("cannot read the TLS key " + key_file + ": " +
                                   std::strerror(errno));
  }
  PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Status::InvalidArgument(key_file + " holds no PEM private key");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("the key in " + key_file +
                                   " does not belong to the certificate in " + cert_file);
  }
  return Status::Ok();
}

bool HostMatchesNames(std::string_view host, const std::vector<std::string>& names) {
  if (host.empty()) return false;
  std::string ip = CanonicalAddress(host);
  std::string h = Lower(host);
  if (!h.empty() && h.back() == '.') h.pop_back();  // "centre.lan." is centre.lan
  for (const auto& n : names) {
    if (!ip.empty()) {
      if (CanonicalAddress(n) == ip) return true;
      continue;
    }
    std::string name = Lower(n);
    if (name == h) return true;
    // "*.centre.lan" covers "mrc.centre.lan", not "centre.lan" nor "a.b.centre.lan".
    if (name.size() > 2 && name.compare(0, 2, "*.") == 0) {
      std::string_view suffix = std::string_view(name).substr(1);  // ".centre.lan"
      auto dot = h.find('.');
      if (dot != std::string::npos && dot > 0 && std::string_view(h).substr(dot) == suffix) {
        return true;
      }
    }
  }
  return false;
}

namespace detail {

Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                   ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                   ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native,
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1 ||
      SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384") != 1) {
    return Status::IOError("cannot set up TLS: " + OpenSslError());
  }
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    ERR_clear_error();
    return Status::InvalidArgument("cannot use the TLS certificate " + cert_file + ": " +
                                   ec.message());
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("cannot use the TLS key " + key_file + ": " +
                                   (ec ? ec.message() : "it does not belong to " + cert_file));
  }
  return ctx;
}

}  // namespace detail
}  // namespace mrc::web
