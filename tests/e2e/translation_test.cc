// Translations across the network, with real processes: a French
// translation made at centre A goes out of date on every node when
// headquarters edits its English source, and is current again everywhere
// once A updates it.
#include <string>

#include "tests/e2e/cluster.h"

namespace mrc::e2e {
namespace {

using TranslationE2eTest = Cluster;
using nlohmann::json;

json FaqContent(const std::string& question, const std::string& answer, const std::string& lang) {
  return {{"question", question}, {"answer", answer}, {"language", lang}};
}

TEST_F(TranslationE2eTest, ATranslationGoesStaleEverywhereAndCurrentAgainAfterItsUpdate) {
  Init("hq");
  Init("a", "hq");
  Init("b", "hq");
  Start("hq");
  AddPeer("a", PeerAddress("hq"));
  AddPeer("b", PeerAddress("hq"));
  Start("a");
  Start("b");
  const std::vector<std::string> all = {"hq", "a", "b"};

  json source = Post(
      "hq",
      json{{"kind", "faq"},
           {"content", FaqContent("How do I renew my permit?", "At the immigration office.", "en")}}
          .dump());
  std::string source_id = source.value("id", "");
  ASSERT_EQ(64u, source_id.size()) << source.dump();
  ASSERT_TRUE(Converge(all));

  // Centre A translates it; the source's current version is filled in.
  json fr = FaqContent("Comment renouveler mon titre ?", "Au bureau de l'immigration.", "fr");
  fr["translation_of"] = source_id;
  json made = Post("a", json{{"kind", "faq"}, {"content", fr}}.dump());
  std::string fr_id = made.value("id", "");
  ASSERT_EQ(64u, fr_id.size()) << made.dump();
  ASSERT_TRUE(Converge(all));
  auto stale_at = [&](const std::string& node) {
    json d = Get(node, "/api/v1/docs/" + fr_id);
    return d.contains("translation") ? d["translation"].value("stale", false) : false;
  };
  json seen = Get("b", "/api/v1/docs/" + fr_id);
  ASSERT_TRUE(seen.contains("translation")) << seen.dump();
  EXPECT_EQ(source_id, seen["translation"]["of"]);
  EXPECT_EQ(source["version"], seen["translation"]["source_version"]);
  for (const auto& n : all) EXPECT_FALSE(stale_at(n)) << n;

  // Headquarters edits the source: stale on every node.
  auto edit = Call("hq", "PUT", "/api/v1/docs/" + source_id,
                   json{{"content", FaqContent("How do I renew my permit?",
                                               "Online, on the ministry's site.", "en")}}
                       .dump());
  ASSERT_TRUE(edit.ok() && edit->status == 200) << (edit.ok() ? edit->body : "");
  std::string v2 = json::parse(edit->body).value("version", "");
  ASSERT_TRUE(Converge(all));
  for (const auto& n : all) EXPECT_TRUE(stale_at(n)) << n;
  json stale = Get("b", "/api/v1/docs/" + fr_id)["translation"];
  EXPECT_EQ(v2, stale["source_current"]) << stale.dump();

  // A updates its translation to the source's current version.
  fr["answer"] = "En ligne, sur le site du ministère.";
  fr["source_version"] = v2;
  auto update = Call("a", "PUT", "/api/v1/docs/" + fr_id, json{{"content", fr}}.dump());
  ASSERT_TRUE(update.ok() && update->status == 200) << (update.ok() ? update->body : "");
  ASSERT_TRUE(Converge(all));
  for (const auto& n : all) EXPECT_FALSE(stale_at(n)) << n;

  // A translation naming a version that is not its source's is refused.
  fr["source_version"] = std::string(64, 'e');
  auto wrong = Call("a", "PUT", "/api/v1/docs/" + fr_id, json{{"content", fr}}.dump());
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(400, wrong->status) << wrong->body;
}

}  // namespace
}  // namespace mrc::e2e
