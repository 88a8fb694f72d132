// A peer that tests drive by hand: it speaks the peer protocol itself over
// real TCP to a real node (the project's own handshake and frames), so that
// a test can misbehave in ways a node never would. Every socket call is
// bounded by a timeout.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "sync/crypto/identity.h"
#include "sync/peer/handshake.h"
#include "sync/peer/peer_session.h"
#include "sync/peer/secure_frames.h"
#include "sync/peer/wire.h"

namespace mrc::e2e {

inline std::uint16_t PortOf(const std::string& address) {
  return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

// The network id of the genesis in a node's data directory.
inline Hash32 NetworkOf(const std::string& data_dir) {
  std::ifstream g(data_dir + "/genesis.txt");
  std::string text((std::istreambuf_iterator<char>(g)), std::istreambuf_iterator<char>());
  return sync::GenesisFromText(text).value().network_id();
}

class RawPeer {
 public:
  // Dials `address` (on 127.0.0.1) from the loopback address `source`, with
  // a fresh key; reads and writes give up after `timeout_seconds`.
  RawPeer(const std::string& address, const Hash32& network,
          const std::string& source = "127.0.0.1", int timeout_seconds = 5)
      : hs_(sync::Handshake::Role::kInitiator, key_, network) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(PortOf(address));
    connected_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0 &&
                 ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawPeer() { ::close(fd_); }
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  // The whole handshake and the stream headers: true once the node sent
  // its header, i.e. accepted the link.
  bool Handshake() {
    for (int i = 0; i < 8 && connected_ && !hs_.done(); ++i) {
      Bytes out = hs_.Next();
      if (!out.empty() && !Send(out)) return false;
      if (hs_.done()) break;
      Bytes in;
      if (hs_.expected() && (!Receive(hs_.expected(), &in) || !hs_.Receive(in).ok())) return false;
    }
    if (!hs_.done()) return false;
    sealer_.emplace(hs_.keys().send);
    opener_.emplace(hs_.keys().receive);
    Bytes header;
    return Send(sealer_->Header()) && Receive(24, &header) && opener_->SetHeader(header).ok();
  }
  bool SendMessage(const sync::wire::Message& m) {
    return Send(sealer_->Seal(sync::wire::Encode(m)).value());
  }
  // The next message, or nullopt when the link closed (or the timeout passed).
  std::optional<sync::wire::Message> ReadMessage() {
    Bytes prefix, cipher;
    if (!Receive(4, &prefix)) return std::nullopt;
    auto n = opener_->CiphertextSize(prefix);
    if (!n.ok() || !Receive(*n, &cipher)) return std::nullopt;
    auto plain = opener_->Open(cipher);
    if (!plain.ok()) return std::nullopt;
    auto m = sync::wire::Decode(*plain);
    if (!m.ok()) return std::nullopt;
    return std::move(m).value();
  }
  const sync::KeyPair& key() const { return key_; }
  // A peer of this version that holds nothing: its protocol version, its
  // fingerprint of no feed, then its (empty) list, the turn of the side
  // that holds fewer.
  bool SendHoldingNothing() {
    sync::wire::RangeItem fingerprint, heads;
    heads.kind = sync::wire::RangeItem::Kind::kHeads;
    return SendMessage(sync::wire::VersionMsg{sync::PeerSession::kOldestProtocolVersion,
                                              sync::PeerSession::kProtocolVersion,
                                              "mrcnode test peer"}) &&
           SendMessage(sync::wire::Message(sync::wire::ReconcileMsg{{fingerprint}})) &&
           SendMessage(sync::wire::Message(sync::wire::ReconcileMsg{{heads}}));
  }
  // Raw bytes on the socket, past the frames (a length prefix, a part of a
  // frame). False when the node closed the link.
  bool Send(const Bytes& b) {
    return ::send(fd_, b.data(), b.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(b.size());
  }
  // True once the node closed the link (reads what it sent meanwhile).
  bool Closed() {
    char buf[4096];
    for (int i = 0; i < 1024; ++i) {
      ssize_t r = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (r == 0) return true;
      if (r < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    }
    return false;
  }

 private:
  bool Receive(std::size_t n, Bytes* out) {
    out->assign(n, '\0');
    std::size_t got = 0;
    while (got < n) {
      ssize_t r = ::recv(fd_, out->data() + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return true;
  }

  sync::KeyPair key_ = sync::GenerateKeyPair();
  sync::Handshake hs_;
  int fd_ = -1;
  bool connected_ = false;
  std::optional<sync::FrameSealer> sealer_;
  std::optional<sync::FrameOpener> opener_;
};

}  // namespace mrc::e2e
