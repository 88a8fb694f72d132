// Trust state as the log applies it (internal to sync/): membership and
// revocation records in the `trust` column, bulletin receipts in `receipts`.
//
// Records are keyed by the statement that made them, so the state is the
// same whatever order the statements arrived in:
//   trust    'a' key(32) approval id(32)   -> approver(32) hlc(8) statement JSON
//            'r' key(32) revocation id(32) -> from_seq(8) revoker(32) hlc(8) reason
//            'e' key(32) statement id(32)  -> hlc(8) X25519 key(32)
//   receipts bulletin doc(32) author(32) type(1: 'r' received, 'a' acknowledged)
//            version(32) -> hlc(8) by
// A key's membership is the union of its approvals; its revocation point is
// the lowest from_seq of its revocations. The genesis root key is a member
// with the hq role without any approval and cannot be revoked.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "sync/log/kind_rules.h"
#include "sync/log/log_txn.h"
#include "sync/trust/trust.h"

namespace mrc::sync {
class Log;
}  // namespace mrc::sync

namespace mrc::sync::trust {

// A key known to the trust rules: the root key, and every key approved or
// revoked by a statement this node holds.
struct MemberInfo {
  Hash32 key{};
  bool member = false;  // approved (or the root key)
  bool hq = false;
  bool root = false;
  std::string name, city, country;
  std::vector<Hash32> replaces;    // keys it succeeds (rotation)
  std::uint64_t revoked_from = 0;  // 0: not revoked
  std::string revoke_reason;
  std::uint64_t seq = 0;                 // entries of its feed held here
  std::uint64_t waiting = 0;             // of them, waiting for its membership
  std::optional<Hash32> encryption_key;  // X25519, for referrals sealed to it
};

// Every key the trust rules know, in key order; and one key (NotFound
// when it is neither the root key, approved nor revoked).
Result<std::vector<MemberInfo>> Members(Log& log);
Result<MemberInfo> Member(Log& log, const Hash32& key);
// This node's key and every key it succeeds through approved rotations
// (`mrcnode key rotate`): what the centre signed before a rotation is
// still its own.
Result<std::vector<Hash32>> OwnKeys(Log& log);

// The same "never revoked" the log kernel reads in a Standing.
inline constexpr std::uint64_t kNotRevoked = Standing::kNotRevoked;

struct Membership {
  bool member = false;
  bool hq = false;
  bool root = false;
  std::string name, city, country;  // from the latest approval
  std::vector<Hash32> replaces;     // keys this one succeeds (any approval)
  std::uint64_t revoked_from = kNotRevoked;
  std::string revoke_reason;
  std::size_t approvals = 0;
  std::optional<Hash32> encryption_key;  // the latest it published
};

// Reads through the Txn (so a batch sees its own writes).
Result<Membership> Lookup(Txn& txn, const Hash32& root, const Hash32& key);

// True when `author` is `owner` or succeeds it through approved key
// rotations (at most 16 steps).
Result<bool> Succeeds(Txn& txn, const Hash32& root, const Hash32& author, const Hash32& owner);

void PutApproval(Txn& txn, const Hash32& key, const Hash32& approval_id, const Hash32& approver,
                 std::uint64_t hlc, std::string_view statement_json);
void PutRevocation(Txn& txn, const Hash32& key, const Hash32& revocation_id, std::uint64_t from_seq,
                   const Hash32& revoker, std::uint64_t hlc, std::string_view reason);

void PutEncryptionKey(Txn& txn, const Hash32& key, const Hash32& statement_id, std::uint64_t hlc,
                      const Hash32& x25519);

inline constexpr char kReceived = 'r';
inline constexpr char kAcknowledged = 'a';
void PutReceipt(Txn& txn, const Hash32& bulletin, const Hash32& author, char type,
                const Hash32& version, std::uint64_t hlc, std::string_view by);
Bytes ReceiptKey(const Hash32& bulletin, const Hash32& author, char type, const Hash32& version);

struct MemberRecord {
  Hash32 key{};
  Membership membership;
};
// Every key with an approval or a revocation, in key order.
Result<std::vector<MemberRecord>> AllMembers(Txn& txn, const Hash32& root);

struct ReceiptRecord {
  Hash32 author{};
  bool acknowledged = false;
  Hash32 version{};
  std::uint64_t hlc = 0;
  std::string by;
};
Result<std::vector<ReceiptRecord>> ReceiptsOf(Txn& txn, const Hash32& bulletin);

// Proposals (column `proposals`):
//   doc(32) proposal(32)              -> author(32) hlc(8)
//   doc(32) proposal(32) decision(32) -> type(1: 'a' accepted by an edit,
//                                       'd' declined) author(32) hlc(8) reason
inline constexpr char kAccepted = 'a';
inline constexpr char kDeclined = 'd';
void PutProposal(Txn& txn, const Hash32& doc, const Hash32& proposal, const Hash32& author,
                 std::uint64_t hlc);
void PutDecision(Txn& txn, const Hash32& doc, const Hash32& proposal, const Hash32& decision,
                 char type, const Hash32& author, std::uint64_t hlc, std::string_view reason);

struct DecisionRecord {
  Hash32 id{};
  bool accepted = false;
  Hash32 author{};
  std::uint64_t hlc = 0;
  std::string reason;
};
struct ProposalRecord {
  Hash32 id{};
  Hash32 author{};
  std::uint64_t hlc = 0;
  std::vector<DecisionRecord> decisions;
};
Result<std::vector<ProposalRecord>> ProposalsOf(Txn& txn, const Hash32& doc);

}  // namespace mrc::sync::trust
