// The kernel's applier (internal to sync/log/): the checks every entry
// passes whatever its kind, then the kind's rules (kind_rules.h). Used by
// the Ingestor in log.cc, inside one Txn.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/foundation/status.h"
#include "sync/log/entry.h"
#include "sync/log/kind_rules.h"
#include "sync/log/log_txn.h"
#include "sync/log/records.h"

namespace mrc::sync {

namespace rec = records;

// What applying entries may require of the whole ingest: a retroactive trust
// change makes every effect be recomputed (see Ingestor::Rebuild).
struct ApplyFlags {
  bool rebuild = false;
  bool rebuilding = false;
};

class Applier : public ApplyContext {
 public:
  Applier(Txn& txn, const Hash32& root, const Hash32& self, const KindRegistry& kinds,
          ApplyFlags& flags)
      : txn_(txn), root_(root), self_(self), kinds_(kinds), flags_(flags) {}

  // `checked`: the payload was validated earlier (before signing, or in
  // parallel before the write lock) with outcome `content`.
  Result<Decision> Evaluate(const Entry& e, const Hash32& id, std::string_view payload,
                            std::uint64_t prev_hlc, bool checked, const Status& content);

  // ApplyContext.
  Txn& txn() override { return txn_; }
  const Hash32& root() const override { return root_; }
  const Hash32& self() const override { return self_; }
  bool rebuilding() const override { return flags_.rebuilding; }
  Result<std::optional<Decision>> Parents(const Entry& e, const Hash32& id,
                                          std::vector<rec::IdRecord>* out,
                                          bool rejected_too = false) override;
  Result<std::uint64_t> FeedSeq(const Hash32& key) override;
  void RequestRebuild() override { flags_.rebuild = true; }
  void StandingsChanged(std::optional<Hash32> now_member) override;

  // Forgets the cached standings and fork points (a fork recorded, a
  // rebuild begun).
  void ForgetCaches();
  // The seq an author's feed forked at (0: not forked), cached for the batch.
  Result<std::uint64_t> ForkSeq(const Hash32& author);
  // A key's standing, cached for the batch: most entries of a catch-up
  // come from a few authors, and reading trust records costs two iterators.
  Result<Standing> StandingOf(const Hash32& key);
  // A key that became a member by the last statement applied, if any: the
  // entries waiting for it are woken.
  std::optional<Hash32> TakeWakeMember();

 private:
  Txn& txn_;
  const Hash32& root_;
  const Hash32& self_;
  const KindRegistry& kinds_;
  ApplyFlags& flags_;
  std::optional<Hash32> wake_member_;
  std::map<Hash32, Standing> standings_;
  std::map<Hash32, std::uint64_t> fork_seqs_;
};

}  // namespace mrc::sync
