// The pages' parts shared by the files that render them (internal to
// web/ui/): search (search_page.cc), reading (reading.cc), editing and
// proposals (editing.cc), administration (admin_pages.cc); ui.cc routes to
// them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/content/content.h"
#include "sync/content/doc_service.h"
#include "web/route/parts.h"
#include "web/search/index.h"
#include "web/text/body_cache.h"
#include "web/ui/page.h"
#include "web/ui/ui.h"

namespace mrc::web::pages_impl {

using nlohmann::json;
using namespace page;  // NOLINT: the shared page helpers

bool IsMarkdownField(std::string_view kind, std::string_view field);

std::string SnippetHtml(const std::vector<SearchHit::Piece>& pieces);

std::string LangAttrs(std::string_view lang);

std::string DocTitle(const Page& p, const std::string& kind, const json& c);

// ASCII case (country codes, which the index keeps in lower case).
std::string Upper(std::string s);
std::string Lower(std::string s);

HttpResponse SearchPage(Page& p, const AppParts& parts);

json ContentOf(const std::optional<std::string>& text);

// A listed document with its content ready to render.
struct Listed {
  sync::DocView doc;
  json content;
};

std::string ContentHtml(Page& p, const std::string& kind, const json& c);

std::string ReceiptsHtml(Page& p, const AppParts& parts, const std::string& id);

HttpResponse DocPage(Page& p, const AppParts& parts, const std::string& id);

// A guide section's warning that bulletins published since it was last
// verified (`c`'s verified_on, else the version's `updated_at`) name it;
// "" when none do (review_flags.cc).
std::string BulletinFlagsHtml(Page& p, const AppParts& parts, const std::string& id, const json& c,
                              const std::string& updated_at);

HttpResponse FaqPage(Page& p, const AppParts& parts);

HttpResponse GuidesPage(Page& p, const AppParts& parts);

BodyCache& GuideCache();

HttpResponse GuidePage(Page& p, const AppParts& parts, std::string country);

std::vector<Listed> AllOfKind(const AppParts& parts, const std::string& kind);

HttpResponse BulletinsPage(Page& p, const AppParts& parts);

HttpResponse MarkRead(Page& p, const AppParts& parts, const std::string& id);

HttpResponse CentresPage(Page& p, const AppParts& parts);

// report_pages.cc: a document's open problem reports and the form to report
// one on `version` (its current version); "" on a node without reports.
std::string ReportFormHtml(Page& p, const AppParts& parts, const std::string& id,
                           const std::string& version);

// A form field: a content field (sync/content/content.h, the list
// validation uses), or one inside an object-shaped field ("location.city").
struct FormField {
  std::string name;
  enum Type { kText, kMarkdown, kList, kLines, kDate, kBool, kTopic, kUrgency, kNumber } type;
  bool required;
};

FormField::Type FormTypeOf(sync::FieldShape shape);

std::vector<FormField> FieldsOf(const std::string& kind_name);

std::string FieldText(const json& c, const FormField& f);

json ContentFromForm(const std::string& kind, const Params& form);

std::string FormHtml(Page& p, const std::string& kind, const json& c, bool hq_only_note);

std::string PreviewHtml(Page& p, const std::string& kind, const json& c);

std::string VersionHtml(Page& p, const std::string& kind, const json& c);

HttpResponse EditPage(Page& p, const AppParts& parts, const std::string& id);

std::vector<std::string> ContentLines(const std::string& kind, const json& c);

HttpResponse HistoryPage(Page& p, const AppParts& parts, const std::string& id);

HttpResponse ConflictsPage(Page& p, const AppParts& parts);

// Review dates (review_pages.cc): a document's review state with the
// "reviewed, still correct" form; that form's POST; the editors' page of
// overdue and soon-due content; a search hit's mark.
std::string ReviewHtml(Page& p, const std::string& id, const sync::ReviewState& review,
                       bool deleted);
HttpResponse MarkReviewedPost(Page& p, const AppParts& parts, const std::string& id);
HttpResponse ReviewPage(Page& p, const AppParts& parts);
std::string OverdueMark(Page& p, const SearchHit& hit, const std::string& today);
// Today (YYYY-MM-DD, UTC) by the node's clock.
std::string Today(const AppParts& parts);
// Who signed a version: "Name, Centre" when its content names the person
// (edited_by), else the centre.
std::string SignedBy(Page& p, const std::string& author_hex, const json& content);

std::string ProposalDiff(const std::string& kind, const sync::ProposalView& prop,
                         const json& current, const std::map<std::string, json>& versions);

std::string DecideForms(Page& p, const std::string& id, const std::string& pid);

// Lines removed and added, as a <pre class="diff">.
std::string DiffHtml(const std::vector<std::string>& before, const std::vector<std::string>& after);

// Handouts to print for a client: GET /docs/{id}/handout and
// GET /guides/{country}/handout (topics chosen with topic.<name>=on).
HttpResponse DocHandout(Page& p, const AppParts& parts, const std::string& id);
HttpResponse GuideHandout(Page& p, const AppParts& parts, std::string country);

// GET /translations: documents x languages, missing, current and stale.
HttpResponse TranslationsPage(Page& p, const AppParts& parts);

// On a translation's page: current, or stale with the source's changes
// since the version it translates; "" for a document that translates
// nothing.
std::string TranslationNotice(Page& p, const AppParts& parts, const std::string& kind,
                              const json& content);

HttpResponse ProposalsPage(Page& p, const AppParts& parts, const std::string& id);

HttpResponse DecideProposal(Page& p, const AppParts& parts, const std::string& id,
                            const std::string& proposal, bool accept);

HttpResponse SyncPage(Page& p, const AppParts& parts);

HttpResponse UsersPage(Page& p, const AppParts& parts, std::string notice, int status = 200);

HttpResponse UsersPost(Page& p, const AppParts& parts, const std::string& name_in);

HttpResponse SettingsPage(Page& p, const AppParts& parts);

HttpResponse AtomFeed(const AppParts& parts, const std::string& base);

}  // namespace mrc::web::pages_impl
