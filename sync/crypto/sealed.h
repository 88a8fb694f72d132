// Sealed envelopes: end-to-end encryption of referral payloads between
// centres (docs/referrals.md). Only the recipients can open one; relays,
// headquarters and anyone holding the log see ciphertext and the
// recipients' public keys, nothing else.
//
// Each centre has an X25519 key pair for this (BoxKeyPair), separate from
// its Ed25519 signing key. An envelope holds a fresh random data key,
// wrapped for each recipient with libsodium's sealed box, and the payload
// encrypted under it with XChaCha20-Poly1305. Inside the encryption the
// sender signs (Ed25519) the context, the recipients and the payload: a
// sealed box alone does not say who sent it, and the signature ties the
// payload to the recipients the sender chose, so a recipient cannot pass it
// off as sent to someone else.
//
// Layout (all binding, none secret):
//   version(1) = 1, n(1) recipients (1..8),
//   n x [recipient X25519 public key(32), sealed data key(80)],
//   nonce(24), ciphertext of [sender Ed25519 key(32), signature(64), payload]
// The header (everything before the ciphertext) and the context are the
// ciphertext's associated data. The context is not stored: it binds the
// envelope to where it is used (a referral's id), and the opener supplies
// it again.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"

namespace mrc::sync {

struct BoxKeyPair {
  Hash32 public_key{};
  Hash32 secret_key{};
};

BoxKeyPair GenerateBoxKeyPair();
// InvalidArgument unless `secret32` is 32 bytes.
Result<BoxKeyPair> BoxKeyPairFromSecret(std::string_view secret32);

struct Opened {
  Hash32 sender{};  // the Ed25519 key that signed inside
  std::string payload;
};

inline constexpr std::size_t kMaxRecipients = 8;

// Seals `payload` for `recipients` (X25519 public keys, 1 to 8, distinct),
// signed inside with `sender`. InvalidArgument for a bad recipient list.
Result<Bytes> Seal(const KeyPair& sender, std::string_view context, std::string_view payload,
                   const std::vector<Hash32>& recipients);

// Opens an envelope with `me`, one of its recipients. NotFound when `me`
// is not a recipient; Corruption when the envelope is malformed, was
// altered, was sealed for another context, or its inner signature is not
// the sender's.
Result<Opened> Open(const BoxKeyPair& me, std::string_view context, std::string_view envelope);

// The recipients' public keys (readable without any key).
Result<std::vector<Hash32>> Recipients(std::string_view envelope);

}  // namespace mrc::sync
