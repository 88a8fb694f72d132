// Authenticated encryption of every frame of a peer link, one stream per
// direction, with libsodium's crypto_secretstream_xchacha20poly1305: each
// frame's nonce follows from the previous one, so a reordered, replayed,
// dropped or altered frame fails to decrypt, and a final tag marks a clean
// end (truncation after it is detected).
//   stream on the wire: 24-byte header, then frames
//   frame:              u32 ciphertext length (big-endian) || ciphertext
//   ciphertext:         plaintext + kFrameOverheadBytes
// See docs/protocol.md, "Frames". Neither class is thread-safe; neither may
// be copied, since two copies of a sealer would reuse nonces.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::sync {

inline constexpr std::size_t kMaxFrameBytes = 4 << 20;  // plaintext limit per frame
inline constexpr std::size_t kStreamHeaderBytes = 24;
inline constexpr std::size_t kFrameOverheadBytes = 17;  // tag byte + Poly1305 MAC

class FrameSealer {  // one per direction, sending side
 public:
  explicit FrameSealer(const std::array<std::uint8_t, 32>& key);
  ~FrameSealer();
  FrameSealer(const FrameSealer&) = delete;
  FrameSealer& operator=(const FrameSealer&) = delete;

  // The 24-byte stream header; send it first, once.
  Bytes Header();
  // u32 big-endian ciphertext length || ciphertext. InvalidArgument if the
  // plaintext exceeds kMaxFrameBytes, or when called before Header() or
  // after a final frame (caller bugs, but never a silently broken stream).
  Result<Bytes> Seal(std::string_view plaintext, bool final = false);

 private:
  std::array<std::uint8_t, 32> key_;
  alignas(16) std::array<std::uint8_t, 64> state_{};  // crypto_secretstream state
  bool started_ = false;
  bool finished_ = false;
};

class FrameOpener {  // receiving side
 public:
  explicit FrameOpener(const std::array<std::uint8_t, 32>& key);
  ~FrameOpener();
  FrameOpener(const FrameOpener&) = delete;
  FrameOpener& operator=(const FrameOpener&) = delete;

  // Corruption if the header is not 24 bytes or was already set (a second
  // header would restart the stream, letting old frames be replayed).
  Status SetHeader(std::string_view header24);
  // Given the 4-byte length prefix: the ciphertext length to read next.
  // Corruption when it is shorter than the overhead or exceeds
  // kMaxFrameBytes + kFrameOverheadBytes, so nothing oversized is read.
  Result<std::size_t> CiphertextSize(std::string_view prefix4) const;
  // Decrypts the next ciphertext (without its prefix). Corruption on any
  // tampering, reordering or replay, on data after the final frame, or
  // before the header. The first failure ends the stream: every later call
  // fails too.
  Result<Bytes> Open(std::string_view ciphertext);
  // A final frame was received; nothing may follow. A link that ends while
  // this is false was truncated.
  bool finished() const { return finished_; }

 private:
  std::array<std::uint8_t, 32> key_;
  alignas(16) std::array<std::uint8_t, 64> state_{};  // crypto_secretstream state
  bool ready_ = false;
  bool finished_ = false;
  bool failed_ = false;
};

}  // namespace mrc::sync
