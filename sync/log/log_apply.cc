#include "sync/log/log_apply.h"

#include <algorithm>

#include "sync/content/content.h"
#include "sync/referrals/referral_rules.h"

namespace mrc::sync {

using storage::Column;

std::string Short(const Hash32& h) { return ToHex(h).substr(0, 12); }

std::string Describe(const Entry& e, const Hash32& id) {
  return "entry " + Short(id) + " (" + Short(e.author) + "#" + std::to_string(e.seq) + ")";
}

bool IsAuthoritative(Kind kind, std::string_view payload) {
  if (kind == Kind::kBulletin) return true;
  if (kind != Kind::kGuide || payload.find("authoritative") == std::string_view::npos) return false;
  return GuideIsAuthoritative(payload);
}

Result<Decision> Applier::Evaluate(const Entry& e, const Hash32& id, std::string_view payload,
                                   std::uint64_t prev_hlc, bool checked, const Status& content) {
  if (e.seq > 1 && e.hlc <= prev_hlc) {
    return Reject(MakeProblem(Problem::kMalformed, Describe(e, id) +
                                                       ": clock is not after the author's "
                                                       "previous entry"));
  }
  // A later version's kind is judged by its own rules (content, ops); the
  // author must be a member all the same, so that no stranger fills a
  // relay's disk.
  bool ruled = rules_.Has(e.kind);
  if (ruled && e.op == Op::kDelete && e.payload_size != 0) {
    return Reject(
        MakeProblem(Problem::kInvalidContent, Describe(e, id) + ": a deletion carries no content"));
  }
  if (ruled && e.op != Op::kDelete) {
    Status s = checked ? content : ValidateEntryPayload(e.kind, e.op, payload);
    if (!s.ok())
      return Reject(MakeProblem(Problem::kInvalidContent, Describe(e, id) + ": " + s.message()));
  }
  MRC_ASSIGN_OR_RETURN(std::uint64_t fork_seq, ForkSeq(e.author));
  if (fork_seq != 0 && e.seq >= fork_seq) {
    return Reject(
        MakeProblem(Problem::kFork, Describe(e, id) + ": the author's feed forked at seq " +
                                        std::to_string(fork_seq) + "; frozen from there"));
  }
  MRC_ASSIGN_OR_RETURN(trust::Membership m, Member(e.author));
  if (e.seq >= m.revoked_from) {
    return Reject(MakeProblem(Problem::kRevoked, Describe(e, id) + ": key revoked from seq " +
                                                     std::to_string(m.revoked_from) + " (" +
                                                     m.revoke_reason + ")"));
  }
  if (!m.member) return Wait(rec::kWaitMember, e.author);
  if (!ruled) return Wait(rec::kWaitKind, rec::KindWaitId(e.kind));
  if (e.kind == Kind::kMember) return ApplyStatement(e, id, payload, m);
  if (e.kind == Kind::kReceipt) return ApplyReceipt(e, id, payload);
  if (e.kind == Kind::kReferral) return ApplyReferral(e, id, payload);
  bool authoritative = e.op == Op::kPut && IsAuthoritative(e.kind, payload);
  if (!m.hq && authoritative) {
    return Reject(
        MakeProblem(Problem::kNotAuthorised,
                    Describe(e, id) + (e.kind == Kind::kBulletin
                                           ? ": only headquarters publishes bulletins"
                                           : ": only headquarters marks content authoritative")));
  }
  if (e.op == Op::kPropose) return Propose(e, id);
  if (e.op == Op::kDecline) return Decline(e, id, m, payload);
  MRC_ASSIGN_OR_RETURN(Decision d, e.IsRoot() ? CreateDoc(e, id) : EditDoc(e, id, m));
  d.authoritative = d.effect == Effect::kApplied && authoritative;
  return d;
}

Result<Decision> Applier::Reject(Status reason) {
  Decision d;
  d.effect = Effect::kRejected;
  d.reason = std::move(reason);
  return d;
}

Result<Decision> Applier::Wait(char tag, const Hash32& on) {
  Decision d;
  d.effect = Effect::kWaiting;
  d.wait_tag = tag;
  d.wait_on = on;
  return d;
}

Result<std::optional<Decision>> Applier::Parents(const Entry& e, const Hash32& id,
                                                 std::vector<rec::IdRecord>* out,
                                                 bool rejected_too) {
  for (const auto& p : e.parents) {
    MRC_ASSIGN_OR_RETURN(auto parent,
                         GetDecoded<rec::IdRecord>(txn_, Column::kIds, AsView(p), rec::DecodeId));
    if (!parent || parent->effect == Effect::kWaiting)
      return std::optional<Decision>(*Wait(rec::kWaitEffect, p));
    if (parent->effect == Effect::kRejected && !rejected_too) {
      return std::optional<Decision>(*Reject(MakeProblem(
          Problem::kBadParent, Describe(e, id) + ": parent " + Short(p) + " was rejected")));
    }
    out->push_back(*parent);
  }
  return std::optional<Decision>();
}

Result<Decision> Applier::CreateDoc(const Entry& e, const Hash32& id) {
  DocState doc;
  doc.id = id;
  doc.kind = e.kind;
  doc.creator = e.author;
  doc.created_hlc = e.hlc;
  doc.heads = {Head{id, e.hlc, e.author, e.op}};
  doc.versions = 1;
  txn_.Put(Column::kDocs, AsView(id), rec::EncodeDoc(doc));
  return Decision{};
}

Result<Decision> Applier::EditDoc(const Entry& e, const Hash32& id, const trust::Membership& m) {
  std::vector<rec::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, Parents(e, id, &parents));
  if (pending) return *pending;
  bool parent_authoritative = false;
  for (std::size_t i = 0; i < parents.size(); ++i) {
    std::string what = Describe(e, id) + ": parent " + Short(e.parents[i]);
    if (parents[i].op == Op::kDecline) {
      return Reject(MakeProblem(Problem::kBadParent, what + " is a decline, not a version"));
    }
    if (parents[i].doc != e.doc) {
      return Reject(MakeProblem(Problem::kBadParent, what + " is a version of another document"));
    }
    if (parents[i].hlc >= e.hlc) {
      return Reject(MakeProblem(Problem::kBadParent, what + " is not earlier than its child"));
    }
    parent_authoritative |= parents[i].authoritative;
  }
  MRC_ASSIGN_OR_RETURN(auto raw, txn_.Get(Column::kDocs, AsView(e.doc)));
  std::optional<DocState> doc;
  if (raw) doc = rec::DecodeDoc(e.doc, *raw);
  if (!doc) return Status::Corruption("document " + Short(e.doc) + " missing or unreadable");
  if (doc->kind != e.kind) {
    return Reject(MakeProblem(Problem::kInvalidContent, Describe(e, id) + ": kind " +
                                                            std::string(KindName(e.kind)) +
                                                            " differs from the document's " +
                                                            std::string(KindName(doc->kind))));
  }
  if (!m.hq) {
    if (parent_authoritative) {
      return Reject(MakeProblem(Problem::kNotAuthorised,
                                Describe(e, id) +
                                    ": the document is authoritative; only "
                                    "headquarters edits it (propose a change instead)"));
    }
    MRC_ASSIGN_OR_RETURN(bool owns, trust::Succeeds(txn_, root_, e.author, doc->creator));
    if (!owns) {
      return Reject(MakeProblem(Problem::kNotAuthorised,
                                Describe(e, id) + ": document " + Short(e.doc) + " belongs to " +
                                    Short(doc->creator) + " (propose a change instead)"));
    }
  }
  std::erase_if(doc->heads, [&](const Head& h) {
    return std::binary_search(e.parents.begin(), e.parents.end(), h.id);
  });
  Head head{id, e.hlc, e.author, e.op};
  doc->heads.insert(std::upper_bound(doc->heads.begin(), doc->heads.end(), head,
                                     [](const Head& a, const Head& b) { return a.id < b.id; }),
                    head);
  rec::PickWinner(&*doc);
  doc->versions++;
  txn_.Put(Column::kDocs, AsView(e.doc), rec::EncodeDoc(*doc));
  // Naming a proposal as a parent accepts it (signed by the accepter).
  for (std::size_t i = 0; i < parents.size(); ++i) {
    if (parents[i].op != Op::kPropose) continue;
    trust::PutDecision(txn_, e.doc, e.parents[i], id, trust::kAccepted, e.author, e.hlc, "");
  }
  return Decision{};
}

Result<Decision> Applier::Propose(const Entry& e, const Hash32& id) {
  std::vector<rec::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, Parents(e, id, &parents));
  if (pending) return *pending;
  for (std::size_t i = 0; i < parents.size(); ++i) {
    std::string what = Describe(e, id) + ": base " + Short(e.parents[i]);
    if (parents[i].doc != e.doc || parents[i].kind != e.kind ||
        (parents[i].op != Op::kPut && parents[i].op != Op::kDelete)) {
      return Reject(MakeProblem(Problem::kBadParent, what + " is not a version of this document"));
    }
    if (parents[i].hlc >= e.hlc)
      return Reject(MakeProblem(Problem::kBadParent, what + " is not earlier"));
  }
  trust::PutProposal(txn_, e.doc, id, e.author, e.hlc);
  return Decision{};
}

Result<Decision> Applier::Decline(const Entry& e, const Hash32& id, const trust::Membership& m,
                                  std::string_view payload) {
  std::vector<rec::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, Parents(e, id, &parents));
  if (pending) return *pending;
  const rec::IdRecord& proposal = parents.front();
  if (proposal.op != Op::kPropose || proposal.doc != e.doc || proposal.hlc >= e.hlc) {
    return Reject(MakeProblem(Problem::kBadParent, Describe(e, id) +
                                                       ": its parent is not an earlier "
                                                       "proposal for this document"));
  }
  if (!m.hq) {
    MRC_ASSIGN_OR_RETURN(auto raw, txn_.Get(Column::kDocs, AsView(e.doc)));
    auto doc = raw ? rec::DecodeDoc(e.doc, *raw) : std::nullopt;
    if (!doc) return Status::Corruption("document " + Short(e.doc) + " missing or unreadable");
    MRC_ASSIGN_OR_RETURN(bool owns, trust::Succeeds(txn_, root_, e.author, doc->creator));
    MRC_ASSIGN_OR_RETURN(bool on_authoritative, BasedOnAuthoritative(e.parents.front(), proposal));
    if (!owns || on_authoritative) {
      return NotAuthorised(e, id,
                           on_authoritative ? "only headquarters decides on authoritative content"
                                            : "only the document's owner or headquarters decides");
    }
  }
  MRC_ASSIGN_OR_RETURN(std::string reason, ParseDecline(payload));
  trust::PutDecision(txn_, e.doc, e.parents.front(), id, trust::kDeclined, e.author, e.hlc, reason);
  return Decision{};
}

Result<bool> Applier::BasedOnAuthoritative(const Hash32& proposal_id, const rec::IdRecord& r) {
  MRC_ASSIGN_OR_RETURN(auto stored, txn_.Get(Column::kEntries, rec::FeedKey(r.author, r.seq)));
  std::string_view signed_form, payload;
  if (!stored || !rec::DecodeStored(*stored, &signed_form, &payload)) {
    return Status::Corruption("entry " + Short(proposal_id) + " indexed but not stored");
  }
  MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
  for (const auto& p : d.entry.parents) {
    MRC_ASSIGN_OR_RETURN(auto base,
                         GetDecoded<rec::IdRecord>(txn_, Column::kIds, AsView(p), rec::DecodeId));
    if (base && base->authoritative) return true;
  }
  return false;
}

Result<Decision> Applier::NotAuthorised(const Entry& e, const Hash32& id, std::string_view why) {
  return Reject(MakeProblem(Problem::kNotAuthorised, Describe(e, id) + ": " + std::string(why)));
}

Result<std::uint64_t> Applier::FeedSeq(const Hash32& key) {
  MRC_ASSIGN_OR_RETURN(
      auto feed, GetDecoded<rec::FeedRecord>(txn_, Column::kFeeds, AsView(key), rec::DecodeFeed));
  return feed ? feed->seq : 0;
}

Result<Decision> Applier::ApplyStatement(const Entry& e, const Hash32& id, std::string_view payload,
                                         const trust::Membership& author) {
  members_.clear();
  MRC_ASSIGN_OR_RETURN(Statement s, ParseStatement(payload));
  std::vector<rec::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, Parents(e, id, &parents));
  if (pending) return *pending;
  switch (s.type) {
    case Statement::Type::kApprove: {
      if (!author.hq) return NotAuthorised(e, id, "only headquarters approves members");
      if (s.has_role("hq") && !author.root) {
        return NotAuthorised(e, id, "only the network's root key grants the hq role");
      }
      if (s.key == root_) return NotAuthorised(e, id, "the root key needs no approval");
      std::optional<std::uint64_t> rotated_at;
      if (!parents.empty()) {
        // A rotation: the parent is the old key's statement naming this key.
        MRC_ASSIGN_OR_RETURN(auto rotation, RotationOf(e.parents.front(), parents.front()));
        if (parents.size() != 1 || !s.replaces || !rotation || rotation->first != *s.replaces ||
            rotation->second.key != s.key) {
          return NotAuthorised(e, id,
                               "an approval's parent must be the replaced key's rotate "
                               "statement naming the approved key");
        }
        rotated_at = parents.front().seq;
      }
      MRC_ASSIGN_OR_RETURN(trust::Membership before, trust::Lookup(txn_, root_, s.key));
      trust::PutApproval(txn_, s.key, id, e.author, e.hlc, payload);
      MRC_ASSIGN_OR_RETURN(std::uint64_t seq, FeedSeq(s.key));
      if (before.member && seq > 0) flags_.rebuild = true;  // roles or ownership may change
      if (rotated_at) {
        trust::PutRevocation(txn_, *s.replaces, id, *rotated_at + 1, e.author, e.hlc,
                             "rotated to " + Short(s.key));
        MRC_ASSIGN_OR_RETURN(std::uint64_t old_seq, FeedSeq(*s.replaces));
        if (old_seq > *rotated_at) flags_.rebuild = true;
      }
      wake_member_ = s.key;
      return Decision{};
    }
    case Statement::Type::kRevoke: {
      if (!author.root) return NotAuthorised(e, id, "only the network's root key revokes keys");
      if (s.key == root_) return NotAuthorised(e, id, "the root key cannot be revoked");
      trust::PutRevocation(txn_, s.key, id, s.from_seq, e.author, e.hlc, s.reason);
      MRC_ASSIGN_OR_RETURN(std::uint64_t seq, FeedSeq(s.key));
      if (seq >= s.from_seq) flags_.rebuild = true;
      return Decision{};
    }
    case Statement::Type::kRotate:
      if (s.key == e.author) return NotAuthorised(e, id, "a key cannot rotate to itself");
      return Decision{};
    case Statement::Type::kEncryption:
      // About its author only (the statement names no other key); any
      // member may publish its own.
      trust::PutEncryptionKey(txn_, e.author, id, e.hlc, s.key);
      return Decision{};
  }
  return Decision{};
}

Result<std::optional<std::pair<Hash32, Statement>>> Applier::RotationOf(const Hash32& id,
                                                                        const rec::IdRecord& r) {
  using Out = std::optional<std::pair<Hash32, Statement>>;
  if (r.kind != Kind::kMember) return Out();
  MRC_ASSIGN_OR_RETURN(auto stored, txn_.Get(Column::kEntries, rec::FeedKey(r.author, r.seq)));
  std::string_view signed_form, payload;
  if (!stored || !rec::DecodeStored(*stored, &signed_form, &payload)) {
    return Status::Corruption("entry " + Short(id) + " indexed but not stored");
  }
  auto s = ParseStatement(payload);
  if (!s.ok() || s->type != Statement::Type::kRotate) return Out();
  return Out(std::make_pair(r.author, *s));
}

Result<Decision> Applier::ApplyReceipt(const Entry& e, const Hash32& id, std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(ReceiptBody body, ParseReceipt(payload));
  std::vector<rec::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, Parents(e, id, &parents));
  if (pending) return *pending;
  if (parents.front().kind != Kind::kBulletin || parents.front().doc != e.doc) {
    return Reject(MakeProblem(Problem::kBadParent,
                              Describe(e, id) + ": a receipt must name a version of the bulletin"));
  }
  trust::PutReceipt(txn_, e.doc, e.author,
                    body.acknowledged ? trust::kAcknowledged : trust::kReceived, e.parents.front(),
                    e.hlc, body.by);
  return Decision{};
}

Result<Decision> Applier::ApplyReferral(const Entry& e, const Hash32& id,
                                        std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(ReferralPayload p, DecodeReferralPayload(payload));
  MRC_ASSIGN_OR_RETURN(ReferralMeta meta, ParseReferralMeta(p.meta));
  ReferralStep step{id, meta.status, e.author, e.hlc, p.sealed_size};
  if (e.IsRoot()) {
    if (meta.status != ReferralStatus::kSent) {
      return Reject(MakeProblem(Problem::kInvalidContent,
                                Describe(e, id) + ": a referral's first entry is its sending"));
    }
    if (meta.to == e.author || p.sealed_size == 0) {
      return Reject(MakeProblem(
          Problem::kInvalidContent,
          Describe(e, id) + ": a referral goes to another centre, with sealed details"));
    }
    ReferralInfo r;
    r.id = id;
    r.sender = e.author;
    r.to = meta.to;
    r.hlc = e.hlc;
    referrals::PutReferral(txn_, r);
    referrals::PutStep(txn_, id, step);
    return Decision{};
  }
  // An erasure stands whatever became of the step it follows (a status
  // that lost its effect when its author's feed forked, say): the wish to
  // be forgotten does not depend on the trail.
  bool erasing = meta.status == ReferralStatus::kErased;
  std::vector<rec::IdRecord> parents;
  MRC_ASSIGN_OR_RETURN(auto pending, Parents(e, id, &parents, erasing));
  if (pending) return *pending;
  const rec::IdRecord& parent = parents.front();
  std::string what = Describe(e, id) + ": ";
  if (parent.kind != Kind::kReferral || parent.doc != e.doc || parent.hlc >= e.hlc) {
    return Reject(
        MakeProblem(Problem::kBadParent,
                    what + "its parent is not an earlier step of referral " + Short(e.doc)));
  }
  MRC_ASSIGN_OR_RETURN(auto r, referrals::Get(txn_, e.doc));
  MRC_ASSIGN_OR_RETURN(auto before, referrals::GetStep(txn_, e.doc, e.parents.front()));
  if (!r && parent.effect == Effect::kRejected) {
    // Its sending has no effect: nothing to erase that is not erased.
    return Reject(
        MakeProblem(Problem::kBadParent, what + "referral " + Short(e.doc) + " has no effect"));
  }
  if (!r || (!before && parent.effect != Effect::kRejected))
    return Status::Corruption("referral " + Short(e.doc) + " applied but not recorded");
  MRC_ASSIGN_OR_RETURN(bool by_receiver, trust::Succeeds(txn_, root_, e.author, r->to));
  MRC_ASSIGN_OR_RETURN(bool by_sender, trust::Succeeds(txn_, root_, e.author, r->sender));
  using S = ReferralStatus;
  S prior = before ? before->status : S::kErased;  // an erasure needs none
  std::string_view status = ReferralStatusName(meta.status);
  auto not_after = [&] {
    return Reject(MakeProblem(Problem::kBadParent, what + std::string(status) + " cannot follow " +
                                                       std::string(ReferralStatusName(prior))));
  };
  switch (meta.status) {
    case S::kSent:
      return Reject(
          MakeProblem(Problem::kInvalidContent, what + "only a referral's first entry is sent"));
    case S::kReceived:
    case S::kAccepted:
    case S::kDeclined:
    case S::kCompleted:
      if (!by_receiver) {
        return NotAuthorised(
            e, id, "only the receiving centre " + Short(r->to) + " sets " + std::string(status));
      }
      if (meta.status == S::kReceived && prior != S::kSent) return not_after();
      if ((meta.status == S::kAccepted || meta.status == S::kDeclined) && prior != S::kSent &&
          prior != S::kReceived)
        return not_after();
      if (meta.status == S::kCompleted && prior != S::kAccepted) return not_after();
      break;
    case S::kWithdrawn:
      if (!by_sender)
        return NotAuthorised(e, id, "only the sending centre " + Short(r->sender) + " withdraws");
      if (prior != S::kSent) return not_after();
      break;
    case S::kErased:
      if (!by_sender && !by_receiver)
        return NotAuthorised(e, id, "only the sending or the receiving centre erases a referral");
      if (p.sealed_size != 0) {
        return Reject(
            MakeProblem(Problem::kInvalidContent, what + "an erasure carries nothing sealed"));
      }
      break;
  }
  referrals::PutStep(txn_, e.doc, step);
  if (meta.status == S::kErased) {
    // Both centres may erase (retention runs at each): the record names the
    // earliest erasure by (hlc, id), whatever order they arrive in.
    bool first = !r->erased;
    if (first || e.hlc < r->erased_hlc || (e.hlc == r->erased_hlc && id < r->erase_entry)) {
      r->erased = true;
      r->erased_by = e.author;
      r->erased_hlc = e.hlc;
      r->erase_entry = id;
      referrals::PutReferral(txn_, *r);
    }
    if (first) {
      r->steps.push_back(step);
      MRC_RETURN_IF_ERROR(EraseSealedParts(*r));
    }
  } else if (r->erased && p.sealed_size != 0) {
    // A status that reaches this node after the erasure is stored erased.
    MRC_RETURN_IF_ERROR(EraseStored(e.author, e.seq));
  }
  return Decision{};
}

Status Applier::EraseStored(const Hash32& author, std::uint64_t seq) {
  Bytes key = rec::FeedKey(author, seq);
  MRC_ASSIGN_OR_RETURN(auto stored, txn_.Get(Column::kEntries, key));
  std::string_view signed_form, payload;
  if (!stored || !rec::DecodeStored(*stored, &signed_form, &payload))
    return Status::Corruption("referral entry " + Short(author) + "#" + std::to_string(seq) +
                              " not stored");
  MRC_ASSIGN_OR_RETURN(ReferralPayload p, DecodeReferralPayload(payload));
  if (p.erased || p.sealed_size == 0) return Status::Ok();
  MRC_ASSIGN_OR_RETURN(Bytes erased, EraseReferralPayload(payload));
  txn_.Put(Column::kEntries, key, rec::EncodeStored(signed_form, erased));
  // Its old bytes must leave RocksDB's files too (Log::ScrubErased), unless
  // they never reached them (the whole form came in this batch).
  MRC_ASSIGN_OR_RETURN(auto on_disk, txn_.StoreValue(Column::kEntries, key));
  if (!on_disk) return Status::Ok();
  MRC_ASSIGN_OR_RETURN(auto d, DecodeEntry(signed_form));
  std::string due_key = "scrub-due/" + std::string(AsView(d.entry.DocId(d.id)));
  MRC_ASSIGN_OR_RETURN(auto due, txn_.Get(Column::kLocal, due_key));
  txn_.Put(Column::kLocal, due_key, rec::WidenScrubRange(due.value_or(""), key));
  return Status::Ok();
}

Status Applier::EraseSealedParts(const ReferralInfo& r) {
  for (const auto& s : r.steps) {
    if (s.sealed_size == 0) continue;
    MRC_ASSIGN_OR_RETURN(
        auto id, GetDecoded<rec::IdRecord>(txn_, Column::kIds, AsView(s.id), rec::DecodeId));
    if (!id) return Status::Corruption("referral step " + Short(s.id) + " not indexed");
    MRC_RETURN_IF_ERROR(EraseStored(id->author, id->seq));
  }
  // Its statuses whose effect was rejected (a note sealed all the same).
  MRC_ASSIGN_OR_RETURN(
      auto rejected,
      txn_.KeysWithPrefix(Column::kLocal, "referral-rejected/" + std::string(AsView(r.id))));
  for (const auto& k : rejected) {
    Hash32 entry = Hash32FromView(std::string_view(k).substr(k.size() - 32));
    MRC_ASSIGN_OR_RETURN(
        auto id, GetDecoded<rec::IdRecord>(txn_, Column::kIds, AsView(entry), rec::DecodeId));
    if (id) MRC_RETURN_IF_ERROR(EraseStored(id->author, id->seq));
  }
  // Entries of the referral still waiting for a predecessor.
  MRC_ASSIGN_OR_RETURN(auto keys, txn_.KeysWithPrefix(Column::kPending, ""));
  for (const auto& k : keys) {
    MRC_ASSIGN_OR_RETURN(auto stored, txn_.Get(Column::kPending, k));
    std::string_view signed_form, payload;
    if (!stored || !rec::DecodeStored(*stored, &signed_form, &payload)) continue;
    auto d = DecodeEntry(signed_form);
    if (!d.ok() || d->entry.kind != Kind::kReferral || d->entry.DocId(d->id) != r.id) continue;
    auto held = DecodeReferralPayload(payload);
    if (!held.ok() || held->erased || held->sealed_size == 0) continue;
    auto erased = EraseReferralPayload(payload);
    if (erased.ok()) txn_.Put(Column::kPending, k, rec::EncodeStored(signed_form, *erased));
  }
  return Status::Ok();
}

void Applier::ForgetCaches() {
  members_.clear();
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

Result<trust::Membership> Applier::Member(const Hash32& key) {
  if (auto it = members_.find(key); it != members_.end()) return it->second;
  MRC_ASSIGN_OR_RETURN(trust::Membership m, trust::Lookup(txn_, root_, key));
  if (members_.size() > 4096) members_.clear();
  members_.emplace(key, m);
  return m;
}

std::optional<Hash32> Applier::TakeWakeMember() {
  auto k = wake_member_;
  wake_member_.reset();
  return k;
}

}  // namespace mrc::sync
