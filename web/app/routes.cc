// The route table: every route of the node, HTML and API, with the least
// role it needs and its handler, in one place. The first rule that matches
// a request decides (so "/docs/new" comes before "/docs/{id}"); a request
// no rule names is refused before any handler runs, so a route added
// without a rule is closed, not open. A route whose handler checks or
// hashes passwords names what a request costs, so that the App runs it on
// the password pool.
#include <optional>

#include "web/api/common.h"
#include "web/api/handlers.h"
#include "web/app/app.h"
#include "web/app/login.h"
#include "web/ui/ui.h"

namespace mrc::web {
namespace {

constexpr std::optional<Role> kAnyone = std::nullopt;
constexpr Role kC = Role::kCounsellor;
constexpr Role kE = Role::kEditor;
constexpr Role kA = Role::kAdmin;

// The document and membership API's routes (api::Service), also served
// without login by Api; `kQuery`: the route reads a query string.
template <RouteHandler kHandler, bool kQuery = false>
constexpr RouteHandler Svc = &api::Service<kHandler, kQuery>;

constexpr auto kDocIds = &api::CheckDocIds;
constexpr auto kMemberKey = &api::CheckMemberKey;
constexpr auto kBulletinId = &api::CheckBulletinId;
constexpr bool kDocApi = true;
constexpr bool kAnyMethod = true;

const RouteRule kRoutes[] = {
    // Open to anyone.
    {"GET", "/healthz", kAnyone, Svc<api::Health>, nullptr, kDocApi, kAnyMethod},
    {"GET", "/static/*", kAnyone, app::Asset, nullptr, false, kAnyMethod},
    {"GET", "/login", kAnyone, app::LoginPage, nullptr, false, kAnyMethod},
    {"POST", "/login", kAnyone, app::LoginPage, nullptr, false, kAnyMethod, app::LoginPagePassword},
    {"POST", "/api/v1/login", kAnyone, app::ApiLogin, nullptr, false, kAnyMethod,
     app::ApiLoginPassword},
    {"GET", "/api/v1/openapi.json", kAnyone, app::OpenApi},
    // Pages.
    {"POST", "/logout", kC, app::Logout},
    {"GET", "/", kC, pages::Search},
    {"GET", "/faq", kC, pages::Faq},
    {"GET", "/guides", kC, pages::Guides},
    {"GET", "/guides/{country}", kC, pages::Guide},
    {"GET", "/guides/{country}/handout", kC, pages::GuideHandout},
    {"GET", "/bulletins", kC, pages::Bulletins},
    {"POST", "/bulletins/{id}/read", kC, pages::MarkBulletinRead},
    {"GET", "/centres", kC, pages::Centres},
    {"GET", "/referrals", kC, pages::Referrals},
    {"GET", "/referrals/new", kC, pages::NewReferral},
    {"POST", "/referrals/new", kC, pages::NewReferral},
    {"GET", "/referrals/audit", kA, pages::ReferralAudit},
    {"GET", "/referrals/{id}", kC, pages::Referral},
    {"POST", "/referrals/{id}/status", kC, pages::ReferralStatus},
    {"POST", "/referrals/{id}/erase", kC, pages::EraseReferral},
    {"GET", "/docs/new", kE, pages::NewDoc},
    {"POST", "/docs/new", kE, pages::NewDoc},
    {"GET", "/docs/{id}", kC, pages::Doc},
    {"GET", "/docs/{id}/history", kC, pages::DocHistory},
    {"GET", "/docs/{id}/handout", kC, pages::DocHandout},
    {"GET", "/docs/{id}/edit", kE, pages::EditDoc},
    {"POST", "/docs/{id}/edit", kE, pages::EditDoc},
    {"GET", "/docs/{id}/proposals", kC, pages::Proposals},
    {"POST", "/docs/{id}/proposals/{p}/accept", kE, pages::AcceptProposal},
    {"POST", "/docs/{id}/proposals/{p}/decline", kE, pages::DeclineProposal},
    {"POST", "/docs/{id}/report", kC, pages::ReportProblem},
    {"POST", "/docs/{id}/reviewed", kE, pages::MarkReviewed},
    {"GET", "/conflicts", kE, pages::Conflicts},
    {"GET", "/problems", kE, pages::Problems},
    {"POST", "/problems/{id}/reply", kE, pages::ReplyProblem},
    {"GET", "/review", kE, pages::Review},
    {"GET", "/translations", kE, pages::Translations},
    {"GET", "/settings", kC, pages::Settings},
    {"POST", "/settings", kC, pages::Settings, nullptr, false, false, pages::SettingsPassword},
    {"GET", "/sync", kA, pages::Sync},
    {"GET", "/admin/users", kA, pages::Users},
    {"GET", "/admin/review-intervals", kE, pages::ReviewIntervals},
    {"POST", "/admin/review-intervals", kA, pages::ReviewIntervals},
    {"POST", "/admin/users", kA, pages::AddUser, nullptr, false, false, pages::UsersPassword},
    {"POST", "/admin/users/{name}", kA, pages::ChangeUser, nullptr, false, false,
     pages::UsersPassword},
    // JSON API.
    {"POST", "/api/v1/logout", kC, app::ApiLogout},
    {"GET", "/api/v1/me", kC, api::Me},
    {"PUT", "/api/v1/me", kC, api::Me, nullptr, false, false, api::MePassword},
    {"GET", "/api/v1/search", kC, api::Search},
    {"GET", "/api/v1/facets/{facet}", kC, api::Facet},
    {"GET", "/api/v1/digest", kC, Svc<api::Digest>, nullptr, kDocApi},
    {"GET", "/api/v1/status", kA, Svc<api::GetStatus>, nullptr, kDocApi},
    {"GET", "/metrics", kA, api::GetMetrics},
    {"GET", "/api/v1/summary", kA, api::Summary},
    {"POST", "/api/v1/bundles/export", kA, api::ExportBundle},
    {"POST", "/api/v1/bundles/import", kA, api::ImportBundle},
    {"POST", "/api/v1/backup", kA, api::Backup},
    {"GET", "/api/v1/docs", kC, Svc<api::ListDocs, true>, nullptr, kDocApi},
    {"POST", "/api/v1/docs", kE, Svc<api::CreateDoc>, nullptr, kDocApi},
    {"GET", "/api/v1/docs/{id}", kC, Svc<api::GetDoc>, kDocIds, kDocApi},
    {"PUT", "/api/v1/docs/{id}", kE, Svc<api::UpdateDoc>, kDocIds, kDocApi},
    {"DELETE", "/api/v1/docs/{id}", kE, Svc<api::DeleteDoc, true>, kDocIds, kDocApi},
    {"GET", "/api/v1/docs/{id}/history", kC, Svc<api::DocHistory>, kDocIds, kDocApi},
    {"GET", "/api/v1/docs/{id}/proposals", kC, Svc<api::DocProposals>, kDocIds, kDocApi},
    {"POST", "/api/v1/docs/{id}/proposals", kE, Svc<api::Propose>, kDocIds, kDocApi},
    {"POST", "/api/v1/docs/{id}/proposals/{p}/accept", kE, Svc<api::AcceptProposal>, kDocIds,
     kDocApi},
    {"POST", "/api/v1/docs/{id}/proposals/{p}/decline", kE, Svc<api::DeclineProposal>, kDocIds,
     kDocApi},
    {"POST", "/api/v1/docs/{id}/reviewed", kE, Svc<api::MarkReviewed>, kDocIds, kDocApi},
    {"GET", "/api/v1/bulletins/feed.atom", kC, pages::BulletinFeed},
    {"GET", "/api/v1/bulletins/{id}/receipts", kC, Svc<api::Receipts>, kBulletinId, kDocApi},
    // Runs api::Service itself, after checking who the acknowledgement names.
    {"POST", "/api/v1/bulletins/{id}/ack", kC, api::AcknowledgeBulletin, kBulletinId, kDocApi},
    {"GET", "/api/v1/members", kC, Svc<api::Members>, nullptr, kDocApi},
    {"GET", "/api/v1/members/{key}", kC, Svc<api::Member>, kMemberKey, kDocApi},
    {"POST", "/api/v1/members", kA, Svc<api::ApproveMember>, nullptr, kDocApi},
    {"POST", "/api/v1/members/{key}/revoke", kA, Svc<api::RevokeMember>, kMemberKey, kDocApi},
    {"POST", "/api/v1/docs/{id}/reports", kC, api::ReportDoc},
    {"GET", "/api/v1/docs/{id}/reports", kC, api::DocReports},
    {"GET", "/api/v1/reports", kE, api::OwnerReports},
    {"POST", "/api/v1/reports/{id}/reply", kE, api::ReplyReport},
    {"GET", "/api/v1/referrals", kC, api::ListReferrals},
    {"POST", "/api/v1/referrals", kC, api::CreateReferral},
    {"GET", "/api/v1/referrals/targets", kC, api::ReferralTargets},
    {"GET", "/api/v1/referrals/audit", kA, api::ReferralAudit},
    {"GET", "/api/v1/referrals/{id}", kC, api::GetReferral},
    {"POST", "/api/v1/referrals/{id}/status", kC, api::SetReferralStatus},
    {"POST", "/api/v1/referrals/{id}/erase", kC, api::EraseReferral},
    {"GET", "/api/v1/settings/review-intervals", kE, api::ReviewIntervals},
    {"PUT", "/api/v1/settings/review-intervals", kA, api::ReviewIntervals},
    {"GET", "/api/v1/users", kA, api::ListUsers},
    {"POST", "/api/v1/users", kA, api::AddUser, nullptr, false, false, api::UserPassword},
    {"GET", "/api/v1/users/{name}", kA, api::GetUser},
    {"PUT", "/api/v1/users/{name}", kA, api::ChangeUser, nullptr, false, false, api::UserPassword},
    {"DELETE", "/api/v1/users/{name}", kA, api::RemoveUser},
    {"GET", "/api/v1/users/{name}/tokens", kA, api::ListTokens},
    {"POST", "/api/v1/users/{name}/tokens", kA, api::CreateToken},
    {"DELETE", "/api/v1/users/{name}/tokens/{id}", kA, api::RevokeToken},
};

}  // namespace

std::span<const RouteRule> Routes() { return kRoutes; }

const RouteRule* FindRoute(std::string_view method, std::string_view path,
                           std::vector<std::string_view>* args) {
  for (const auto& rule : kRoutes) {
    if (rule.method != method) continue;
    std::vector<std::string_view> found;
    if (MatchPattern(rule.pattern, path, &found)) {
      if (args) *args = std::move(found);
      return &rule;
    }
  }
  return nullptr;
}

const RouteRule* FindOpenRoute(std::string_view method, std::string_view path,
                               std::vector<std::string_view>* args) {
  const RouteRule* other_method = nullptr;
  std::vector<std::string_view> other_args;
  for (const auto& rule : kRoutes) {
    if (rule.role) continue;
    std::vector<std::string_view> found;
    if (!MatchPattern(rule.pattern, path, &found)) continue;
    if (rule.method == method) {
      *args = std::move(found);
      return &rule;
    }
    if (rule.any_method && other_method == nullptr) {
      other_method = &rule;
      other_args = std::move(found);
    }
  }
  *args = std::move(other_args);
  return other_method;
}

bool PathHasRoute(std::string_view path) {
  for (const auto& rule : kRoutes) {
    if (MatchPattern(rule.pattern, path)) return true;
  }
  return false;
}

}  // namespace mrc::web
