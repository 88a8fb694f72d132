#include "node/doc_client.h"

#include <nlohmann/json.hpp>

#include "node/context.h"
#include "web/http/client.h"

namespace mrc::node {
namespace {

class LocalClient final : public DocClient {
 public:
  explicit LocalClient(sync::DocService* docs, std::string dir)
      : docs_(docs), dir_(std::move(dir)) {}
  Result<std::string> Create(const std::string& r) override { return docs_->Create(r); }
  Result<std::string> Update(const std::string& id, const std::string& r) override {
    return docs_->Update(id, r);
  }
  Result<std::string> Delete(const std::string& id, const std::vector<std::string>& b) override {
    return docs_->Delete(id, b);
  }
  Result<std::string> Get(const std::string& id) override { return docs_->Get(id); }
  Result<std::string> List(const sync::ListQuery& q) override { return docs_->List(q); }
  Result<std::string> History(const std::string& id) override { return docs_->History(id); }
  Result<std::string> Digest() override { return docs_->Digest(); }
  Result<std::string> Propose(const std::string& id, const std::string& r) override {
    return docs_->Propose(id, r);
  }
  Result<std::string> Proposals(const std::string& id) override { return docs_->Proposals(id); }
  Result<std::string> Accept(const std::string& id, const std::string& p,
                             const std::string& r) override {
    return docs_->Accept(id, p, r);
  }
  Result<std::string> Decline(const std::string& id, const std::string& p,
                              const std::string& r) override {
    return docs_->Decline(id, p, r);
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
  MRC_ASSIGN_OR_RETURN(web::HttpResponse r, web::HttpCall(node.address, req, timeout_seconds));
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
