#include "sync/log/log_apply.h"

namespace mrc::sync {

using storage::Column;

Decision Decision::Applied() { return Decision{}; }

Decision Decision::Rejected(Status reason) {
  Decision d;
  d.effect = Effect::kRejected;
  d.reason = std::move(reason);
  return d;
}

Decision Decision::Waiting(char tag, const Hash32& on) {
  Decision d;
  d.effect = Effect::kWaiting;
  d.wait_tag = tag;
  d.wait_on = on;
  return d;
}

std::string Short(const Hash32& h) { return ToHex(h).substr(0, 12); }

std::string Describe(const Entry& e, const Hash32& id) {
  return "entry " + Short(id) + " (" + Short(e.author) + "#" + std::to_string(e.seq) + ")";
}

Decision NotAuthorised(const Entry& e, const Hash32& id, std::string_view why) {
  return Decision::Rejected(
      MakeProblem(Problem::kNotAuthorised, Describe(e, id) + ": " + std::string(why)));
}

int EntryRules::RebuildPhase(const Entry&, const Hash32&) const { return 2; }

Status EntryRules::Recorded(ApplyContext&, const Entry&, const Hash32&, std::string_view,
                            const Decision&) const {
  return Status::Ok();
}

Result<std::optional<Bytes>> EntryRules::HeldForm(ApplyContext&, const Entry&, std::string_view,
                                                  bool, bool) const {
  return std::optional<Bytes>();
}

Result<bool> EntryRules::Again(ApplyContext&, const Entry&, const Hash32&, std::string_view,
                               const records::IdRecord&) const {
  return false;
}

Status EntryRules::AfterCommit(Log&) const { return Status::Ok(); }

KindRegistry::KindRegistry(const Authority* authority, std::vector<const EntryRules*> rules)
    : authority_(authority), rules_(std::move(rules)) {
  for (const EntryRules* r : rules_) {
    for (Kind k : r->kinds()) by_kind_[static_cast<std::uint8_t>(k)] = r;
  }
}

KindRegistry KindRegistry::Without(const std::vector<Kind>& left_out) const {
  KindRegistry out = *this;
  for (Kind k : left_out) out.by_kind_[static_cast<std::uint8_t>(k)] = nullptr;
  return out;
}

Result<Decision> Applier::Evaluate(const Entry& e, const Hash32& id, std::string_view payload,
                                   std::uint64_t prev_hlc, bool checked, const Status& content) {
  const EntryRules* rules = kinds_.For(e.kind);
  if (e.seq > 1 && e.hlc <= prev_hlc) {
    return Decision::Rejected(
        MakeProblem(Problem::kMalformed, Describe(e, id) + ": clock is not after the author's "
                                                           "previous entry"));
  }
  // A later version's kind is judged by its own rules (content, ops); the
  // author must be a member all the same, so that no stranger fills a
  // relay's disk.
  if (rules && e.op == Op::kDelete && e.payload_size != 0) {
    return Decision::Rejected(
        MakeProblem(Problem::kInvalidContent, Describe(e, id) + ": a deletion carries no content"));
  }
  if (rules && e.op != Op::kDelete) {
    Status s = checked ? content : rules->Validate(e, payload);
    if (!s.ok())
      return Decision::Rejected(
          MakeProblem(Problem::kInvalidContent, Describe(e, id) + ": " + s.message()));
  }
  MRC_ASSIGN_OR_RETURN(std::uint64_t fork_seq, ForkSeq(e.author));
  if (fork_seq != 0 && e.seq >= fork_seq) {
    return Decision::Rejected(
        MakeProblem(Problem::kFork, Describe(e, id) + ": the author's feed forked at seq " +
                                        std::to_string(fork_seq) + "; frozen from there"));
  }
  MRC_ASSIGN_OR_RETURN(Standing m, StandingOf(e.author));
  if (e.seq >= m.revoked_from) {
    return Decision::Rejected(MakeProblem(
        Problem::kRevoked, Describe(e, id) + ": key revoked from seq " +
                               std::to_string(m.revoked_from) + " (" + m.revoke_reason + ")"));
  }
  if (!m.member) return Decision::Waiting(rec::kWaitMember, e.author);
  if (!rules) return Decision::Waiting(rec::kWaitKind, rec::KindWaitId(e.kind));
  return rules->Apply(*this, e, id, payload, m);
}

Result<std::optional<Decision>> Applier::Parents(const Entry& e, const Hash32& id,
                                                 std::vector<rec::IdRecord>* out,
                                                 bool rejected_too) {
  for (const auto& p : e.parents) {
    MRC_ASSIGN_OR_RETURN(auto parent,
                         GetDecoded<rec::IdRecord>(txn_, Column::kIds, AsView(p), rec::DecodeId));
    if (!parent || parent->effect == Effect::kWaiting)
      return std::optional<Decision>(Decision::Waiting(rec::kWaitEffect, p));
    if (parent->effect == Effect::kRejected && !rejected_too) {
      return std::optional<Decision>(Decision::Rejected(MakeProblem(
          Problem::kBadParent, Describe(e, id) + ": parent " + Short(p) + " was rejected")));
    }
    out->push_back(*parent);
  }
  return std::optional<Decision>();
}

Result<std::uint64_t> Applier::FeedSeq(const Hash32& key) {
  MRC_ASSIGN_OR_RETURN(
      auto feed, GetDecoded<rec::FeedRecord>(txn_, Column::kFeeds, AsView(key), rec::DecodeFeed));
  return feed ? feed->seq : 0;
}

void Applier::StandingsChanged(std::optional<Hash32> now_member) {
  standings_.clear();
  if (now_member) wake_member_ = now_member;
}

void Applier::ForgetCaches() {
  standings_.clear();
  fork_seqs_.clear();
}

Result<std::uint64_t> Applier::ForkSeq(const Hash32& author) {
  if (auto it = fork_seqs_.find(author); it != fork_seqs_.end()) return it->second;
  MRC_ASSIGN_OR_RETURN(auto feed, GetDecoded<rec::FeedRecord>(txn_, Column::kFeeds, AsView(author),
                                                              rec::DecodeFeed));
  std::uint64_t seq = feed && feed->forked ? feed->fork_seq : 0;
  if (fork_seqs_.size() > 4096) fork_seqs_.clear();
  fork_seqs_.emplace(author, seq);
  return seq;
}

Result<Standing> Applier::StandingOf(const Hash32& key) {
  if (auto it = standings_.find(key); it != standings_.end()) return it->second;
  MRC_ASSIGN_OR_RETURN(Standing s, kinds_.authority().StandingOf(txn_, root_, key));
  if (standings_.size() > 4096) standings_.clear();
  standings_.emplace(key, s);
  return s;
}

std::optional<Hash32> Applier::TakeWakeMember() {
  auto k = wake_member_;
  wake_member_.reset();
  return k;
}

}  // namespace mrc::sync
