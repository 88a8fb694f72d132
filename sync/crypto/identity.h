// A node's identity (its Ed25519 key pair on disk) and the network genesis.
//
// The genesis defines a network: its name, the headquarters root key and the
// creation time, signed by that root key. The network id is the BLAKE2b-256
// hash of the genesis body, so nobody can claim an existing network id for a
// different root key. Its text form, "mrc-genesis-1." followed by hex, is what
// headquarters hands to a new centre (as the file genesis.txt or a string).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"
#include "sync/crypto/sealed.h"

namespace mrc::sync {

// Writes the secret key with mode 0600 (and the public key, hex, beside it
// as `<path>.pub`... callers choose the paths). Fails if `path` exists.
Status WriteSecretKey(const std::string& path, const KeyPair& key);
// PermissionDenied when the file is readable or writable by group or others;
// Corruption when it is not a valid key.
Result<KeyPair> LoadSecretKey(const std::string& path);
// The centre's encryption key pair (X25519, for referrals: see
// docs/referrals.md), created with mode 0600 when the file does not exist;
// otherwise checked like LoadSecretKey.
Result<BoxKeyPair> LoadOrCreateEncryptionKey(const std::string& path);

struct Genesis {
  std::string network_name;
  Hash32 root_key{};
  std::uint64_t created_ms = 0;
  Signature signature{};

  Hash32 network_id() const;
  std::string ToText() const;
};

// Creates and signs a genesis with the headquarters root key.
Genesis MakeGenesis(const KeyPair& root, std::string_view network_name, std::uint64_t created_ms);
// Parses and verifies the text form (surrounding whitespace ignored).
Result<Genesis> GenesisFromText(std::string_view text);

}  // namespace mrc::sync
