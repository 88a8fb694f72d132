// DocClient: the document commands' view of a node, either the data
// directory opened directly or, when `mrcnode run` holds it, the running
// node's JSON API. Both return the same JSON and the same Status codes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/foundation/status.h"
#include "node/context.h"
#include "sync/content/doc_service.h"

namespace mrc::node {

struct Context;

class DocClient {
 public:
  virtual ~DocClient() = default;
  virtual Result<std::string> Create(const std::string& request_json) = 0;
  virtual Result<std::string> Update(const std::string& id, const std::string& request_json) = 0;
  virtual Result<std::string> Delete(const std::string& id,
                                     const std::vector<std::string>& base) = 0;
  virtual Result<std::string> Get(const std::string& id) = 0;
  virtual Result<std::string> List(const sync::ListQuery& q) = 0;
  virtual Result<std::string> History(const std::string& id) = 0;
  virtual Result<std::string> Digest() = 0;
  virtual Result<std::string> Propose(const std::string& id, const std::string& request_json) = 0;
  virtual Result<std::string> Proposals(const std::string& id) = 0;
  virtual Result<std::string> Accept(const std::string& id, const std::string& proposal,
                                     const std::string& request_json) = 0;
  virtual Result<std::string> Decline(const std::string& id, const std::string& proposal,
                                      const std::string& request_json) = 0;
  // "local DIR" or "node at http://ADDR".
  virtual std::string Describe() const = 0;
};

// One call to a running node's JSON API; an error answer becomes the Status
// the service returned (400 InvalidArgument, 404 NotFound, 403 ...).
Result<std::string> ApiCall(const RunningNode& node, const std::string& method,
                            const std::string& target, const std::string& body,
                            std::uint32_t timeout_seconds = 30);

// Opens the data directory, or connects to the node running on it.
// `context` receives the opened context when local (else stays null).
Result<std::unique_ptr<DocClient>> ConnectDocClient(const std::string& data_dir,
                                                    std::unique_ptr<Context>* context);

}  // namespace mrc::node
