// A line diff (longest common subsequence), for comparing two versions of a
// document in the history page and a proposal against the current text.
#pragma once

#include <string>
#include <vector>

namespace mrc::web {

enum class DiffOp { kSame, kDelete, kInsert };

struct DiffLine {
  DiffOp op;
  std::string text;
};

// The edit from `a` to `b`, in order; deletions before insertions where a
// line is replaced. Common leading and trailing lines are matched first;
// the middle uses a quadratic LCS when it is at most 4 million cells, and
// is otherwise shown as deleted and inserted whole.
std::vector<DiffLine> DiffLines(const std::vector<std::string>& a,
                                const std::vector<std::string>& b);

}  // namespace mrc::web
