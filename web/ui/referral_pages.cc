// The referral pages: inbox and outbox, a new referral (the receiving centre
// chosen from the directory), one referral's details and trail with the
// actions this centre may take, and the local audit log. All of it goes
// through sync::ReferralService, as the JSON API does.
#include <algorithm>

#include "sync/referrals/referral_service.h"
#include "web/http/forms.h"
#include "web/ui/page.h"

namespace mrc::web::page {
namespace {

std::string User(const Page& p) { return p.req().who ? p.req().who->user : ""; }

std::string CentreName(const sync::ReferralCentre& c) {
  return c.name.empty() ? c.key.substr(0, 12) : c.name;
}

std::string StatusBadge(const Page& p, const std::string& status) {
  return "<span class=\"status status-" + Esc(status) + "\">" + p.H("referral.status." + status) +
         "</span>";
}

std::string UrgencyText(const Page& p, const std::string& u) {
  return u.empty() ? "" : p.H("referral.urgency." + u);
}

HttpResponse ListPage(Page& p, const AppParts& parts) {
  std::string box = Param(p.req().query, "box");
  if (box != "out" && box != "all") box = "in";
  std::string status = Param(p.req().query, "status");
  std::string urgency = Param(p.req().query, "urgency");
  auto list = parts.referrals->List(box, status, urgency);
  if (!list.ok()) return FromStatus(p, list.status());
  // Counts for the tabs, whatever the filters.
  auto count = [&](std::string_view direction) {
    const sync::ReferralDirections& d = list->directions;
    return direction == "in" ? d.in : direction == "out" ? d.out : d.all;
  };
  std::string h = "<h1>" + p.H("referral.title") + "</h1>";
  h += "<p><a class=\"button\" href=\"/referrals/new\">" + p.H("referral.new") + "</a></p>";
  h += "<nav aria-label=\"" + p.H("referral.boxes") + "\"><ul class=\"tabs\">";
  for (const char* b : {"in", "out", "all"}) {
    bool current = box == b;
    h += "<li><a href=\"/referrals?box=" + std::string(b) + "\"" +
         (current ? " aria-current=\"page\"" : "") + ">" + p.H(std::string("referral.box.") + b) +
         " (" + std::to_string(count(b)) + ")</a></li>";
  }
  h += "</ul></nav>";
  // Filters: a plain GET form.
  std::vector<std::pair<std::string, std::string>> statuses{{"", p.T("referral.any_status")}};
  for (const char* s :
       {"sent", "received", "accepted", "declined", "completed", "withdrawn", "erased"})
    statuses.emplace_back(s, p.T(std::string("referral.status.") + s));
  std::vector<std::pair<std::string, std::string>> urgencies{{"", p.T("referral.any_urgency")}};
  for (const char* u : {"routine", "urgent", "emergency"})
    urgencies.emplace_back(u, p.T(std::string("referral.urgency.") + u));
  h += "<form method=\"get\" action=\"/referrals\" class=\"filters\"><input type=\"hidden\" "
       "name=\"box\" value=\"" +
       Esc(box) + "\">";
  h += "<label>" + p.H("referral.status") + " <select name=\"status\">" +
       Options(statuses, status) + "</select></label> ";
  h += "<label>" + p.H("referral.urgency") + " <select name=\"urgency\">" +
       Options(urgencies, urgency) + "</select></label> ";
  h += "<button type=\"submit\">" + p.H("referral.filter") + "</button></form>";
  // Counts by status, for the box and urgency chosen.
  h += "<p class=\"counts\">";
  for (const auto& [s, n] : list->counts) h += StatusBadge(p, s) + " " + std::to_string(n) + " ";
  h += "</p>";
  if (list->referrals.empty()) {
    h += "<p>" + p.H("referral.none") + "</p>";
    return p.Render(200, p.T("referral.title"), h, "/referrals");
  }
  h += "<table><caption>" + p.H(std::string("referral.box.") + box) +
       "</caption><thead><tr><th scope=\"col\">" + p.H("referral.sent_at") +
       "</th><th scope=\"col\">" + p.H("referral.from") + "</th><th scope=\"col\">" +
       p.H("referral.to") + "</th><th scope=\"col\">" + p.H("referral.service") +
       "</th><th scope=\"col\">" + p.H("referral.urgency") + "</th><th scope=\"col\">" +
       p.H("referral.status") + "</th></tr></thead><tbody>";
  for (const auto& r : list->referrals) {
    std::string service = r.service.value_or("");
    h += "<tr><td><a href=\"/referrals/" + Esc(r.id) + "\">" + Esc(ShortTime(r.sent_at)) +
         "</a></td><td>" + Esc(CentreName(r.from)) + "</td><td>" + Esc(CentreName(r.to)) +
         "</td><td>" + (service.empty() ? p.H("referral.sealed") : Esc(service)) + "</td><td>" +
         UrgencyText(p, r.urgency.value_or("")) + "</td><td>" + StatusBadge(p, r.status) +
         "</td></tr>";
  }
  h += "</tbody></table>";
  return p.Render(200, p.T("referral.title"), h, "/referrals");
}

std::string Field(const Page& p, const std::string& name, const std::string& id,
                  const std::string& value, bool required, bool textarea = false) {
  std::string req = required ? " required" : "";
  std::string label =
      "<label for=\"f-" + name + "\">" + p.H(id) + (required ? " *" : "") + "</label>";
  if (textarea)
    return "<p>" + label + "<textarea id=\"f-" + name + "\" name=\"" + name + "\" rows=\"4\"" +
           req + ">" + Esc(value) + "</textarea></p>";
  return "<p>" + label + "<input id=\"f-" + name + "\" name=\"" + name + "\" value=\"" +
         Esc(value) + "\"" + req + "></p>";
}

// A new referral as the form states it (every field sent, as typed).
sync::CreateReferralRequest RequestFrom(const Params& f) {
  sync::CreateReferralRequest r;
  r.to = Param(f, "to");
  r.service = Param(f, "service");
  r.reason = Param(f, "reason");
  r.urgency = Param(f, "urgency");
  r.client.emplace();
  r.client->name = Param(f, "client_name");
  r.client->contact = Param(f, "client_contact");
  r.client->notes = Param(f, "client_notes");
  r.client->languages = SplitList(Param(f, "client_languages"));
  r.consent.emplace();
  r.consent->given = Param(f, "consent") == "yes";
  r.consent->scope = Param(f, "consent_scope");
  return r;
}

// Narrowing the directory: a GET form of its own.
std::string TargetFilters(const Page& p, const Params& q) {
  std::string h =
      "<form method=\"get\" action=\"/referrals/new\" class=\"filters\"><fieldset><legend>" +
      p.H("referral.find_centre") + "</legend>";
  h += Field(p, "service_filter", "referral.service", Param(q, "service_filter"), false);
  h += Field(p, "language_filter", "referral.language", Param(q, "language_filter"), false);
  h += Field(p, "place_filter", "referral.place", Param(q, "place_filter"), false);
  return h + "<button type=\"submit\">" + p.H("referral.filter") + "</button></fieldset></form>";
}

// One centre to choose: its name, place, services and languages.
std::string TargetChoice(const Page& p, const sync::TargetCentre& c, bool checked) {
  std::string place = c.city;
  if (!c.country.empty()) place += (place.empty() ? "" : ", ") + CountryName(c.country, p.lang());
  std::string id = "to-" + Esc(c.key.substr(0, 12));
  return "<p class=\"choice\"><input type=\"radio\" name=\"to\" id=\"" + id + "\" value=\"" +
         Esc(c.key) + "\" required" + (checked ? " checked" : "") + "><label for=\"" + id +
         "\"><strong>" + Esc(CentreName(sync::ReferralCentre{c.key, c.name})) + "</strong> — " +
         Esc(place) +
         (c.services.empty()
              ? ""
              : "<br>" + p.H("referral.services") + ": " + Esc(Join(c.services, ", "))) +
         (c.languages.empty()
              ? ""
              : "<br>" + p.H("referral.languages") + ": " + Esc(Join(c.languages, ", "))) +
         "</label></p>";
}

// The receiving centre, one of `centres`; `chosen` is its key.
std::string TargetsFieldset(const Page& p, const std::vector<sync::TargetCentre>& centres,
                            const std::string& chosen) {
  std::string h = "<fieldset><legend>" + p.H("referral.to") + " *</legend>";
  if (centres.empty()) h += "<p>" + p.H("referral.no_centres") + "</p>";
  for (const auto& c : centres) h += TargetChoice(p, c, chosen == c.key);
  return h + "</fieldset>";
}

// The client and their consent, from the values `v` sent back.
std::string ClientFieldsets(const Page& p, const Params& v) {
  std::string h = "<fieldset><legend>" + p.H("referral.client") + "</legend><p class=\"hint\">" +
                  p.H("referral.client_hint") + "</p>";
  h += Field(p, "client_name", "referral.client_name", Param(v, "client_name"), true);
  h += Field(p, "client_contact", "referral.client_contact", Param(v, "client_contact"), false);
  h += Field(p, "client_languages", "referral.client_languages", Param(v, "client_languages"),
             false);
  h += Field(p, "client_notes", "referral.client_notes", Param(v, "client_notes"), false, true);
  h += "</fieldset><fieldset><legend>" + p.H("referral.consent") + " *</legend>";
  h += "<p class=\"choice\"><input type=\"checkbox\" id=\"f-consent\" name=\"consent\" "
       "value=\"yes\" required" +
       std::string(Param(v, "consent") == "yes" ? " checked" : "") + "><label for=\"f-consent\">" +
       p.H("referral.consent_given") + "</label></p>";
  h += Field(p, "consent_scope", "referral.consent_scope", Param(v, "consent_scope"), true, true);
  return h + "</fieldset>";
}

HttpResponse NewPage(Page& p, const AppParts& parts) {
  const Params& q = p.req().query;
  const Params& f = p.req().form;
  bool post = p.req().http->method == "POST";
  std::string error;
  if (post) {
    auto created = parts.referrals->Create(RequestFrom(f), User(p));
    if (created.ok()) return Redirect("/referrals/" + *created);
    error = created.status().message();
  }
  const Params& v = post ? f : q;
  auto targets = parts.referrals->Targets(Param(q, "service_filter"), Param(q, "language_filter"),
                                          Param(q, "place_filter"));
  if (!targets.ok()) return FromStatus(p, targets.status());
  std::string h = "<h1>" + p.H("referral.new") + "</h1>";
  if (!error.empty()) h += "<p class=\"error\" role=\"alert\">" + Esc(error) + "</p>";
  h += TargetFilters(p, q);
  h += "<form method=\"post\" action=\"/referrals/new\">" + p.CsrfField();
  h += TargetsFieldset(p, *targets, Param(v, "to"));
  h += Field(p, "service", "referral.service", Param(v, "service"), true);
  h += Field(p, "reason", "referral.reason", Param(v, "reason"), true, true);
  std::vector<std::pair<std::string, std::string>> urgencies;
  for (const char* u : {"routine", "urgent", "emergency"})
    urgencies.emplace_back(u, p.T(std::string("referral.urgency.") + u));
  h += "<p><label for=\"f-urgency\">" + p.H("referral.urgency") +
       "</label><select id=\"f-urgency\" name=\"urgency\">" +
       Options(urgencies, Param(v, "urgency")) + "</select></p>";
  h += ClientFieldsets(p, v);
  h += "<p><button type=\"submit\">" + p.H("referral.send") + "</button></p></form>";
  return p.Render(error.empty() ? 200 : 400, p.T("referral.new"), h, "/referrals");
}

// What the sending centre sealed, as this centre reads it.
std::string DetailsList(const Page& p, const sync::SentDetails& d) {
  std::string h = "<h2>" + p.H("referral.details") + "</h2><dl class=\"meta\">";
  auto row = [&](const char* label, const std::string& value) {
    if (!value.empty()) h += "<dt>" + p.H(label) + "</dt><dd>" + Esc(value) + "</dd>";
  };
  row("referral.service", d.service);
  row("referral.reason", d.reason);
  if (!d.urgency.empty())
    h += "<dt>" + p.H("referral.urgency") + "</dt><dd>" + UrgencyText(p, d.urgency) + "</dd>";
  row("referral.client_name", d.client.name);
  row("referral.client_contact", d.client.contact);
  row("referral.languages", Join(d.client.languages, ", "));
  row("referral.client_notes", d.client.notes);
  row("referral.consent_scope", d.consent.scope);
  row("referral.consent_at", ShortTime(d.consent.recorded_at));
  row("referral.by", d.by);
  return h + "</dl>";
}

std::string TrailList(const Page& p, const std::vector<sync::TrailStep>& trail) {
  std::string h = "<h2>" + p.H("referral.trail") + "</h2><ol class=\"trail\">";
  for (const auto& t : trail) {
    h += "<li>" + StatusBadge(p, t.status) + " " + Esc(CentreName(t.centre)) + ", " +
         Esc(ShortTime(t.at));
    if (t.opened && !*t.opened) h += " — " + p.H("referral.not_opened");
    if (t.note && !t.note->note.empty()) h += "<br>" + Esc(t.note->note);
    if (t.note && !t.note->by.empty()) h += " <span class=\"by\">(" + Esc(t.note->by) + ")</span>";
    h += "</li>";
  }
  return h + "</ol>";
}

// A form for each status this centre may set next (the erasure has its own).
std::string StatusForms(const Page& p, const std::string& id,
                        const std::vector<std::string>& actions) {
  std::string h;
  for (const std::string& action : actions) {
    if (action == "erased") continue;
    if (h.empty()) h += "<h2>" + p.H("referral.actions") + "</h2>";
    bool note_required = action == "declined" || action == "completed";
    std::string fid = "note-" + action;
    h += "<form method=\"post\" action=\"/referrals/" + Esc(id) + "/status\" class=\"action\">" +
         p.CsrfField() + "<input type=\"hidden\" name=\"status\" value=\"" + Esc(action) + "\">" +
         "<p><label for=\"" + fid + "\">" + p.H("referral.note." + action) +
         (note_required ? " *" : "") + "</label><textarea id=\"" + fid +
         "\" name=\"note\" rows=\"2\"" + (note_required ? " required" : "") +
         "></textarea></p><button type=\"submit\">" + p.H("referral.do." + action) +
         "</button></form>";
  }
  return h;
}

std::string EraseForm(const Page& p, const std::string& id) {
  return "<h2>" + p.H("referral.erase") + "</h2><form method=\"post\" action=\"/referrals/" +
         Esc(id) + "/erase\" class=\"action danger\">" + p.CsrfField() + "<p>" +
         p.H("referral.erase_explain") +
         "</p><p class=\"choice\"><input type=\"checkbox\" id=\"f-confirm\" name=\"confirm\" "
         "value=\"yes\" required><label for=\"f-confirm\">" +
         p.H("referral.erase_confirm") + "</label></p><button type=\"submit\">" +
         p.H("referral.erase") + "</button></form>";
}

HttpResponse DetailPage(Page& p, const AppParts& parts, const std::string& id) {
  auto got = parts.referrals->Get(id, User(p));
  if (!got.ok()) return FromStatus(p, got.status());
  const sync::ReferralDetail& r = *got;
  std::string h = "<h1>" + p.H("referral.one") + " " + StatusBadge(p, r.status) + "</h1>";
  if (std::string notice = Param(p.req().query, "error"); !notice.empty())
    h += "<p class=\"error\" role=\"alert\">" + Esc(notice) + "</p>";
  h += "<dl class=\"meta\"><dt>" + p.H("referral.from") + "</dt><dd>" + Esc(CentreName(r.from)) +
       "</dd><dt>" + p.H("referral.to") + "</dt><dd>" + Esc(CentreName(r.to)) + "</dd><dt>" +
       p.H("referral.sent_at") + "</dt><dd>" + Esc(ShortTime(r.sent_at)) + "</dd></dl>";
  if (r.details) {
    h += DetailsList(p, *r.details);
  } else {
    h += "<p class=\"notice\">" +
         (r.unreadable_reason == "erased" ? p.H("referral.erased_notice")
                                          : p.H("referral.unreadable")) +
         "</p>";
  }
  h += TrailList(p, r.trail);
  h += StatusForms(p, id, r.actions);
  if (std::find(r.actions.begin(), r.actions.end(), "erased") != r.actions.end())
    h += EraseForm(p, id);
  if (r.erased) {
    h += "<p>" +
         p.H("referral.erased_by",
             {{"centre", CentreName(r.erased_by.value_or(sync::ReferralCentre{}))},
              {"at", ShortTime(r.erased_at.value_or(""))}}) +
         "</p>";
  }
  h += "<p><a href=\"/referrals\">" + p.H("referral.back") + "</a></p>";
  return p.Render(200, p.T("referral.one"), h, "/referrals");
}

HttpResponse StatusPost(Page& p, const AppParts& parts, const std::string& id) {
  const Params& f = p.req().form;
  sync::SetStatusRequest req;
  req.status = Param(f, "status");
  if (!Param(f, "note").empty()) req.note = Param(f, "note");
  auto out = parts.referrals->SetStatus(id, req, User(p));
  if (!out.ok())
    return Redirect("/referrals/" + id + "?error=" + PercentEncode(out.status().message()));
  return Redirect("/referrals/" + id);
}

HttpResponse ErasePost(Page& p, const AppParts& parts, const std::string& id) {
  if (Param(p.req().form, "confirm") != "yes")
    return Redirect("/referrals/" + id +
                    "?error=" + PercentEncode(p.T("referral.erase_unconfirmed")));
  auto out = parts.referrals->Erase(id, User(p));
  if (!out.ok())
    return Redirect("/referrals/" + id + "?error=" + PercentEncode(out.status().message()));
  return Redirect("/referrals/" + id);
}

HttpResponse AuditPage(Page& p, const AppParts& parts) {
  auto audit = parts.referrals->Audit(500);
  if (!audit.ok()) return FromStatus(p, audit.status());
  std::string h = "<h1>" + p.H("referral.audit") + "</h1><table><thead><tr><th scope=\"col\">" +
                  p.H("referral.audit_at") + "</th><th scope=\"col\">" +
                  p.H("referral.audit_user") + "</th><th scope=\"col\">" +
                  p.H("referral.audit_action") + "</th><th scope=\"col\">" + p.H("referral.one") +
                  "</th></tr></thead><tbody>";
  for (const auto& e : *audit) {
    h += "<tr><td>" + Esc(ShortTime(e.at)) + "</td><td>" + Esc(e.user) + "</td><td>" +
         Esc(e.action) + "</td><td><a href=\"/referrals/" + Esc(e.referral) + "\">" +
         Esc(e.referral.substr(0, 12)) + "</a></td></tr>";
  }
  h += "</tbody></table>";
  return p.Render(200, p.T("referral.audit"), h, "/referrals");
}

// The referral pages answer 503 on a node without referrals.
HttpResponse Unavailable(Page& p) { return ErrorHtml(p, 503, p.T("referral.unavailable")); }

HttpResponse WithReferralId(Call& c,
                            HttpResponse (*render)(Page&, const AppParts&, const std::string&)) {
  Page p(c.req, c.parts);
  if (c.parts.referrals == nullptr) return Unavailable(p);
  std::string id = c.Arg(0);
  if (!IsId(id)) return ErrorHtml(p, 404, p.T("error.not_found"));
  return render(p, c.parts, id);
}

HttpResponse Whole(Call& c, HttpResponse (*render)(Page&, const AppParts&)) {
  Page p(c.req, c.parts);
  if (c.parts.referrals == nullptr) return Unavailable(p);
  return render(p, c.parts);
}

}  // namespace
}  // namespace mrc::web::page

namespace mrc::web::pages {

HttpResponse Referrals(Call& c) { return page::Whole(c, page::ListPage); }
HttpResponse NewReferral(Call& c) { return page::Whole(c, page::NewPage); }
HttpResponse ReferralAudit(Call& c) { return page::Whole(c, page::AuditPage); }
HttpResponse Referral(Call& c) { return page::WithReferralId(c, page::DetailPage); }
HttpResponse ReferralStatus(Call& c) { return page::WithReferralId(c, page::StatusPost); }
HttpResponse EraseReferral(Call& c) { return page::WithReferralId(c, page::ErasePost); }

}  // namespace mrc::web::pages
