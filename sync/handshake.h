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
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "config/base/bytes.h"
#include "config/base/status.h"
#include "sync/crypto.h"

namespace mrc::sync {

// BLAKE2b-256("mrc-network-cap-v1" || network_id): the secret every node of
// a network derives from its genesis.
Hash32 NetworkCapability(const Hash32& network_id);

struct SessionKeys {
  std::array<std::uint8_t, 32> send{};
  std::array<std::uint8_t, 32> receive{};
};

class Handshake {
 public:
  enum class Role { kInitiator, kResponder };

  Handshake(Role role, const KeyPair& identity, const Hash32& network_id);
  ~Handshake();
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;

  // Size of the next message this side must receive; 0 when it must send or
  // is done.
  std::size_t expected() const;
  // The next message to send; empty when this side must wait or is done.
  Bytes Next();
  // One complete received message of exactly expected() bytes.
  // PermissionDenied for a stranger, another network or ourselves;
  // Corruption for a malformed message or a bad signature.
  Status Receive(std::string_view message);
  bool done() const { return step_ == Step::kDone; }
  const Hash32& peer() const { return peer_; }
  SessionKeys keys() const { return keys_; }

 private:
  enum class Step { kSend1, kWait1, kSend2, kWait2, kSend3, kWait3, kSend4, kWait4, kDone, kFailed };
  bool DeriveTranscript();  // false for a degenerate peer key
  void DeriveSessionKeys(const Hash32& pk_i, const Hash32& pk_r);
  Status Fail(Status s);

  Role role_;
  KeyPair identity_;
  Hash32 cap_{};
  Step step_;
  std::array<std::uint8_t, 32> eph_secret_{};
  Hash32 eph_public_{};
  Hash32 e_i_{}, e_r_{};
  Hash32 transcript_{};
  Hash32 peer_{};
  SessionKeys keys_;
};

}  // namespace mrc::sync
