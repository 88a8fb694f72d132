// RenderMarkdown: formatting works, and nothing that can run script survives.
#include "web/text/markdown.h"

#include <gtest/gtest.h>

#include <string>

namespace mrc::web {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(MarkdownTest, RendersCommonAndGithubFormatting) {
  std::string html =
      RenderMarkdown("# Title\n\n**bold** ~~old~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
  EXPECT_TRUE(Contains(html, "<h3>Title</h3>")) << html;
  EXPECT_TRUE(Contains(html, "<strong>bold</strong>")) << html;
  EXPECT_TRUE(Contains(html, "<del>old</del>")) << html;
  EXPECT_TRUE(Contains(html, "<table>")) << html;
  EXPECT_TRUE(
      Contains(RenderMarkdown("see https://example.org now"), "<a href=\"https://example.org\">"));
}

// Shown under a page's title and sections, a text's headings start at h3;
// images load from this node only (its pages' policy), so others are links.
TEST(MarkdownTest, FitsUnderThePagesHeadingsAndLinksToImagesFromElsewhere) {
  EXPECT_EQ("<h3>Fees</h3>\n<h4>Visa</h4>\n<h6>Deep</h6>\n<h6>Deeper</h6>\n",
            RenderMarkdown("# Fees\n## Visa\n#### Deep\n###### Deeper\n"));
  std::string remote = RenderMarkdown("![Office map](https://maps.example/office.png \"Map\")");
  EXPECT_FALSE(Contains(remote, "<img")) << remote;
  EXPECT_TRUE(
      Contains(remote, "<a href=\"https://maps.example/office.png\" title=\"Map\">Office map</a>"))
      << remote;
  EXPECT_TRUE(Contains(RenderMarkdown("![](https://maps.example/o.png)"),
                       ">https://maps.example/o.png</a>"));
  EXPECT_TRUE(
      Contains(RenderMarkdown("![Logo](/static/logo.png)"), "<img src=\"/static/logo.png\""));
}

TEST(MarkdownTest, KeepsOnlySafeLinkTargets) {
  EXPECT_TRUE(Contains(RenderMarkdown("[x](https://a.org/p?q=1)"), "href=\"https://a.org/p?q=1\""));
  EXPECT_TRUE(Contains(RenderMarkdown("[x](mailto:help@centre.org)"), "href=\"mailto:"));
  EXPECT_TRUE(Contains(RenderMarkdown("[x](tel:+355-4-222)"), "href=\"tel:"));
  EXPECT_TRUE(Contains(RenderMarkdown("[x](/docs/abc)"), "href=\"/docs/abc\""));
  for (const char* bad :
       {"[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html,<script>alert(1)</script>)", "[click](vbscript:x)",
        "[click](//evil.example/x)", "[click](file:///etc/passwd)", "![img](javascript:alert(1))",
        "<javascript:alert(1)>", "[x]\n\n[x]: javascript:alert(1)"}) {
    std::string html = RenderMarkdown(bad);
    EXPECT_FALSE(Contains(html, "href=")) << bad << " -> " << html;
    EXPECT_FALSE(Contains(html, "src=")) << bad << " -> " << html;
  }
  EXPECT_TRUE(Contains(RenderMarkdown("[click](javascript:alert(1))"), "click"));  // text stays
  EXPECT_FALSE(IsSafeLinkTarget("java\tscript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkTarget(" javascript:alert(1)"));
  EXPECT_FALSE(IsSafeLinkTarget("/\\evil.example"));
}

TEST(MarkdownTest, RawHtmlNeverReachesThePage) {
  for (const char* bad :
       {"<script>alert(1)</script>", "hello <img src=x onerror=alert(1)> world",
        "<div onclick=\"alert(1)\">x</div>", "<iframe src=\"https://evil\"></iframe>",
        "<svg><script>alert(1)</script></svg>", "<a href=\"javascript:alert(1)\">x</a>",
        "`code` <style>body{}</style>"}) {
    std::string html = RenderMarkdown(bad);
    EXPECT_FALSE(Contains(html, "<script")) << html;
    EXPECT_FALSE(Contains(html, "<img")) << html;
    EXPECT_FALSE(Contains(html, "<iframe")) << html;
    EXPECT_FALSE(Contains(html, "onerror")) << html;
    EXPECT_FALSE(Contains(html, "onclick")) << html;
    EXPECT_FALSE(Contains(html, "<style")) << html;
    EXPECT_FALSE(Contains(html, "href=\"javascript")) << html;
  }
  // Escaped in text, not dropped: a reader sees what was written.
  EXPECT_TRUE(Contains(RenderMarkdown("1 < 2 & \"x\""), "1 &lt; 2 &amp; &quot;x&quot;"));
}

TEST(MarkdownTest, InvalidUtf8IsReplaced) {
  std::string html = RenderMarkdown(std::string("ok \xff\xfe bytes"));
  EXPECT_TRUE(Contains(html, "ok \xEF\xBF\xBD\xEF\xBF\xBD bytes")) << html;
}

TEST(MarkdownTest, TextDropsTheMarkup) {
  std::string text = MarkdownText("# Visa\n\nA **short** [stay](https://x.org) visa.\n");
  EXPECT_TRUE(Contains(text, "Visa")) << text;
  EXPECT_TRUE(Contains(text, "A short stay visa.")) << text;
  EXPECT_FALSE(Contains(text, "**")) << text;
}

}  // namespace
}  // namespace mrc::web

namespace mrc::web {
namespace {

TEST(MarkdownWideTables, ATableRendersAndARowOfHundredsOfCellsIsText) {
  std::string table = RenderMarkdown("| a | b |\n|---|---|\n| c | d |\n");
  EXPECT_NE(std::string::npos, table.find("<table>")) << table;
  EXPECT_NE(std::string::npos, table.find("<td>c</td>")) << table;
  // cmark-gfm spends time quadratic in a row's cells: such a row is text.
  std::string wide = "|";
  for (int i = 0; i < 5000; ++i) wide += "x|";
  std::string delimiter = "|";
  for (int i = 0; i < 5000; ++i) delimiter += "-|";
  std::string html = RenderMarkdown(wide + "\n" + delimiter + "\n" + wide + "\n");
  EXPECT_EQ(std::string::npos, html.find("<table>"));
  EXPECT_NE(std::string::npos, html.find("|x|x|")) << "the pipes are shown as written";
  EXPECT_EQ(std::string::npos, html.find("\\|")) << "no escape is visible";
}

}  // namespace
}  // namespace mrc::web
