#include "sync/crypto/identity.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mrc::sync {
namespace {

constexpr std::string_view kGenesisTag = "mrc-genesis-v1";
constexpr std::string_view kGenesisPrefix = "mrc-genesis-1.";

Bytes GenesisBody(const Genesis& g) {
  Bytes b;
  b.push_back(1);
  PutHash(&b, g.root_key);
  PutU64(&b, g.created_ms);
  PutU16(&b, static_cast<std::uint16_t>(g.network_name.size()));
  b.append(g.network_name);
  return b;
}

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

}  // namespace

namespace {

// Writes secret bytes to a new file readable by its owner only.
Status WriteSecretBytes(const std::string& path, const std::uint8_t* p, std::size_t left) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create key file", path);
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Errno("cannot write key file", path);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Errno("cannot sync key file", path);
  return Status::Ok();
}

// Reads a key file of exactly `size` bytes that no other user can read.
Result<std::string> ReadSecretBytes(const std::string& path, std::size_t size,
                                    std::string_view what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return Status::NotFound("key file " + path + " does not exist (run `mrcnode init`)");
    return Errno("cannot open key file", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Errno("cannot stat key file", path);
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::PermissionDenied("key file " + path + " is accessible by other users (mode " +
                                    mode + "); run: chmod 600 " + path);
  }
  std::string buf(size + 1, '\0');
  ssize_t n = ::read(fd, buf.data(), buf.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(size))
    return Status::Corruption("key file " + path + " is not " + std::string(what));
  buf.resize(size);
  return buf;
}

}  // namespace

Status WriteSecretKey(const std::string& path, const KeyPair& key) {
  return WriteSecretBytes(path, key.secret_key.data(), key.secret_key.size());
}

Result<KeyPair> LoadSecretKey(const std::string& path) {
  MRC_ASSIGN_OR_RETURN(std::string bytes,
                       ReadSecretBytes(path, 64, "a 64-byte Ed25519 secret key"));
  auto kp = KeyPairFromSecret(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  if (!kp.ok()) return kp.status().Annotate("key file " + path);
  return kp;
}

Result<BoxKeyPair> LoadOrCreateEncryptionKey(const std::string& path) {
  auto bytes = ReadSecretBytes(path, 32, "a 32-byte X25519 secret key");
  if (bytes.status().IsNotFound()) {
    BoxKeyPair k = GenerateBoxKeyPair();
    MRC_RETURN_IF_ERROR(WriteSecretBytes(path, k.secret_key.data(), k.secret_key.size()));
    return k;
  }
  if (!bytes.ok()) return bytes.status();
  auto k = BoxKeyPairFromSecret(*bytes);
  sodium_memzero(bytes->data(), bytes->size());
  return k;
}

Hash32 Genesis::network_id() const { return Blake2b256(GenesisBody(*this)); }

std::string Genesis::ToText() const {
  Bytes b = GenesisBody(*this);
  b.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return std::string(kGenesisPrefix) + ToHex(b);
}

Genesis MakeGenesis(const KeyPair& root, std::string_view network_name, std::uint64_t created_ms) {
  Genesis g{std::string(network_name), root.public_key, created_ms, {}};
  g.signature = Sign(root, std::string(kGenesisTag) + GenesisBody(g));
  return g;
}

Result<Genesis> GenesisFromText(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  auto bad = [](std::string_view why) {
    return Status::InvalidArgument("not a valid network genesis: " + std::string(why));
  };
  if (text.substr(0, kGenesisPrefix.size()) != kGenesisPrefix)
    return bad("it must start with mrc-genesis-1.");
  auto raw = FromHex(text.substr(kGenesisPrefix.size()));
  if (!raw) return bad("not hex after the prefix");
  std::string_view in = *raw;
  Genesis g;
  std::uint8_t format;
  std::uint16_t name_len;
  std::string_view name, sig;
  if (!GetU8(&in, &format) || format != 1 || !GetHash(&in, &g.root_key) ||
      !GetU64(&in, &g.created_ms) || !GetU16(&in, &name_len) || !GetBytes(&in, name_len, &name) ||
      !GetBytes(&in, 64, &sig) || !in.empty()) {
    return bad("truncated or malformed");
  }
  g.network_name = std::string(name);
  std::memcpy(g.signature.data(), sig.data(), 64);
  if (!VerifySignature(g.root_key, std::string(kGenesisTag) + GenesisBody(g), g.signature)) {
    return bad("its signature does not verify");
  }
  return g;
}

}  // namespace mrc::sync
