#include "sync/content/bulletin_flags.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sync/content/doc_service.h"
#include "sync/log/log.h"
#include "sync/log/log_txn.h"

namespace mrc::sync {

using storage::Column;

namespace {

// Sections a bulletin can name at most (content rules bound the list; this
// bounds what one bulletin costs here whatever they say).
constexpr std::size_t kMaxSections = 256;
// Records of one section read at most per page.
constexpr std::size_t kMaxRecords = 1000;

std::string Key(const Hash32& section, const Hash32& bulletin) {
  return std::string(kGuideBulletinsPrefix) + std::string(AsView(section)) +
         std::string(AsView(bulletin));
}

bool NamesSection(const nlohmann::json& content, std::string_view section_hex) {
  auto it = content.find("guide_sections");
  if (it == content.end() || !it->is_array()) return false;
  return std::any_of(it->begin(), it->end(),
                     [&](const auto& v) { return v.is_string() && v == section_hex; });
}

std::string Field(const nlohmann::json& content, const char* name) {
  auto it = content.find(name);
  return it != content.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Status IndexBulletinSections(Txn& txn, const Hash32& bulletin, std::uint64_t hlc,
                             std::string_view payload) {
  auto content = nlohmann::json::parse(payload, nullptr, false);
  if (!content.is_object()) return Status::Ok();
  auto it = content.find("guide_sections");
  if (it == content.end() || !it->is_array()) return Status::Ok();
  std::size_t n = 0;
  for (const auto& v : *it) {
    if (++n > kMaxSections) break;
    auto section = v.is_string() ? Hash32FromHex(v.get<std::string>()) : std::nullopt;
    if (!section) continue;
    std::string key = Key(*section, bulletin);
    MRC_ASSIGN_OR_RETURN(auto held, txn.Get(Column::kLocal, key));
    std::string_view view = held ? std::string_view(*held) : std::string_view();
    std::uint64_t first = 0;
    if (held && GetU64(&view, &first) && first <= hlc) continue;
    Bytes value;
    PutU64(&value, hlc);
    txn.Put(Column::kLocal, key, value);
  }
  return Status::Ok();
}

Result<std::vector<BulletinFlag>> BulletinFlags(Log& log, const Hash32& section,
                                                std::string_view reviewed_on, std::size_t max) {
  std::string prefix = std::string(kGuideBulletinsPrefix) + std::string(AsView(section));
  std::vector<std::pair<std::uint64_t, Hash32>> named;
  {
    auto it = log.store()->NewPrefixIterator(Column::kLocal, prefix);
    for (it->Seek(prefix); it->Valid() && named.size() < kMaxRecords; it->Next()) {
      std::string_view key = it->key(), value = it->value();
      if (key.substr(0, prefix.size()) != prefix || key.size() != prefix.size() + 32) break;
      std::uint64_t hlc = 0;
      if (!GetU64(&value, &hlc)) return Status::Corruption("unreadable guide-bulletins record");
      named.emplace_back(hlc, Hash32FromView(key.substr(prefix.size())));
    }
    MRC_RETURN_IF_ERROR(it->status());
  }
  std::sort(named.begin(), named.end());
  std::vector<BulletinFlag> out;
  std::string section_hex = ToHex(section);
  DocService docs(&log);
  for (const auto& [hlc, bulletin] : named) {
    if (out.size() >= max) break;
    std::string day = FormatTime(HlcMillis(hlc)).substr(0, 10);
    if (day <= reviewed_on) continue;
    auto doc = docs.Get(ToHex(bulletin));
    if (!doc.ok()) {
      if (doc.status().code() == Status::Code::kNotFound) continue;
      return doc.status();
    }
    if (doc->deleted || !doc->content) continue;
    auto content = nlohmann::json::parse(*doc->content, nullptr, false);
    if (!content.is_object() || !NamesSection(content, section_hex)) continue;
    out.push_back(BulletinFlag{ToHex(bulletin), Field(content, "title"),
                               Field(content, "effective_date"), day});
  }
  return out;
}

}  // namespace mrc::sync
