// Editing: the forms built from each kind's content rules, previews,
// history with diffs, conflicts, and proposals with their decisions.
#include <sodium.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
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
#include "web/text/json_fields.h"
#include "web/text/markdown.h"
#include "web/ui/embedded.h"
#include "web/ui/page.h"
#include "web/ui/pages_impl.h"

namespace mrc::web::pages_impl {

// ---------------------------------------------------------------------------
// Editing

FormField::Type FormTypeOf(sync::FieldShape shape) {
  using S = sync::FieldShape;
  switch (shape) {
    case S::kMarkdown:
      return FormField::kMarkdown;
    case S::kTextList:  // free texts may hold commas: one per line
      return FormField::kLines;
    case S::kSlugList:
    case S::kCountryList:
    case S::kTopicList:
    case S::kIdList:
      return FormField::kList;
    case S::kDate:
      return FormField::kDate;
    case S::kBool:
      return FormField::kBool;
    case S::kTopic:
      return FormField::kTopic;
    case S::kUrgency:
      return FormField::kUrgency;
    case S::kLatitude:
    case S::kLongitude:
      return FormField::kNumber;
    default:
      return FormField::kText;
  }
}

// The form of a kind, from the content rules: object-shaped fields are
// spread into their inner fields. Empty for a kind that is not a document.
std::vector<FormField> FieldsOf(const std::string& kind_name) {
  std::vector<FormField> out;
  sync::Kind kind;
  if (!sync::ParseKind(kind_name, &kind)) return out;
  for (const auto& f : sync::ContentFields(kind)) {
    // Who signed a version is the server's to record, never a form's.
    if (std::string_view(f.name) == sync::kEditedByField) continue;
    const auto& inner = sync::ObjectFields(f.shape);
    if (inner.empty()) {
      out.push_back({f.name, FormTypeOf(f.shape), f.required});
      continue;
    }
    for (const auto& i : inner) {
      out.push_back(
          {std::string(f.name) + "." + i.name, FormTypeOf(i.shape), f.required && i.required});
    }
  }
  return out;
}

// The form's text for a content field.
std::string FieldText(const json& c, const FormField& f) {
  std::string name = f.name;
  const json* v = &c;
  if (auto dot = name.find('.'); dot != std::string::npos) {
    auto outer = c.find(name.substr(0, dot));
    if (outer == c.end() || !outer->is_object()) return "";
    v = &*outer;
    name = name.substr(dot + 1);
  }
  auto it = v->find(name);
  if (it == v->end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "on" : "";
  if (it->is_array()) {
    std::vector<std::string> items;
    for (const auto& e : *it)
      if (e.is_string()) items.push_back(e.get<std::string>());
    return Join(items, f.type == FormField::kLines ? "\n" : ", ");
  }
  return it->dump();
}

// Content JSON from the form's fields; empty fields are left out.
json ContentFromForm(const std::string& kind, const Params& form) {
  json c = json::object();
  for (const auto& f : FieldsOf(kind)) {
    std::string v = Param(form, "f." + f.name);
    // Browsers send CRLF in textareas; content keeps LF.
    v.erase(std::remove(v.begin(), v.end(), '\r'), v.end());
    json value;
    switch (f.type) {
      case FormField::kBool:
        if (v.empty()) continue;
        value = true;
        break;
      case FormField::kList:
      case FormField::kLines: {
        auto items = SplitList(v, f.type == FormField::kLines ? '\n' : ',');
        if (items.empty()) continue;
        value = items;
        break;
      }
      case FormField::kNumber: {
        if (v.empty()) continue;
        // Not a number: kept as text, so that validation names the field.
        char* end = nullptr;
        double d = std::strtod(v.c_str(), &end);
        value = end && *end == '\0' ? json(d) : json(v);
        break;
      }
      default:
        if (v.empty()) continue;
        value = v;
    }
    std::string name = f.name;
    if (auto dot = name.find('.'); dot != std::string::npos) {
      c[name.substr(0, dot)][name.substr(dot + 1)] = value;
    } else {
      c[name] = value;
    }
  }
  return c;
}

std::string FormHtml(Page& p, const std::string& kind, const json& c, bool hq_only_note) {
  std::string b;
  for (const auto& f : FieldsOf(kind)) {
    std::string id = "f." + f.name;
    std::string label = p.H("field." + f.name) + (f.required ? " *" : "");
    std::string value = FieldText(c, f);
    b += "<div class=\"field\">";
    switch (f.type) {
      case FormField::kMarkdown:
        b += "<label for=\"" + id + "\">" + label + "</label><textarea id=\"" + id + "\" name=\"" +
             id + "\" rows=\"12\" data-preview>" + Esc(value) + "</textarea><p class=\"hint\">" +
             p.H("edit.markdown_hint") + "</p>";
        break;
      case FormField::kLines:
        b += "<label for=\"" + id + "\">" + label + "</label><textarea id=\"" + id + "\" name=\"" +
             id + "\" rows=\"3\">" + Esc(value) + "</textarea><p class=\"hint\">" +
             p.H("edit.one_per_line") + "</p>";
        break;
      case FormField::kBool:
        b += "<label><input type=\"checkbox\" name=\"" + id + "\"" +
             (value.empty() ? "" : " checked") + "> " + label + "</label>";
        if (hq_only_note) b += "<p class=\"hint\">" + p.H("edit.hq_only") + "</p>";
        break;
      case FormField::kTopic: {
        std::vector<std::pair<std::string, std::string>> topics = {{"", p.T("edit.free_section")}};
        for (auto t : sync::GuideTopics()) topics.emplace_back(std::string(t), p.TopicName(t));
        b += "<label for=\"" + id + "\">" + label + "</label><select id=\"" + id + "\" name=\"" +
             id + "\">" + Options(topics, value) + "</select>";
        break;
      }
      case FormField::kUrgency: {
        std::vector<std::pair<std::string, std::string>> levels;
        for (const char* u : {"low", "normal", "high", "urgent"})
          levels.emplace_back(u, p.T(std::string("urgency.") + u));
        b += "<label for=\"" + id + "\">" + label + "</label><select id=\"" + id + "\" name=\"" +
             id + "\">" + Options(levels, value.empty() ? "normal" : value) + "</select>";
        break;
      }
      default: {
        const char* type = f.type == FormField::kDate     ? "date"
                           : f.type == FormField::kNumber ? "text\" inputmode=\"decimal"
                                                          : "text";
        b += "<label for=\"" + id + "\">" + label + "</label><input type=\"" + type + "\" id=\"" +
             id + "\" name=\"" + id + "\" value=\"" + Esc(value) + "\">";
        if (f.type == FormField::kList)
          b += "<p class=\"hint\">" + p.H("edit.comma_separated") + "</p>";
      }
    }
    b += "</div>";
  }
  return b;
}

std::string PreviewHtml(Page& p, const std::string& kind, const json& c) {
  return "<section class=\"preview\" aria-labelledby=\"preview-h\"><h2 id=\"preview-h\">" +
         p.H("edit.preview") + "</h2><div" + LangAttrs(JsonString(c, "language")) + "><h3>" +
         Esc(DocTitle(p, kind, c)) + "</h3>" + ContentHtml(p, kind, c) + "</div></section>";
}

// One version of a document, for comparing by eye before a merge: its title,
// its rendered text, and every other field as "name: value".
std::string VersionHtml(Page& p, const std::string& kind, const json& c) {
  if (!c.is_object()) return "<p>" + p.H("doc.deleted") + "</p>";
  std::string b = "<div" + LangAttrs(JsonString(c, "language")) + "><h4>" +
                  Esc(DocTitle(p, kind, c)) + "</h4>" + ContentHtml(p, kind, c) + "</div>";
  b += "<ul class=\"fields\">";
  for (const auto& [k, v] : c.items()) {
    if (v.is_string() && IsMarkdownField(kind, k)) continue;  // rendered above
    if (k == sync::kEditedByField) continue;                  // in the version's heading
    std::string value = v.is_string() ? v.get<std::string>()
                                      : v.dump(-1, ' ', false, json::error_handler_t::replace);
    b += "<li>" + Esc(k + ": " + value) + "</li>";
  }
  return b + "</ul>";
}

namespace {

// The document an edit form is for, as it stands (nothing for a new one).
struct EditTarget {
  std::string id;  // empty: a new document
  std::string kind;
  json current = json::object();  // what the form starts from
  json stored;                    // the document's content as loaded
  std::vector<std::string> heads;
  bool is_new() const { return id.empty(); }
};

// What a posted save or proposal came to, when it did not leave the page.
struct EditOutcome {
  std::string error;
  bool changed_meanwhile = false;
  bool not_ours = false;  // the trust rules refused the save: propose instead
  int status() const {
    return error.empty() ? 200 : changed_meanwhile ? 409 : not_ours ? 403 : 400;
  }
};

Result<EditTarget> LoadEditTarget(Page& p, const AppParts& parts, const std::string& id) {
  const PageRequest& r = p.req();
  EditTarget t;
  t.id = id;
  if (t.is_new()) {
    t.kind = Param(r.query, "kind").empty() ? Param(r.form, "kind") : Param(r.query, "kind");
    if (FieldsOf(t.kind).empty()) return Status::InvalidArgument(p.T("edit.bad_kind"));
    t.current["language"] = p.lang();
    return t;
  }
  auto got = parts.docs->Get(id);
  if (!got.ok()) return got.status();
  t.kind = got->kind;
  t.stored = ContentOf(got->content);
  if (t.stored.is_object()) t.current = t.stored;
  t.heads = got->heads;
  return t;
}

// Saves or proposes `content`; a redirect when it went through. `base` is
// the versions the form builds on, moved to the current heads on a conflict.
std::optional<HttpResponse> SubmitEdit(const AppParts& parts, Page& p, const EditTarget& t,
                                       const json& content, std::string* base, EditOutcome* out) {
  std::string action = Param(p.req().form, "action");
  if (action == "save") {
    Result<sync::SavedDoc> saved =
        t.is_new() ? parts.docs->Create({t.kind, content.dump(), p.req().signer()})
                   : parts.docs->Update(
                         t.id, {content.dump(), SplitList(*base), {}, {}, p.req().signer()});
    if (saved.ok()) return Redirect("/docs/" + saved->id);
    if (saved.status().code() == Status::Code::kConflict && !t.is_new()) {
      // Someone else's version arrived meanwhile: it is shown beside the
      // editor's text, and the form now builds on it, so that saving again
      // replaces it (with the editor's merge) instead of failing again.
      out->changed_meanwhile = true;
      *base = Join(t.heads, ",");
      out->error = p.T("edit.conflict");
    } else if (saved.status().code() == Status::Code::kPermissionDenied && !t.is_new()) {
      out->not_ours = true;
      out->error = saved.status().message() + " " + p.T("edit.propose_instead");
    } else {
      out->error = saved.status().message();
    }
  }
  if (action == "propose" && !t.is_new()) {
    auto proposed = parts.docs->Propose(t.id, content.dump(), p.req().signer());
    if (proposed.ok()) return Redirect("/docs/" + t.id + "/proposals");
    out->error = proposed.status().message();
  }
  return std::nullopt;
}

// A document in conflict: every head side by side (saving merges them); or
// the version that arrived while the editor was at work.
std::string ConflictHtml(Page& p, const AppParts& parts, const EditTarget& t,
                         const EditOutcome& out) {
  if (!t.is_new() && t.heads.size() > 1) {
    std::string b = "<section class=\"conflict\"><h2>" + p.H("edit.conflict_title") + "</h2><p>" +
                    p.H("edit.conflict_help") + "</p><div class=\"side-by-side\">";
    auto hist = parts.docs->History(t.id);
    if (hist.ok()) {
      for (const auto& v : hist->versions) {
        if (!v.head) continue;
        b += "<div class=\"version\"><h3>" +
             p.H("edit.version_by", {{"author", SignedBy(p, v.author, ContentOf(v.content))},
                                     {"at", ShortTime(v.at)}}) +
             "</h3>";
        b += VersionHtml(p, t.kind, ContentOf(v.content)) + "</div>";
      }
    }
    return b + "</div></section>";
  }
  if (out.changed_meanwhile) {
    return "<section class=\"conflict\" aria-labelledby=\"current-h\"><h2 id=\"current-h\">" +
           p.H("edit.current_title") + "</h2>" + VersionHtml(p, t.kind, t.stored) + "</section>";
  }
  return "";
}

std::string EditFormHtml(Page& p, const EditTarget& t, const json& content, const std::string& base,
                         const EditOutcome& out) {
  std::string b = "<form method=\"post\" class=\"edit\">" + p.CsrfField();
  if (t.is_new()) b += "<input type=\"hidden\" name=\"kind\" value=\"" + Esc(t.kind) + "\">";
  b += "<input type=\"hidden\" name=\"base\" value=\"" + Esc(base) + "\">";
  b += FormHtml(p, t.kind, content, t.kind == "guide");
  b += "<div class=\"buttons\"><button type=\"submit\" name=\"action\" value=\"preview\">" +
       p.H("edit.preview_button") +
       "</button> <button type=\"submit\" name=\"action\" value=\"save\"" +
       (out.not_ours ? "" : " class=\"primary\"") + ">" +
       p.H(t.heads.size() > 1 ? "edit.merge_button" : "edit.save_button") + "</button>";
  // A document another centre owns (or headquarters' authoritative one) is
  // changed by proposing; its owner accepts or declines.
  if (!t.is_new()) {
    b += " <button type=\"submit\" name=\"action\" value=\"propose\"" +
         std::string(out.not_ours ? " class=\"primary\"" : "") + ">" + p.H("edit.propose_button") +
         "</button>";
  }
  return b + "</div></form>";
}

}  // namespace

HttpResponse EditPage(Page& p, const AppParts& parts, const std::string& id) {
  const PageRequest& r = p.req();
  auto target = LoadEditTarget(p, parts, id);
  if (!target.ok()) {
    if (id.empty()) return ErrorHtml(p, 400, target.status().message());
    return FromStatus(p, target.status());
  }
  const EditTarget& t = *target;
  bool posted = r.http->method == "POST";
  json content = posted ? ContentFromForm(t.kind, r.form) : t.current;
  std::string base = posted ? Param(r.form, "base") : Join(t.heads, ",");
  EditOutcome out;
  if (posted) {
    if (auto done = SubmitEdit(parts, p, t, content, &base, &out)) return std::move(*done);
  }
  std::string title = t.is_new()
                          ? p.T("edit.new_" + t.kind)
                          : p.T("edit.edit_title", {{"title", DocTitle(p, t.kind, t.current)}});
  std::string b = "<h1>" + Esc(title) + "</h1>";
  if (!out.error.empty()) b += "<p class=\"error\" role=\"alert\">" + Esc(out.error) + "</p>";
  b += ConflictHtml(p, parts, t, out);
  b += EditFormHtml(p, t, content, base, out);
  if (posted && Param(r.form, "action") == "preview") b += PreviewHtml(p, t.kind, content);
  return p.Render(out.status(), title, b, "");
}

// The lines a version's content is compared by: one per field, and one per
// line of a Markdown field.
std::vector<std::string> ContentLines(const std::string& kind, const json& c) {
  std::vector<std::string> lines;
  if (!c.is_object()) return lines;
  for (const auto& [k, v] : c.items()) {
    // Who signed each version heads the diff: as a line it would differ
    // between any two people's versions, a change to no one's text.
    if (k == sync::kEditedByField) continue;
    if (v.is_string() && IsMarkdownField(kind, k)) {
      lines.push_back(k + ":");
      for (const auto& l : SplitList(v.get<std::string>(), '\n')) lines.push_back("  " + l);
    } else if (v.is_string()) {
      lines.push_back(k + ": " + v.get<std::string>());
    } else {
      lines.push_back(k + ": " + v.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  return lines;
}

HttpResponse HistoryPage(Page& p, const AppParts& parts, const std::string& id) {
  auto got = parts.docs->Get(id);
  if (!got.ok()) return FromStatus(p, got.status());
  const std::string& kind = got->kind;
  json content = ContentOf(got->content);
  auto hist = parts.docs->History(id);
  if (!hist.ok()) return FromStatus(p, hist.status());
  const std::vector<sync::VersionView>& versions = hist->versions;
  std::string title = content.is_object() ? DocTitle(p, kind, content) : p.T("doc.deleted");
  std::string b = "<h1>" + p.H("history.title", {{"title", title}}) + "</h1>";
  std::string a = Param(p.req().query, "a"), bb = Param(p.req().query, "b");
  if (versions.size() >= 2 && (a.empty() || bb.empty())) {
    a = versions[versions.size() - 2].version;
    bb = versions[versions.size() - 1].version;
  }
  // The diff between the two chosen versions.
  const sync::VersionView *va = nullptr, *vb = nullptr;
  for (const auto& v : versions) {
    if (v.version == a) va = &v;
    if (v.version == bb) vb = &v;
  }
  if (va && vb) {
    json content_a = ContentOf(va->content), content_b = ContentOf(vb->content);
    auto lines_a = ContentLines(kind, content_a);
    auto lines_b = ContentLines(kind, content_b);
    b += "<section aria-labelledby=\"diff-h\"><h2 id=\"diff-h\">" +
         p.H("history.diff",
             {{"a", ShortTime(va->at) + " · " + SignedBy(p, va->author, content_a)},
              {"b", ShortTime(vb->at) + " · " + SignedBy(p, vb->author, content_b)}}) +
         "</h2><pre class=\"diff\">";
    for (const auto& d : DiffLines(lines_a, lines_b)) {
      const char* cls = d.op == DiffOp::kDelete ? "del" : d.op == DiffOp::kInsert ? "ins" : "same";
      const char* mark = d.op == DiffOp::kDelete ? "- " : d.op == DiffOp::kInsert ? "+ " : "  ";
      std::string tag = d.op == DiffOp::kDelete ? "del" : d.op == DiffOp::kInsert ? "ins" : "span";
      b += "<" + tag + " class=\"" + cls + "\">" + mark + Esc(d.text) + "\n</" + tag + ">";
    }
    b += "</pre></section>";
  }
  b += "<form method=\"get\"><table><caption>" + p.H("history.versions") +
       "</caption><thead><tr><th scope=\"col\">" + p.H("history.from") + "</th><th scope=\"col\">" +
       p.H("history.to") + "</th><th scope=\"col\">" + p.H("history.when") +
       "</th><th scope=\"col\">" + p.H("history.who") + "</th><th scope=\"col\">" +
       p.H("history.what") + "</th></tr></thead><tbody>";
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    const sync::VersionView& v = *it;
    const std::string& ver = v.version;
    std::string label = ShortTime(v.at);
    b += "<tr><td><input type=\"radio\" name=\"a\" value=\"" + Esc(ver) + "\"" +
         (ver == a ? " checked" : "") + " aria-label=\"" + p.H("history.from") + " " + Esc(label) +
         "\"></td><td><input type=\"radio\" name=\"b\" value=\"" + Esc(ver) + "\"" +
         (ver == bb ? " checked" : "") + " aria-label=\"" + p.H("history.to") + " " + Esc(label) +
         "\"></td><td>" + Esc(label) + "</td><td>" +
         Esc(SignedBy(p, v.author, ContentOf(v.content))) + "</td><td>" +
         p.H("history.op_" + v.op) + (v.head ? " · " + p.H("history.head") : "") + "</td></tr>";
  }
  b += "</tbody></table><button type=\"submit\">" + p.H("history.compare") + "</button></form>";
  b += "<p><a href=\"/docs/" + Esc(id) + "\">" + p.H("history.back") + "</a></p>";
  return p.Render(200, p.T("history.title", {{"title", title}}), b, "");
}

HttpResponse ConflictsPage(Page& p, const AppParts& parts) {
  sync::ListQuery q;
  q.conflicts_only = true;
  q.limit = 1000;
  auto list = parts.docs->List(q);
  if (!list.ok()) return FromStatus(p, list.status());
  std::string b = "<h1>" + p.H("conflicts.title") + "</h1><p>" + p.H("conflicts.help") +
                  "</p><ul class=\"list\">";
  for (const auto& d : list->docs) {
    auto full = parts.docs->Get(d.id);
    std::string title = d.id.substr(0, 12);
    if (full.ok()) {
      json c = ContentOf(full->content);
      if (c.is_object()) title = DocTitle(p, full->kind, c);
    }
    b += "<li><a href=\"/docs/" + Esc(d.id) + "/edit\">" + Esc(title) +
         "</a> <span class=\"badge\">" + p.H("kind." + d.kind) + "</span></li>";
  }
  b += "</ul>";
  if (list->docs.empty()) b += "<p>" + p.H("conflicts.none") + "</p>";
  return p.Render(200, p.T("conflicts.title"), b, "/conflicts");
}

// One proposal's diff: an open one against the document as it is (what
// accepting would change), a decided one against the version it was
// proposed on (what it asked for), since the document has moved on since.
std::string ProposalDiff(const std::string& kind, const sync::ProposalView& prop,
                         const json& current, const std::map<std::string, json>& versions) {
  const json* base = &current;
  if (prop.status != "open" && !prop.base.empty()) {
    if (auto it = versions.find(prop.base[0]); it != versions.end()) base = &it->second;
  }
  return DiffHtml(ContentLines(kind, *base), ContentLines(kind, ContentOf(prop.content)));
}

std::string DiffHtml(const std::vector<std::string>& before,
                     const std::vector<std::string>& after) {
  std::string b = "<pre class=\"diff\">";
  for (const auto& d : DiffLines(before, after)) {
    std::string tag = d.op == DiffOp::kDelete ? "del" : d.op == DiffOp::kInsert ? "ins" : "span";
    const char* mark = d.op == DiffOp::kDelete ? "- " : d.op == DiffOp::kInsert ? "+ " : "  ";
    b += "<" + tag + ">" + mark + Esc(d.text) + "\n</" + tag + ">";
  }
  return b + "</pre>";
}

// The accept and decline forms of an open proposal.
std::string DecideForms(Page& p, const std::string& id, const std::string& pid) {
  return "<form method=\"post\" action=\"/docs/" + Esc(id) + "/proposals/" + Esc(pid) +
         "/accept\" class=\"inline\">" + p.CsrfField() +
         "<button type=\"submit\" class=\"primary\">" + p.H("proposals.accept") +
         "</button></form>" + "<form method=\"post\" action=\"/docs/" + Esc(id) + "/proposals/" +
         Esc(pid) + "/decline\">" + p.CsrfField() + "<label for=\"reason-" + Esc(pid) + "\">" +
         p.H("proposals.reason") + "</label><input id=\"reason-" + Esc(pid) +
         "\" name=\"reason\" required><button type=\"submit\">" + p.H("proposals.decline") +
         "</button></form>";
}

HttpResponse ProposalsPage(Page& p, const AppParts& parts, const std::string& id) {
  auto got = parts.docs->Get(id);
  if (!got.ok()) return FromStatus(p, got.status());
  const std::string& kind = got->kind;
  json current = ContentOf(got->content);
  auto listed = parts.docs->Proposals(id);
  if (!listed.ok()) return FromStatus(p, listed.status());
  const std::vector<sync::ProposalView>& proposals = listed->proposals;
  std::string title = current.is_object() ? DocTitle(p, kind, current) : p.T("doc.deleted");
  std::string b = "<h1>" + p.H("proposals.title", {{"title", title}}) + "</h1>";
  if (proposals.empty()) b += "<p>" + p.H("proposals.none") + "</p>";
  // A diff costs up to 4 million cells: open proposals get one first, then
  // decided ones, at most kMaxDiffs on a page (any member may propose, so a
  // document can gather many).
  constexpr int kMaxDiffs = 20;
  int open = 0;
  for (const auto& prop : proposals) open += prop.status == "open";
  int diffs_left = kMaxDiffs, decided_diffs = std::max(0, kMaxDiffs - open);
  // Decided proposals are compared with the versions they were made on.
  std::map<std::string, json> version_content;
  if (open < static_cast<int>(proposals.size())) {
    if (auto h = parts.docs->History(id); h.ok()) {
      for (const auto& v : h->versions) version_content[v.version] = ContentOf(v.content);
    }
  }
  for (const auto& prop : proposals) {
    b += "<section class=\"proposal\"><h2>" +
         p.H("proposals.by", {{"author", SignedBy(p, prop.author, ContentOf(prop.content))},
                              {"at", ShortTime(prop.at)}}) +
         " <span class=\"badge\">" + p.H("proposals.status_" + prop.status) + "</span></h2>";
    bool has_content = ContentOf(prop.content).is_object();
    bool diff = has_content && diffs_left > 0 && (prop.status == "open" || decided_diffs > 0);
    if (has_content && !diff) b += "<p class=\"note\">" + p.H("proposals.no_diff") + "</p>";
    if (diff) {
      --diffs_left;
      if (prop.status != "open") --decided_diffs;
      b += ProposalDiff(kind, prop, current, version_content);
    }
    if (prop.reason && !prop.reason->empty())
      b += "<p>" + p.H("proposals.reason") + ": " + Esc(*prop.reason) + "</p>";
    if (prop.status == "open" && p.Can(Role::kEditor)) b += DecideForms(p, id, prop.proposal);
    b += "</section>";
  }
  b += "<p><a href=\"/docs/" + Esc(id) + "\">" + p.H("history.back") + "</a></p>";
  return p.Render(200, p.T("proposals.title", {{"title", title}}), b, "");
}

HttpResponse DecideProposal(Page& p, const AppParts& parts, const std::string& id,
                            const std::string& proposal, bool accept) {
  Status s = accept ? parts.docs->Accept(id, proposal, std::nullopt, p.req().signer()).status()
                    : parts.docs->Decline(id, proposal, Param(p.req().form, "reason")).status();
  if (!s.ok()) return FromStatus(p, s);
  return Redirect("/docs/" + id + "/proposals");
}

}  // namespace mrc::web::pages_impl
