// Where the words of a search hit's text are, for its snippet (internal to
// web/search/; declared here for its tests).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mrc::web {

// Where a word of a text is, as Xapian's term generator splits it:
// [start, end) byte offsets. What lies between two words is a separator,
// kept so that a snippet can be rebuilt from the text.
struct WordSpan {
  std::uint32_t start = 0, end = 0;
  bool operator==(const WordSpan&) const = default;
};

// The words of `text`, in order.
void FindWords(std::string_view text, std::vector<WordSpan>* words);

// The spans FindWords finds in a text, as the index stores them with it.
std::string EncodeWordSpans(const std::vector<WordSpan>& spans);

// The spans back, checked against the text they are of (`words` of them,
// in order, within its `size` bytes); false when `in` is not what
// EncodeWordSpans makes of such a text.
bool DecodeWordSpans(std::string_view in, std::size_t words, std::size_t size,
                     std::vector<WordSpan>* spans);

}  // namespace mrc::web
