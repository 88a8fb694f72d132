// On-disk records of the log (internal to sync/). Layouts are documented in
// docs/architecture.md, "Storage layout"; all integers big-endian.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/foundation/bytes.h"
#include "sync/log/log.h"

namespace mrc::sync::records {

// The layout of the records this version reads and writes, kept in kMeta
// under kStoreFormatKey (u32). A store that records none was written before
// the layout was recorded, in the layout of format 1.
inline constexpr std::uint32_t kStoreFormat = 1;
inline constexpr std::string_view kStoreFormatKey = "store-format";
// kMeta: present (value "") while this node's own feed is held
// (Log::own_feed_held).
inline constexpr std::string_view kOwnFeedHoldKey = "own-feed-hold";

// kEntries and kPending values: u16 signed length, signed form, payload.
Bytes EncodeStored(std::string_view signed_form, std::string_view payload);
bool DecodeStored(std::string_view value, std::string_view* signed_form, std::string_view* payload);

// kEntries / kForks key prefix: author || seq.
Bytes FeedKey(const Hash32& author, std::uint64_t seq);
// A scrub-due record's value (kLocal "scrub-due/<referral>"): the first and
// last feed keys whose old bytes must leave the disk. Empty when only the
// pending column needs it, or in records kept before the range was.
Bytes WidenScrubRange(std::string_view range, std::string_view feed_key);
bool DecodeScrubRange(std::string_view range, std::string_view* lo, std::string_view* hi);

// kIds value: where an entry lives and what became of its effect.
struct IdRecord {
  Hash32 author{};
  std::uint64_t seq = 0;
  Effect effect = Effect::kWaiting;
  Hash32 doc{};
  std::uint64_t hlc = 0;
  Kind kind = Kind::kFaq;
  Op op = Op::kPut;
  // An applied version that only headquarters may replace (a bulletin, or a
  // guide section marked "authoritative").
  bool authoritative = false;
};
Bytes EncodeId(const IdRecord& r);
std::optional<IdRecord> DecodeId(std::string_view v);

// kFeeds value: the author's newest entry in this log.
struct FeedRecord {
  std::uint64_t seq = 0;
  Hash32 head{};
  std::uint64_t hlc = 0;
  bool forked = false;
  std::uint64_t fork_seq = 0;
};
Bytes EncodeFeed(const FeedRecord& r);
std::optional<FeedRecord> DecodeFeed(std::string_view v);

// kDocs value. The winner is derived from heads, not stored.
Bytes EncodeDoc(const DocState& d);
std::optional<DocState> DecodeDoc(const Hash32& id, std::string_view v);
// Sets d->winner to the head with the highest (hlc, id).
void PickWinner(DocState* d);

// kWaits keys: a one-byte tag, the awaited entry id, the waiting entry id.
inline constexpr char kWaitLog = 'p';     // waits to enter the log (predecessor)
inline constexpr char kWaitEffect = 'e';  // waits for a parent's effect
inline constexpr char kWaitMember = 'm';  // waits for its author's membership (awaited = key)
// Waits for the rules of its kind, which a later version has (awaited =
// KindWaitId(kind)): woken when a log with those rules opens the store.
inline constexpr char kWaitKind = 'k';

// kLocal: an erasure whose old bytes must leave RocksDB's files
// (Log::ScrubErased), keyed by the erased document; the value is the range
// of feed keys holding them (WidenScrubRange), or empty for the pending
// column only.
inline constexpr std::string_view kScrubDuePrefix = "scrub-due/";
Hash32 KindWaitId(Kind kind);
Bytes WaitKey(char tag, const Hash32& awaited, const Hash32& waiter);

}  // namespace mrc::sync::records
