#include "sync/crypto/sealed.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace mrc::sync {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;     // 32
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;  // 24
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;       // 16
constexpr std::size_t kWrappedBytes = crypto_box_SEALBYTES + kKeyBytes;            // 80
constexpr std::size_t kEntryBytes = 32 + kWrappedBytes;
constexpr std::string_view kSignDomain = "mrc-seal-v1";

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// What the sender signs: the domain, the context's hash, the recipients'
// keys in envelope order, and the payload.
std::string SignedMessage(std::string_view context, const std::vector<Hash32>& recipients,
                          std::string_view payload) {
  std::string m(kSignDomain);
  Hash32 ctx = Blake2b256(context);
  m.append(AsView(ctx));
  m.push_back(static_cast<char>(recipients.size()));
  for (const auto& r : recipients) m.append(AsView(r));
  m.append(payload);
  return m;
}

struct Parsed {
  std::vector<Hash32> recipients;
  std::vector<std::string_view> wrapped;
  std::string_view header;  // version .. last recipient entry
  std::string_view nonce;
  std::string_view ciphertext;
};

Result<Parsed> Parse(std::string_view e) {
  const Status bad = Status::Corruption("not a sealed envelope, or a damaged one");
  if (e.size() < 2 || static_cast<std::uint8_t>(e[0]) != kVersion) return bad;
  std::size_t n = static_cast<std::uint8_t>(e[1]);
  if (n == 0 || n > kMaxRecipients) return bad;
  std::size_t header = 2 + n * kEntryBytes;
  if (e.size() < header + kNonceBytes + kTagBytes + 32 + 64) return bad;
  Parsed p;
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view entry = e.substr(2 + i * kEntryBytes, kEntryBytes);
    p.recipients.push_back(Hash32FromView(entry.substr(0, 32)));
    p.wrapped.push_back(entry.substr(32));
  }
  p.header = e.substr(0, header);
  p.nonce = e.substr(header, kNonceBytes);
  p.ciphertext = e.substr(header + kNonceBytes);
  return p;
}

}  // namespace

BoxKeyPair GenerateBoxKeyPair() {
  BoxKeyPair k;
  crypto_box_keypair(k.public_key.data(), k.secret_key.data());
  return k;
}

Result<BoxKeyPair> BoxKeyPairFromSecret(std::string_view secret32) {
  if (secret32.size() != 32) return Status::InvalidArgument("an encryption secret key is 32 bytes");
  BoxKeyPair k;
  std::memcpy(k.secret_key.data(), secret32.data(), 32);
  crypto_scalarmult_base(k.public_key.data(), k.secret_key.data());
  return k;
}

Result<Bytes> Seal(const KeyPair& sender, std::string_view context, std::string_view payload,
                   const std::vector<Hash32>& recipients) {
  if (recipients.empty() || recipients.size() > kMaxRecipients)
    return Status::InvalidArgument("an envelope is sealed for 1 to 8 recipients");
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    if (std::find(recipients.begin(), recipients.begin() + i, recipients[i]) !=
        recipients.begin() + i)
      return Status::InvalidArgument("a recipient is listed twice");
  }
  std::string key(kKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  std::string out;
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(recipients.size()));
  for (const auto& r : recipients) {
    std::string wrapped(kWrappedBytes, '\0');
    if (crypto_box_seal(U(wrapped), U(key), key.size(), r.data()) != 0) {
      sodium_memzero(key.data(), key.size());
      return Status::InvalidArgument("a recipient's key is not a valid X25519 public key");
    }
    out.append(AsView(r));
    out.append(wrapped);
  }
  std::size_t header = out.size();
  std::string nonce(kNonceBytes, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  out.append(nonce);

  Signature sig = Sign(sender, SignedMessage(context, recipients, payload));
  std::string inner;
  inner.reserve(32 + 64 + payload.size());
  inner.append(AsView(sender.public_key));
  inner.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  inner.append(payload);

  std::string ad = out.substr(0, header);
  ad.append(context);
  std::string cipher(inner.size() + kTagBytes, '\0');
  unsigned long long cipher_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(U(cipher), &cipher_len, U(inner), inner.size(), U(ad),
                                             ad.size(), nullptr, U(nonce), U(key));
  sodium_memzero(key.data(), key.size());
  sodium_memzero(inner.data(), inner.size());
  cipher.resize(cipher_len);
  out.append(cipher);
  return out;
}

Result<Opened> Open(const BoxKeyPair& me, std::string_view context, std::string_view envelope) {
  MRC_ASSIGN_OR_RETURN(Parsed p, Parse(envelope));
  auto mine = std::find(p.recipients.begin(), p.recipients.end(), me.public_key);
  if (mine == p.recipients.end())
    return Status::NotFound("this envelope is not sealed for this centre's key");
  std::string_view wrapped = p.wrapped[mine - p.recipients.begin()];
  std::string key(kKeyBytes, '\0');
  const Status altered = Status::Corruption("the envelope was altered, or sealed for another use");
  if (crypto_box_seal_open(U(key), U(wrapped), wrapped.size(), me.public_key.data(),
                           me.secret_key.data()) != 0) {
    return altered;
  }
  std::string ad(p.header);
  ad.append(context);
  std::string inner(p.ciphertext.size(), '\0');
  unsigned long long inner_len = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(U(inner), &inner_len, nullptr,
                                                      U(p.ciphertext), p.ciphertext.size(), U(ad),
                                                      ad.size(), U(p.nonce), U(key));
  sodium_memzero(key.data(), key.size());
  if (rc != 0) return altered;
  inner.resize(inner_len);
  if (inner.size() < 32 + 64) return altered;
  Opened o;
  o.sender = Hash32FromView(std::string_view(inner).substr(0, 32));
  Signature sig;
  std::memcpy(sig.data(), inner.data() + 32, sig.size());
  o.payload = inner.substr(32 + 64);
  sodium_memzero(inner.data(), inner.size());
  if (!VerifySignature(o.sender, SignedMessage(context, p.recipients, o.payload), sig)) {
    return Status::Corruption("the signature inside the envelope is not its sender's");
  }
  return o;
}

Result<std::vector<Hash32>> Recipients(std::string_view envelope) {
  MRC_ASSIGN_OR_RETURN(Parsed p, Parse(envelope));
  return p.recipients;
}

}  // namespace mrc::sync
