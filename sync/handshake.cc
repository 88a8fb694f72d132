// The handshake follows the shape of Scuttlebutt's secret handshake (a
// network key that gates the first message, ephemeral Diffie-Hellman, then
// signed identities inside encryption), simplified to one ephemeral exchange
// plus signatures over the whole transcript, as in SIGMA. See
// docs/protocol.md for why this rather than Noise XX.
#include "sync/handshake.h"

#include <sodium.h>

#include <cstring>

namespace mrc::sync {
namespace {

constexpr std::size_t kHelloBytes = 64;
constexpr std::size_t kAuthBytes = 32 + 64 + crypto_secretbox_MACBYTES;

Hash32 KeyedHash(const Hash32& key, std::string_view data) {
  Hash32 out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), key.data(), key.size());
  return out;
}

std::string Concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p);
  return out;
}

bool SameBytes(const Hash32& a, std::string_view b) {
  return b.size() == a.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Hash32 NetworkCapability(const Hash32& network_id) {
  return Blake2b256(Concat({"mrc-network-cap-v1", AsView(network_id)}));
}

Handshake::Handshake(Role role, const KeyPair& identity, const Hash32& network_id)
    : role_(role),
      identity_(identity),
      cap_(NetworkCapability(network_id)),
      step_(role == Role::kInitiator ? Step::kSend1 : Step::kWait1) {}

Handshake::~Handshake() {
  sodium_memzero(eph_secret_.data(), eph_secret_.size());
  sodium_memzero(identity_.secret_key.data(), identity_.secret_key.size());
}

std::size_t Handshake::expected() const {
  switch (step_) {
    case Step::kWait1:
    case Step::kWait2: return kHelloBytes;
    case Step::kWait3:
    case Step::kWait4: return kAuthBytes;
    default: return 0;
  }
}

Status Handshake::Fail(Status s) {
  step_ = Step::kFailed;
  sodium_memzero(eph_secret_.data(), eph_secret_.size());
  return s;
}

bool Handshake::DeriveTranscript() {
  Hash32 shared;
  // crypto_scalarmult fails on a low-order peer key (an all-zero secret).
  bool ok = crypto_scalarmult(shared.data(), eph_secret_.data(),
                              role_ == Role::kInitiator ? e_r_.data() : e_i_.data()) == 0;
  transcript_ = Blake2b256(Concat({AsView(cap_), AsView(e_i_), AsView(e_r_), AsView(shared)}));
  sodium_memzero(shared.data(), shared.size());
  sodium_memzero(eph_secret_.data(), eph_secret_.size());
  return ok;
}

void Handshake::DeriveSessionKeys(const Hash32& pk_i, const Hash32& pk_r) {
  Hash32 i2r = KeyedHash(transcript_, Concat({"mrc-session-i2r", AsView(pk_i), AsView(pk_r)}));
  Hash32 r2i = KeyedHash(transcript_, Concat({"mrc-session-r2i", AsView(pk_i), AsView(pk_r)}));
  bool initiator = role_ == Role::kInitiator;
  std::memcpy(keys_.send.data(), (initiator ? i2r : r2i).data(), 32);
  std::memcpy(keys_.receive.data(), (initiator ? r2i : i2r).data(), 32);
}

Bytes Handshake::Next() {
  auto hello = [&](std::string_view tag, std::string_view extra) {
    randombytes_buf(eph_secret_.data(), eph_secret_.size());
    crypto_scalarmult_base(eph_public_.data(), eph_secret_.data());
    Bytes msg(AsView(eph_public_));
    msg.append(AsView(KeyedHash(cap_, Concat({tag, extra, AsView(eph_public_)}))));
    return msg;
  };
  auto auth = [&](std::string_view box_tag, std::string_view sig_message) {
    Bytes plain(AsView(identity_.public_key));
    Signature sig = Sign(identity_, sig_message);
    plain.append(reinterpret_cast<const char*>(sig.data()), sig.size());
    Hash32 key = KeyedHash(transcript_, box_tag);
    unsigned char nonce[crypto_secretbox_NONCEBYTES] = {0};  // each key seals one message
    Bytes out(plain.size() + crypto_secretbox_MACBYTES, '\0');
    crypto_secretbox_easy(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                          key.data());
    return out;
  };
  switch (step_) {
    case Step::kSend1: {
      Bytes msg = hello("mrc-hs-1", "");
      e_i_ = eph_public_;
      step_ = Step::kWait2;
      return msg;
    }
    case Step::kSend2: {
      Bytes msg = hello("mrc-hs-2", AsView(e_i_));
      e_r_ = eph_public_;
      if (!DeriveTranscript()) {
        Status failed = Fail(Status::PermissionDenied("peer sent a degenerate ephemeral key"));
        (void)failed;  // Receive() reports it: the handshake is now failed
        return {};
      }
      step_ = Step::kWait3;
      return msg;
    }
    case Step::kSend3: {
      step_ = Step::kWait4;
      return auth("mrc-hs-3", Concat({"mrc-hs-sig-i", AsView(transcript_)}));
    }
    case Step::kSend4: {
      Bytes msg = auth("mrc-hs-4", Concat({"mrc-hs-sig-r", AsView(transcript_), AsView(peer_)}));
      DeriveSessionKeys(peer_, identity_.public_key);
      step_ = Step::kDone;
      return msg;
    }
    default:
      return {};
  }
}

Status Handshake::Receive(std::string_view m) {
  if (expected() == 0 || m.size() != expected()) {
    return Fail(Status::Corruption("handshake message of " + std::to_string(m.size()) +
                                   " bytes where " + std::to_string(expected()) + " were expected"));
  }
  auto check_hello = [&](std::string_view tag, std::string_view extra, Hash32* e) {
    *e = Hash32FromView(m.substr(0, 32));
    Hash32 mac = KeyedHash(cap_, Concat({tag, extra, AsView(*e)}));
    return SameBytes(mac, m.substr(32));
  };
  auto open_auth = [&](std::string_view box_tag, std::string_view sig_prefix, Hash32* pk) -> Status {
    Hash32 key = KeyedHash(transcript_, box_tag);
    unsigned char nonce[crypto_secretbox_NONCEBYTES] = {0};
    unsigned char plain[96];
    if (crypto_secretbox_open_easy(plain, reinterpret_cast<const unsigned char*>(m.data()), m.size(),
                                   nonce, key.data()) != 0) {
      return Status::Corruption("handshake authentication message does not decrypt");
    }
    *pk = Hash32FromView(std::string_view(reinterpret_cast<const char*>(plain), 32));
    Signature sig;
    std::memcpy(sig.data(), plain + 32, 64);
    if (!VerifySignature(*pk, sig_prefix, sig)) return Status::Corruption("peer's identity signature does not verify");
    if (*pk == identity_.public_key) return Status::PermissionDenied("connected to itself");
    return Status::Ok();
  };
  switch (step_) {
    case Step::kWait1:
      if (!check_hello("mrc-hs-1", "", &e_i_)) return Fail(Status::PermissionDenied("not a node of this network"));
      step_ = Step::kSend2;
      return Status::Ok();
    case Step::kWait2:
      if (!check_hello("mrc-hs-2", AsView(e_i_), &e_r_)) {
        return Fail(Status::PermissionDenied("not a node of this network"));
      }
      if (!DeriveTranscript()) return Fail(Status::PermissionDenied("peer sent a degenerate ephemeral key"));
      step_ = Step::kSend3;
      return Status::Ok();
    case Step::kWait3: {
      Hash32 pk;
      Status s = open_auth("mrc-hs-3", Concat({"mrc-hs-sig-i", AsView(transcript_)}), &pk);
      if (!s.ok()) return Fail(s);
      peer_ = pk;
      step_ = Step::kSend4;
      return Status::Ok();
    }
    case Step::kWait4: {
      Hash32 pk;
      Status s = open_auth("mrc-hs-4", Concat({"mrc-hs-sig-r", AsView(transcript_), AsView(identity_.public_key)}),
                           &pk);
      if (!s.ok()) return Fail(s);
      peer_ = pk;
      DeriveSessionKeys(identity_.public_key, peer_);
      step_ = Step::kDone;
      return Status::Ok();
    }
    default:
      return Fail(Status::Corruption("unexpected handshake message"));
  }
}

}  // namespace mrc::sync
