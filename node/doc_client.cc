#include "node/doc_client.h"

#include <nlohmann/json.hpp>

#include "node/context.h"
#include "web/api/doc_json.h"
#include "web/http/client.h"

namespace mrc::node {
namespace {

// The service's values written as the API writes them, so that a command
// prints the same whether or not a node is running.
using web::api::Written;

class LocalClient final : public DocClient {
 public:
  explicit LocalClient(sync::DocService* docs, std::string dir)
      : docs_(docs), dir_(std::move(dir)) {}
  Result<std::string> Create(const std::string& r) override {
    MRC_ASSIGN_OR_RETURN(auto req, web::api::ReadCreateDoc(r));
    return Written(docs_->Create(req), web::api::SavedDocJson);
  }
  Result<std::string> Update(const std::string& id, const std::string& r) override {
    MRC_ASSIGN_OR_RETURN(auto req, web::api::ReadUpdateDoc(r));
    return Written(docs_->Update(id, req), web::api::SavedDocJson);
  }
  Result<std::string> Delete(const std::string& id, const std::vector<std::string>& b) override {
    return Written(docs_->Delete(id, b), web::api::DocJson);
  }
  Result<std::string> Get(const std::string& id) override {
    return Written(docs_->Get(id), web::api::DocJson);
  }
  Result<std::string> List(const sync::ListQuery& q) override {
    return Written(docs_->List(q), web::api::DocListJson);
  }
  Result<std::string> History(const std::string& id) override {
    return Written(docs_->History(id), web::api::HistoryJson);
  }
  Result<std::string> Digest() override { return Written(docs_->Digest(), web::api::DigestJson); }
  Result<std::string> Propose(const std::string& id, const std::string& r) override {
    MRC_ASSIGN_OR_RETURN(auto content, web::api::ReadProposal(r));
    return Written(docs_->Propose(id, content), web::api::ProposedJson);
  }
  Result<std::string> Proposals(const std::string& id) override {
    return Written(docs_->Proposals(id), web::api::ProposalsJson);
  }
  Result<std::string> Accept(const std::string& id, const std::string& p,
                             const std::string& r) override {
    MRC_ASSIGN_OR_RETURN(auto content, web::api::ReadAcceptance(r));
    return Written(docs_->Accept(id, p, content), web::api::DocJson);
  }
  Result<std::string> Decline(const std::string& id, const std::string& p,
                              const std::string& r) override {
    MRC_ASSIGN_OR_RETURN(auto reason, web::api::ReadDecline(r));
    return Written(docs_->Decline(id, p, reason), web::api::ProposalsJson);
  }
  std::string Describe() const override { return "local " + dir_; }

 private:
  sync::DocService* docs_;
  std::string dir_;
};

std::string Escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class RemoteClient final : public DocClient {
 public:
  explicit RemoteClient(RunningNode node) : node_(std::move(node)) {}
  Result<std::string> Create(const std::string& r) override {
    return Call("POST", "/api/v1/docs", r);
  }
  Result<std::string> Update(const std::string& id, const std::string& r) override {
    return Call("PUT", "/api/v1/docs/" + Escape(id), r);
  }
  Result<std::string> Delete(const std::string& id, const std::vector<std::string>& base) override {
    std::string target = "/api/v1/docs/" + Escape(id);
    for (std::size_t i = 0; i < base.size(); ++i) target += (i ? "," : "?base=") + Escape(base[i]);
    return Call("DELETE", target, "");
  }
  Result<std::string> Get(const std::string& id) override {
    return Call("GET", "/api/v1/docs/" + Escape(id), "");
  }
  Result<std::string> List(const sync::ListQuery& q) override {
    std::string t = "/api/v1/docs?limit=" + std::to_string(q.limit);
    if (!q.kind.empty()) t += "&kind=" + Escape(q.kind);
    if (!q.after.empty()) t += "&after=" + Escape(q.after);
    if (q.include_deleted) t += "&include_deleted=true";
    if (q.conflicts_only) t += "&conflicts=true";
    return Call("GET", t, "");
  }
  Result<std::string> History(const std::string& id) override {
    return Call("GET", "/api/v1/docs/" + Escape(id) + "/history", "");
  }
  Result<std::string> Digest() override { return Call("GET", "/api/v1/digest", ""); }
  Result<std::string> Propose(const std::string& id, const std::string& r) override {
    return Call("POST", "/api/v1/docs/" + Escape(id) + "/proposals", r);
  }
  Result<std::string> Proposals(const std::string& id) override {
    return Call("GET", "/api/v1/docs/" + Escape(id) + "/proposals", "");
  }
  Result<std::string> Accept(const std::string& id, const std::string& p,
                             const std::string& r) override {
    return Call("POST", "/api/v1/docs/" + Escape(id) + "/proposals/" + Escape(p) + "/accept",
                r.empty() ? "{}" : r);
  }
  Result<std::string> Decline(const std::string& id, const std::string& p,
                              const std::string& r) override {
    return Call("POST", "/api/v1/docs/" + Escape(id) + "/proposals/" + Escape(p) + "/decline", r);
  }
  std::string Describe() const override { return "node at http://" + node_.address; }

 private:
  Result<std::string> Call(const std::string& method, const std::string& target,
                           const std::string& body) {
    return ApiCall(node_, method, target, body);
  }

  RunningNode node_;
};

}  // namespace

// Turns the API's JSON error back into the Status the service returned.
Result<std::string> ApiCall(const RunningNode& node, const std::string& method,
                            const std::string& target, const std::string& body,
                            std::uint32_t timeout_seconds) {
  web::HttpRequest req;
  req.method = method;
  req.target = target;
  req.body = body;
  if (!body.empty() || method == "POST" || method == "PUT")
    req.headers["content-type"] = "application/json";
  req.headers["authorization"] = "Bearer " + node.token;
  MRC_ASSIGN_OR_RETURN(web::HttpResponse r, node.tls_fingerprint.empty()
                                                ? web::HttpCall(node.address, req, timeout_seconds)
                                                : web::HttpsCall(node.address, node.tls_fingerprint,
                                                                 req, timeout_seconds));
  if (r.status < 300) return r.body;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  std::string msg =
      j.is_object() && j.contains("error") ? j["error"].value("message", r.body) : r.body;
  switch (r.status) {
    case 400:
    case 413:
    case 415:
      return Status::InvalidArgument(msg);
    case 404:
      return Status::NotFound(msg);
    case 409:
      return Status::Conflict(msg);
    case 403:
      return Status::PermissionDenied(msg);
    case 401:
      return Status::Unauthenticated(msg);
    case 429:
      return Status::ResourceExhausted(msg);
    case 503:
      return Status::Unavailable(msg);
    default:
      return Status::IOError("HTTP " + std::to_string(r.status) + ": " + msg);
  }
}

Result<std::unique_ptr<DocClient>> ConnectDocClient(const std::string& data_dir,
                                                    std::unique_ptr<Context>* context) {
  auto ctx = OpenContext(data_dir);
  if (ctx.ok()) {
    *context = std::move(ctx).value();
    return std::unique_ptr<DocClient>(
        std::make_unique<LocalClient>((*context)->docs.get(), data_dir));
  }
  if (ctx.status().code() != Status::Code::kUnavailable) return ctx.status();
  // The store is locked: talk to the node that holds it.
  auto running = FindRunningNode(data_dir);
  if (running.status().code() == Status::Code::kPermissionDenied) return running.status();
  if (!running.ok()) {
    return Status::Unavailable("the store in " + data_dir +
                               " is locked by another process, and no running node is recorded "
                               "in node.json");
  }
  return std::unique_ptr<DocClient>(std::make_unique<RemoteClient>(*running));
}

}  // namespace mrc::node
