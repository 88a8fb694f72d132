// The peer handshake (docs/protocol.md, "Handshake").
//
// Two hellos exchange ephemeral X25519 keys, each carrying a MAC under the
// network capability K, so a node without the genesis is refused at the
// first message it sends and learns nothing. Both sides then hash K, both
// ephemeral keys and their Diffie-Hellman secret into the transcript hash T,
// and two boxes under keys derived from T carry each identity with its
// signature of T. This is Scuttlebutt's secret handshake in shape (K gates
// the link, identities travel encrypted) and SIGMA-I in substance (one
// ephemeral exchange, each side signs the whole transcript, the responder
// reveals itself only after the initiator has proved who it is).
//
// Secrets are wiped as soon as they are no longer needed: the ephemeral
// secret and s once T is known, T once the session keys are derived, and all
// of them on failure.
#include "sync/peer/handshake.h"

#include <sodium.h>

#include <cstring>
#include <initializer_list>
#include <string>

namespace mrc::sync {
namespace {

static_assert(kHandshakeHelloBytes == crypto_scalarmult_BYTES + 32);
static_assert(kHandshakeAuthBytes == 32 + crypto_sign_BYTES + crypto_secretbox_MACBYTES);
static_assert(crypto_secretbox_KEYBYTES == 32 && crypto_scalarmult_SCALARBYTES == 32);

// Callers wipe the result when a part is secret; reserving first means no
// reallocation leaves an unwiped copy behind.
std::string Concat(std::initializer_list<std::string_view> parts) {
  std::size_t n = 0;
  for (auto p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (auto p : parts) out.append(p);
  return out;
}

const unsigned char* U8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// The key of box 3 or 4: each is derived for one message only, so the fixed
// (all-zero) nonce is never reused with a key.
Hash32 BoxKey(const Hash32& transcript, int n) {
  return KeyedBlake2b256(transcript, n == 3 ? "mrc-hs-3" : "mrc-hs-4");
}

}  // namespace

Hash32 NetworkCapability(const Hash32& network_id) {
  return Blake2b256(Concat({"mrc-network-cap-v1", AsView(network_id)}));
}

Hash32 KeyedBlake2b256(const Hash32& key, std::string_view data) {
  Hash32 out;
  crypto_generichash(out.data(), out.size(), U8(data), data.size(), key.data(), key.size());
  return out;
}

Handshake::Handshake(Role role, const KeyPair& identity, const Hash32& network_id)
    : role_(role),
      identity_(identity),
      cap_(NetworkCapability(network_id)),
      step_(role == Role::kInitiator ? Step::kSend1 : Step::kWait1) {}

Handshake::~Handshake() {
  Wipe();
  sodium_memzero(identity_.secret_key.data(), identity_.secret_key.size());
  sodium_memzero(keys_.send.data(), keys_.send.size());
  sodium_memzero(keys_.receive.data(), keys_.receive.size());
}

void Handshake::Wipe() {
  sodium_memzero(eph_secret_.data(), eph_secret_.size());
  sodium_memzero(transcript_.data(), transcript_.size());
}

Status Handshake::Fail(Status s) {
  step_ = Step::kFailed;
  Wipe();
  return s;
}

std::size_t Handshake::expected() const {
  switch (step_) {
    case Step::kWait1:
    case Step::kWait2:
      return kHandshakeHelloBytes;
    case Step::kWait3:
    case Step::kWait4:
      return kHandshakeAuthBytes;
    default:
      return 0;
  }
}

void Handshake::NewEphemeral() {
  Hash32& pub = role_ == Role::kInitiator ? e_i_ : e_r_;
  randombytes_buf(eph_secret_.data(), eph_secret_.size());
  crypto_scalarmult_base(pub.data(), eph_secret_.data());
}

Status Handshake::DeriveTranscript() {
  unsigned char s[crypto_scalarmult_BYTES];
  const Hash32& theirs = role_ == Role::kInitiator ? e_r_ : e_i_;
  // libsodium refuses a low-order peer key, whose product is all zeros: a
  // secret the peer would know without our ephemeral key.
  int rc = crypto_scalarmult(s, eph_secret_.data(), theirs.data());
  sodium_memzero(eph_secret_.data(), eph_secret_.size());
  if (rc != 0) {
    sodium_memzero(s, sizeof s);
    return Status::Corruption("peer's ephemeral key is degenerate (low order)");
  }
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, transcript_.size());
  crypto_generichash_update(&st, cap_.data(), cap_.size());
  crypto_generichash_update(&st, e_i_.data(), e_i_.size());
  crypto_generichash_update(&st, e_r_.data(), e_r_.size());
  crypto_generichash_update(&st, s, sizeof s);
  crypto_generichash_final(&st, transcript_.data(), transcript_.size());
  sodium_memzero(&st, sizeof st);
  sodium_memzero(s, sizeof s);
  return Status::Ok();
}

Hash32 Handshake::HelloMac(int n) const {
  return n == 1 ? KeyedBlake2b256(cap_, Concat({"mrc-hs-1", AsView(e_i_)}))
                : KeyedBlake2b256(cap_, Concat({"mrc-hs-2", AsView(e_i_), AsView(e_r_)}));
}

Bytes Handshake::SignedMessage(int n) const {
  if (n == 3) return Concat({"mrc-hs-sig-i", AsView(transcript_)});
  const Hash32& pk_i = role_ == Role::kInitiator ? identity_.public_key : peer_;
  return Concat({"mrc-hs-sig-r", AsView(transcript_), AsView(pk_i)});
}

Bytes Handshake::SealIdentity(int n) const {
  Bytes signed_message = SignedMessage(n);
  Signature sig = Sign(identity_, signed_message);
  sodium_memzero(signed_message.data(), signed_message.size());
  Bytes plain(AsView(identity_.public_key));
  plain.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  Hash32 key = BoxKey(transcript_, n);
  const unsigned char nonce[crypto_secretbox_NONCEBYTES] = {};
  Bytes out(plain.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(out.data()), U8(plain), plain.size(),
                        nonce, key.data());
  sodium_memzero(key.data(), key.size());
  return out;
}

Status Handshake::OpenIdentity(int n, std::string_view box, Hash32* pk) const {
  Hash32 key = BoxKey(transcript_, n);
  const unsigned char nonce[crypto_secretbox_NONCEBYTES] = {};
  unsigned char plain[kHandshakeAuthBytes - crypto_secretbox_MACBYTES];
  int rc = crypto_secretbox_open_easy(plain, U8(box), box.size(), nonce, key.data());
  sodium_memzero(key.data(), key.size());
  if (rc != 0)
    return Status::Corruption("handshake message " + std::to_string(n) + " does not decrypt");
  std::memcpy(pk->data(), plain, 32);
  Signature sig;
  std::memcpy(sig.data(), plain + 32, sig.size());
  Bytes signed_message = SignedMessage(n);
  bool valid = VerifySignature(*pk, signed_message, sig);
  sodium_memzero(signed_message.data(), signed_message.size());
  if (!valid)
    return Status::Corruption("peer " + ToHex(*pk) + ": identity signature does not verify");
  // Checked after the signature, so this is said only of a peer that holds
  // our secret key: in practice, ourselves through some address of ours.
  if (*pk == identity_.public_key) return Status::PermissionDenied("connected to itself");
  return Status::Ok();
}

void Handshake::DeriveSessionKeys(const Hash32& pk_i, const Hash32& pk_r) {
  Hash32 i2r =
      KeyedBlake2b256(transcript_, Concat({"mrc-session-i2r", AsView(pk_i), AsView(pk_r)}));
  Hash32 r2i =
      KeyedBlake2b256(transcript_, Concat({"mrc-session-r2i", AsView(pk_i), AsView(pk_r)}));
  bool initiator = role_ == Role::kInitiator;
  keys_.send = initiator ? i2r : r2i;
  keys_.receive = initiator ? r2i : i2r;
  sodium_memzero(i2r.data(), i2r.size());
  sodium_memzero(r2i.data(), r2i.size());
  Wipe();
}

Bytes Handshake::Next() {
  switch (step_) {
    case Step::kSend1: {
      NewEphemeral();
      Bytes msg(AsView(e_i_));
      msg.append(AsView(HelloMac(1)));
      step_ = Step::kWait2;
      return msg;
    }
    case Step::kSend2: {  // e_r_ and T were made when message 1 arrived
      Bytes msg(AsView(e_r_));
      msg.append(AsView(HelloMac(2)));
      step_ = Step::kWait3;
      return msg;
    }
    case Step::kSend3:
      step_ = Step::kWait4;
      return SealIdentity(3);
    case Step::kSend4: {
      Bytes msg = SealIdentity(4);
      DeriveSessionKeys(peer_, identity_.public_key);
      step_ = Step::kDone;
      return msg;
    }
    default:
      return {};
  }
}

Status Handshake::Receive(std::string_view m) {
  if (step_ == Step::kFailed) return Status::Corruption("handshake message after a failure");
  if (expected() == 0) return Fail(Status::Corruption("handshake message out of turn"));
  if (m.size() != expected()) {
    return Fail(Status::Corruption("handshake message of " + std::to_string(m.size()) +
                                   " bytes where " + std::to_string(expected()) +
                                   " were expected"));
  }
  switch (step_) {
    case Step::kWait1:
      e_i_ = Hash32FromView(m.substr(0, 32));
      // Constant time, and before anything else: a stranger learns nothing,
      // not even how much of its MAC matched.
      if (sodium_memcmp(HelloMac(1).data(), m.data() + 32, 32) != 0) {
        return Fail(Status::PermissionDenied("not a node of this network"));
      }
      // Our ephemeral key and T now rather than in Next(), so that a
      // degenerate e_i is reported here, where the caller checks for errors.
      NewEphemeral();
      if (Status s = DeriveTranscript(); !s.ok()) return Fail(s);
      step_ = Step::kSend2;
      return Status::Ok();
    case Step::kWait2:
      e_r_ = Hash32FromView(m.substr(0, 32));
      if (sodium_memcmp(HelloMac(2).data(), m.data() + 32, 32) != 0) {
        return Fail(Status::PermissionDenied("not a node of this network"));
      }
      if (Status s = DeriveTranscript(); !s.ok()) return Fail(s);
      step_ = Step::kSend3;
      return Status::Ok();
    case Step::kWait3: {
      Hash32 pk;
      Status s = OpenIdentity(3, m, &pk);
      if (!s.ok()) return Fail(s);
      peer_ = pk;
      step_ = Step::kSend4;
      return Status::Ok();
    }
    case Step::kWait4: {
      Hash32 pk;
      Status s = OpenIdentity(4, m, &pk);
      if (!s.ok()) return Fail(s);
      peer_ = pk;
      DeriveSessionKeys(identity_.public_key, peer_);
      step_ = Step::kDone;
      return Status::Ok();
    }
    default:
      return Fail(Status::Corruption("handshake message out of turn"));
  }
}

}  // namespace mrc::sync
