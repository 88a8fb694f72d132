#include "web/text/diff.h"

#include <cstdint>

namespace mrc::web {

std::vector<DiffLine> DiffLines(const std::vector<std::string>& a,
                                const std::vector<std::string>& b) {
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  std::vector<DiffLine> out;
  for (std::size_t i = 0; i < head; ++i) out.push_back({DiffOp::kSame, a[i]});
  std::size_t n = a.size() - head - tail, m = b.size() - head - tail;
  if (n * m > 4'000'000) {
    for (std::size_t i = 0; i < n; ++i) out.push_back({DiffOp::kDelete, a[head + i]});
    for (std::size_t j = 0; j < m; ++j) out.push_back({DiffOp::kInsert, b[head + j]});
  } else {
    // lcs[i][j]: the LCS length of a[head+i..] and b[head+j..].
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        at(i, j) = a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1
                                              : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] == b[head + j]) {
        out.push_back({DiffOp::kSame, a[head + i]});
        ++i;
        ++j;
      } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
        out.push_back({DiffOp::kDelete, a[head + i]});
        ++i;
      } else {
        out.push_back({DiffOp::kInsert, b[head + j]});
        ++j;
      }
    }
  }
  for (std::size_t k = tail; k > 0; --k) out.push_back({DiffOp::kSame, a[a.size() - k]});
  return out;
}

}  // namespace mrc::web
