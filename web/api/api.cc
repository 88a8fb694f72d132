// Api routing. A request goes through four checks before DocService sees it,
// each with its own status so a client can tell its mistakes apart:
// path (404), method (405), media type (415), query string (400). DocService
// then validates the body and answers; its Status code picks the HTTP status.
#include "web/api/api.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/log.h"
#include "sync/doc_service.h"
#include "sync/trust_service.h"
#include "web/http/forms.h"

namespace mrc::web {
namespace {

constexpr std::string_view kDocs = "/api/v1/docs";

constexpr std::string_view kMembers = "/api/v1/members";
constexpr std::string_view kBulletins = "/api/v1/bulletins";

enum class Route {
  kNone,
  kHealth,
  kDocs,
  kDoc,
  kHistory,
  kDigest,
  kStatus,
  kMembers,
  kMember,
  kRevoke,
  kReceipts,
  kAck,
  kProposals,
  kAccept,
  kDecline
};

struct Match {
  Route route = Route::kNone;
  std::string_view id;  // for kDoc, kHistory, kMember, kRevoke, kReceipts, kAck, kProposals...
  std::string message;  // why a path did not match, for the 404
  std::string_view proposal = {};  // for kAccept, kDecline
};

bool IsDocId(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// "/api/v1/members/{key}[/revoke]" and "/api/v1/bulletins/{id}/receipts|ack".
Match MatchTrustPath(std::string_view path) {
  Match m;
  m.message = "no such path: " + std::string(path.substr(0, 200));
  bool members = path.substr(0, kMembers.size() + 1) == std::string(kMembers) + "/";
  bool bulletins = path.substr(0, kBulletins.size() + 1) == std::string(kBulletins) + "/";
  if (!members && !bulletins) return m;
  std::string_view rest = path.substr((members ? kMembers : kBulletins).size() + 1);
  std::string_view id = rest.substr(0, rest.find('/'));
  std::string_view tail = rest.substr(id.size());
  Route r = Route::kNone;
  if (members && tail.empty()) r = Route::kMember;
  if (members && tail == "/revoke") r = Route::kRevoke;
  if (bulletins && tail == "/receipts") r = Route::kReceipts;
  if (bulletins && tail == "/ack") r = Route::kAck;
  if (r == Route::kNone) return m;
  if (!IsDocId(id)) {
    m.message = std::string(members ? "no member '" : "no bulletin '") +
                std::string(id.substr(0, 80)) + (members ? "': keys" : "': ids") +
                " are 64 lowercase hex characters";
    return m;
  }
  return {r, id, {}};
}

Match MatchPath(std::string_view path) {
  if (path == "/healthz") return {Route::kHealth, {}, {}};
  if (path == "/api/v1/digest") return {Route::kDigest, {}, {}};
  if (path == "/api/v1/status") return {Route::kStatus, {}, {}};
  if (path == kDocs) return {Route::kDocs, {}, {}};
  if (path == kMembers) return {Route::kMembers, {}, {}};
  if (path.substr(0, kMembers.size()) == kMembers ||
      path.substr(0, kBulletins.size()) == kBulletins) {
    return MatchTrustPath(path);
  }
  Match m;
  m.message = "no such path: " + std::string(path.substr(0, 200));
  if (path.substr(0, kDocs.size() + 1) != std::string(kDocs) + "/") return m;
  std::string_view rest = path.substr(kDocs.size() + 1);
  std::string_view id = rest.substr(0, rest.find('/'));
  std::string_view tail = rest.substr(id.size());
  Route route = Route::kNone;
  std::string_view proposal;
  if (tail.empty()) route = Route::kDoc;
  if (tail == "/history") route = Route::kHistory;
  if (tail == "/proposals") route = Route::kProposals;
  constexpr std::string_view kProposalsPrefix = "/proposals/";
  if (tail.substr(0, kProposalsPrefix.size()) == kProposalsPrefix) {
    std::string_view p = tail.substr(kProposalsPrefix.size());
    proposal = p.substr(0, p.find('/'));
    std::string_view action = p.substr(proposal.size());
    if (action == "/accept") route = Route::kAccept;
    if (action == "/decline") route = Route::kDecline;
    if (route != Route::kNone && !IsDocId(proposal)) {
      m.message = "no proposal '" + std::string(proposal.substr(0, 80)) +
                  "': ids are 64 lowercase hex characters";
      return m;
    }
  }
  if (route == Route::kNone) return m;
  if (!IsDocId(id)) {
    m.message = "no document '" + std::string(id.substr(0, 80)) +
                "': document ids are 64 lowercase hex characters";
    return m;
  }
  Match out{route, id, {}};
  out.proposal = proposal;
  return out;
}

const char* AllowedMethods(Route r) {
  switch (r) {
    case Route::kDocs:
      return "GET, POST";
    case Route::kDoc:
      return "GET, PUT, DELETE";
    case Route::kMembers:
      return "GET, POST";
    case Route::kProposals:
      return "GET, POST";
    case Route::kRevoke:
    case Route::kAck:
    case Route::kAccept:
    case Route::kDecline:
      return "POST";
    default:
      return "GET";
  }
}

bool MethodAllowed(Route r, std::string_view method) {
  std::string_view allowed = AllowedMethods(r);
  for (std::size_t pos = 0; pos < allowed.size();) {
    std::size_t end = allowed.find(", ", pos);
    if (end == std::string_view::npos) end = allowed.size();
    if (allowed.substr(pos, end - pos) == method) return true;
    pos = end + 2;
  }
  return false;
}

// True when the media type (before any ";" parameters) is application/json.
bool IsJsonContentType(const std::string* value) {
  if (value == nullptr) return false;
  std::string_view v = *value;
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (v.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(v[i])) != kJson[i]) return false;
  }
  return true;
}

using Query = Params;

Status ParseBool(const Query& q, const std::string& name, bool* out) {
  auto it = q.find(name);
  if (it == q.end()) return Status::Ok();
  if (it->second == "true")
    *out = true;
  else if (it->second == "false")
    *out = false;
  else {
    return Status::InvalidArgument("query parameter " + name + " must be true or false, got '" +
                                   it->second.substr(0, 80) + "'");
  }
  return Status::Ok();
}

Result<sync::ListQuery> ParseListQuery(std::string_view text) {
  MRC_ASSIGN_OR_RETURN(
      Query q, ParseQuery(text, {"kind", "after", "limit", "include_deleted", "conflicts"}));
  sync::ListQuery lq;
  if (auto it = q.find("kind"); it != q.end()) lq.kind = it->second;
  if (auto it = q.find("after"); it != q.end()) lq.after = it->second;
  if (auto it = q.find("limit"); it != q.end()) {
    // Digits only: from_chars would take "-1" and stop quietly at "10x".
    const std::string& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), lq.limit);
    if (s.empty() || s[0] == '-' || ec != std::errc() || end != s.data() + s.size()) {
      return Status::InvalidArgument(
          "query parameter limit must be a whole number from 1 to "
          "1000, got '" +
          s.substr(0, 80) + "'");
    }
  }
  MRC_RETURN_IF_ERROR(ParseBool(q, "include_deleted", &lq.include_deleted));
  MRC_RETURN_IF_ERROR(ParseBool(q, "conflicts", &lq.conflicts_only));
  return lq;
}

// "v1,v2" -> {"v1","v2"}; DocService checks each id.
Result<std::vector<std::string>> ParseBase(std::string_view text) {
  MRC_ASSIGN_OR_RETURN(Query q, ParseQuery(text, {"base"}));
  std::vector<std::string> base;
  auto it = q.find("base");
  if (it == q.end()) return base;
  std::string_view list = it->second;
  while (true) {
    std::string_view item = list.substr(0, list.find(','));
    if (item.empty()) {
      return Status::InvalidArgument(
          "query parameter base must list version ids separated by "
          "commas, got '" +
          it->second.substr(0, 200) + "'");
    }
    base.emplace_back(item);
    if (item.size() == list.size()) break;
    list.remove_prefix(item.size() + 1);
  }
  return base;
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  AddStandardHeaders(&r);
  return r;
}

HttpResponse FromStatus(const Status& s) {
  return ErrorResponse(HttpStatusOf(s), s.CodeName(), s.message());
}

HttpResponse FromResult(Result<std::string> r, int ok_status = 200) {
  if (!r.ok()) return FromStatus(r.status());
  return JsonResponse(ok_status, std::move(r).value());
}

// 201 with a Location naming the new document.
HttpResponse Created(Result<std::string> r) {
  if (!r.ok()) return FromStatus(r.status());
  HttpResponse res = JsonResponse(201, std::move(r).value());
  nlohmann::json doc = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && doc.contains("id") && doc["id"].is_string() &&
      IsDocId(doc["id"].get_ref<const std::string&>())) {
    res.headers.emplace_back("Location", std::string(kDocs) + "/" + doc["id"].get<std::string>());
  }
  return res;
}

}  // namespace

HttpResponse Api::Handle(const HttpRequest& request) {
  HttpResponse res;
  try {
    res = Dispatch(request);
  } catch (const std::exception& e) {
    res = ErrorResponse(500, "INTERNAL", std::string("internal error: ") + e.what());
  }
  if (res.status >= 500) {
    log::Warn("api", request.method + " " + request.target.substr(0, 200) + " -> " +
                         std::to_string(res.status) + ": " + res.body);
  }
  return res;
}

HttpResponse Api::DispatchTrust(int route, std::string_view id, const std::string& method,
                                const std::string& body) {
  switch (static_cast<Route>(route)) {
    case Route::kMembers:
      if (method == "POST") return FromResult(trust_->Approve(body), 201);
      return FromResult(trust_->Members());
    case Route::kMember:
      return FromResult(trust_->Member(id));
    case Route::kRevoke:
      return FromResult(trust_->Revoke(id, body));
    case Route::kReceipts:
      return FromResult(trust_->Receipts(id));
    case Route::kAck:
      return FromResult(trust_->Acknowledge(id, body));
    default:
      return ErrorResponse(500, "INTERNAL", "unrouted request");
  }
}

HttpResponse Api::Dispatch(const HttpRequest& request) {
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view query = target.substr(std::min(target.size(), path.size() + 1));
  const std::string& method = request.method;

  Match m = MatchPath(path);
  if (m.route == Route::kNone) return ErrorResponse(404, "NOT_FOUND", m.message);
  if (!MethodAllowed(m.route, method)) {
    HttpResponse r =
        ErrorResponse(405, "METHOD_NOT_ALLOWED",
                      "method " + method.substr(0, 20) + " is not allowed on " + std::string(path) +
                          " (allowed: " + AllowedMethods(m.route) + ")");
    r.headers.emplace_back("Allow", AllowedMethods(m.route));
    return r;
  }
  if ((method == "POST" || method == "PUT") && !IsJsonContentType(request.Header("content-type"))) {
    return ErrorResponse(415, "UNSUPPORTED_MEDIA_TYPE",
                         "the request body must be JSON, sent with Content-Type: application/json");
  }
  if (m.route == Route::kDocs && method == "GET") {
    auto q = ParseListQuery(query);
    if (!q.ok()) return FromStatus(q.status());
    return FromResult(docs_->List(*q));
  }
  if (m.route == Route::kDoc && method == "DELETE") {
    auto base = ParseBase(query);
    if (!base.ok()) return FromStatus(base.status());
    return FromResult(docs_->Delete(m.id, *base));
  }
  // The remaining routes take no query parameters.
  if (auto q = ParseQuery(query, {}); !q.ok()) return FromStatus(q.status());
  switch (m.route) {
    case Route::kHealth:
      return JsonResponse(200, R"({"status":"ok"})");
    case Route::kDigest:
      return FromResult(docs_->Digest());
    case Route::kStatus:
      if (!status_) return ErrorResponse(503, "UNAVAILABLE", "status is not available");
      return FromResult(status_());
    case Route::kHistory:
      return FromResult(docs_->History(m.id));
    case Route::kDocs:
      return Created(docs_->Create(request.body));
    case Route::kDoc:
      if (method == "PUT") return FromResult(docs_->Update(m.id, request.body));
      return FromResult(docs_->Get(m.id));
    case Route::kProposals:
      if (method == "POST") return FromResult(docs_->Propose(m.id, request.body), 201);
      return FromResult(docs_->Proposals(m.id));
    case Route::kAccept:
      return FromResult(docs_->Accept(m.id, m.proposal, request.body));
    case Route::kDecline:
      return FromResult(docs_->Decline(m.id, m.proposal, request.body));
    case Route::kMembers:
    case Route::kMember:
    case Route::kRevoke:
    case Route::kReceipts:
    case Route::kAck:
      if (!trust_) return ErrorResponse(503, "UNAVAILABLE", "membership is not available here");
      return DispatchTrust(static_cast<int>(m.route), m.id, method, request.body);
    case Route::kNone:
      break;
  }
  return ErrorResponse(500, "INTERNAL", "unrouted request");
}

}  // namespace mrc::web
