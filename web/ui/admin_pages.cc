// Administration: sync status and peers, staff accounts, settings.
#include <sodium.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "config/foundation/bytes.h"
#include "config/foundation/time.h"
#include "sync/content/content.h"
#include "sync/content/doc_service.h"
#include "sync/log/log.h"
#include "sync/trust/trust_records.h"
#include "web/search/index.h"
#include "web/text/body_cache.h"
#include "web/text/diff.h"
#include "web/text/html.h"
#include "web/text/markdown.h"
#include "web/ui/embedded.h"
#include "web/ui/page.h"
#include "web/ui/pages_impl.h"

namespace mrc::web::pages_impl {

// ---------------------------------------------------------------------------
// Administration

namespace {

std::string Row(Page& p, const std::string& label, const std::string& value) {
  return "<dt>" + p.H(label) + "</dt><dd>" + value + "</dd>";
}

// The log's counts and digest, and the documents in conflict.
std::string SyncCounts(Page& p, const AppParts& parts, const sync::DigestInfo& d) {
  std::string b = "<dl class=\"meta\">" + Row(p, "sync.documents", std::to_string(d.documents)) +
                  Row(p, "sync.entries", std::to_string(d.entries)) +
                  Row(p, "sync.pending", std::to_string(d.pending));
  // Entries of kinds a newer version has rules for: held and relayed here,
  // applied once this node is upgraded.
  if (d.awaiting_upgrade > 0)
    b += Row(p, "sync.awaiting_upgrade", std::to_string(d.awaiting_upgrade));
  // Keys not yet approved whose entries this node stopped holding.
  if (d.unapproved_refused > 0)
    b += Row(p, "sync.unapproved_refused", std::to_string(d.unapproved_refused));
  b += Row(p, "sync.digest", "<code>" + ToHex(d.digest).substr(0, 16) + "</code>");
  // What staff compare with what their browser shows when it first asks.
  if (!parts.tls_fingerprint.empty()) {
    b += Row(p, "sync.certificate",
             "<code class=\"fingerprint\">" + Esc(parts.tls_fingerprint) +
                 "</code><br><span class=\"hint\">" + p.H("sync.certificate_help") + "</span>");
  }
  // Documents edited at two centres before either saw the other's version.
  sync::ListQuery conflicts;
  conflicts.conflicts_only = true;
  conflicts.limit = 1000;
  if (auto list = parts.docs->List(conflicts); list.ok()) {
    b += Row(p, "sync.conflicts",
             "<a href=\"/conflicts\">" + std::to_string(list->docs.size()) + "</a>");
  }
  return b + "</dl>";
}

std::string SearchLine(Page& p, const SearchProgress& idx) {
  if (idx.rebuilding && idx.rebuild_total > 0) {
    return "<p class=\"warning\" role=\"status\">" +
           p.H("sync.search_rebuilding",
               {{"percent", std::to_string(idx.rebuilt * 100 / idx.rebuild_total)},
                {"rebuilt", std::to_string(idx.rebuilt)},
                {"total", std::to_string(idx.rebuild_total)}}) +
           "</p>";
  }
  bool complete = NodeStatus::SearchComplete(idx);
  std::uint64_t through = std::min(idx.log_change, idx.indexed_through);
  return "<p class=\"" + std::string(complete ? "note" : "warning") + "\">" +
         p.H(complete ? "sync.search_complete" : "sync.search_behind",
             {{"documents", std::to_string(idx.documents)},
              {"behind", std::to_string(idx.log_change - through)}}) +
         "</p>";
}

// How far a catch-up from this peer has come: entries received over this
// link, of those plus the ones the peer still holds that we lack.
std::string CatchUp(Page& p, const sync::PeerLinkStatus& peer) {
  const sync::PeerStats& s = peer.stats;
  if (!peer.connected || (s.we_lack == 0 && s.entries_per_second < 0.5)) return "";
  std::uint64_t total = s.entries_received + s.we_lack;
  return "<br><small>" +
         p.H("sync.catching_up",
             {{"received", std::to_string(s.entries_received)},
              {"total", std::to_string(total)},
              {"percent", std::to_string(total ? s.entries_received * 100 / total : 100)},
              {"rate", std::to_string(std::llround(s.entries_per_second))}}) +
         "</small>";
}

// "1 (mrcnode 0.1.0)": the peer protocol version the link speaks and the
// software the peer runs; empty until its version message came.
std::string ProtocolText(const sync::PeerLinkStatus& peer) {
  if (peer.protocol == 0) return "";
  std::string t = std::to_string(peer.protocol);
  if (!peer.software.empty()) t += " (" + peer.software + ")";
  return Esc(t);
}

std::string PeersTable(Page& p, const std::vector<sync::PeerLinkStatus>& peers) {
  std::string b = "<h2>" + p.H("sync.peers") + "</h2><table><thead><tr>";
  for (const char* head : {"sync.address", "sync.state", "sync.last_contact", "sync.behind",
                           "sync.protocol", "sync.error"})
    b += "<th scope=\"col\">" + p.H(head) + "</th>";
  b += "</tr></thead><tbody>";
  for (const auto& peer : peers) {
    // The centre's name when its key is known; the address as it dialled.
    std::string who = IsZero(peer.peer) ? std::string() : p.AuthorName(ToHex(peer.peer)) + " · ";
    std::string contact = peer.last_contact_ms ? sync::FormatTime(peer.last_contact_ms) : "";
    b += "<tr><td>" + Esc(who) + Esc(peer.address) + " (" + Esc(peer.direction) +
         ")</td><td class=\"" + (peer.connected ? "ok" : "off") + "\">" +
         p.H(peer.connected ? "sync.connected" : "sync.disconnected") + "</td><td>" +
         Esc(ShortTime(contact)) + "</td><td>" + std::to_string(peer.stats.we_lack) + " / " +
         std::to_string(peer.stats.peer_lacks) + CatchUp(p, peer) + "</td><td>" +
         ProtocolText(peer) + "</td><td>" + Esc(peer.last_error) + "</td></tr>";
  }
  return b + "</tbody></table><p class=\"hint\">" + p.H("sync.behind_help") + "</p>";
}

// When headquarters was last heard from, and the centres this node knows
// only from bundles (staff carry a stick there; no link shows their state).
std::string NewsSections(Page& p, const NodeStatus& st) {
  std::string b;
  if (!st.hq_news.headquarters) {
    b += "<p class=\"note\" id=\"hq-news\">" +
         (st.hq_news.last_ms ? p.H("sync.hq_last_news",
                                   {{"time", ShortTime(sync::FormatTime(st.hq_news.last_ms))}})
                             : p.H("sync.hq_never")) +
         "</p>";
  }
  if (st.bundle_centres.empty()) return b;
  b += "<h2>" + p.H("sync.bundle_centres") + "</h2><table id=\"bundle-centres\"><thead><tr>";
  for (const char* head : {"sync.centre", "sync.last_bundle"})
    b += "<th scope=\"col\">" + p.H(head) + "</th>";
  b += "</tr></thead><tbody>";
  for (const auto& c : st.bundle_centres) {
    std::string name = c.name.empty() ? ToHex(c.key).substr(0, 12) : c.name;
    b += "<tr><td>" + Esc(name) + "</td><td>" + Esc(ShortTime(sync::FormatTime(c.last_bundle_ms))) +
         "</td></tr>";
  }
  return b + "</tbody></table>";
}

// Forked feeds, with what to do about them, and the entries the rules
// rejected.
std::string TrustSections(Page& p, const TrustStatus& trust) {
  std::string b = "<h2>" + p.H("sync.forks") + "</h2>";
  if (trust.forked_feeds.empty()) b += "<p>" + p.H("sync.no_forks") + "</p>";
  for (const auto& f : trust.forked_feeds)
    b += "<p class=\"warning\">" + Esc(f.name) + " (" + ToHex(f.author).substr(0, 12) +
         "): " + Esc(TrustStatus::kForkAdvice) + "</p>";
  b += "<h2>" + p.H("sync.rejected", {{"count", std::to_string(trust.rejected)}}) +
       "</h2><ul class=\"list\">";
  for (const auto& r : trust.rejections)
    b += "<li><code>" + ToHex(r.id).substr(0, 12) + "</code> " + Esc(r.reason) + "</li>";
  return b + "</ul>";
}

}  // namespace

HttpResponse SyncPage(Page& p, const AppParts& parts) {
  if (!parts.status) return ErrorHtml(p, 503, "status is not available");
  auto st = parts.status();
  if (!st.ok()) return FromStatus(p, st.status());
  std::string b = "<h1>" + p.H("sync.title") + "</h1>";
  if (st->own_feed_held)
    b += "<p class=\"warning\" role=\"status\">" + p.H("sync.own_feed_held") + "</p>";
  b += SyncCounts(p, parts, st->digest);
  if (st->search) b += SearchLine(p, *st->search);
  b += NewsSections(p, *st) + PeersTable(p, st->peers) + TrustSections(p, st->trust);
  return p.Render(200, p.T("sync.title"), b, "/sync");
}

HttpResponse UsersPage(Page& p, const AppParts& parts, std::string notice, int status) {
  auto list = parts.users->List();
  if (!list.ok()) return FromStatus(p, list.status());
  std::vector<std::pair<std::string, std::string>> roles;
  for (Role r : {Role::kCounsellor, Role::kEditor, Role::kAdmin})
    roles.emplace_back(std::string(RoleName(r)), p.T("role." + std::string(RoleName(r))));
  std::string b = "<h1>" + p.H("users.title") + "</h1>";
  if (!notice.empty())
    b += "<p class=\"" + std::string(status == 200 ? "note" : "error") + "\" role=\"status\">" +
         Esc(notice) + "</p>";
  b += "<table><thead><tr><th scope=\"col\">" + p.H("users.name") + "</th><th scope=\"col\">" +
       p.H("users.role") + "</th><th scope=\"col\">" + p.H("users.actions") +
       "</th></tr></thead><tbody>";
  for (const auto& u : *list) {
    std::string action = "/admin/users/" + PercentEncode(u.name);
    b += "<tr><td>" + Esc(u.name) + "</td><td><form method=\"post\" action=\"" + Esc(action) +
         "\" class=\"inline\">" + p.CsrfField() +
         "<input type=\"hidden\" name=\"op\" value=\"role\"><select name=\"role\" aria-label=\"" +
         p.H("users.role") + " " + Esc(u.name) + "\">" +
         Options(roles, std::string(RoleName(u.role))) + "</select><button type=\"submit\">" +
         p.H("users.set_role") + "</button></form></td><td>";
    b += "<form method=\"post\" action=\"" + Esc(action) + "\" class=\"inline\">" + p.CsrfField() +
         "<input type=\"hidden\" name=\"op\" value=\"display_name\"><input name=\"display_name\" "
         "maxlength=\"100\" value=\"" +
         Esc(u.display_name) + "\" placeholder=\"" + Esc(u.name) + "\" aria-label=\"" +
         p.H("users.display_name") + " " + Esc(u.name) + "\"><button type=\"submit\">" +
         p.H("users.set_display_name") + "</button></form> ";
    b += "<form method=\"post\" action=\"" + Esc(action) + "\" class=\"inline\">" + p.CsrfField() +
         "<input type=\"hidden\" name=\"op\" value=\"password\"><input type=\"password\" "
         "name=\"password\" autocomplete=\"new-password\" aria-label=\"" +
         p.H("users.new_password") + " " + Esc(u.name) +
         "\" minlength=\"8\" required><button type=\"submit\">" + p.H("users.set_password") +
         "</button></form> ";
    if (u.name != p.req().who->user) {
      b += "<form method=\"post\" action=\"" + Esc(action) + "\" class=\"inline\">" +
           p.CsrfField() +
           "<input type=\"hidden\" name=\"op\" value=\"remove\"><button type=\"submit\" "
           "class=\"danger\">" +
           p.H("users.remove") + "</button></form>";
    }
    b += "</td></tr>";
  }
  b += "</tbody></table>";
  b += "<h2>" + p.H("users.add") + "</h2><form method=\"post\" action=\"/admin/users\">" +
       p.CsrfField();
  // After a refused addition the form keeps what was typed (but the
  // password).
  const Params& typed = p.req().form;
  bool refused_add = status != 200 && Param(typed, "op").empty();
  std::string typed_role = refused_add ? Param(typed, "role") : "";
  b += "<div class=\"field\"><label for=\"nu-name\">" + p.H("users.name") +
       "</label><input id=\"nu-name\" name=\"name\" required pattern=\"[a-z0-9._-]{1,32}\" "
       "autocomplete=\"off\" value=\"" +
       Esc(refused_add ? Param(typed, "name") : "") + "\"></div>";
  b += "<div class=\"field\"><label for=\"nu-display\">" + p.H("users.display_name") +
       "</label><input id=\"nu-display\" name=\"display_name\" maxlength=\"100\" value=\"" +
       Esc(refused_add ? Param(typed, "display_name") : "") + "\"><p class=\"hint\">" +
       p.H("users.display_name_hint") + "</p></div>";
  b += "<div class=\"field\"><label for=\"nu-role\">" + p.H("users.role") +
       "</label><select id=\"nu-role\" name=\"role\">" +
       Options(roles, typed_role.empty() ? "counsellor" : typed_role) + "</select></div>";
  b += "<div class=\"field\"><label for=\"nu-pw\">" + p.H("users.password") +
       "</label><input id=\"nu-pw\" type=\"password\" name=\"password\" minlength=\"8\" required "
       "autocomplete=\"new-password\"></div>";
  b += "<button type=\"submit\" class=\"primary\">" + p.H("users.add_button") + "</button></form>";
  return p.Render(status, p.T("users.title"), b, "/admin/users");
}

HttpResponse UsersPost(Page& p, const AppParts& parts, const std::string& name_in) {
  const Params& f = p.req().form;
  Status s;
  std::string done;
  if (name_in.empty()) {
    auto role = ParseRole(Param(f, "role"));
    s = role ? parts.users->Add(Param(f, "name"), *role, Param(f, "password"),
                                Param(f, "display_name"))
             : Status::InvalidArgument("unknown role");
    done = p.T("users.added", {{"name", Param(f, "name")}});
  } else {
    auto name = PercentDecode(name_in);
    if (!name.ok()) return FromStatus(p, name.status());
    std::string op = Param(f, "op");
    if (op == "role") {
      auto role = ParseRole(Param(f, "role"));
      s = role ? parts.users->SetRole(*name, *role) : Status::InvalidArgument("unknown role");
    } else if (op == "password") {
      s = parts.users->SetPassword(*name, Param(f, "password"));
    } else if (op == "display_name") {
      s = parts.users->SetDisplayName(*name, Param(f, "display_name"));
    } else if (op == "remove") {
      s = *name == p.req().who->user ? Status::InvalidArgument(p.T("users.not_yourself"))
                                     : parts.users->Remove(*name);
    } else {
      s = Status::InvalidArgument("unknown operation");
    }
    done = p.T("users.changed", {{"name", *name}});
  }
  if (!s.ok()) return UsersPage(p, parts, s.message(), HttpStatusOf(s));
  return UsersPage(p, parts, done);
}

HttpResponse SettingsPage(Page& p, const AppParts& parts) {
  const PageRequest& r = p.req();
  std::string notice, retry_after;
  int status = 200;
  if (r.http->method == "POST") {
    Status s;
    if (r.who->local) {
      s = Status::InvalidArgument("the local token has no account");
    } else if (Param(r.form, "op") == "language") {
      s = parts.users->SetLanguage(r.who->user, Param(r.form, "language"));
      if (s.ok()) return Redirect("/settings");
    } else if (Param(r.form, "op") == "password") {
      s = parts.users->CheckCurrentPassword(r.who->user, Param(r.form, "current"),
                                            r.http->ClientAddress(), r.may_hash);
      if (s.ok()) {
        s = parts.users->SetPassword(r.who->user, Param(r.form, "password"));
        if (s.ok()) return Redirect("/login");
      }
      if (s.code() == Status::Code::kResourceExhausted)
        retry_after = LoginRetryAfter(*parts.users, r.who->user, *r.http);
    }
    if (!s.ok()) {
      notice = s.message();
      status = HttpStatusOf(s);
    }
  }
  std::vector<std::pair<std::string, std::string>> langs = {{"", p.T("settings.browser_language")}};
  for (const auto& l : Catalogues::Get().languages())
    langs.emplace_back(l, Catalogues::Get().Name(l));
  std::string b = "<h1>" + p.H("settings.title") + "</h1>";
  if (!notice.empty()) b += "<p class=\"error\" role=\"alert\">" + Esc(notice) + "</p>";
  b += "<h2>" + p.H("settings.language") + "</h2><form method=\"post\">" + p.CsrfField() +
       "<input type=\"hidden\" name=\"op\" value=\"language\"><label for=\"lang\">" +
       p.H("settings.language") + "</label><select id=\"lang\" name=\"language\">" +
       Options(langs, r.who->language) + "</select><button type=\"submit\">" +
       p.H("settings.save") + "</button></form>";
  b += "<h2>" + p.H("settings.password") + "</h2><form method=\"post\">" + p.CsrfField() +
       "<input type=\"hidden\" name=\"op\" value=\"password\"><div class=\"field\"><label "
       "for=\"cur\">" +
       p.H("settings.current_password") +
       "</label><input id=\"cur\" type=\"password\" name=\"current\" required "
       "autocomplete=\"current-password\"></div><div class=\"field\"><label for=\"new\">" +
       p.H("settings.new_password") +
       "</label><input id=\"new\" type=\"password\" name=\"password\" minlength=\"8\" required "
       "autocomplete=\"new-password\"></div><button type=\"submit\">" +
       p.H("settings.change_password") + "</button></form>";
  HttpResponse res = p.Render(status, p.T("settings.title"), b, "/settings");
  if (!retry_after.empty()) res.headers.emplace_back("Retry-After", retry_after);
  return res;
}

}  // namespace mrc::web::pages_impl
