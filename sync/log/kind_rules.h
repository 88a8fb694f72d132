// The rules of entry kinds, as the log kernel calls them.
//
// The kernel (sync/log/) knows entries, feeds, chains, waits, forks and the
// digest. What an entry of a kind means — its content, who may write it,
// what it does to the state — is that kind's rule set (EntryRules), kept in
// the kind's own folder (sync/content/, sync/trust/, sync/referrals/) and
// registered in one list (sync/kinds.cc). Who may write at all (members,
// revocations) is decided by the Authority, which the trust rules provide.
//
// The kernel applies an entry in this order, identically on every node:
// the clock is after the author's previous entry; the content is valid
// (Validate); the author's feed is not frozen by a fork and its key not
// revoked at this seq; the author is a member (else it waits for its
// approval); the log has rules for the kind (else it waits for a version
// that has them); then Apply decides the effect. Apply is deterministic:
// it reads only the entries the judged one depends on, and records whose
// later arrival forces a rebuild (RequestRebuild).
//
// Everything here runs under the log's write lock, inside one batch's Txn,
// except Validate (any thread, before the lock) and AfterCommit (after it).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"
#include "storage/store.h"
#include "sync/log/entry.h"

namespace mrc::sync {

class Log;
class Txn;
namespace records {
struct IdRecord;
}

// What the trust rules say of a key when an entry of it is applied.
struct Standing {
  static constexpr std::uint64_t kNotRevoked = std::numeric_limits<std::uint64_t>::max();
  bool member = false;  // approved, or the root key
  bool hq = false;
  bool root = false;
  std::uint64_t revoked_from = kNotRevoked;  // its entries from this seq have no effect
  std::string revoke_reason;
};

// What an entry does once in the log: applied to the state, rejected by a
// rule (on every node alike, the reason kept), or waiting for something.
enum class Effect : std::uint8_t { kApplied = 0, kRejected = 1, kWaiting = 2 };

// What applying an entry comes to.
struct Decision {
  Effect effect = Effect::kApplied;
  char wait_tag = 0;  // with kWaiting: what it waits for (records.h, kWait*)
  Hash32 wait_on{};
  Status reason;               // with kRejected: made with MakeProblem
  bool authoritative = false;  // an applied version only headquarters may replace

  static Decision Applied();
  static Decision Rejected(Status reason);
  static Decision Waiting(char tag, const Hash32& on);
};

// "3fa2c1d09b7e": ids and keys as they appear in reasons.
std::string Short(const Hash32& h);
// "entry 3fa2c1d09b7e (91bc04e2aa10#7)".
std::string Describe(const Entry& e, const Hash32& id);
// A rejection for an author the rules do not allow to make this change.
Decision NotAuthorised(const Entry& e, const Hash32& id, std::string_view why);

// The kernel's side of applying one entry, offered to the kind's rules.
class ApplyContext {
 public:
  virtual ~ApplyContext() = default;
  // The batch's transaction: reads see the batch's own writes.
  virtual Txn& txn() = 0;
  // The network's root key (headquarters), and this node's key.
  virtual const Hash32& root() const = 0;
  virtual const Hash32& self() const = 0;
  // True while every effect is being recomputed: work owed by this node
  // (a receipt to sign) was recorded when the entry first applied.
  virtual bool rebuilding() const = 0;
  // Every parent applied: nullopt, with their records in *out. Else the
  // decision to return: wait for a parent not yet applied, or reject when
  // one was rejected (unless `rejected_too`).
  virtual Result<std::optional<Decision>> Parents(const Entry& e, const Hash32& id,
                                                  std::vector<records::IdRecord>* out,
                                                  bool rejected_too = false) = 0;
  // The highest seq of a key's feed held here (0: none).
  virtual Result<std::uint64_t> FeedSeq(const Hash32& key) = 0;
  // A change that reaches back into entries already judged (a revocation,
  // a second approval): every effect is recomputed at the batch's end.
  virtual void RequestRebuild() = 0;
  // Who may write changed: standings cached for the batch are forgotten,
  // and the entries waiting for `now_member`'s membership are woken.
  virtual void StandingsChanged(std::optional<Hash32> now_member) = 0;
};

// The rule set of one or more kinds. Implementations are stateless and
// shared by every log of the process; every method is const.
class EntryRules {
 public:
  virtual ~EntryRules() = default;

  // The kinds these rules are for.
  const std::vector<Kind>& kinds() const { return kinds_; }
  // The columns holding these kinds' records: emptied before a rebuild.
  const std::vector<storage::Column>& columns() const { return columns_; }
  // The shape of an entry of these kinds beyond the frame every entry has
  // (CheckShape in entry.h): its op, whether it names a document, its
  // parents. A malformed-entry problem when broken: the entry is refused
  // on arrival, and never signed here.
  virtual Status CheckShape(const Entry& e) const = 0;
  // The payload's content (not a deletion's): InvalidArgument naming the
  // problem. Pure: runs on any thread, before the write lock.
  virtual Status Validate(const Entry& e, std::string_view payload) const = 0;
  // Order of a rebuild (lower first): statements that decide who may write
  // come before what they authorise.
  virtual int RebuildPhase(const Entry& e, const Hash32& root) const;
  // The effect of an entry by a member in good standing.
  virtual Result<Decision> Apply(ApplyContext& ctx, const Entry& e, const Hash32& id,
                                 std::string_view payload, const Standing& author) const = 0;
  // Once the effect is recorded: what follows from it beyond the state
  // (work owed by this node, a sealed part to erase).
  virtual Status Recorded(ApplyContext& ctx, const Entry& e, const Hash32& id,
                          std::string_view payload, const Decision& d) const;
  // The form to keep of a payload held without effect: parked for good (its
  // feed frozen, `frozen`) or until a predecessor arrives, or kept as fork
  // evidence (`evidence`). nullopt keeps it as it came.
  virtual Result<std::optional<Bytes>> HeldForm(ApplyContext& ctx, const Entry& e,
                                                std::string_view payload, bool frozen,
                                                bool evidence) const;
  // An entry already held arrived again, in `stored` form (signed form and
  // payload, records::EncodeStored): true when it replaced what was held.
  virtual Result<bool> Again(ApplyContext& ctx, const Entry& e, const Hash32& id,
                             std::string_view stored, const records::IdRecord& held) const;
  // Entries this node owes after a commit (receipts), appended through
  // `log`. Called outside the write lock; a failure is logged and the work
  // stays owed.
  virtual Status AfterCommit(Log& log) const;

 protected:
  EntryRules(std::vector<Kind> kinds, std::vector<storage::Column> columns)
      : kinds_(std::move(kinds)), columns_(std::move(columns)) {}

 private:
  std::vector<Kind> kinds_;
  std::vector<storage::Column> columns_;
};

// Who may write: the trust rules' answer for a key, read through the batch.
class Authority {
 public:
  virtual ~Authority() = default;
  virtual Result<Standing> StandingOf(Txn& txn, const Hash32& root, const Hash32& key) const = 0;
};

// The rules a log applies: one rule set per kind, and the authority.
// Entries of a kind with no rules here (a later version's) are verified,
// stored and relayed, and wait for a log that has them.
class KindRegistry {
 public:
  // The rule sets and the authority must outlive every log using them.
  KindRegistry(const Authority* authority, std::vector<const EntryRules*> rules);
  // The same, less the rules of `left_out`: a node of a version that
  // predates them (a test seam for nodes of mixed versions).
  KindRegistry Without(const std::vector<Kind>& left_out) const;

  // nullptr when the log has no rules for the kind.
  const EntryRules* For(Kind k) const { return by_kind_[static_cast<std::uint8_t>(k)]; }
  bool Has(Kind k) const { return For(k) != nullptr; }
  const Authority& authority() const { return *authority_; }
  // Each rule set once, in registration order.
  const std::vector<const EntryRules*>& all() const { return rules_; }

 private:
  const Authority* authority_;
  std::vector<const EntryRules*> rules_;
  std::array<const EntryRules*, 256> by_kind_{};
};

}  // namespace mrc::sync
