#include "sync/crypto/crypto.h"

#include <sodium.h>

#include <cstring>

namespace mrc::sync {

static_assert(sizeof(crypto_generichash_state) <= 384, "Hasher state too small");
static_assert(crypto_sign_SECRETKEYBYTES == 64 && crypto_sign_PUBLICKEYBYTES == 32);

Status InitCrypto() {
  if (sodium_init() < 0) return Status::IOError("libsodium failed to initialise");
  return Status::Ok();
}

KeyPair GenerateKeyPair() {
  KeyPair kp;
  crypto_sign_keypair(kp.public_key.data(), kp.secret_key.data());
  return kp;
}

Result<KeyPair> KeyPairFromSecret(std::string_view secret64) {
  if (secret64.size() != 64) return Status::InvalidArgument("secret key must be 64 bytes");
  KeyPair kp;
  std::memcpy(kp.secret_key.data(), secret64.data(), 64);
  // Derive the public key from the seed rather than trusting the stored copy.
  SecretKey check;
  crypto_sign_seed_keypair(kp.public_key.data(), check.data(), kp.secret_key.data());
  if (sodium_memcmp(check.data(), kp.secret_key.data(), 64) != 0) {
    return Status::InvalidArgument("secret key is inconsistent (public half does not match seed)");
  }
  sodium_memzero(check.data(), check.size());
  return kp;
}

Signature Sign(const KeyPair& key, std::string_view message) {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), key.secret_key.data());
  return sig;
}

bool VerifySignature(const Hash32& public_key, std::string_view message, const Signature& sig) {
  return crypto_sign_verify_detached(sig.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

Hash32 Blake2b256(std::string_view data) {
  Hash32 out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), nullptr, 0);
  return out;
}

Hasher::Hasher() {
  crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(state_.data()), nullptr, 0,
                          32);
}

void Hasher::Update(std::string_view data) {
  crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(state_.data()),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

Hash32 Hasher::Finish() {
  Hash32 out;
  crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(state_.data()), out.data(),
                           out.size());
  return out;
}

void RandomBytes(void* out, std::size_t n) { randombytes_buf(out, n); }

}  // namespace mrc::sync
