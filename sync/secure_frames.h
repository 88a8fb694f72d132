// Authenticated encryption of every frame of a peer link, one stream per
// direction, with libsodium's crypto_secretstream_xchacha20poly1305: each
// frame's nonce follows from the previous one, so a reordered, replayed,
// dropped or altered frame fails to decrypt, and a final tag marks a clean
// end (truncation after it is detected).
//   frame on the wire: u32 ciphertext length (big-endian) || ciphertext
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "config/base/bytes.h"
#include "config/base/status.h"

namespace mrc::sync {

inline constexpr std::size_t kMaxFrameBytes = 4 << 20;  // plaintext limit per frame
inline constexpr std::size_t kStreamHeaderBytes = 24;

class FrameSealer {
 public:
  explicit FrameSealer(const std::array<std::uint8_t, 32>& key);
  ~FrameSealer();
  // The 24-byte stream header; send it first, once.
  Bytes Header();
  // Length prefix and ciphertext. InvalidArgument if plaintext > kMaxFrameBytes.
  Result<Bytes> Seal(std::string_view plaintext, bool final = false);

 private:
  std::array<std::uint8_t, 32> key_;
  alignas(16) std::array<std::uint8_t, 64> state_{};
};

class FrameOpener {
 public:
  explicit FrameOpener(const std::array<std::uint8_t, 32>& key);
  ~FrameOpener();
  Status SetHeader(std::string_view header24);
  // The ciphertext length announced by a 4-byte prefix; Corruption if it is
  // impossible or over the limit.
  Result<std::size_t> CiphertextSize(std::string_view prefix4) const;
  // Decrypts the next ciphertext (without its prefix); Corruption on any
  // tampering, reordering or replay, or data after the final frame.
  Result<Bytes> Open(std::string_view ciphertext);
  bool finished() const { return finished_; }

 private:
  std::array<std::uint8_t, 32> key_;
  alignas(16) std::array<std::uint8_t, 64> state_{};
  bool ready_ = false;
  bool finished_ = false;
};

}  // namespace mrc::sync
