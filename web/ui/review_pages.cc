// Review dates on the pages: a document's review state with its
// "reviewed, still correct" button, that button's POST, and the editors'
// review page. The review page lists what is overdue or due within a month
// by country, topic and owner centre, the longest overdue first, from the
// search index (which keeps each document's due date as a sortable value):
// one bounded query per page, however many documents the network holds,
// rather than a read of every document.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "config/foundation/clock.h"
#include "sync/content/content.h"
#include "sync/content/doc_service.h"
#include "sync/content/review.h"
#include "web/search/index.h"
#include "web/text/html.h"
#include "web/text/json_fields.h"
#include "web/ui/page.h"
#include "web/ui/pages_impl.h"

namespace mrc::web::pages_impl {

std::string Today(const AppParts& parts) { return sync::DateOfMillis(parts.clock->NowMillis()); }

std::string SignedBy(Page& p, const std::string& author_hex, const json& content) {
  std::string centre = p.AuthorName(author_hex);
  std::string name = content.is_object() ? JsonString(content, sync::kEditedByField) : "";
  return name.empty() ? centre : name + ", " + centre;
}

std::string OverdueMark(Page& p, const SearchHit& hit, const std::string& today) {
  if (hit.review_due.empty() || today.empty() || !(hit.review_due < today)) return "";
  return " <span class=\"badge overdue\" title=\"" +
         p.H("review.due_on", {{"date", hit.review_due}}) + "\">" + p.H("review.overdue") +
         "</span>";
}

std::string ReviewHtml(Page& p, const std::string& id, const sync::ReviewState& r, bool deleted) {
  std::string b = "<section class=\"review\" aria-labelledby=\"review-h\"><h2 id=\"review-h\">" +
                  p.H("review.title") + "</h2><dl class=\"meta\"><dt>" + p.H("doc.verified_on") +
                  "</dt><dd>";
  if (r.verified_on.empty()) {
    b += p.H("doc.not_verified");
  } else {
    b += Esc(r.verified_on) + (r.verified_by.empty() ? "" : " · " + Esc(r.verified_by));
  }
  b += "</dd><dt>" + p.H("review.due") + "</dt><dd>" +
       (r.due.empty() ? p.H("review.never_due") : Esc(r.due));
  if (r.overdue) b += " <strong class=\"badge overdue\">" + p.H("review.overdue") + "</strong>";
  b += "</dd></dl>";
  if (p.Can(Role::kEditor) && !deleted) {
    b += "<form method=\"post\" action=\"/docs/" + Esc(id) + "/reviewed\" class=\"inline\">" +
         p.CsrfField() + "<button type=\"submit\"" + (r.overdue ? " class=\"primary\"" : "") + ">" +
         p.H("review.mark") + "</button></form><p class=\"hint\">" + p.H("review.mark_hint") +
         "</p>";
  }
  return b + "</section>";
}

HttpResponse MarkReviewedPost(Page& p, const AppParts& parts, const std::string& id) {
  auto saved = parts.docs->MarkReviewed(id, p.req().signer());
  if (saved.ok()) return Redirect("/docs/" + id);
  const Status& s = saved.status();
  if (s.code() == Status::Code::kPermissionDenied)
    return ErrorHtml(p, 403, s.message() + " " + p.T("review.propose_instead"));
  return FromStatus(p, s);
}

namespace {

// At most this many documents are listed (the longest overdue); the
// counts above the list say how many there are in all.
constexpr std::uint32_t kListed = 1000;

struct ReviewCounts {
  std::size_t overdue = 0, soon = 0;
};

// One group's counts as links that narrow the list to it.
std::string CountsHtml(Page& p, const std::string& title, const std::string& param,
                       const std::map<std::string, std::pair<std::string, ReviewCounts>>& groups) {
  std::string b = "<section><h2>" + Esc(title) + "</h2><table><thead><tr><th scope=\"col\">" +
                  Esc(title) + "</th><th scope=\"col\">" + p.H("review.overdue") +
                  "</th><th scope=\"col\">" + p.H("review.soon") + "</th></tr></thead><tbody>";
  for (const auto& [value, named] : groups) {
    b += "<tr><th scope=\"row\"><a href=\"/review?" + Esc(param) + "=" + Esc(PercentEncode(value)) +
         "\">" + Esc(named.first) + "</a></th><td>" + std::to_string(named.second.overdue) +
         "</td><td>" + std::to_string(named.second.soon) + "</td></tr>";
  }
  return b + "</tbody></table></section>";
}

std::string HitTitle(Page& p, const SearchHit& h) {
  if (h.kind != "guide") return h.title;
  return CountryName(Upper(h.country), p.lang()) + " — " +
         (h.topic == h.title ? p.TopicName(h.topic) : h.title);
}

std::string RowHtml(Page& p, const SearchHit& h, const std::string& today) {
  bool overdue = h.review_due < today;
  std::string verified = h.verified_on.empty()
                             ? p.T("doc.not_verified")
                             : h.verified_on + (h.verified_by.empty() ? "" : " · " + h.verified_by);
  return "<tr><td>" + Esc(h.review_due) +
         (overdue ? " <strong class=\"badge overdue\">" + p.H("review.overdue") + "</strong>"
                  : "") +
         "</td><td><a href=\"/docs/" + Esc(h.id) + "\"" + LangAttrs(h.language) + ">" +
         Esc(HitTitle(p, h)) + "</a> <span class=\"badge\">" + p.H("kind." + h.kind) +
         "</span></td><td>" + Esc(verified) + "</td><td>" + Esc(p.AuthorName(h.owner)) +
         "</td></tr>";
}

}  // namespace

HttpResponse ReviewPage(Page& p, const AppParts& parts) {
  const Params& query = p.req().query;
  std::string today = Today(parts);
  SearchQuery q;
  q.due_by = sync::AddMonths(today, 1);
  q.kind = Param(query, "kind");
  q.country = Lower(Param(query, "country"));
  q.topic = Param(query, "topic");
  q.limit = kListed;
  std::string owner = Param(query, "owner");
  auto res = parts.search->Search(q);
  if (!res.ok()) return FromStatus(p, res.status());
  ReviewCounts all;
  std::map<std::string, std::pair<std::string, ReviewCounts>> by_country, by_topic, by_owner;
  std::string rows;
  for (const auto& h : res->hits) {
    if (!owner.empty() && h.owner != owner) continue;
    bool overdue = h.review_due < today;
    auto count = [&](auto& groups, const std::string& key, const std::string& name) {
      if (key.empty()) return;
      auto& entry = groups[key];
      entry.first = name;
      ++(overdue ? entry.second.overdue : entry.second.soon);
    };
    ++(overdue ? all.overdue : all.soon);
    std::string country = Upper(h.country);
    count(by_country, country, country.empty() ? "" : CountryName(country, p.lang()));
    count(by_topic, h.topic, p.TopicName(h.topic));
    count(by_owner, h.owner, p.AuthorName(h.owner));
    rows += RowHtml(p, h, today);
  }
  std::string b = "<h1>" + p.H("review.page_title") + "</h1><p>" +
                  p.H("review.summary", {{"overdue", std::to_string(all.overdue)},
                                         {"soon", std::to_string(all.soon)},
                                         {"date", q.due_by}}) +
                  "</p>";
  if (!res->complete) b += "<p class=\"note\">" + p.H("search.indexing") + "</p>";
  if (res->estimated > res->hits.size())
    b += "<p class=\"note\">" +
         p.H("review.only_oldest", {{"shown", std::to_string(res->hits.size())},
                                    {"total", std::to_string(res->estimated)}}) +
         "</p>";
  if (!q.kind.empty() || !q.country.empty() || !q.topic.empty() || !owner.empty())
    b += "<p><a href=\"/review\">" + p.H("review.all") + "</a></p>";
  b += CountsHtml(p, p.T("review.by_country"), "country", by_country);
  b += CountsHtml(p, p.T("review.by_topic"), "topic", by_topic);
  b += CountsHtml(p, p.T("review.by_owner"), "owner", by_owner);
  b += "<table><caption>" + p.H("review.list") + "</caption><thead><tr><th scope=\"col\">" +
       p.H("review.due") + "</th><th scope=\"col\">" + p.H("review.document") +
       "</th><th scope=\"col\">" + p.H("doc.verified_on") + "</th><th scope=\"col\">" +
       p.H("review.owner") + "</th></tr></thead><tbody>" + rows + "</tbody></table>";
  if (rows.empty()) b += "<p>" + p.H("review.none") + "</p>";
  return p.Render(200, p.T("review.page_title"), b, "/review");
}

}  // namespace mrc::web::pages_impl
