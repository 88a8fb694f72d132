// Markdown rendering time for ordinary and adversarial texts of the largest
// size a document may carry (256 KiB), as a table: cmark-gfm's parser has
// inputs that cost more than linear time, and every centre renders what any
// other centre wrote.
//   build-release/bench/markdown_bench [--runs R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "web/text/markdown.h"

namespace {

constexpr std::size_t kSize = 256 * 1024;

std::string Repeat(const std::string& unit, std::size_t size = kSize) {
  std::string out;
  out.reserve(size + unit.size());
  while (out.size() + unit.size() <= size) out += unit;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
  }
  std::string half(kSize / 2, '[');
  std::vector<std::pair<const char*, std::string>> inputs = {
      {"prose paragraphs", Repeat("Residence permits are renewed at the regional office. "
                                  "Bring the **passport** and the _contract_.\n\n")},
      {"nested emphasis openers", Repeat("*a **b ")},
      {"unclosed brackets", std::string(kSize, '[')},
      {"brackets then closers", half + std::string(kSize / 2, ']')},
      {"link-like runs", Repeat("[a](b ")},
      {"nested block quotes", Repeat(">", kSize / 2) + " x"},
      {"nested lists",
       [] {
         std::string s;
         for (int d = 0; s.size() < kSize; ++d) s += std::string(2 * (d % 400), ' ') + "- x\n";
         return s;
       }()},
      {"backtick runs",
       [] {
         std::string s;
         for (int n = 1; s.size() < kSize; ++n) s += std::string(n % 200 + 1, '`') + " ";
         return s;
       }()},
      {"table with many columns",
       [] {
         // A header row and a delimiter row of ~65,000 cells each.
         std::string s(1, '|');
         s += Repeat("a|", kSize / 2);
         s += "\n|";
         s += Repeat("-|", kSize / 2 - 8);
         s += '\n';
         return s;
       }()},
      {"autolink-like text", Repeat("www.a.b_ ")},
      {"html-like tags", Repeat("<a <b ")},
      {"strikethrough runs", Repeat("~~a ")},
  };
  std::printf("| input (%zu KiB) | render, median of %d | output |\n", kSize / 1024, runs);
  std::printf("|---|---|---|\n");
  for (const auto& [name, text] : inputs) {
    std::vector<double> ms;
    std::size_t out = 0;
    for (int r = 0; r < runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      out = mrc::web::RenderMarkdown(text).size();
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("| %s | %.1f ms | %zu KiB |\n", name, ms[ms.size() / 2], out / 1024);
    std::fflush(stdout);
  }
}
