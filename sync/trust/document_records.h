// What documents' rules record beside the documents: proposals with their
// decisions, and bulletins' receipts, as callers read them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/foundation/status.h"
#include "sync/log/log.h"

namespace mrc::sync {

// One centre's receipt or acknowledgement of a bulletin version.
struct ReceiptInfo {
  Hash32 author{};
  bool acknowledged = false;
  Hash32 version{};
  std::uint64_t hlc = 0;
  std::string by;
};

// A proposed change to a document and what became of it.
struct ProposalInfo {
  Version version;  // the proposal entry (op kPropose) and its content
  struct Decision {
    Hash32 id{};  // the accepting edit or the decline
    bool accepted = false;
    Hash32 author{};
    std::uint64_t hlc = 0;
    std::string reason;  // a decline's
  };
  std::vector<Decision> decisions;
};

// Proposals made to a document, oldest id first, with their decisions.
Result<std::vector<ProposalInfo>> DocProposals(Log& log, const Hash32& doc);
// Receipts and acknowledgements of a bulletin document, by author.
Result<std::vector<ReceiptInfo>> BulletinReceipts(Log& log, const Hash32& bulletin);

}  // namespace mrc::sync
