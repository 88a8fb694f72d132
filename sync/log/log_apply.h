// The effect rules (internal to sync/): what an entry, once in the log, does
// to documents and to the trust state, decided identically on every node.
// Deterministic: the Applier reads only entries the one it judges depends
// on, and trust records whose later arrival forces a rebuild (see
// docs/trust.md). Used by the Ingestor in log.cc, inside one Txn.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/foundation/status.h"
#include "sync/log/entry.h"
#include "sync/log/log.h"
#include "sync/log/log_txn.h"
#include "sync/log/records.h"
#include "sync/trust/trust.h"
#include "sync/trust/trust_rules.h"

namespace mrc::sync {

namespace rec = records;

struct Decision {
  Effect effect = Effect::kApplied;
  char wait_tag = rec::kWaitEffect;  // with kWaiting: what it waits for
  Hash32 wait_on{};
  Status reason;
  bool authoritative = false;  // an applied version only headquarters may replace
};

// "3fa2c1d09b7e": ids and keys as they appear in reasons.
std::string Short(const Hash32& h);
// "entry 3fa2c1d09b7e (91bc04e2aa10#7)".
std::string Describe(const Entry& e, const Hash32& id);

// A record read through the Txn and decoded; nullopt when absent.
template <typename T>
Result<std::optional<T>> GetDecoded(Txn& txn, storage::Column c, std::string_view key,
                                    std::optional<T> (*decode)(std::string_view)) {
  MRC_ASSIGN_OR_RETURN(auto raw, txn.Get(c, key));
  if (!raw) return std::optional<T>();
  auto v = decode(*raw);
  if (!v) return Status::Corruption(std::string("unreadable record in ") + storage::ColumnName(c));
  return v;
}

// A guide section may be marked authoritative by headquarters; bulletins
// always are. Only guides need their payload read for it.
bool IsAuthoritative(Kind kind, std::string_view payload);

// What applying entries may require of the whole ingest: a retroactive trust
// change makes every effect be recomputed (see Ingestor::Rebuild).
struct ApplyFlags {
  bool rebuild = false;
  bool rebuilding = false;
};

// The effect rules. Deterministic: it reads only entries this one depends on,
// and trust records whose later arrival forces a rebuild.
class Applier {
 public:
  Applier(Txn& txn, const Hash32& root, const KindRules& rules, ApplyFlags& flags)
      : txn_(txn), root_(root), rules_(rules), flags_(flags) {}

  // `checked`: the payload was validated earlier (before signing, or in
  // parallel before the write lock) with outcome `content`; parsing it again
  // would only cost time (~10% of applying an entry).
  Result<Decision> Evaluate(const Entry& e, const Hash32& id, std::string_view payload,
                            std::uint64_t prev_hlc, bool checked, const Status& content);

 private:
  static Result<Decision> Reject(Status reason);
  static Result<Decision> Wait(char tag, const Hash32& on);

  // Every parent applied (else wait on it, or reject if it was rejected,
  // unless `rejected_too`). Returns nullopt when all are settled; their
  // records go to *out.
  Result<std::optional<Decision>> Parents(const Entry& e, const Hash32& id,
                                          std::vector<rec::IdRecord>* out,
                                          bool rejected_too = false);

  Result<Decision> CreateDoc(const Entry& e, const Hash32& id);

  Result<Decision> EditDoc(const Entry& e, const Hash32& id, const trust::Membership& m);

  // A proposal: valid content based on applied versions of the document;
  // anyone who is a member may make one. It changes nothing but is recorded
  // for the owner to accept or decline.
  Result<Decision> Propose(const Entry& e, const Hash32& id);

  // The owner (headquarters, when a base version is authoritative) declines.
  Result<Decision> Decline(const Entry& e, const Hash32& id, const trust::Membership& m,
                           std::string_view payload);

  // Whether a proposal was based on an authoritative version.
  Result<bool> BasedOnAuthoritative(const Hash32& proposal_id, const rec::IdRecord& r);

  Result<Decision> NotAuthorised(const Entry& e, const Hash32& id, std::string_view why);

  // Does the key already have entries in the log? A trust change about it
  // may then change how they were judged.
  Result<std::uint64_t> FeedSeq(const Hash32& key);

  Result<Decision> ApplyStatement(const Entry& e, const Hash32& id, std::string_view payload,
                                  const trust::Membership& author);

  // The (old key, statement) of a rotate statement, or nullopt if the entry
  // is not one.
  Result<std::optional<std::pair<Hash32, Statement>>> RotationOf(const Hash32& id,
                                                                 const rec::IdRecord& r);

  Result<Decision> ApplyReceipt(const Entry& e, const Hash32& id, std::string_view payload);

  // A referral (sent) or one of its statuses: who may set which status,
  // after which (sync/referrals/referral.h).
  Result<Decision> ApplyReferral(const Entry& e, const Hash32& id, std::string_view payload);

 public:
  const Hash32& root() const { return root_; }
  // Replaces the stored payload of an entry with its erased form.
  Status EraseStored(const Hash32& author, std::uint64_t seq);
  // Every sealed part of an erased referral: its steps, its statuses that
  // were rejected (kLocal "referral-rejected/"), entries in `pending`.
  Status EraseSealedParts(const ReferralInfo& r);
  // Forgets the cached memberships and fork points (a statement applied, a
  // fork recorded, a rebuild begun).
  void ForgetCaches();

  // The seq an author's feed forked at (0: not forked), cached for the batch.
  Result<std::uint64_t> ForkSeq(const Hash32& author);

  // A key's membership, cached for the batch: most entries of a catch-up
  // come from a few authors, and reading trust records costs two iterators.
  // Any statement applied may change it, so each one clears the cache.
  Result<trust::Membership> Member(const Hash32& key);
  // A key that became a member by the last statement applied, if any: the
  // entries waiting for it are woken.
  std::optional<Hash32> TakeWakeMember();

 private:
  Txn& txn_;
  const Hash32& root_;
  const KindRules& rules_;
  ApplyFlags& flags_;
  std::optional<Hash32> wake_member_;
  std::map<Hash32, trust::Membership> members_;
  std::map<Hash32, std::uint64_t> fork_seqs_;
};

}  // namespace mrc::sync
