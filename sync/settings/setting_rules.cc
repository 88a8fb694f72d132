#include "sync/settings/setting_rules.h"

#include <nlohmann/json.hpp>

#include "sync/settings/setting.h"
#include "sync/settings/setting_records.h"

namespace mrc::sync::settings {

using storage::Column;

namespace {

class SettingRulesImpl : public EntryRules {
 public:
  SettingRulesImpl() : EntryRules({Kind::kSetting}, {Column::kSettings}) {}
  Status CheckShape(const Entry& e) const override {
    if (!e.IsRoot() || !e.parents.empty() || e.op != Op::kPut) {
      return MakeProblem(Problem::kMalformed,
                         "a setting is a put that names no document and no parent");
    }
    return Status::Ok();
  }
  Status Validate(const Entry&, std::string_view payload) const override {
    return ParseSetting(payload).status();
  }
  Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                         std::string_view payload, const Standing& author) const override;
};

Result<Decision> SettingRulesImpl::Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                                         std::string_view payload, const Standing& author) const {
  if (!author.hq) return NotAuthorised(e, id, "only headquarters sets network settings");
  MRC_ASSIGN_OR_RETURN(SettingBody body, ParseSetting(payload));
  // What a later version's name holds is its business; a known name's value
  // must be one this version can use.
  Status valid = ValidateValue(body.name, nlohmann::json::parse(body.value));
  if (!valid.ok()) {
    return Decision::Rejected(
        MakeProblem(Problem::kInvalidContent,
                    Describe(e, id) + ": setting '" + body.name + "': " + valid.message()));
  }
  MRC_RETURN_IF_ERROR(Record(ctx.txn(), body.name, SettingRecord{id, e.author, e.hlc, body.value}));
  return Decision::Applied();
}

}  // namespace

const EntryRules& SettingRules() {
  static const SettingRulesImpl rules;
  return rules;
}

}  // namespace mrc::sync::settings
