// Frames over crypto_secretstream_xchacha20poly1305 (docs/protocol.md,
// "Frames"). The stream state lives in a byte array in the header so that
// sodium.h stays in this file; the static_asserts keep the two in step.
#include "sync/peer/secure_frames.h"

#include <sodium.h>

#include <string>

namespace mrc::sync {
namespace {

using State = crypto_secretstream_xchacha20poly1305_state;
static_assert(sizeof(State) <= 64, "state buffer too small");
static_assert(crypto_secretstream_xchacha20poly1305_HEADERBYTES == kStreamHeaderBytes);
static_assert(crypto_secretstream_xchacha20poly1305_ABYTES == kFrameOverheadBytes);
static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == 32);
static_assert(kMaxFrameBytes + kFrameOverheadBytes <= 0xffffffffu, "length must fit a u32");

State* AsState(std::array<std::uint8_t, 64>& bytes) {
  return reinterpret_cast<State*>(bytes.data());
}

}  // namespace

FrameSealer::FrameSealer(const std::array<std::uint8_t, 32>& key) : key_(key) {}

FrameSealer::~FrameSealer() {
  sodium_memzero(key_.data(), key_.size());
  sodium_memzero(state_.data(), state_.size());
}

Bytes FrameSealer::Header() {
  Bytes header(kStreamHeaderBytes, '\0');
  // A fresh random header each call, so even a repeated call never reuses a
  // (key, nonce) pair; it just starts a new stream.
  crypto_secretstream_xchacha20poly1305_init_push(
      AsState(state_), reinterpret_cast<unsigned char*>(header.data()), key_.data());
  started_ = true;
  finished_ = false;
  return header;
}

Result<Bytes> FrameSealer::Seal(std::string_view plaintext, bool final) {
  if (!started_) return Status::InvalidArgument("frame sealed before the stream header");
  if (finished_) return Status::InvalidArgument("frame sealed after the final frame");
  if (plaintext.size() > kMaxFrameBytes) {
    return Status::InvalidArgument("frame of " + std::to_string(plaintext.size()) +
                                   " bytes exceeds the limit of " + std::to_string(kMaxFrameBytes));
  }
  std::size_t n = plaintext.size() + kFrameOverheadBytes;
  Bytes out;
  out.reserve(4 + n);
  PutU32(&out, static_cast<std::uint32_t>(n));
  out.resize(4 + n);
  crypto_secretstream_xchacha20poly1305_push(
      AsState(state_), reinterpret_cast<unsigned char*>(out.data() + 4), nullptr,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), nullptr, 0,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  finished_ = final;
  return out;
}

FrameOpener::FrameOpener(const std::array<std::uint8_t, 32>& key) : key_(key) {}

FrameOpener::~FrameOpener() {
  sodium_memzero(key_.data(), key_.size());
  sodium_memzero(state_.data(), state_.size());
}

Status FrameOpener::SetHeader(std::string_view header) {
  if (ready_) return Status::Corruption("stream header received twice");
  if (header.size() != kStreamHeaderBytes ||
      crypto_secretstream_xchacha20poly1305_init_pull(
          AsState(state_), reinterpret_cast<const unsigned char*>(header.data()), key_.data()) !=
          0) {
    return Status::Corruption("invalid stream header");
  }
  ready_ = true;
  return Status::Ok();
}

Result<std::size_t> FrameOpener::CiphertextSize(std::string_view prefix) const {
  std::uint32_t n = 0;
  if (prefix.size() != 4 || !GetU32(&prefix, &n)) {
    return Status::Corruption("frame length prefix must be 4 bytes");
  }
  if (n < kFrameOverheadBytes || n > kMaxFrameBytes + kFrameOverheadBytes) {
    return Status::Corruption("frame length " + std::to_string(n) + " is outside the limits");
  }
  return std::size_t{n};
}

Result<Bytes> FrameOpener::Open(std::string_view ciphertext) {
  if (failed_) return Status::Corruption("frame after a failed frame");
  if (!ready_) return Status::Corruption("frame before the stream header");
  if (finished_) {
    failed_ = true;
    return Status::Corruption("frame after the final frame");
  }
  if (ciphertext.size() < kFrameOverheadBytes ||
      ciphertext.size() > kMaxFrameBytes + kFrameOverheadBytes) {
    failed_ = true;
    return Status::Corruption("frame of " + std::to_string(ciphertext.size()) +
                              " bytes is outside the limits");
  }
  Bytes plain(ciphertext.size() - kFrameOverheadBytes, '\0');
  unsigned long long len = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          AsState(state_), reinterpret_cast<unsigned char*>(plain.data()), &len, &tag,
          reinterpret_cast<const unsigned char*>(ciphertext.data()), ciphertext.size(), nullptr,
          0) != 0) {
    // libsodium leaves the state as it was, so a later frame could still
    // open; failing for good means a link never continues past a gap, a
    // replay or an injected frame.
    failed_ = true;
    return Status::Corruption("frame fails authentication (tampered, reordered or replayed)");
  }
  plain.resize(len);
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) finished_ = true;
  return plain;
}

}  // namespace mrc::sync
