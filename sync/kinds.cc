#include "sync/kinds.h"

#include "sync/content/document_rules.h"
#include "sync/content/receipt_rules.h"
#include "sync/referrals/referral_rules.h"
#include "sync/reports/report_rules.h"
#include "sync/settings/setting_rules.h"
#include "sync/trust/trust_rules.h"

namespace mrc::sync {

const KindRegistry& StandardKinds() {
  static const KindRegistry registry(&trust::TrustAuthority(), {
                                                                   &trust::StatementRules(),
                                                                   &DocumentRules(),
                                                                   &ReceiptRules(),
                                                                   &referrals::ReferralRules(),
                                                                   &reports::ReportRules(),
                                                                   &settings::SettingRules(),
                                                               });
  return registry;
}

Result<std::unique_ptr<Log>> OpenLog(storage::Store* store, const KeyPair& identity,
                                     const Hash32& network_id, const Hash32& root,
                                     const LogOptions& options) {
  return Log::Open(store, identity, network_id, root, StandardKinds(), options);
}

}  // namespace mrc::sync
