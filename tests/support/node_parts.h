// A node's parts without its process, over a real RocksDB in a directory:
// the store, the log, the document, trust, referral and report services, the
// search index, the staff accounts and the App that serves HTTP requests.
// For tests and fuzz targets that drive the App or the services directly.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/foundation/status.h"
#include "storage/store.h"
#include "sync/content/doc_service.h"
#include "sync/crypto/crypto.h"
#include "sync/crypto/sealed.h"
#include "sync/kinds.h"
#include "sync/log/log.h"
#include "sync/referrals/referral_service.h"
#include "sync/reports/report_service.h"
#include "sync/settings/settings_service.h"
#include "sync/trust/trust_service.h"
#include "web/app/app.h"
#include "web/search/index.h"
#include "web/users/users.h"

namespace mrc::testing {

struct NodeParts {
  sync::KeyPair identity;
  sync::BoxKeyPair box;  // the referral encryption key, published at open
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<sync::Log> log;
  std::unique_ptr<sync::DocService> docs;
  std::unique_ptr<sync::TrustService> trust;
  std::unique_ptr<sync::ReferralService> referrals;
  std::unique_ptr<sync::ReportService> reports;
  std::unique_ptr<web::SearchIndex> search;
  std::unique_ptr<web::Users> users;
  std::unique_ptr<web::App> app;

  // Opens every part in `dir` (the store in dir/db, the index in
  // dir/search) for a node signing with `identity` in the network
  // `network`, whose root key is `root`. Writes are not fsynced: these
  // tests do not crash the process.
  static Result<std::unique_ptr<NodeParts>> Open(const std::string& dir,
                                                 const sync::KeyPair& identity,
                                                 const Hash32& network, const Hash32& root) {
    MRC_RETURN_IF_ERROR(sync::InitCrypto());
    auto n = std::make_unique<NodeParts>();
    n->identity = identity;
    storage::Options options;
    options.sync_writes = false;
    MRC_ASSIGN_OR_RETURN(n->store, storage::Store::Open(dir + "/db", options));
    MRC_ASSIGN_OR_RETURN(n->log, sync::OpenLog(n->store.get(), identity, network, root));
    n->docs = std::make_unique<sync::DocService>(n->log.get());
    n->docs->SetReviewIntervals(
        [log = n->log.get()] { return sync::ReviewIntervalsInForce(*log); });
    n->trust = std::make_unique<sync::TrustService>(n->log.get(), n->identity);
    n->box = sync::GenerateBoxKeyPair();
    MRC_RETURN_IF_ERROR(n->trust->PublishEncryptionKey(n->box.public_key).status());
    n->referrals = std::make_unique<sync::ReferralService>(
        n->log.get(), n->store.get(), n->identity, std::vector<sync::BoxKeyPair>{n->box});
    n->reports = std::make_unique<sync::ReportService>(n->log.get());
    MRC_ASSIGN_OR_RETURN(n->search, web::SearchIndex::Open(dir + "/search", n->log.get()));
    n->users = std::make_unique<web::Users>(n->store.get());
    n->app = std::make_unique<web::App>(n->Parts());
    return n;
  }

  // The same in a new temporary directory, removed with the parts: a
  // network of its own whose root is this node's new key.
  static Result<std::unique_ptr<NodeParts>> OpenScratch(const std::string& name) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / ("mrc-" + name + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) return Status::IOError("cannot make " + tmpl);
    MRC_RETURN_IF_ERROR(sync::InitCrypto());
    Hash32 network;
    sync::RandomBytes(network.data(), network.size());
    sync::KeyPair key = sync::GenerateKeyPair();
    auto n = Open(tmpl, key, network, key.public_key);
    if (!n.ok()) {
      std::filesystem::remove_all(tmpl);
      return n.status();
    }
    (*n)->scratch_dir = tmpl;
    return n;
  }

  std::string scratch_dir;  // removed at the end, when OpenScratch made it

  // What the App reaches these parts through; a test may change any of it
  // for an App of its own.
  web::AppParts Parts() const {
    web::AppParts parts;
    parts.log = log.get();
    parts.docs = docs.get();
    parts.trust = trust.get();
    parts.referrals = referrals.get();
    parts.reports = reports.get();
    parts.search = search.get();
    parts.users = users.get();
    parts.status = [log = log.get()]() -> Result<web::NodeStatus> {
      web::NodeStatus status;
      MRC_ASSIGN_OR_RETURN(status.digest, log->Digest());
      return status;
    };
    parts.node_name = "Test centre";
    return parts;
  }

  // Closes the parts in the reverse order of their dependencies.
  ~NodeParts() {
    app.reset();
    search.reset();
    users.reset();
    reports.reset();
    referrals.reset();
    trust.reset();
    docs.reset();
    log.reset();
    store.reset();
    if (!scratch_dir.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(scratch_dir, ignored);
    }
  }
};

// GET `target` from `app` as `user` (logged in through the JSON API with
// `password`) with a browser asking for `language`; an empty response
// with status 0 when the login fails.
inline web::HttpResponse GetAs(web::App& app, const std::string& user, const std::string& password,
                               const std::string& target, const std::string& language = "en") {
  web::HttpRequest login;
  login.method = "POST";
  login.target = "/api/v1/login";
  login.headers["content-type"] = "application/json";
  login.body = nlohmann::json({{"name", user}, {"password", password}}).dump();
  login.remote = "127.0.0.1:5000";
  web::HttpResponse res = app.Handle(login);
  const std::string* set = res.Header("Set-Cookie");
  if (res.status != 200 || set == nullptr) {
    web::HttpResponse failed;
    failed.status = 0;
    failed.body = "login failed: " + res.body;
    return failed;
  }
  web::HttpRequest r;
  r.method = "GET";
  r.target = target;
  r.remote = "127.0.0.1:5000";
  r.headers["host"] = "127.0.0.1:8080";
  r.headers["cookie"] = set->substr(0, set->find(';'));
  r.headers["accept-language"] = language;
  return app.Handle(r);
}

}  // namespace mrc::testing
