#include "sync/secure_frames.h"

#include <sodium.h>

namespace mrc::sync {
namespace {

using State = crypto_secretstream_xchacha20poly1305_state;
static_assert(sizeof(State) <= 64, "state buffer too small");
static_assert(crypto_secretstream_xchacha20poly1305_HEADERBYTES == kStreamHeaderBytes);
constexpr std::size_t kOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;

}  // namespace

FrameSealer::FrameSealer(const std::array<std::uint8_t, 32>& key) : key_(key) {}
FrameSealer::~FrameSealer() {
  sodium_memzero(key_.data(), key_.size());
  sodium_memzero(state_.data(), state_.size());
}

Bytes FrameSealer::Header() {
  Bytes header(kStreamHeaderBytes, '\0');
  crypto_secretstream_xchacha20poly1305_init_push(reinterpret_cast<State*>(state_.data()),
                                                  reinterpret_cast<unsigned char*>(header.data()), key_.data());
  return header;
}

Result<Bytes> FrameSealer::Seal(std::string_view plaintext, bool final) {
  if (plaintext.size() > kMaxFrameBytes) {
    return Status::InvalidArgument("frame of " + std::to_string(plaintext.size()) + " bytes exceeds the limit");
  }
  Bytes out;
  PutU32(&out, static_cast<std::uint32_t>(plaintext.size() + kOverhead));
  std::size_t at = out.size();
  out.resize(at + plaintext.size() + kOverhead);
  crypto_secretstream_xchacha20poly1305_push(
      reinterpret_cast<State*>(state_.data()), reinterpret_cast<unsigned char*>(out.data() + at), nullptr,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), nullptr, 0,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  return out;
}

FrameOpener::FrameOpener(const std::array<std::uint8_t, 32>& key) : key_(key) {}
FrameOpener::~FrameOpener() {
  sodium_memzero(key_.data(), key_.size());
  sodium_memzero(state_.data(), state_.size());
}

Status FrameOpener::SetHeader(std::string_view header) {
  if (header.size() != kStreamHeaderBytes ||
      crypto_secretstream_xchacha20poly1305_init_pull(reinterpret_cast<State*>(state_.data()),
                                                      reinterpret_cast<const unsigned char*>(header.data()),
                                                      key_.data()) != 0) {
    return Status::Corruption("invalid stream header");
  }
  ready_ = true;
  return Status::Ok();
}

Result<std::size_t> FrameOpener::CiphertextSize(std::string_view prefix) const {
  std::uint32_t n = 0;
  if (prefix.size() != 4 || !GetU32(&prefix, &n)) return Status::Corruption("bad frame length prefix");
  if (n < kOverhead || n > kMaxFrameBytes + kOverhead) {
    return Status::Corruption("frame length " + std::to_string(n) + " is outside the limits");
  }
  return std::size_t{n};
}

Result<Bytes> FrameOpener::Open(std::string_view ciphertext) {
  if (!ready_) return Status::Corruption("frame before the stream header");
  if (finished_) return Status::Corruption("data after the final frame");
  if (ciphertext.size() < kOverhead) return Status::Corruption("frame too short");
  Bytes plain(ciphertext.size() - kOverhead, '\0');
  unsigned long long len = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          reinterpret_cast<State*>(state_.data()), reinterpret_cast<unsigned char*>(plain.data()), &len, &tag,
          reinterpret_cast<const unsigned char*>(ciphertext.data()), ciphertext.size(), nullptr, 0) != 0) {
    return Status::Corruption("frame fails authentication (tampered, reordered or replayed)");
  }
  plain.resize(len);
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) finished_ = true;
  return plain;
}

}  // namespace mrc::sync
