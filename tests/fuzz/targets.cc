#include "tests/fuzz/targets.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <thread>

#include "sync/bundle/bundle.h"
#include "sync/content/content.h"
#include "sync/crypto/crypto.h"
#include "sync/kinds.h"
#include "sync/log/entry.h"
#include "sync/log/log.h"
#include "sync/peer/handshake.h"
#include "sync/peer/peer_session.h"
#include "sync/peer/secure_frames.h"
#include "sync/peer/wire.h"
#include "sync/trust/trust.h"
#include "sync/trust/trust_records.h"
#include "tests/support/node_parts.h"
#include "web/http/server.h"
#include "web/text/markdown.h"

namespace mrc::fuzz {
namespace {

using nlohmann::json;

[[noreturn]] void Broken(std::string_view property, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz property broken: %.*s%s%.*s\n", static_cast<int>(property.size()),
               property.data(), detail.empty() ? "" : ": ", static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

void Require(bool ok, std::string_view property, std::string_view detail = {}) {
  if (!ok) Broken(property, detail);
}

// Reads an input front to back; past its end every read gives zeros, so
// that any input maps to some structure.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool empty() const { return in_.empty(); }
  std::uint8_t U8() {
    if (in_.empty()) return 0;
    auto v = static_cast<std::uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return v;
  }
  std::uint16_t U16() {
    std::uint16_t high = U8();  // two statements: the order of reads is fixed
    return static_cast<std::uint16_t>(high << 8 | U8());
  }
  std::uint64_t U64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | U8();
    return v;
  }
  std::string_view Take(std::size_t n) {
    n = std::min(n, in_.size());
    std::string_view out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  std::string_view Rest() { return Take(in_.size()); }

 private:
  std::string_view in_;
};

void InitOnce() {
  static const bool ok = sync::InitCrypto().ok();
  Require(ok, "libsodium initialises");
}

// Fixed keys, so that an input does the same thing in every run.
sync::KeyPair FixedKey(std::uint8_t n) {
  InitOnce();
  std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
  seed.fill(n);
  sync::KeyPair k;
  crypto_sign_seed_keypair(k.public_key.data(), k.secret_key.data(), seed.data());
  return k;
}

Hash32 Network() {
  Hash32 n{};
  n.fill(9);
  return n;
}

std::string TempDir(const char* what) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "mrc-fuzz-XXXXXX").string();
  std::string dir = ::mkdtemp(tmpl.data());
  return dir + "/" + what;
}

// A node's parts (tests/support/node_parts.h) in a temporary directory,
// made once per process: headquarters' key is the log's root, the node is
// another centre. Inputs add to it; nothing is reset between them.
struct Node {
  std::string dir;
  sync::KeyPair hq = FixedKey(1);
  std::unique_ptr<testing::NodeParts> parts;
  sync::Log* log = nullptr;
  web::App* app = nullptr;
  std::string token = "mrc_" + std::string(64, 'f');

  Node() {
    InitOnce();
    dir = TempDir("node");
    std::filesystem::create_directories(dir);
    auto opened = testing::NodeParts::Open(dir, FixedKey(2), Network(), hq.public_key);
    Require(opened.ok(), "the node's parts open", opened.ok() ? "" : opened.status().ToString());
    parts = std::move(opened).value();
    ApproveAtHeadquarters();
    log = parts->log.get();
    app = parts->app.get();
    app->SetLocalToken(token);
  }
  // Headquarters (a log of its own beside the node's) approves the node as
  // an hq member, and the node takes in that statement: from then on its
  // own documents apply, so that routes taking a document id reach real
  // ones, and it may publish bulletins.
  void ApproveAtHeadquarters() {
    storage::Options options;
    options.sync_writes = false;
    auto store = storage::Store::Open(dir + "-hq", options);
    Require(store.ok(), "headquarters' store opens");
    auto hq_log = sync::OpenLog(store->get(), hq, Network(), hq.public_key);
    Require(hq_log.ok(), "headquarters' log opens");
    sync::TrustService hq_trust(hq_log->get(), hq);
    std::string request =
        parts->trust->EnrolmentRequestText(Network(), "Fuzz centre", "Almaty", "KZ");
    auto approved = hq_trust.Approve({.request = request, .roles = std::vector<std::string>{"hq"}});
    Require(approved.ok(), "headquarters approves the node",
            approved.ok() ? "" : approved.status().ToString());
    auto feed = (*hq_log)->ReadFeed(hq.public_key, 1, SIZE_MAX);
    Require(feed.ok() && parts->log->Ingest(*feed).ok(), "the node takes in its approval");
    auto me = sync::trust::Member(*parts->log, parts->identity.public_key);
    Require(me.ok() && me->member, "the node is a member");
  }

  ~Node() {
    parts.reset();
    std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
  }
};

Node& TheNode() {
  static Node node;
  return node;
}

// The search index follows the log here, on the fuzzing thread, every 32
// inputs (a commit each time), rather than on a thread of its own: a thread
// would still be indexing when the process exits and the statics it reads
// die (libFuzzer calls exit() and gives no hook to stop it first), and
// inputs replay the same way every time.
void FollowLog(Node& node) {
  static std::uint64_t inputs = 0;
  if (++inputs % 32 != 0) return;
  Status s = node.parts->search->CatchUp();
  Require(s.ok(), "the search index follows the log", s.ok() ? "" : s.ToString());
}

// ---- wire: replication messages, as they come out of a frame ----

void RunWire(std::string_view input) {
  auto m = sync::wire::Decode(input);
  if (!m.ok()) return;
  Bytes again = sync::wire::Encode(*m);
  auto m2 = sync::wire::Decode(again);
  Require(m2.ok(), "a decoded message re-encodes to something decodable");
  Require(sync::wire::Encode(*m2) == again, "encoding a decoded message is stable");
}

std::vector<std::string> WireSeeds() {
  InitOnce();
  sync::wire::ReconcileMsg ranges;
  sync::wire::RangeItem fingerprint, heads;
  fingerprint.range = sync::reconcile::Range{}.Child(0xa).Child(0x5);
  fingerprint.fingerprint = {12, 40, {}};
  fingerprint.fingerprint.hash.fill(3);
  heads.range = sync::reconcile::Range{}.Child(0x1);
  heads.kind = sync::wire::RangeItem::Kind::kHeads;
  Hash32 a{}, b{};
  a.fill(0x11);
  b.fill(2);
  heads.heads.push_back({a, 3, b});
  ranges.items = {fingerprint, heads};
  sync::wire::EntriesMsg entries;
  entries.batch = 7;
  entries.entries.push_back({std::string(200, 'e'), R"({"question":"q?"})"});
  sync::wire::AckMsg ack;
  ack.batch = 7;
  sync::wire::PingMsg ping;
  ping.nonce = 42;
  sync::wire::PingMsg pong = ping;
  pong.pong = true;
  return {sync::wire::Encode(ranges), sync::wire::Encode(entries), sync::wire::Encode(ack),
          sync::wire::Encode(ping), sync::wire::Encode(pong)};
}

// ---- frames: the encrypted stream of a peer link ----
// First byte even: the rest is a stream as received. Odd: the rest is
// split into plaintext frames, sealed, and one byte of the stream is
// changed (or none); every frame must open unless the stream was changed,
// and then one must fail.

void RunFrames(std::string_view input) {
  InitOnce();
  std::array<std::uint8_t, 32> key{};
  key.fill(4);
  Reader r(input);
  std::uint8_t mode = r.U8();
  if (mode % 2 == 0) {
    sync::FrameOpener opener(key);
    std::string_view stream = r.Rest();
    if (!opener.SetHeader(stream.substr(0, sync::kStreamHeaderBytes)).ok()) return;
    stream.remove_prefix(std::min(stream.size(), sync::kStreamHeaderBytes));
    for (int frames = 0; frames < 1000 && stream.size() >= 4; ++frames) {
      auto n = opener.CiphertextSize(stream.substr(0, 4));
      if (!n.ok()) return;
      stream.remove_prefix(4);
      if (*n > stream.size()) return;
      if (!opener.Open(stream.substr(0, *n)).ok()) return;
      stream.remove_prefix(*n);
    }
    return;
  }
  std::uint16_t flip_at = r.U16();
  std::uint8_t flip_with = r.U8();
  sync::FrameSealer sealer(key);
  Bytes stream = sealer.Header();
  std::vector<std::string> plain;
  while (!r.empty() && plain.size() < 64) plain.emplace_back(r.Take(1 + r.U8()));
  for (std::size_t i = 0; i < plain.size(); ++i) {
    auto sealed = sealer.Seal(plain[i], i + 1 == plain.size());
    Require(sealed.ok(), "a frame within the limit seals");
    stream += *sealed;
  }
  bool changed = flip_with != 0 && flip_at < stream.size();
  if (changed) stream[flip_at] = static_cast<char>(stream[flip_at] ^ flip_with);
  sync::FrameOpener opener(key);
  std::string_view rest = stream;
  bool all_opened = opener.SetHeader(rest.substr(0, sync::kStreamHeaderBytes)).ok();
  rest.remove_prefix(std::min(rest.size(), sync::kStreamHeaderBytes));
  for (std::size_t i = 0; all_opened && i < plain.size(); ++i) {
    auto n = rest.size() >= 4 ? opener.CiphertextSize(rest.substr(0, 4)) : Result<std::size_t>(0);
    if (!n.ok() || rest.size() < 4 + *n) {
      all_opened = false;
      break;
    }
    rest.remove_prefix(4);
    auto opened = opener.Open(rest.substr(0, *n));
    rest.remove_prefix(*n);
    if (!opened.ok()) {
      all_opened = false;
      break;
    }
    Require(changed || *opened == plain[i], "an untouched frame opens to what was sealed");
  }
  if (!changed) {
    Require(all_opened && rest.empty(), "an untouched stream opens whole");
    Require(plain.empty() || opener.finished(), "the final frame is seen");
  } else if (!plain.empty()) {  // a header alone authenticates nothing
    Require(!all_opened, "a changed stream does not open whole");
  }
}

std::vector<std::string> FrameSeeds() {
  std::string sealed = std::string(1, '\x01') + std::string("\x00\x10\x55", 3) + "\x05hello" +
                       "\x20" + std::string(33, 'x');
  std::string raw(1, '\x00');
  raw += std::string(24, 'h');
  raw += std::string("\x00\x00\x00\x20", 4) + std::string(32, 'c');
  return {sealed, raw, std::string(1, '\x01') + std::string(3, '\0') + "\x00"};
}

// ---- handshake: the first messages of a peer link ----
// First byte even: the rest is what a peer sends to a responder (or, with
// the second bit, to an initiator), in messages of the sizes it expects.
// Odd: two honest nodes shake hands while the input changes bytes of the
// messages between them (offset, xor pairs); with no change both finish
// with matching keys, with any change neither finishes believing the
// other.

void RunHandshake(std::string_view input) {
  sync::KeyPair a = FixedKey(5), b = FixedKey(6);
  Reader r(input);
  std::uint8_t mode = r.U8();
  if (mode % 2 == 0) {
    auto role = mode & 2 ? sync::Handshake::Role::kInitiator : sync::Handshake::Role::kResponder;
    sync::Handshake hs(role, a, Network());
    for (int step = 0; step < 8 && !hs.done() && !hs.failed(); ++step) {
      (void)hs.Next();
      if (hs.done() || hs.expected() == 0) break;
      if (!hs.Receive(r.Take(hs.expected())).ok()) break;
    }
    return;
  }
  std::map<std::uint16_t, std::uint8_t> changes;  // offset -> xor (two may cancel)
  for (int i = 0; i < 8 && !r.empty(); ++i) {
    std::uint16_t at = r.U16() % (2 * sync::kHandshakeHelloBytes + 2 * sync::kHandshakeAuthBytes);
    changes[at] ^= r.U8();
  }
  std::erase_if(changes, [](const auto& c) { return c.second == 0; });
  sync::Handshake initiator(sync::Handshake::Role::kInitiator, a, Network());
  sync::Handshake responder(sync::Handshake::Role::kResponder, b, Network());
  std::size_t offset = 0;  // of the current message in the conversation
  for (int step = 0; step < 8; ++step) {
    for (auto [from, to] : {std::pair{&initiator, &responder}, std::pair{&responder, &initiator}}) {
      Bytes m = from->Next();
      if (m.empty() || to->failed() || to->done()) continue;
      for (auto [at, with] : changes) {
        if (at >= offset && at < offset + m.size()) m[at - offset] ^= static_cast<char>(with);
      }
      offset += m.size();
      if (to->expected() == m.size()) (void)to->Receive(m);
    }
  }
  if (changes.empty()) {
    Require(initiator.done() && responder.done(), "an untouched handshake completes");
    Require(initiator.keys().send == responder.keys().receive &&
                initiator.keys().receive == responder.keys().send,
            "both sides derive the same keys");
    Require(initiator.peer() == b.public_key && responder.peer() == a.public_key,
            "each side learns the other's key");
  } else {
    Require(!(initiator.done() && responder.done()), "a changed handshake does not complete");
  }
}

std::vector<std::string> HandshakeSeeds() {
  return {std::string(1, '\x01'), std::string("\x01\x00\x10\x01", 4),
          std::string("\x01\x00\x90\x80", 4), std::string(65, '\0'),
          std::string(1, '\x02') + std::string(64, 'h')};
}

// ---- entry: the signed form of an entry ----

void RunEntry(std::string_view input) {
  auto d = sync::DecodeEntry(input);
  if (!d.ok()) return;
  const sync::Entry& e = d->entry;
  Require(sync::CheckShape(e).ok(), "a decoded entry has a valid shape");
  Bytes again = sync::EncodeBody(e);
  again.append(reinterpret_cast<const char*>(e.signature.data()), e.signature.size());
  Require(again == input, "one byte sequence per entry");
  Require(sync::EntryId(input) == d->id, "the id is the hash of the signed form");
  (void)sync::CheckSignature(Network(), *d);
  (void)sync::CheckPayload(e, "");
}

sync::Entry SampleEntry(sync::Kind kind, std::uint64_t seq) {
  sync::Entry e;
  e.kind = kind;
  e.seq = seq;
  e.hlc = 1000;
  return e;
}

std::vector<std::string> EntrySeeds() {
  sync::KeyPair k = FixedKey(3);
  std::vector<std::string> out;
  Hash32 id;
  sync::Entry e = SampleEntry(sync::Kind::kFaq, 1);
  out.push_back(sync::SignEntry(k, Network(), &e, &id));
  sync::Entry edit = SampleEntry(sync::Kind::kFaq, 2);
  edit.prev = id;
  edit.doc = id;
  edit.parents = {id};
  out.push_back(sync::SignEntry(k, Network(), &edit, &id));
  return out;
}

// ---- content: document payloads ----
// First byte: the kind; the rest: the payload.

void RunContent(std::string_view input) {
  Reader r(input);
  auto kind = static_cast<sync::Kind>(1 + r.U8() % 4);
  std::string_view payload = r.Rest();
  // The full check by hand: ValidatePayload itself answers from the
  // one-pass check when that accepts, so it cannot be the reference.
  json parsed = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  Status full = parsed.is_discarded() ? Status::InvalidArgument("not JSON")
                                      : sync::ValidateContent(kind, parsed);
  bool quick = sync::QuickAccept(kind, payload);
  Require(!quick || full.ok(), "the one-pass check accepts only what the full check accepts",
          full.ToString());
  if (!full.ok()) return;
  auto canonical = sync::CanonicalContent(kind, parsed);
  Require(canonical.ok(), "valid content has a canonical form");
  Require(sync::ValidatePayload(kind, *canonical).ok(), "the canonical form is valid");
  auto twice = sync::CanonicalContent(kind, json::parse(*canonical));
  Require(twice.ok() && *twice == *canonical, "the canonical form is its own canonical form");
}

std::vector<std::string> ContentSeeds() {
  return {
      std::string(1, '\0') +
          R"({"question":"How do I renew a visa?","answer":"At the **embassy**.","language":"en","categories":["visa"]})",
      "\x01"
      R"({"country":"DE","topic":"study","language":"fr","body":"Les universités…","verified_on":"2026-10-01","sources":["ministry website"]})",
      "\x02"
      R"({"title":"New quota","body":"From May.","effective_date":"2026-05-01","urgency":"high","language":"ru","countries":["KZ"]})",
      "\x03"
      R"({"name":"Centre 1","location":{"city":"Osh","country":"KG"},"languages":["ky","ru"],"services":["counselling"]})",
  };
}

// ---- markdown: what editors write, rendered into every page ----

std::string Unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      for (auto [entity, c] : {std::pair<std::string_view, char>{"&amp;", '&'},
                               {"&quot;", '"'},
                               {"&#39;", '\''},
                               {"&lt;", '<'},
                               {"&gt;", '>'}}) {
        if (s.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size() - 1;
          goto next;
        }
      }
    }
    out += s[i];
  next:;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void RunMarkdown(std::string_view input) {
  std::string html = web::RenderMarkdown(input);
  std::string lower = Lower(html);
  Require(lower.find("<script") == std::string::npos, "no script element", html.substr(0, 300));
  Require(lower.find("<iframe") == std::string::npos, "no iframe", html.substr(0, 300));
  for (std::string_view attribute : {" href=\"", " src=\""}) {
    for (std::size_t at = lower.find(attribute); at != std::string::npos;
         at = lower.find(attribute, at + 1)) {
      std::size_t start = at + attribute.size();
      std::size_t end = html.find('"', start);
      Require(end != std::string::npos, "attribute values are closed");
      std::string url = Unescape(std::string_view(html).substr(start, end - start));
      Require(web::IsSafeLinkTarget(url), "every link and image is to a safe address", url);
    }
  }
  // No event handler attribute ("<a onclick=...>") on any element.
  for (std::size_t at = lower.find('<'); at != std::string::npos; at = lower.find('<', at + 1)) {
    std::size_t i = at + 1;
    while (i < lower.size() && lower[i] != '>' && lower[i] != ' ') ++i;  // the element's name
    while (i < lower.size() && lower[i] != '>') {
      while (i < lower.size() && lower[i] == ' ') ++i;
      std::size_t name = i;
      while (i < lower.size() && lower[i] != '=' && lower[i] != ' ' && lower[i] != '>') ++i;
      Require(lower.compare(name, 2, "on") != 0 || i - name < 3, "no event handler attribute",
              std::string_view(lower).substr(at, 200));
      if (i < lower.size() && lower[i] == '=') {
        ++i;
        if (i < lower.size() && lower[i] == '"') {
          i = lower.find('"', i + 1);
          if (i == std::string::npos) break;
          ++i;
        } else {
          while (i < lower.size() && lower[i] != ' ' && lower[i] != '>') ++i;
        }
      }
    }
  }
  (void)web::MarkdownText(input);
}

std::vector<std::string> MarkdownSeeds() {
  return {
      "# Title\n\nSome *emphasis*, **strong**, `code`, a [link](https://example.org \"t\") and "
      "<https://auto.example>.\n\n- one\n- two\n\n1. first\n\n> quote\n\n```\ncode block\n```\n",
      "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~struck~~ www.example.org ![img](/i.png)\n",
      "<script>alert(1)</script> [x](javascript:alert(1)) [y](java&#115;cript:z) "
      "<img src=x onerror=alert(1)>\n\n[ref]: http://a.example\n[ref]\n",
  };
}

// ---- http: raw bytes to the node's HTTP server on loopback ----
// "@T@" in an input becomes the node's admin API token, so that inputs can
// reach the routes behind authentication.

struct HttpServer {
  std::unique_ptr<web::Server> server;
  std::thread thread;
  std::uint16_t port = 0;

  HttpServer() {
    Node& node = TheNode();
    web::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 1;
    options.timeout_seconds = 2;
    options.body_limit = 64 * 1024;
    auto s = web::Server::Create(
        options, [&node](const web::HttpRequest& r) { return node.app->Handle(r); });
    Require(s.ok(), "the server starts", s.ok() ? "" : s.status().ToString());
    server = std::move(s).value();
    port = server->port();
    thread = std::thread([this] { (void)server->Run(); });
  }
  ~HttpServer() {
    server->Stop();
    thread.join();
  }
};

HttpServer& TheServer() {
  static HttpServer server;
  return server;
}

void RunHttp(std::string_view input) {
  HttpServer& server = TheServer();
  std::string request(input);
  for (std::size_t at = request.find("@T@"); at != std::string::npos;
       at = request.find("@T@", at)) {
    request.replace(at, 3, TheNode().token);
  }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  Require(fd >= 0, "a socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Require(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0,
          "the server accepts a connection");
  // Send all, then read everything until the server closes; both bounded
  // by time (the server's own timeout is 2 s).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::size_t sent = 0;
  std::string response;
  bool write_closed = false, ended = false;
  char buf[16384];
  while (std::chrono::steady_clock::now() < deadline) {
    if (sent == request.size() && !write_closed) {
      ::shutdown(fd, SHUT_WR);
      write_closed = true;
    }
    pollfd p{fd, static_cast<short>(POLLIN | (write_closed ? 0 : POLLOUT)), 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    if (p.revents & POLLOUT) {
      ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        sent = request.size();  // the server closed its side: stop sending
      } else {
        sent += static_cast<std::size_t>(n);
      }
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        ended = true;
        break;
      }
      response.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  Require(ended, "the server ends the connection in time");
  if (!response.empty()) {
    Require(response.rfind("HTTP/1.", 0) == 0, "the server answers in HTTP",
            response.substr(0, 100));
  }
  FollowLog(TheNode());
}

std::string Hex(std::size_t n) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%zx", n);
  return buf;
}

std::vector<std::string> HttpSeeds() {
  const std::string host = "Host: 127.0.0.1\r\n";
  const std::string auth = "Authorization: Bearer @T@\r\n";
  std::string doc =
      R"({"kind":"faq","content":{"question":"Q?","answer":"A","language":"en","categories":["visa"]}})";
  return {
      "GET /healthz HTTP/1.1\r\n" + host + "\r\n",
      "GET /api/v1/search?q=visa&kind=faq HTTP/1.1\r\n" + host + auth + "\r\n",
      "POST /api/v1/docs HTTP/1.1\r\n" + host + auth +
          "Content-Type: application/json\r\nContent-Length: " + std::to_string(doc.size()) +
          "\r\n\r\n" + doc,
      "POST /api/v1/docs HTTP/1.1\r\n" + host + auth +
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + "10\r\n" +
          doc.substr(0, 16) + "\r\n" + Hex(doc.size() - 16) + "\r\n" + doc.substr(16) +
          "\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
      "GET /assets/../../etc/passwd HTTP/1.1\r\n" + host + "\r\n" + "GET /guides HTTP/1.1\r\n" +
          host + auth + "\r\n",
      "GET /login HTTP/1.0\r\n\r\n",
  };
}

// ---- api: any route of the App, with an admin's token ----
// Input: a route of web::Routes(), which known document fills its {id},
// the query string, then the body. In-process (no socket), so that inputs
// reach every handler's parsing of queries, JSON and forms. Bad input of
// any kind must get a clear error: a 500 is a finding.

void RunApi(std::string_view input) {
  Node& node = TheNode();
  static std::vector<std::string> ids;  // documents the node holds
  static std::uint64_t calls = 0;
  if (ids.empty() || calls++ % 256 == 0) {
    ids.clear();
    (void)node.log->ScanDocs(nullptr, [&](const sync::DocState& d) {
      ids.push_back(ToHex(d.id));
      return ids.size() < 32;
    });
  }
  Reader r(input);
  std::span<const web::RouteRule> routes = web::Routes();
  const web::RouteRule& rule = routes[r.U8() % routes.size()];
  std::uint8_t pick = r.U8();
  std::string id = ids.empty() || pick == 255 ? std::string(64, 'a') : ids[pick % ids.size()];
  std::string path = rule.pattern;
  for (auto [var, value] : std::initializer_list<std::pair<std::string_view, std::string>>{
           {"{id}", id},
           {"{p}", id},
           {"{key}", ToHex(node.hq.public_key)},
           {"{name}", "fuzzer"},
           {"{country}", "DE"},
           {"{file}", "style.css"},
           {"{facet}", "category"},
           {"*", "x"}}) {
    for (auto at = path.find(var); at != std::string::npos; at = path.find(var, at))
      path.replace(at, var.size(), value);
  }
  web::HttpRequest req;
  req.method = std::string_view(rule.method) == "*" ? (r.U8() % 2 ? "POST" : "GET") : rule.method;
  std::string_view query = r.Take(r.U8());
  req.target = query.empty() ? path : path + "?" + std::string(query);
  req.body = r.Rest();
  req.remote = "127.0.0.1:5000";
  req.headers["host"] = "127.0.0.1:8080";
  req.headers["authorization"] = "Bearer " + node.token;
  bool api = path.rfind("/api/", 0) == 0;
  req.headers["content-type"] = api ? "application/json" : "application/x-www-form-urlencoded";
  web::HttpResponse res = node.app->Handle(req);
  std::string what = req.method + " " + req.target + " -> " + std::to_string(res.status) + " " +
                     res.body.substr(0, 200);
  Require(res.status >= 100 && res.status <= 599, "a status within HTTP's range", what);
  Require(res.status != 500, "bad input gets a clear error, not an internal one", what);
  Require(res.Header("X-Content-Type-Options") && res.Header("Content-Security-Policy"),
          "security headers on every response", what);
  FollowLog(node);
}

std::vector<std::string> ApiSeeds() {
  auto seed = [](std::string_view method, std::string_view pattern, std::string_view body,
                 std::string_view query = {}) {
    std::span<const web::RouteRule> routes = web::Routes();
    for (std::size_t i = 0; i < routes.size(); ++i) {
      if (method == routes[i].method && pattern == routes[i].pattern) {
        std::string in;
        in += static_cast<char>(i);
        in += '\0';
        in += static_cast<char>(query.size());
        in += query;
        in += body;
        return in;
      }
    }
    Broken("no route for a seed", pattern);
  };
  std::string faq =
      R"({"kind":"faq","content":{"question":"Q?","answer":"A","language":"en","categories":["visa"]}})";
  return {
      seed("POST", "/api/v1/docs", faq),
      seed("PUT", "/api/v1/docs/{id}",
           R"({"base":[],"content":{"question":"Q2?","answer":"B","language":"en"}})"),
      seed("POST", "/api/v1/docs/{id}/proposals",
           R"({"content":{"question":"Q3?","answer":"C","language":"en"}})"),
      seed("GET", "/api/v1/search", "", "q=visa&kind=faq&limit=5&offset=0&language=en"),
      seed("GET", "/api/v1/docs", "", "kind=faq&limit=3"),
      seed("POST", "/api/v1/users",
           R"({"name":"fuzzer","role":"editor","password":"long enough 1"})"),
      seed("PUT", "/api/v1/me", R"({"language":"fr"})"),
      seed(
          "POST", "/api/v1/referrals",
          R"({"to":")" + ToHex(FixedKey(1).public_key) +
              R"(","service":"counselling","reason":"r","client":{"name":"N"},"consent":{"given":true,"scope":"s"}})"),
      seed("POST", "/api/v1/members/{key}/revoke", R"({"reason":"lost","from_seq":3})"),
      seed("POST", "/docs/new", "kind=faq&question=Q&answer=A&language=en"),
  };
}

// ---- session: a peer's reconciliation, as a link's session takes it ----
// Two logs made once: ours, and a peer's holding part of the same feeds
// and feeds of its own, so that the seeds (what the peer really sends)
// reach every turn of the reconciliation. Entries in the input are left
// out (what they do is the ingest target's): the logs never change, and
// every input starts a new session.

struct SessionLogs {
  std::string dir = TempDir("session");
  std::unique_ptr<storage::Store> ours_store, peer_store;
  std::unique_ptr<sync::Log> ours, peer;

  SessionLogs() {
    storage::Options options;
    options.sync_writes = false;
    sync::KeyPair root = FixedKey(3), peer_key = FixedKey(4);
    ours_store = storage::Store::Open(dir + "-ours", options).value();
    peer_store = storage::Store::Open(dir + "-peer", options).value();
    ours = sync::OpenLog(ours_store.get(), root, Network(), root.public_key).value();
    peer = sync::OpenLog(peer_store.get(), peer_key, Network(), root.public_key).value();
    std::vector<sync::KeyPair> members{peer_key};
    for (std::uint8_t i = 0; i < 60; ++i)
      members.push_back(FixedKey(static_cast<std::uint8_t>(10 + i)));
    std::vector<sync::Draft> approvals;
    for (const auto& m : members) {
      sync::Statement st;
      st.key = m.public_key;
      st.roles = {"hq"};
      st.name = "member " + ToHex(m.public_key).substr(0, 6);
      approvals.push_back(
          {sync::Kind::kMember, sync::Op::kPut, Hash32{}, {}, sync::StatementPayload(st).value()});
    }
    Require(ours->Append(approvals).ok(), "the root approves the members");
    Require(peer->Ingest(ours->ReadFeed(root.public_key, 1, SIZE_MAX).value()).ok(),
            "the peer takes in the approvals");
    // Member i writes i % 5 entries; we hold them all but the last ten
    // members', the peer holds a prefix that differs for one in four.
    for (std::size_t i = 1; i < members.size(); ++i) {
      std::vector<sync::Incoming> feed;
      Hash32 prev{};
      for (std::uint64_t seq = 1; seq <= i % 5; ++seq) {
        sync::Entry e;
        e.seq = seq;
        e.prev = prev;
        e.hlc = seq << 40;
        std::string payload = R"({"answer":"A","language":"en","question":"Q )" +
                              std::to_string(i) + "." + std::to_string(seq) + R"(?"})";
        Require(sync::PayloadDigest(e.kind, payload, &e.payload_hash, &e.payload_size).ok(),
                "a payload digest");
        feed.push_back({sync::SignEntry(members[i], Network(), &e, &prev), payload});
      }
      std::size_t at_peer = i % 4 == 0 ? feed.size() / 2 : feed.size();
      if (i + 10 < members.size()) Require(ours->Ingest(feed).ok(), "we hold a feed");
      feed.resize(at_peer);
      Require(peer->Ingest(feed).ok(), "the peer holds a feed");
    }
  }
  ~SessionLogs() {
    ours.reset();
    peer.reset();
    ours_store.reset();
    peer_store.reset();
    std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
  }
};

SessionLogs& TheSessionLogs() {
  static SessionLogs logs;
  return logs;
}

// Input: frames, each a u16 length (mod 8 KiB) and a replication message.
void RunSession(std::string_view input) {
  SessionLogs& logs = TheSessionLogs();
  sync::PeerSession session(logs.ours.get(), logs.peer->self());
  Require(session.Start().ok(), "a session starts");
  Reader r(input);
  std::vector<sync::wire::Message> out;
  // A peer of this version: what follows its version message is fuzzed.
  Require(session
              .OnMessage(sync::wire::VersionMsg{sync::PeerSession::kOldestProtocolVersion,
                                                sync::PeerSession::kProtocolVersion, "fuzz"},
                         &out)
              .ok(),
          "a peer of this version is accepted");
  for (int i = 0; i < 256 && !r.empty(); ++i) {
    std::string_view frame = r.Take(r.U16() % 8192);
    auto m = sync::wire::Decode(frame);
    if (!m.ok() || std::holds_alternative<sync::wire::EntriesMsg>(*m)) continue;
    Status s = session.OnMessage(std::move(m).value(), &out);
    if (!s.ok()) {
      Require(s.code() == Status::Code::kCorruption, "a misbehaving peer is refused as such",
              s.ToString());
      break;
    }
  }
  for (const auto& m : out)
    Require(sync::wire::Decode(sync::wire::Encode(m)).ok(), "what the session sends decodes");
  sync::PeerStats stats = session.Stats();
  Require(stats.batches_in_flight <= sync::PeerSession::kWindow, "the window holds");
}

std::vector<std::string> SessionSeeds() {
  SessionLogs& logs = TheSessionLogs();
  // What the peer really sends when it meets us, as input frames.
  sync::PeerSession ours(logs.ours.get(), logs.peer->self());
  sync::PeerSession peer(logs.peer.get(), logs.ours->self());
  std::vector<sync::wire::Message> to_peer = ours.Start().value(), to_ours = peer.Start().value();
  std::string seed;
  for (int round = 0; round < 16 && (!to_peer.empty() || !to_ours.empty()); ++round) {
    std::vector<sync::wire::Message> from_ours, from_peer;
    for (auto& m : to_ours) {
      Bytes b = sync::wire::Encode(m);
      // RunSession says the version itself: the seed holds what follows.
      if (b[0] != 'E' && b[0] != 'V' && b.size() < 8192) {
        seed += static_cast<char>(b.size() >> 8);
        seed += static_cast<char>(b.size() & 0xff);
        seed += b;
      }
      Require(ours.OnMessage(std::move(m), &from_ours).ok(), "a real peer is taken in");
    }
    for (auto& m : to_peer) Require(peer.OnMessage(std::move(m), &from_peer).ok(), "we are too");
    to_ours = std::move(from_peer);
    to_peer = std::move(from_ours);
  }
  Require(ours.Stats().reconciled, "the seed reconciles");
  // And a peer that holds nothing: its fingerprint, then its empty list.
  sync::wire::RangeItem fingerprint, heads;
  heads.kind = sync::wire::RangeItem::Kind::kHeads;
  std::string empty;
  for (const auto& item : {fingerprint, heads}) {
    Bytes b = sync::wire::Encode(sync::wire::Message(sync::wire::ReconcileMsg{{item}}));
    empty += '\0';
    empty += static_cast<char>(b.size());
    empty += b;
  }
  return {seed, empty};
}

// ---- ingest: entries signed by headquarters, applied to the node's log ----
// Records: kind, op, flags, hlc, a document and parents named by how many
// entries back they were made, and a payload. The harness signs them as
// headquarters' next entries (seq and prev follow its feed), so that
// inputs reach what happens after the signature check: content rules,
// conflicts, deletes, proposals, trust statements, referrals.

struct IngestState {
  std::vector<Hash32> recent;  // ids of entries made, newest last
  std::uint64_t inputs = 0;
};

void RunIngest(std::string_view input) {
  Node& node = TheNode();
  static IngestState state;
  Reader r(input);
  std::uint64_t seq = 0;
  Hash32 prev{};
  auto feeds = node.log->Feeds();
  Require(feeds.ok(), "the log lists its feeds");
  for (const auto& f : *feeds) {
    if (f.author == node.hq.public_key) {
      seq = f.seq;
      prev = f.id;
    }
  }
  // Clocks follow the feed's last one (an entry whose clock is not after
  // its author's previous one is rejected, and most inputs would stop
  // there); flag 8 takes one at most one past the last, so that it is
  // mostly rejected but never holds back the inputs that follow.
  std::uint64_t hlc = 0;
  if (seq > 0) {
    auto head = node.log->ReadFeed(node.hq.public_key, seq, 1);
    Require(head.ok() && head->size() == 1, "the log reads its feed's head");
    auto decoded = sync::DecodeEntry((*head)[0].signed_form);
    Require(decoded.ok(), "a stored entry decodes");
    hlc = decoded->entry.hlc;
  }
  auto ref = [&](std::uint8_t back) -> Hash32 {
    if (back == 0 || state.recent.empty()) return Hash32{};
    return state.recent[state.recent.size() - 1 - (back - 1) % state.recent.size()];
  };
  std::vector<sync::Incoming> batch;
  while (!r.empty() && batch.size() < 16) {
    sync::Entry e;
    e.kind = static_cast<sync::Kind>(1 + r.U8() % sync::kMaxKind);
    e.op = static_cast<sync::Op>(r.U8() % (sync::kMaxOp + 1));
    std::uint8_t flags = r.U8();
    std::uint64_t clock = r.U64();
    e.hlc = (flags & 8) ? clock % (hlc + 2) : hlc + 1 + (clock & 0xFFFF);
    e.doc = ref(r.U8());
    std::size_t parents = r.U8() % 4;
    for (std::size_t i = 0; i < parents; ++i) e.parents.push_back(ref(r.U8()));
    if (!(flags & 1)) {
      std::sort(e.parents.begin(), e.parents.end());
      e.parents.erase(std::unique(e.parents.begin(), e.parents.end()), e.parents.end());
    }
    std::string payload(r.Take(r.U16() % 4096));
    if (!sync::PayloadDigest(e.kind, payload, &e.payload_hash, &e.payload_size).ok()) {
      e.payload_hash = sync::Blake2b256(payload);
      e.payload_size = static_cast<std::uint32_t>(payload.size());
    }
    if (flags & 2) e.payload_hash[0] ^= 1;    // a payload that does not match
    e.seq = (flags & 4) ? seq + 2 : seq + 1;  // now and then a gap
    e.prev = prev;
    Hash32 id;
    Bytes signed_form = sync::SignEntry(node.hq, Network(), &e, &id);
    batch.push_back({signed_form, payload});
    seq = e.seq;
    prev = id;
    hlc = std::max(hlc, e.hlc);
    state.recent.push_back(id);
    if (state.recent.size() > 64) state.recent.erase(state.recent.begin());
  }
  if (batch.empty()) return FollowLog(node);
  auto report = node.log->Ingest(batch);
  Require(report.ok(), "ingesting refuses entries, it does not fail",
          report.ok() ? "" : report.status().ToString());
  (void)node.log->Digest();
  // The whole log re-checks now and then (it grows with every input).
  if (++state.inputs % 500 == 0) {
    std::string first;
    auto problems = node.log->Verify([&](const Status& s) {
      if (first.empty()) first = s.ToString();
    });
    Require(problems.ok() && *problems == 0, "the log verifies", first);
  }
  FollowLog(node);
}

std::string IngestRecord(std::uint8_t kind, std::uint8_t op, std::uint8_t doc,
                         std::vector<std::uint8_t> parents, std::string_view payload) {
  std::string out;
  out += static_cast<char>(kind - 1);
  out += static_cast<char>(op);
  out += '\0';                           // flags
  out += std::string(7, '\0') + "\x10";  // clock: 17 past the feed's last
  out += static_cast<char>(doc);
  out += static_cast<char>(parents.size());
  for (auto p : parents) out += static_cast<char>(p);
  out += static_cast<char>(payload.size() >> 8);
  out += static_cast<char>(payload.size() & 0xFF);
  out += payload;
  return out;
}

std::vector<std::string> IngestSeeds() {
  std::string faq = R"({"answer":"A","categories":["visa"],"language":"en","question":"Q?"})";
  std::string faq2 = R"({"answer":"B","categories":["visa"],"language":"en","question":"Q?"})";
  std::string bulletin =
      R"({"body":"From May.","countries":["KZ"],"effective_date":"2026-05-01","language":"en","title":"Quota","urgency":"high"})";
  return {
      // create, then edit it (document and parent: the entry one back)
      IngestRecord(1, 0, 0, {}, faq) + IngestRecord(1, 0, 1, {1}, faq2),
      // a bulletin, then its deletion
      IngestRecord(3, 0, 0, {}, bulletin) + IngestRecord(3, 1, 1, {1}, ""),
      // a proposal to a document, declined
      IngestRecord(1, 0, 0, {}, faq) + IngestRecord(1, 2, 1, {1}, faq2) +
          IngestRecord(1, 3, 2, {1}, R"({"reason":"no"})"),
  };
}

// ---- bundle: a file carried between centres ----
// First byte: 0 writes the records with a correct header, count and
// checksum (so that inputs reach the entries); anything else also cuts or
// changes the file at a place the next two bytes give.

void RunBundle(std::string_view input) {
  Node& node = TheNode();
  Reader r(input);
  std::uint8_t mode = r.U8();
  std::uint16_t where = r.U16();
  Bytes file = "MRCBNDL1";
  file += AsView(Network());
  sync::Hasher h;
  h.Update(file);
  std::uint64_t count = 0;
  while (!r.empty() && count < 64) {
    std::string a(r.Take(r.U16() % (sync::kMaxEntryBytes + 1))), b(r.Take(r.U16() % 4096));
    Bytes record = "E";
    PutU32(&record, static_cast<std::uint32_t>(a.size()));
    record += a;
    PutU32(&record, static_cast<std::uint32_t>(b.size()));
    record += b;
    h.Update(record);
    file += record;
    ++count;
  }
  file += 'Z';
  h.Update("Z");
  Bytes tail;
  PutU64(&tail, count);
  h.Update(tail);
  file += tail;
  file += AsView(h.Finish());
  if (mode == 1) file.resize(where % (file.size() + 1));
  if (mode > 1 && !file.empty()) file[where % file.size()] ^= static_cast<char>(mode);
  struct File {
    std::string path = TempDir("bundle");
    ~File() { std::filesystem::remove_all(std::filesystem::path(path).parent_path()); }
  };
  static const File bundle;
  const std::string& path = bundle.path;
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    Require(f != nullptr, "the bundle file can be written");
    std::fwrite(file.data(), 1, file.size(), f);
    std::fclose(f);
  }
  auto imported = sync::ImportBundle(node.log, path);
  if (mode == 0)
    Require(imported.ok(), "a well-formed bundle imports", imported.status().ToString());
}

std::vector<std::string> BundleSeeds() {
  // A centre's new FAQ entry and its edit, with their payloads.
  sync::KeyPair k = FixedKey(3);
  std::vector<std::pair<std::string, std::string>> entries;
  Hash32 id;
  for (std::uint64_t seq = 1; seq <= 2; ++seq) {
    std::string payload = R"({"answer":"A)" + std::to_string(seq) +
                          R"(","categories":["visa"],"language":"en","question":"Q?"})";
    sync::Entry e = SampleEntry(sync::Kind::kFaq, seq);
    if (seq == 2) {
      e.prev = id;
      e.doc = id;
      e.parents = {id};
    }
    e.payload_hash = sync::Blake2b256(payload);
    e.payload_size = static_cast<std::uint32_t>(payload.size());
    entries.emplace_back(sync::SignEntry(k, Network(), &e, &id), payload);
  }
  auto field = [](const std::string& f) {
    return std::string(1, static_cast<char>(f.size() >> 8)) + static_cast<char>(f.size() & 0xFF) +
           f;
  };
  std::string records;
  for (const auto& [signed_form, payload] : entries) records += field(signed_form) + field(payload);
  return {std::string(3, '\0') + records, std::string("\x01\x00\x60", 3) + records,
          std::string("\x04\x00\x70", 3) + records};
}

}  // namespace

const std::vector<Target>& Targets() {
  static const std::vector<Target> targets = {
      {"wire", RunWire, WireSeeds},
      {"frames", RunFrames, FrameSeeds},
      {"handshake", RunHandshake, HandshakeSeeds},
      {"entry", RunEntry, EntrySeeds},
      {"content", RunContent, ContentSeeds},
      {"markdown", RunMarkdown, MarkdownSeeds},
      {"http", RunHttp, HttpSeeds},
      {"api", RunApi, ApiSeeds},
      {"ingest", RunIngest, IngestSeeds},
      {"bundle", RunBundle, BundleSeeds},
      {"session", RunSession, SessionSeeds},
  };
  return targets;
}

const Target* FindTarget(std::string_view name) {
  for (const auto& t : Targets()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace mrc::fuzz
