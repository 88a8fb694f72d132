#include "web/text/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "config/foundation/bytes.h"
#include "web/text/html.h"

namespace mrc::web {
namespace {

struct ParserFree {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

const char* const kExtensions[] = {"table", "strikethrough", "autolink"};

// cmark-gfm's table extension takes time quadratic in a row's cells (a
// 256 KiB row of pipes: 8.5 s; bench/markdown_bench.cc). No real table has
// more than a few dozen columns: pipes of a line with more than this many
// are escaped, so the line is text, not a table row.
constexpr std::size_t kMaxTableCells = 64;

std::string TameWideTables(std::string text) {
  std::string out;
  std::size_t start = 0;
  bool changed = false;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    std::size_t pipes = static_cast<std::size_t>(std::count(line.begin(), line.end(), '|'));
    if (pipes > kMaxTableCells) {
      if (!changed) out.assign(text, 0, start);
      changed = true;
      for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) out += '\\';
        out += line[i];
      }
    } else if (changed) {
      out.append(line);
    }
    if (changed && end < text.size()) out += '\n';
    start = end + 1;
  }
  return changed ? out : text;
}

std::unique_ptr<cmark_node, NodeFree> Parse(std::string_view markdown, int options) {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
  std::unique_ptr<cmark_parser, ParserFree> parser(cmark_parser_new(options));
  for (const char* name : kExtensions) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser.get(), ext);
  }
  std::string text = TameWideTables(ToValidUtf8(markdown));
  cmark_parser_feed(parser.get(), text.data(), text.size());
  return std::unique_ptr<cmark_node, NodeFree>(cmark_parser_finish(parser.get()));
}

// Unlinks every link and image whose target is not safe: the link's text
// (or the image's description) stays in its place.
void NeuterUnsafeLinks(cmark_node* root) {
  std::vector<cmark_node*> unsafe;
  cmark_iter* iter = cmark_iter_new(root);
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter);
    auto type = cmark_node_get_type(node);
    if (type != CMARK_NODE_LINK && type != CMARK_NODE_IMAGE) continue;
    const char* url = cmark_node_get_url(node);
    if (!IsSafeLinkTarget(url ? url : "")) unsafe.push_back(node);
  }
  cmark_iter_free(iter);
  // Innermost first, so that a parent is still in the tree when reached.
  for (auto it = unsafe.rbegin(); it != unsafe.rend(); ++it) {
    cmark_node* node = *it;
    while (cmark_node* child = cmark_node_first_child(node)) {
      cmark_node_unlink(child);
      cmark_node_insert_before(node, child);
    }
    cmark_node_free(node);  // also unlinks it
  }
}

// Content is shown under a page's own title (h1) and its sections (h2): a
// text's headings start at h3, so that "# Fees" does not make a second
// title of the page.
constexpr int kHeadingShift = 2;

// Shifts headings down by kHeadingShift (h6 at most); turns images from
// other sites into links to them (the pages' Content-Security-Policy loads
// images from this node only, so they would show broken).
void FitToPage(cmark_node* root) {
  std::vector<cmark_node*> remote_images;
  cmark_iter* iter = cmark_iter_new(root);
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter);
    auto type = cmark_node_get_type(node);
    if (type == CMARK_NODE_HEADING) {
      cmark_node_set_heading_level(node,
                                   std::min(6, cmark_node_get_heading_level(node) + kHeadingShift));
    } else if (type == CMARK_NODE_IMAGE) {
      const char* url = cmark_node_get_url(node);
      if (url && url[0] != '/' && url[0] != '#') remote_images.push_back(node);
    }
  }
  cmark_iter_free(iter);
  for (auto it = remote_images.rbegin(); it != remote_images.rend(); ++it) {
    cmark_node* image = *it;
    cmark_node* link = cmark_node_new(CMARK_NODE_LINK);
    cmark_node_set_url(link, cmark_node_get_url(image));
    const char* title = cmark_node_get_title(image);
    if (title && *title) cmark_node_set_title(link, title);
    while (cmark_node* child = cmark_node_first_child(image)) {
      cmark_node_unlink(child);
      cmark_node_append_child(link, child);
    }
    if (!cmark_node_first_child(link)) {
      cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
      cmark_node_set_literal(text, cmark_node_get_url(image));
      cmark_node_append_child(link, text);
    }
    cmark_node_insert_before(image, link);
    cmark_node_free(image);
  }
}

std::string TakeString(char* s) {
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

}  // namespace

bool IsSafeLinkTarget(std::string_view url) {
  // Browsers ignore leading spaces and control characters, and tabs or
  // newlines inside a scheme ("java\tscript:"): refuse them outright.
  for (char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  }
  if (url.empty()) return false;
  if (url[0] == '#') return true;
  if (url[0] == '/') return url.size() < 2 || (url[1] != '/' && url[1] != '\\');
  std::string lower;
  for (char c : url.substr(0, 8))
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view scheme : {"http://", "https://", "mailto:", "tel:"}) {
    if (lower.compare(0, scheme.size(), scheme) == 0) return true;
  }
  return false;
}

std::string RenderMarkdown(std::string_view markdown) {
  auto doc = Parse(markdown, CMARK_OPT_DEFAULT);
  if (!doc) return "";
  NeuterUnsafeLinks(doc.get());
  FitToPage(doc.get());
  // No CMARK_OPT_UNSAFE: raw HTML blocks and inline HTML become comments.
  return TakeString(cmark_render_html(doc.get(), CMARK_OPT_DEFAULT, nullptr));
}

std::string MarkdownText(std::string_view markdown) {
  auto doc = Parse(markdown, CMARK_OPT_DEFAULT);
  if (!doc) return "";
  return TakeString(cmark_render_plaintext(doc.get(), CMARK_OPT_DEFAULT, 0));
}

}  // namespace mrc::web
