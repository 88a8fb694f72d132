// The signed log entry: its fields, canonical binary encoding, and the checks
// that need nothing but the entry itself (see docs/architecture.md, "Entry
// format").
//
// Body layout (all integers big-endian, no optional parts, no padding):
//   u8  format (=1)   u8 kind   u8 op
//   32  author        u64 seq   32 prev        u64 hlc
//   32  doc           u16 n     n x 32 parents (strictly ascending)
//   32  payload hash  u32 payload size
// Signature   = Ed25519(author, "mrc-entry-v1" || network id || BLAKE2b-256(body)),
//               carried after the body. Binding the network id means an entry
//               of one network never verifies in another.
// Signed form = body || signature (what is stored and shipped).
// Entry id    = BLAKE2b-256(signed form). prev is the id of the author's entry
//               seq-1 (zero for seq 1), so a feed is a hash chain of signed
//               forms: one valid signature on the newest entry of a run
//               authenticates every earlier entry of it, signatures included.
//
// Decoding is strict: one byte sequence per entry, so equal entries have equal
// bytes and ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/clock.h"
#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"

namespace mrc::sync {

// Kinds 1-4 are documents (versioned, with heads and a winner). Kinds 5 to 8
// are statements that never form documents: trust statements (membership,
// revocation, key rotation; sync/trust/trust.h), bulletin receipts, referrals
// with their statuses (sync/referrals/referral.h), problem reports on
// documents with their replies (sync/reports/report.h), and network
// settings headquarters signs (sync/settings/setting.h).
enum class Kind : std::uint8_t {
  kFaq = 1,
  kGuide = 2,
  kBulletin = 3,
  kCentre = 4,
  kMember = 5,    // doc zero; parents are dependencies (a rotation approval names the rotation)
  kReceipt = 6,   // doc = the bulletin, one parent = the bulletin version received
  kReferral = 7,  // doc zero: sent; else doc = the referral, one parent = its previous status
  kReport = 8,    // doc = the document, one parent = the version seen, or the report replied to
  kSetting = 9,   // doc zero, no parents
};
inline constexpr std::uint8_t kMaxKind = 9;
// Kinds above kMaxKind belong to later versions: this version verifies,
// stores and relays their entries, and leaves them waiting for rules it
// does not have (docs/protocol.md, "Nodes of mixed versions"). Kind 0 is
// not a kind.
inline bool IsKnownKind(Kind k) {
  return static_cast<std::uint8_t>(k) >= 1 && static_cast<std::uint8_t>(k) <= kMaxKind;
}
inline bool IsDocumentKind(Kind k) {
  return static_cast<std::uint8_t>(k) >= 1 && static_cast<std::uint8_t>(k) <= 4;
}
// kPropose: a change offered to a document's owner (it does not change the
// document; an edit naming it as a parent accepts it). kDecline: the owner
// turns a proposal down (its one parent is the proposal).
enum class Op : std::uint8_t { kPut = 0, kDelete = 1, kPropose = 2, kDecline = 3 };
inline constexpr std::uint8_t kMaxOp = 3;

inline constexpr std::uint8_t kEntryFormat = 1;
inline constexpr std::size_t kMaxParents = 32;
inline constexpr std::size_t kFixedBodyBytes = 3 + 32 + 8 + 32 + 8 + 32 + 2 + 32 + 4;
inline constexpr std::size_t kMaxEntryBytes = kFixedBodyBytes + 32 * kMaxParents + 64;
inline constexpr std::uint32_t kMaxPayloadBytes = 1 << 20;

// "faq", "guide", "bulletin", "centre", "member", "receipt", "referral",
// "report", "setting";
// "unknown" for a kind of a later version.
std::string_view KindName(Kind k);
// Parses the name of a document kind (faq, guide, bulletin, centre) only.
bool ParseKind(std::string_view name, Kind* kind);

struct Entry {
  Kind kind = Kind::kFaq;
  Op op = Op::kPut;
  Hash32 author{};
  std::uint64_t seq = 0;
  Hash32 prev{};
  std::uint64_t hlc = 0;
  Hash32 doc{};                 // zero: this entry creates a document
  std::vector<Hash32> parents;  // the versions this one replaces
  Hash32 payload_hash{};
  std::uint32_t payload_size = 0;
  Signature signature{};

  bool IsRoot() const { return IsZero(doc); }
  // The document this entry belongs to: its own id when it creates one.
  Hash32 DocId(const Hash32& own_id) const { return IsRoot() ? own_id : doc; }
};

// Why an entry was refused. Each has a stable name used in messages, status
// and tests: the Status message starts with "<name>: ".
enum class Problem {
  kMalformed,         // "malformed"
  kUnknownKind,       // "unknown-kind": kind 0
  kOversizedEntry,    // "oversized-entry"
  kOversizedPayload,  // "oversized-payload"
  kBadSignature,      // "bad-signature"
  kPayloadMismatch,   // "payload-mismatch"
  kBrokenChain,       // "broken-chain"
  kSeqGap,            // "seq-gap"
  kInvalidContent,    // "invalid-content"
  kBadParent,         // "bad-parent"
  kFork,              // "fork"
  kNotAuthorised,     // "not-authorised": the author may not make this change
  kRevoked,           // "revoked": the author's key is revoked from this seq
  kUnapproved,        // "unapproved": what is held of a key not yet approved is full
};
std::string_view ProblemName(Problem p);
Status MakeProblem(Problem p, std::string_view detail);
// The problem a Status was made from, or false if it was not made by MakeProblem.
bool ProblemOf(const Status& s, Problem* p);

// The body bytes (everything but the signature).
Bytes EncodeBody(const Entry& e);
// The id of an entry: the hash of its signed form.
Hash32 EntryId(std::string_view signed_form);
// The message the author signs for an entry whose body hashes to
// `body_hash`, in this network.
Bytes SigningMessage(const Hash32& network_id, const Hash32& body_hash);

// Sets e->author to the key's public key and signs; the caller has filled
// every other field. Returns the signed form; *id receives the entry id.
Bytes SignEntry(const KeyPair& key, const Hash32& network_id, Entry* e, Hash32* id);

struct DecodedEntry {
  Entry entry;
  Hash32 id{};
  Hash32 body_hash{};     // what the signature covers
  std::string_view body;  // points into the decoded buffer
};
// Strict decode of a signed form; does not check the signature nor the
// kind's own shape.
Result<DecodedEntry> DecodeEntry(std::string_view signed_form);
// The frame every entry follows whatever its kind, which DecodeEntry
// applies (a malformed-entry problem when broken): parents strictly
// ascending, the payload within its limit. Each kind's rules add their own
// (EntryRules::CheckShape, applied by the log to arrivals and to what it
// signs), so that no node signs what others refuse.
Status CheckShape(const Entry& e);

bool CheckSignature(const Hash32& network_id, const DecodedEntry& d);
// What an entry signs for its payload: BLAKE2b-256 and the length, except
// for referrals (sync/referrals/referral.h), whose sealed part can be erased.
// InvalidArgument when a referral payload is malformed.
Status PayloadDigest(Kind kind, std::string_view payload, Hash32* hash, std::uint32_t* size);
// Payload against the signed hash and size.
Status CheckPayload(const Entry& e, std::string_view payload);

// A hybrid logical clock value: milliseconds since the Unix epoch in the top
// 48 bits, a counter in the low 16. Orders events across nodes whose clocks
// disagree, while staying close to wall time for display. Not thread-safe.
class HybridClock {
 public:
  // A remote clock more than this far ahead of ours is not followed: one
  // node with a wrong clock must not drag every other node's clock into the
  // future.
  static constexpr std::uint64_t kMaxDriftMillis = 10 * 60 * 1000;

  // Reads wall time from `wall`, which must outlive this clock.
  explicit HybridClock(const Clock* wall = SystemClock()) : wall_(wall) {}

  // A value greater than every value returned or observed before.
  std::uint64_t Now();
  // Follows a remote value unless it is more than kMaxDriftMillis ahead.
  void Observe(std::uint64_t remote);
  // Follows a value unconditionally (our own entries, our parents).
  void Advance(std::uint64_t at_least);
  std::uint64_t last() const { return last_; }

 private:
  const Clock* wall_;
  std::uint64_t last_ = 0;
};
std::uint64_t HlcMillis(std::uint64_t hlc);
// RFC 3339 UTC with milliseconds, e.g. "2026-11-23T10:00:00.123Z".
std::string FormatTime(std::uint64_t unix_millis);

}  // namespace mrc::sync
