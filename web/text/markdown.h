// Markdown, rendered safely: content written at any centre is shown at every
// other, so nothing in it may run in a reader's browser.
//
// GitHub-flavoured Markdown (tables, strikethrough, autolinks) via cmark-gfm
// without its unsafe mode: raw HTML is dropped. Link and image targets are
// kept only when they are http:, https:, mailto: or tel: URLs, or paths on
// this site ("/..." or "#..."); any other target is removed and the text
// stays.
#pragma once

#include <string>
#include <string_view>

namespace mrc::web {

// HTML for a Markdown text (a fragment: no <html> or <body>), to be shown
// under a page's title and section headings: its own headings start at h3
// ("# x" is <h3>), and images from other sites become links to them. Never
// throws; invalid UTF-8 is replaced.
std::string RenderMarkdown(std::string_view markdown);

// The text of a Markdown document without its markup (for search and
// snippets): paragraphs separated by blank lines.
std::string MarkdownText(std::string_view markdown);

// Whether a link target may be followed from rendered content.
bool IsSafeLinkTarget(std::string_view url);

}  // namespace mrc::web
