// The peer handshake: mutual authentication by the nodes' Ed25519 keys, a
// network capability derived from the genesis, and ephemeral X25519 keys for
// forward secrecy. Socket-agnostic: it consumes and produces whole messages
// (docs/protocol.md, "Handshake").
//
//   1. I -> R  e_i || MAC_K("mrc-hs-1" || e_i)                          64 bytes
//   2. R -> I  e_r || MAC_K("mrc-hs-2" || e_i || e_r)                   64 bytes
//   3. I -> R  box_k3(pk_i || sig_i("mrc-hs-sig-i" || T))               112 bytes
//   4. R -> I  box_k4(pk_r || sig_r("mrc-hs-sig-r" || T || pk_i))       112 bytes
// K is the network capability, s = X25519(e_i, e_r), T = H(K || e_i || e_r || s).
//
// A driver loop, the same for both roles:
//   while (!hs.done()) {
//     send(hs.Next());                      // may be empty
//     if (hs.done()) break;
//     if (!hs.Receive(read_exactly(hs.expected())).ok()) close();
//   }
// Not thread-safe; one object per link attempt.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"

namespace mrc::sync {

// BLAKE2b-256("mrc-network-cap-v1" || network_id): the secret every node of
// a network derives from its genesis.
Hash32 NetworkCapability(const Hash32& network_id);

// BLAKE2b-256 keyed by `key`: the handshake's MAC and key derivation. Public
// so that tests and other implementations can build protocol messages.
Hash32 KeyedBlake2b256(const Hash32& key, std::string_view data);

inline constexpr std::size_t kHandshakeHelloBytes = 64;  // messages 1 and 2
inline constexpr std::size_t kHandshakeAuthBytes = 112;  // messages 3 and 4

struct SessionKeys {
  std::array<std::uint8_t, 32> send{};
  std::array<std::uint8_t, 32> receive{};
};

class Handshake {
 public:
  enum class Role { kInitiator, kResponder };

  // Keeps a copy of `identity` (wiped on destruction) for signing.
  Handshake(Role role, const KeyPair& identity, const Hash32& network_id);
  ~Handshake();
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;

  // Size in bytes of the next message this side must receive; 0 when it must
  // send, is done or has failed.
  std::size_t expected() const;
  // The next message to send; empty when this side must wait, is done or has
  // failed. Each call returns a message once.
  Bytes Next();
  // Feeds one complete received message of exactly expected() bytes. Any
  // error ends the handshake (failed() becomes true):
  //   PermissionDenied  a stranger or a node of another network (bad MAC on
  //                     message 1 or 2), or a peer presenting our own key
  //                     ("connected to itself");
  //   Corruption        a message of the wrong size or at the wrong time, a
  //                     degenerate ephemeral key, a box that does not decrypt
  //                     or an identity signature that does not verify.
  Status Receive(std::string_view message);
  bool done() const { return step_ == Step::kDone; }
  bool failed() const { return step_ == Step::kFailed; }
  // The peer's Ed25519 identity; valid when done().
  const Hash32& peer() const { return peer_; }
  // Valid when done(): initiator.send == responder.receive and vice versa.
  SessionKeys keys() const { return keys_; }

 private:
  enum class Step {
    kSend1,
    kWait1,
    kSend2,
    kWait2,
    kSend3,
    kWait3,
    kSend4,
    kWait4,
    kDone,
    kFailed
  };
  void NewEphemeral();
  [[nodiscard]] Status DeriveTranscript();
  Hash32 HelloMac(int n) const;      // the MAC of message 1 or 2, from e_i_ and e_r_
  Bytes SignedMessage(int n) const;  // what message 3 or 4 signs; holds T
  Bytes SealIdentity(int n) const;
  Status OpenIdentity(int n, std::string_view box, Hash32* pk) const;
  void DeriveSessionKeys(const Hash32& pk_i, const Hash32& pk_r);
  void Wipe();
  Status Fail(Status s);

  Role role_;
  KeyPair identity_;
  Hash32 cap_{};
  Step step_;
  std::array<std::uint8_t, 32> eph_secret_{};  // ours, until T is derived
  Hash32 e_i_{}, e_r_{};                       // both ephemeral public keys
  Hash32 transcript_{};                        // T, until the session keys are derived
  Hash32 peer_{};
  SessionKeys keys_;
};

}  // namespace mrc::sync
