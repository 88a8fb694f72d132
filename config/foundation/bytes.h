// Byte strings, hex, and the big-endian integer coding used by every on-disk
// key and by the canonical entry encoding.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/foundation/status.h"

namespace mrc {

// Raw bytes are carried in std::string (as RocksDB and leveldb do): cheap to
// move, and binary-safe.
using Bytes = std::string;

// A 32-byte value: public keys, BLAKE2b-256 hashes, entry and document ids.
using Hash32 = std::array<std::uint8_t, 32>;

std::string ToHex(std::string_view bytes);
std::string ToHex(const Hash32& h);
// Lowercase or uppercase hex; nullopt on odd length or a non-hex character.
std::optional<Bytes> FromHex(std::string_view hex);
// Exactly 64 hex characters.
std::optional<Hash32> Hash32FromHex(std::string_view hex);
// The same for an id a request names: InvalidArgument with a message fit to
// show a user, `what` naming it ("document id", "key").
Result<Hash32> ParseHexId(std::string_view text, std::string_view what);
std::string_view AsView(const Hash32& h);
Hash32 Hash32FromView(std::string_view bytes32);  // bytes32.size() must be 32
bool IsZero(const Hash32& h);

void PutU16(Bytes* out, std::uint16_t v);
void PutU32(Bytes* out, std::uint32_t v);
void PutU64(Bytes* out, std::uint64_t v);
void PutHash(Bytes* out, const Hash32& h);

// Reads from the front of `in`, advancing it; false when `in` is too short.
bool GetU8(std::string_view* in, std::uint8_t* v);
bool GetU16(std::string_view* in, std::uint16_t* v);
bool GetU32(std::string_view* in, std::uint32_t* v);
bool GetU64(std::string_view* in, std::uint64_t* v);
bool GetHash(std::string_view* in, Hash32* h);
bool GetBytes(std::string_view* in, std::size_t n, std::string_view* v);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);
// Text is printed into pages, feeds and terminals: it holds no C0 control
// character but tab and newline, and no DEL. What is wrong with `s` ("holds
// the control character U+001B (...)"), or nullopt when nothing is.
std::optional<std::string> ControlCharProblem(std::string_view s);
// Whether JSON text nests arrays and objects at most `depth` deep (text that
// is not JSON may answer either way; the parser then says what is wrong).
// nlohmann::json parses any depth, but dumping or comparing a value recurses
// once a level: text nested some tens of thousands deep, well under any size
// limit, overflows the stack. Every parse of text from outside checks this.
bool JsonNestsAtMost(std::string_view text, std::size_t depth);
// The depth every parse of outside JSON allows: content is two levels deep.
inline constexpr std::size_t kMaxJsonNesting = 32;

// The length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or
// 0 when the bytes there are not one (overlong forms and surrogates too).
std::size_t Utf8SequenceAt(std::string_view s, std::size_t i);

}  // namespace mrc
