// Referral entries (docs/referrals.md): their visible status, and a payload
// format that lets an erasure drop the sealed part while every signature in
// the log still verifies.
//
// The payload is in the erasable format of sync/log/erasable.h.
//
// Statuses (meta "status"): sent (the first entry; meta names the receiving
// centre "to"), received (automatic at the receiving centre; "opened" says
// whether the envelope opened), accepted, declined, completed (receiving
// centre), withdrawn (sending centre), erased (either). Which centre may set
// which, and after what, is decided in sync/referrals/referral_records.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/crypto/crypto.h"
#include "sync/log/erasable.h"

namespace mrc::sync {

enum class ReferralStatus : std::uint8_t {
  kSent = 1,
  kReceived = 2,
  kAccepted = 3,
  kDeclined = 4,
  kCompleted = 5,
  kWithdrawn = 6,
  kErased = 7,
};
std::string_view ReferralStatusName(ReferralStatus s);
bool ParseReferralStatus(std::string_view name, ReferralStatus* s);

struct ReferralMeta {
  ReferralStatus status = ReferralStatus::kSent;
  Hash32 to{};         // sent: the receiving centre's signing key
  bool opened = true;  // received: the envelope opened with the centre's key
};
// InvalidArgument naming the field (unknown fields refused).
Result<ReferralMeta> ParseReferralMeta(std::string_view json);
std::string ReferralMetaJson(const ReferralMeta& m);

// The context a referral's sealed parts are bound to (sync/crypto/sealed.h): the
// sent envelope to its receiving centre (the entry's id does not exist yet
// when it is sealed), a status note to the referral and the status.
std::string SentContext(const Hash32& to);
std::string NoteContext(const Hash32& referral, ReferralStatus s);

// One step of a referral: its sent entry or a status applied to it.
struct ReferralStep {
  Hash32 id{};
  ReferralStatus status = ReferralStatus::kSent;
  Hash32 author{};
  std::uint64_t hlc = 0;
  std::uint32_t sealed_size = 0;  // 0: no sealed part (a note, the client's details)
};

// A referral as every node sees it: who sent it to whom, its steps, and
// whether its sealed parts were erased. Nothing here is secret.
struct ReferralInfo {
  Hash32 id{};  // the sent entry's id
  Hash32 sender{}, to{};
  std::uint64_t hlc = 0;
  bool erased = false;
  Hash32 erased_by{};
  std::uint64_t erased_hlc = 0;
  Hash32 erase_entry{};
  std::vector<ReferralStep> steps;  // by (hlc, id): the sent entry first
};

}  // namespace mrc::sync
