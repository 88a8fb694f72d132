// Thin wrappers over libsodium: Ed25519 identities, BLAKE2b-256, randomness.
// The only sync header that names libsodium concepts; sodium.h itself stays in
// crypto.cc.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::sync {

using Signature = std::array<std::uint8_t, 64>;
using SecretKey = std::array<std::uint8_t, 64>;  // libsodium's seed || public key

struct KeyPair {
  Hash32 public_key{};
  SecretKey secret_key{};
};

// Must succeed once before any other call; safe to call repeatedly.
Status InitCrypto();

KeyPair GenerateKeyPair();
// Rebuilds a key pair from a 64-byte secret key; InvalidArgument if its public
// half does not match its seed.
Result<KeyPair> KeyPairFromSecret(std::string_view secret64);
Signature Sign(const KeyPair& key, std::string_view message);
bool VerifySignature(const Hash32& public_key, std::string_view message, const Signature& sig);

Hash32 Blake2b256(std::string_view data);
// Incremental BLAKE2b-256 for data that arrives in pieces (the state digest).
class Hasher {
 public:
  Hasher();
  void Update(std::string_view data);
  Hash32 Finish();

 private:
  alignas(64) std::array<std::uint8_t, 384> state_;
};

void RandomBytes(void* out, std::size_t n);

}  // namespace mrc::sync
