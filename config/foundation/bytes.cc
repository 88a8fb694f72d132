#include "config/foundation/bytes.h"

#include <cstring>

namespace mrc {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 15];
  }
  return out;
}

std::string ToHex(const Hash32& h) { return ToHex(AsView(h)); }

std::optional<Bytes> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  Bytes out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::optional<Hash32> Hash32FromHex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto raw = FromHex(hex);
  if (!raw) return std::nullopt;
  return Hash32FromView(*raw);
}

std::string_view AsView(const Hash32& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

Hash32 Hash32FromView(std::string_view bytes32) {
  Hash32 h{};
  std::memcpy(h.data(), bytes32.data(), h.size());
  return h;
}

bool IsZero(const Hash32& h) {
  for (auto b : h) {
    if (b != 0) return false;
  }
  return true;
}

void PutU16(Bytes* out, std::uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

void PutU32(Bytes* out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void PutU64(Bytes* out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void PutHash(Bytes* out, const Hash32& h) { out->append(AsView(h)); }

namespace {

template <typename T>
bool GetBE(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  T x = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    x = static_cast<T>((x << 8) | static_cast<unsigned char>((*in)[i]));
  }
  *v = x;
  in->remove_prefix(sizeof(T));
  return true;
}

}  // namespace

bool GetU8(std::string_view* in, std::uint8_t* v) { return GetBE(in, v); }
bool GetU16(std::string_view* in, std::uint16_t* v) { return GetBE(in, v); }
bool GetU32(std::string_view* in, std::uint32_t* v) { return GetBE(in, v); }
bool GetU64(std::string_view* in, std::uint64_t* v) { return GetBE(in, v); }

bool GetHash(std::string_view* in, Hash32* h) {
  if (in->size() < h->size()) return false;
  *h = Hash32FromView(*in);
  in->remove_prefix(h->size());
  return true;
}

bool GetBytes(std::string_view* in, std::size_t n, std::string_view* v) {
  if (in->size() < n) return false;
  *v = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

std::size_t Utf8SequenceAt(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t len;
  std::uint32_t cp;
  if (c < 0x80) {
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool JsonNestsAtMost(std::string_view text, std::size_t depth) {
  std::size_t open = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, a quote included
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++open > depth) return false;
    } else if ((c == ']' || c == '}') && open > 0) {
      --open;
    }
  }
  return true;
}

Result<Hash32> ParseHexId(std::string_view text, std::string_view what) {
  auto id = Hash32FromHex(text);
  if (!id) {
    return Status::InvalidArgument(std::string(what) + " '" + std::string(text.substr(0, 80)) +
                                   "' is not a 64-character hex id");
  }
  return *id;
}

std::optional<std::string> ControlCharProblem(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7f) {
      return std::string("holds the control character U+00") + kHex[u >> 4] + kHex[u & 15] +
             " (only tab and newline are allowed)";
    }
  }
  return std::nullopt;
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = Utf8SequenceAt(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace mrc
