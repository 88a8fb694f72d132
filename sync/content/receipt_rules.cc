#include "sync/content/receipt_rules.h"

#include "config/foundation/log.h"
#include "sync/log/log.h"
#include "sync/log/log_txn.h"
#include "sync/log/records.h"
#include "sync/trust/trust.h"
#include "sync/trust/trust_records.h"

namespace mrc::sync {

using storage::Column;

namespace {

class ReceiptRulesImpl : public EntryRules {
 public:
  ReceiptRulesImpl() : EntryRules({Kind::kReceipt}, {Column::kReceipts}) {}
  Status CheckShape(const Entry& e) const override {
    if (e.IsRoot() || e.parents.size() != 1 || e.op != Op::kPut) {
      return MakeProblem(Problem::kMalformed,
                         "a receipt names a bulletin and exactly one version of it");
    }
    return Status::Ok();
  }
  Status Validate(const Entry&, std::string_view payload) const override {
    return ParseReceipt(payload).status();
  }
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override;
  // Signs the receipts owed for bulletins applied here.
  Status AfterCommit(Log& log) const override;
};

}  // namespace

Bytes ReceiptDueKey(const Hash32& version) {
  Bytes k(kReceiptDuePrefix);
  PutHash(&k, version);
  return k;
}

Result<Decision> ReceiptRulesImpl::Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                                         std::string_view payload, const Standing&) const {
  MRC_ASSIGN_OR_RETURN(ReceiptBody body, ParseReceipt(payload));
  std::vector<records::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, ctx.Parents(e, id, &parents));
  if (pending) return *pending;
  if (parents.front().kind != Kind::kBulletin || parents.front().doc != e.doc) {
    return Decision::Rejected(MakeProblem(
        Problem::kBadParent, Describe(e, id) + ": a receipt must name a version of the bulletin"));
  }
  trust::PutReceipt(ctx.txn(), e.doc, e.author,
                    body.acknowledged ? trust::kAcknowledged : trust::kReceived, e.parents.front(),
                    e.hlc, body.by);
  return Decision::Applied();
}

Status ReceiptRulesImpl::AfterCommit(Log& log) const {
  std::vector<Draft> drafts;
  std::vector<std::string> due_keys;
  {
    auto it = log.store()->NewPrefixIterator(Column::kLocal, kReceiptDuePrefix);
    for (it->Seek(kReceiptDuePrefix); it->Valid() && drafts.size() < 1000; it->Next()) {
      std::string_view key = it->key(), value = it->value();
      if (key.size() != kReceiptDuePrefix.size() + 32 || value.size() != 32) {
        return Status::Corruption("unreadable receipt-due record");
      }
      Hash32 version = Hash32FromView(key.substr(kReceiptDuePrefix.size()));
      drafts.push_back(Draft{Kind::kReceipt,
                             Op::kPut,
                             Hash32FromView(value),
                             {version},
                             ReceiptPayload(ReceiptBody{})});
      due_keys.emplace_back(key);
    }
    MRC_RETURN_IF_ERROR(it->status());
  }
  if (drafts.empty()) return Status::Ok();
  auto ids = log.AppendOwed(drafts, due_keys);
  if (!ids.ok()) {
    Status::Code code = ids.status().code();
    if (code != Status::Code::kPermissionDenied && code != Status::Code::kInvalidArgument)
      return ids.status();
    // A receipt the rules refuse (our key revoked or our feed frozen, or
    // its bulletin version rejected since) can never be written: one by
    // one, write what can be and forget the rest, rather than retry forever.
    for (std::size_t i = 0; i < drafts.size(); ++i) {
      auto one = log.AppendOwed({drafts[i]}, {due_keys[i]});
      if (one.ok()) continue;
      code = one.status().code();
      if (code != Status::Code::kPermissionDenied && code != Status::Code::kInvalidArgument)
        return one.status();
      log::Warn("log", "receipt not signed: " + one.status().message());
      storage::WriteBatch forget;
      forget.Delete(Column::kLocal, due_keys[i]);
      MRC_RETURN_IF_ERROR(log.store()->Write(&forget));
    }
  }
  // More than one batch's worth: go on (bounded by what is due).
  return drafts.size() == 1000 ? AfterCommit(log) : Status::Ok();
}

const EntryRules& ReceiptRules() {
  static const ReceiptRulesImpl rules;
  return rules;
}

}  // namespace mrc::sync
