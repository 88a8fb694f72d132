// Splitting a hit's text into words, and storing where they are.
//
// FindWords splits as Xapian's term generator does (a word is a run of
// Unicode word characters), so that a snippet marks the words a query
// matched; ASCII, most of the text in many languages, is classified from
// a table without decoding. The indexer stores the spans it finds with
// the text, a byte a word: gap << 5 | length, where the gap from the
// previous word's end (or the text's start) is under 8 bytes and the word
// 1 to 31 bytes long (most words, in most scripts); otherwise 0 and both
// as varints. A query then reads the spans back rather than splitting its
// hits' texts again. A change to FindWords must change the index's format
// (schema.cc).
#include "web/search/words.h"

#include <xapian.h>

#include <array>

namespace mrc::web {
namespace {

// ASCII characters that are part of a word for Xapian's term generator.
constexpr std::array<bool, 128> kAsciiWordChar = [] {
  std::array<bool, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  t['_'] = true;
  return t;
}();

}  // namespace

void FindWords(std::string_view text, std::vector<WordSpan>* words) {
  words->clear();
  // Whether the character at `pos` belongs to a word, and its length.
  auto at = [&](std::size_t pos, std::size_t& length) {
    auto c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      length = 1;
      return kAsciiWordChar[c];
    }
    Xapian::Utf8Iterator it(text.data() + pos, text.size() - pos);
    bool word = Xapian::Unicode::is_wordchar(*it);
    ++it;
    length = it == Xapian::Utf8Iterator() ? text.size() - pos
                                          : static_cast<std::size_t>(it.raw() - text.data()) - pos;
    return word;
  };
  std::size_t pos = 0, length = 0;
  while (pos < text.size()) {
    bool word = at(pos, length);
    std::size_t start = pos;
    pos += length;
    while (pos < text.size()) {
      auto c = static_cast<unsigned char>(text[pos]);
      if (c < 0x80) {  // most of the text in many languages: no decoding
        if (kAsciiWordChar[c] != word) break;
        ++pos;
      } else if (at(pos, length) == word) {
        pos += length;
      } else {
        break;
      }
    }
    if (word)
      words->push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(pos)});
  }
}

std::string EncodeWordSpans(const std::vector<WordSpan>& spans) {
  std::string out;
  out.reserve(spans.size());
  std::uint32_t end = 0;
  auto varint = [&](std::uint32_t v) {
    while (v >= 0x80) {
      out += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out += static_cast<char>(v);
  };
  for (const WordSpan& w : spans) {
    std::uint32_t gap = w.start - end, length = w.end - w.start;
    if (gap < 8 && length >= 1 && length < 32) {
      out += static_cast<char>(gap << 5 | length);
    } else {
      out += '\0';
      varint(gap);
      varint(length);
    }
    end = w.end;
  }
  return out;
}

bool DecodeWordSpans(std::string_view in, std::size_t words, std::size_t size,
                     std::vector<WordSpan>* spans) {
  spans->clear();
  spans->reserve(words);
  std::uint64_t end = 0;
  auto varint = [&](std::uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 35 && !in.empty(); shift += 7) {
      auto b = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      *v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return true;
    }
    return false;
  };
  while (!in.empty()) {
    auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    std::uint64_t gap = b >> 5, length = b & 31;
    if (b == 0 && (!varint(&gap) || !varint(&length))) return false;
    std::uint64_t start = end + gap;
    end = start + length;
    if (length == 0 || end > size) return false;
    spans->push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end)});
  }
  return spans->size() == words;
}

}  // namespace mrc::web
