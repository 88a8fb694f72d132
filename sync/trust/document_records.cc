#include "sync/trust/document_records.h"

#include "sync/log/log_txn.h"
#include "sync/trust/trust_records.h"

namespace mrc::sync {

Result<std::vector<ProposalInfo>> DocProposals(Log& log, const Hash32& doc) {
  Txn view(log.store());
  MRC_ASSIGN_OR_RETURN(auto records, trust::ProposalsOf(view, doc));
  std::vector<ProposalInfo> out;
  for (auto& r : records) {
    ProposalInfo p;
    MRC_ASSIGN_OR_RETURN(Version v, log.GetVersion(r.id));
    p.version = std::move(v);
    for (auto& d : r.decisions) {
      p.decisions.push_back({d.id, d.accepted, d.author, d.hlc, std::move(d.reason)});
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<ReceiptInfo>> BulletinReceipts(Log& log, const Hash32& bulletin) {
  Txn view(log.store());
  MRC_ASSIGN_OR_RETURN(auto records, trust::ReceiptsOf(view, bulletin));
  std::vector<ReceiptInfo> out;
  for (auto& r : records)
    out.push_back({r.author, r.acknowledged, r.version, r.hlc, std::move(r.by)});
  return out;
}

}  // namespace mrc::sync
