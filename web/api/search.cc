#include <nlohmann/json.hpp>

#include "config/foundation/clock.h"
#include "sync/content/review.h"
#include "sync/log/log.h"
#include "web/api/common.h"
#include "web/api/handlers.h"
#include "web/search/index.h"
#include "web/text/json_text.h"

namespace mrc::web::api {

namespace {

// The query string read into a search, ranked for the reader as the search
// page ranks: their language first.
Result<SearchQuery> ReadSearchQuery(std::string_view target, const std::string& reader_language,
                                    const std::string& today) {
  MRC_ASSIGN_OR_RETURN(auto q, ParseQuery(target, {"q", "kind", "category", "country", "topic",
                                                   "language", "offset", "limit"}));
  SearchQuery sq;
  sq.text = Param(q, "q");
  sq.kind = Param(q, "kind");
  sq.category = Param(q, "category");
  sq.country = Param(q, "country");
  sq.topic = Param(q, "topic");
  sq.language = Param(q, "language");
  sq.reader_language = reader_language;
  sq.today = today;
  MRC_ASSIGN_OR_RETURN(sq.offset, ParseCount(q, "offset", 0));
  MRC_ASSIGN_OR_RETURN(sq.limit, ParseCount(q, "limit", 20));
  return sq;
}

void AppendHit(std::string* out, const SearchHit& h, const std::string& today) {
  std::string& b = *out;
  auto field = [&b](std::string_view key, std::string_view value) {
    AppendJsonString(&b, key);
    b += ':';
    AppendJsonString(&b, value);
    b += ',';
  };
  b += R"({"categories":[)";
  for (std::size_t c = 0; c < h.categories.size(); ++c) {
    if (c) b += ',';
    AppendJsonString(&b, h.categories[c]);
  }
  b += "],";
  field("country", h.country);
  field("id", h.id);
  field("kind", h.kind);
  field("language", h.language);
  b += R"("percent":)" + std::to_string(h.percent) + ",";
  if (!h.review_due.empty()) {
    b += R"("review":{"due":)";
    AppendJsonString(&b, h.review_due);
    b += R"(,"overdue":)";
    b += h.review_due < today ? "true}," : "false},";
  }
  b += R"("snippet":[)";
  for (std::size_t p = 0; p < h.snippet.size(); ++p) {
    b += p ? R"(,{"hit":)" : R"({"hit":)";
    b += h.snippet[p].hit ? "true" : "false";
    b += R"(,"text":)";
    AppendJsonString(&b, h.snippet[p].text);
    b += '}';
  }
  b += "],";
  field("title", h.title);
  AppendJsonString(&b, "topic");
  b += ':';
  AppendJsonString(&b, h.topic);
  b += '}';
}

// Written directly (a json value would be a tree of maps, built only to be
// written out); keys in the order json::dump gives.
std::string ResultsJson(const SearchResult& res, const std::string& today) {
  std::string b;
  b.reserve(512 + 1024 * res.hits.size());
  b += R"({"complete":)";
  b += res.complete ? "true" : "false";
  b += R"(,"estimated":)" + std::to_string(res.estimated) + R"(,"hits":[)";
  for (std::size_t i = 0; i < res.hits.size(); ++i) {
    if (i) b += ',';
    AppendHit(&b, res.hits[i], today);
  }
  b += "]}";
  return b;
}

}  // namespace

HttpResponse Search(Call& c) {
  std::string_view target = TargetQuery(c.http().target);
  auto sq = ReadSearchQuery(target, c.req.lang, sync::DateOfMillis(c.parts.clock->NowMillis()));
  if (!sq.ok()) return JsonError(sq.status());
  // The answer depends on the query and the reader's language alone: kept
  // until a document changes (building the JSON costs more than a search
  // whose result the index has kept).
  auto generation = c.parts.log->LastDocChange();
  // (and the day: what is overdue changes at midnight)
  std::string key = sq->today + ' ' + sq->reader_language + ' ' + std::string(target);
  if (generation.ok()) {
    if (auto body = c.state.search_answers.Get(key, *generation)) {
      HttpResponse cached;
      cached.body = std::move(*body);
      AddStandardHeaders(&cached);
      return cached;
    }
  }
  auto res = c.parts.search->Search(*sq);
  if (!res.ok()) return JsonError(res.status());
  HttpResponse out;
  out.body = ResultsJson(*res, sq->today);
  AddStandardHeaders(&out);
  if (generation.ok() && res->complete) c.state.search_answers.Put(key, *generation, out.body);
  return out;
}

HttpResponse Facet(Call& c) {
  auto f = c.parts.search->Facet(c.Arg(0));
  if (!f.ok()) return JsonError(f.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [v, n] : *f) out.push_back({{"value", v}, {"count", n}});
  return Json(200, {{"values", out}});
}

}  // namespace mrc::web::api
