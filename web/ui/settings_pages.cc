// The network's review intervals (docs/settings.md): what is in force and
// its history for editors everywhere; a form for headquarters' admins.
#include <charconv>
#include <nlohmann/json.hpp>

#include "sync/content/content.h"
#include "sync/settings/setting.h"
#include "sync/settings/settings_service.h"
#include "sync/trust/trust_records.h"
#include "web/text/html.h"
#include "web/ui/page.h"
#include "web/ui/ui.h"

namespace mrc::web {
namespace {

using nlohmann::json;
using page::Page;

constexpr const char* kKinds[] = {"faq", "guide", "centre"};

// The months a form field holds: "" stays unset (a topic as the guide), a
// whole number 0-999 is kept for the rules to judge, anything else -1.
long MonthsOf(const std::string& text) {
  if (text.empty()) return -2;
  long v = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0 || v > 999) return -1;
  return v;
}

// The value the form asks for, or why it cannot be one.
Result<json> ValueFromForm(const Params& form) {
  json v = json::object();
  for (const char* kind : kKinds) {
    long m = MonthsOf(Param(form, kind));
    if (m < 0) return Status::InvalidArgument(std::string(kind) + ": months must be a number");
    v[kind] = m;
  }
  json topics = json::object();
  for (auto t : sync::GuideTopics()) {
    long m = MonthsOf(Param(form, "topic." + std::string(t)));
    if (m == -2) continue;
    if (m < 0)
      return Status::InvalidArgument("guide_topics." + std::string(t) +
                                     ": months must be a number");
    topics[std::string(t)] = m;
  }
  if (!topics.empty()) v["guide_topics"] = topics;
  return v;
}

std::string NumberField(Page& p, const std::string& name, const std::string& label,
                        const std::string& value, bool required, bool editable) {
  std::string id = "ri-" + name;
  for (char& c : id)
    if (c == '.') c = '-';
  return "<div class=\"field\"><label for=\"" + Esc(id) + "\">" + label + "</label><input id=\"" +
         Esc(id) + "\" name=\"" + Esc(name) + "\" type=\"number\" min=\"0\" max=\"120\" value=\"" +
         Esc(value) + "\"" + (required ? " required" : "") + (editable ? "" : " disabled") + ">" +
         (required ? "" : "<span class=\"hint\">" + p.H("intervals.topic_hint") + "</span>") +
         "</div>";
}

std::string FormHtml(Page& p, const sync::ReviewIntervals& r, bool editable) {
  std::string b;
  if (editable) b += "<form method=\"post\" action=\"/admin/review-intervals\">" + p.CsrfField();
  b += "<fieldset><legend>" + p.H("intervals.kinds") + "</legend>";
  b += NumberField(p, "faq", p.H("intervals.faq"), std::to_string(r.faq), true, editable);
  b += NumberField(p, "guide", p.H("intervals.guide"), std::to_string(r.guide), true, editable);
  b += NumberField(p, "centre", p.H("intervals.centre"), std::to_string(r.centre), true, editable);
  b += "</fieldset><fieldset><legend>" + p.H("intervals.topics") + "</legend>";
  for (auto t : sync::GuideTopics()) {
    auto it = r.guide_topics.find(t);
    std::string value = it == r.guide_topics.end() ? "" : std::to_string(it->second);
    b += NumberField(p, "topic." + std::string(t), Esc(p.TopicName(t)), value, false, editable);
  }
  b += "</fieldset>";
  if (editable)
    b += "<button type=\"submit\" class=\"primary\">" + p.H("intervals.save") + "</button></form>";
  return b;
}

std::string HistoryHtml(Page& p, const std::vector<sync::settings::SettingView>& history) {
  if (history.empty()) return "";
  std::string b = "<h2>" + p.H("intervals.history") + "</h2><table><thead><tr><th scope=\"col\">" +
                  p.H("intervals.at") + "</th><th scope=\"col\">" + p.H("intervals.by") +
                  "</th><th scope=\"col\">" + p.H("intervals.value") + "</th></tr></thead><tbody>";
  for (const auto& v : history) {
    b += "<tr><td>" + Esc(page::ShortTime(v.at)) + "</td><td>" + Esc(p.AuthorName(v.author)) +
         "</td><td><code>" + Esc(v.value) + "</code></td></tr>";
  }
  return b + "</tbody></table>";
}

// The page, with a notice (an error when `status` is not 200).
HttpResponse IntervalsPage(Page& p, const AppParts& parts, const std::string& notice, int status) {
  sync::Log& log = *parts.log;
  auto current = sync::settings::GetSetting(log, sync::settings::kReviewIntervals);
  auto history = sync::settings::SettingHistory(log, sync::settings::kReviewIntervals, 20);
  auto intervals = sync::NetworkReviewIntervals(log);
  if (!current.ok()) return page::FromStatus(p, current.status());
  if (!history.ok()) return page::FromStatus(p, history.status());
  if (!intervals.ok()) return page::FromStatus(p, intervals.status());
  auto me = sync::trust::Member(log, log.self());
  bool hq = me.ok() && me->hq;
  std::string b = "<h1>" + p.H("intervals.title") + "</h1>";
  if (!notice.empty())
    b += "<p class=\"" + std::string(status == 200 ? "note" : "error") + "\" role=\"status\">" +
         Esc(notice) + "</p>";
  b += "<p>" + p.H("intervals.intro") + "</p><p class=\"note\" id=\"intervals-source\">" +
       (*current ? p.H("intervals.source_network", {{"time", page::ShortTime((*current)->at)},
                                                    {"by", p.AuthorName((*current)->author)}})
                 : p.H("intervals.source_default")) +
       "</p>";
  bool editable = hq && p.Can(Role::kAdmin);
  if (!editable) b += "<p class=\"hint\">" + p.H("intervals.hq_only") + "</p>";
  b += FormHtml(p, *intervals, editable);
  b += HistoryHtml(p, *history);
  return p.Render(status, p.T("intervals.title"), b, "/admin/review-intervals");
}

}  // namespace

namespace pages {

HttpResponse ReviewIntervals(Call& c) {
  Page p(c.req, c.parts);
  if (c.method() != "POST") {
    bool saved = Param(c.req.query, "saved") == "1";
    return IntervalsPage(p, c.parts, saved ? p.T("intervals.saved") : "", 200);
  }
  auto value = ValueFromForm(c.req.form);
  Result<sync::settings::SettingView> set =
      value.ok() ? sync::settings::SetSetting(*c.parts.log, sync::settings::kReviewIntervals,
                                              value->dump())
                 : Result<sync::settings::SettingView>(value.status());
  if (!set.ok())
    return IntervalsPage(p, c.parts, set.status().message(), HttpStatusOf(set.status()));
  return Redirect("/admin/review-intervals?saved=1");
}

}  // namespace pages
}  // namespace mrc::web
