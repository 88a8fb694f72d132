// A bulletin that names guide sections flags them "to be reviewed" until an
// editor verifies them again.
#include "sync/content/bulletin_flags.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/foundation/time.h"
#include "sync/content/doc_service.h"
#include "tests/sync/test_util.h"

namespace mrc::sync {
namespace {

using nlohmann::json;
using testing::Node;
using testing::TempDir;

std::string Today() { return FormatUtcMillis(WallMillis()).substr(0, 10); }

std::string Section(const std::string& verified_on) {
  json c = {{"country", "DE"},
            {"topic", "visas-and-embassy"},
            {"language", "en"},
            {"body", "Apply at the embassy."}};
  if (!verified_on.empty()) c["verified_on"] = verified_on;
  return c.dump();
}

std::string Bulletin(const std::string& title, std::vector<std::string> sections) {
  json c = {{"title", title},
            {"body", "New rules."},
            {"effective_date", "2026-03-01"},
            {"urgency", "high"},
            {"language", "en"}};
  if (!sections.empty()) c["guide_sections"] = sections;
  return c.dump();
}

class BulletinFlagsTest : public ::testing::Test {
 protected:
  BulletinFlagsTest() : hq_(dir_.Sub("hq")), docs_(hq_.log.get()) {}

  std::string Create(Kind kind, const std::string& content) {
    CreateDocRequest r;
    r.kind = std::string(KindName(kind));
    r.content = content;
    auto saved = docs_.Create(r);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? saved->id : "";
  }
  void Update(const std::string& id, const std::string& content) {
    UpdateDocRequest r;
    r.content = content;
    auto saved = docs_.Update(id, r);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
  }
  // "title@named_on" for each flag.
  std::vector<std::string> Flags(const std::string& section, const std::string& reviewed_on) {
    auto flags = BulletinFlags(*hq_.log, Hash32FromHex(section).value(), reviewed_on);
    EXPECT_TRUE(flags.ok()) << flags.status().ToString();
    std::vector<std::string> out;
    for (const auto& f : flags.value()) {
      EXPECT_EQ("2026-03-01", f.effective_date);
      out.push_back(f.title + "@" + f.named_on);
    }
    return out;
  }

  TempDir dir_;
  Node hq_;
  DocService docs_;
};

TEST_F(BulletinFlagsTest, ABulletinFlagsTheSectionsItNamesUntilTheyAreVerified) {
  std::string visas = Create(Kind::kGuide, Section("2026-01-10"));
  std::string other = Create(Kind::kGuide, Section("2026-01-10"));
  EXPECT_TRUE(Flags(visas, "2026-01-10").empty());

  std::string b = Create(Kind::kBulletin, Bulletin("Visa fees doubled", {visas}));
  EXPECT_EQ(std::vector<std::string>{"Visa fees doubled@" + Today()}, Flags(visas, "2026-01-10"));
  EXPECT_TRUE(Flags(other, "2026-01-10").empty());
  auto flags = BulletinFlags(*hq_.log, Hash32FromHex(visas).value(), "2026-01-10").value();
  EXPECT_EQ(b, flags.front().bulletin);

  // An edit of the bulletin keeps the day it first named the section.
  Update(b, Bulletin("Visa fees doubled (corrected)", {visas, other}));
  EXPECT_EQ(std::vector<std::string>{"Visa fees doubled (corrected)@" + Today()},
            Flags(visas, "2026-01-10"));
  EXPECT_EQ(1u, Flags(other, "2026-01-10").size());

  // Verified today, after the bulletin: no longer flagged.
  Update(visas, Section(Today()));
  EXPECT_TRUE(Flags(visas, Today()).empty());
}

TEST_F(BulletinFlagsTest, ABulletinEditedToDropTheSectionNoLongerFlagsIt) {
  std::string visas = Create(Kind::kGuide, Section(""));
  std::string b = Create(Kind::kBulletin, Bulletin("Quota changed", {visas}));
  EXPECT_EQ(1u, Flags(visas, "2025-12-31").size());
  Update(b, Bulletin("Quota changed", {}));
  EXPECT_TRUE(Flags(visas, "2025-12-31").empty());
  // Named again: flagged again, from the day it first named it.
  Update(b, Bulletin("Quota changed", {visas}));
  EXPECT_EQ(1u, Flags(visas, "2025-12-31").size());
}

TEST_F(BulletinFlagsTest, ADeletedBulletinFlagsNothing) {
  std::string visas = Create(Kind::kGuide, Section(""));
  std::string b = Create(Kind::kBulletin, Bulletin("Withdrawn", {visas}));
  ASSERT_TRUE(docs_.Delete(b, {}).ok());
  EXPECT_TRUE(Flags(visas, "2025-12-31").empty());
}

TEST_F(BulletinFlagsTest, ManyBulletinsAreBounded) {
  std::string visas = Create(Kind::kGuide, Section(""));
  for (int i = 0; i < 5; ++i) Create(Kind::kBulletin, Bulletin("B" + std::to_string(i), {visas}));
  auto flags = BulletinFlags(*hq_.log, Hash32FromHex(visas).value(), "2025-12-31", 3).value();
  EXPECT_EQ(3u, flags.size());
}

}  // namespace
}  // namespace mrc::sync
