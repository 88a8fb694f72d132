#include "sync/peer_session.h"

#include <algorithm>

#include "sync/entry.h"

namespace mrc::sync {

Result<wire::Message> PeerSession::Start() {
  wire::SummaryMsg s;
  MRC_ASSIGN_OR_RETURN(auto feeds, log_->Feeds());
  for (const auto& f : feeds) {
    s.feeds[f.author] = f.seq;
    s.heads[f.author] = f.id;
  }
  return wire::Message(std::in_place_type<wire::SummaryMsg>, std::move(s));
}

Status PeerSession::OnMessage(wire::Message message, std::vector<wire::Message>* out) {
  if (auto* s = std::get_if<wire::SummaryMsg>(&message)) {
    if (summary_received_) return Status::Corruption("peer sent a second summary");
    summary_received_ = true;
    for (const auto& [author, seq] : s->feeds) {
      peer_has_[author] = seq;
      sent_[author] = std::max(sent_[author], seq);
    }
    MRC_RETURN_IF_ERROR(CompareHeads(*s));
    return Pump(out);
  }
  if (!summary_received_) return Status::Corruption("peer sent data before its summary");
  if (auto* e = std::get_if<wire::EntriesMsg>(&message)) {
    MRC_ASSIGN_OR_RETURN(ReceivedBatch received, Receive(*e));
    MRC_ASSIGN_OR_RETURN(IngestReport report, log_->CommitIngest(std::move(received.prepared)));
    return Committed(received.batch, received.count, report, out);
  }
  if (auto* ack = std::get_if<wire::AckMsg>(&message)) {
    auto it = unacked_.find(ack->batch);
    if (it == unacked_.end()) return Status::Corruption("peer acknowledged a batch never sent");
    auto& has = peer_has_[it->second.first];
    has = std::max(has, it->second.second);
    unacked_.erase(it);
    in_flight_--;
    return Pump(out);
  }
  auto& ping = std::get<wire::PingMsg>(message);
  if (!ping.pong)
    out->emplace_back(std::in_place_type<wire::PingMsg>, wire::PingMsg{ping.nonce, true});
  return Status::Ok();
}

// Where the peer's head differs from our entry at the same seq, the author
// signed two histories: send ours from that seq, so that the peer records
// the fork (and, knowing it, shows us its branch in turn).
Status PeerSession::CompareHeads(const wire::SummaryMsg& s) {
  MRC_ASSIGN_OR_RETURN(auto feeds, log_->Feeds());
  for (const auto& f : feeds) {
    auto seq = s.feeds.find(f.author);
    auto head = s.heads.find(f.author);
    if (seq == s.feeds.end() || head == s.heads.end() || seq->second == 0 || seq->second > f.seq)
      continue;
    MRC_ASSIGN_OR_RETURN(auto ours, log_->ReadFeed(f.author, seq->second, 1));
    if (!ours.empty() && EntryId(ours.front().signed_form) != head->second)
      sent_[f.author] = seq->second - 1;
  }
  return Status::Ok();
}

Result<PeerSession::ReceivedBatch> PeerSession::Receive(const wire::EntriesMsg& m) {
  if (!summary_received_) return Status::Corruption("peer sent data before its summary");
  // The peer holds what it sent: never echo it back, even while it is
  // still being written here.
  for (const auto& in : m.entries) {
    auto d = DecodeEntry(in.signed_form);
    if (!d.ok()) continue;
    auto& has = peer_has_[d->entry.author];
    has = std::max(has, d->entry.seq);
    auto& sent = sent_[d->entry.author];
    sent = std::max(sent, d->entry.seq);
  }
  return ReceivedBatch{m.batch, m.entries.size(), log_->PrepareIngest(m.entries)};
}

Status PeerSession::Committed(std::uint64_t batch, std::size_t count, const IngestReport& report,
                              std::vector<wire::Message>* out) {
  for (const auto& refusal : report.refused) {
    Problem p;
    // A fork is the author's fault, not the relay's: keep the evidence and
    // the link. Anything else means this peer sent bytes no honest node
    // would have accepted.
    if (ProblemOf(refusal.reason, &p) && (p == Problem::kFork || p == Problem::kBrokenChain))
      continue;
    return Status::Corruption("peer sent an invalid entry: " + refusal.reason.message());
  }
  entries_received_ += count;
  out->emplace_back(std::in_place_type<wire::AckMsg>, wire::AckMsg{batch});
  return Pump(out);
}

Status PeerSession::Pump(std::vector<wire::Message>* out) {
  if (!summary_received_) return Status::Ok();
  MRC_ASSIGN_OR_RETURN(auto feeds, log_->Feeds());
  // The root key's feed first: it holds the approvals, and entries that
  // arrive before their author's approval wait, then apply all at once.
  std::stable_partition(feeds.begin(), feeds.end(),
                        [&](const FeedHead& f) { return f.author == log_->root(); });
  for (const auto& f : feeds) {
    if (f.forked && forks_shared_.insert(f.author).second) {
      // Show the peer our branch from the start (what it shares with us is
      // a duplicate, the first difference is evidence of the fork point) and
      // the conflicting entries we hold, so that every node learns the same
      // fork point. Forks are rare; the cost is one feed's length, once.
      sent_[f.author] = 0;
      evidence_due_.insert(f.author);
    }
    auto& sent = sent_[f.author];
    while (sent < f.seq && in_flight_ < kWindow) {
      MRC_ASSIGN_OR_RETURN(auto entries, log_->ReadFeed(f.author, sent + 1, kBatchEntries));
      if (entries.empty()) break;
      std::size_t bytes = 0, n = 0;
      while (n < entries.size() && (n == 0 || bytes + entries[n].payload.size() < kBatchBytes)) {
        bytes += entries[n].signed_form.size() + entries[n].payload.size();
        ++n;
      }
      entries.resize(n);
      sent += n;
      entries_sent_ += n;
      in_flight_++;
      unacked_[next_batch_] = {f.author, sent};
      out->emplace_back(std::in_place_type<wire::EntriesMsg>,
                        wire::EntriesMsg{next_batch_++, std::move(entries)});
    }
    if (in_flight_ < kWindow && sent >= f.seq && evidence_due_.erase(f.author)) {
      MRC_ASSIGN_OR_RETURN(auto evidence, log_->ForkEvidence(f.author));
      for (std::size_t i = 0; i < evidence.size() && in_flight_ < kWindow; i += kBatchEntries) {
        std::vector<Incoming> batch(
            evidence.begin() + i, evidence.begin() + std::min(evidence.size(), i + kBatchEntries));
        entries_sent_ += batch.size();
        in_flight_++;
        unacked_[next_batch_] = {f.author, 0};
        out->emplace_back(std::in_place_type<wire::EntriesMsg>,
                          wire::EntriesMsg{next_batch_++, std::move(batch)});
      }
    }
    if (in_flight_ >= kWindow) break;
  }
  return Status::Ok();
}

PeerStats PeerSession::Stats() const {
  PeerStats s;
  s.entries_sent = entries_sent_;
  s.entries_received = entries_received_;
  s.batches_in_flight = in_flight_;
  s.summary_received = summary_received_;
  auto feeds = log_->Feeds();
  if (feeds.ok()) {
    std::map<Hash32, std::uint64_t> ours;
    for (const auto& f : *feeds) ours[f.author] = f.seq;
    for (const auto& [author, seq] : ours) {
      auto it = peer_has_.find(author);
      std::uint64_t has = it == peer_has_.end() ? 0 : it->second;
      if (seq > has) s.peer_lacks += seq - has;
    }
    for (const auto& [author, seq] : peer_has_) {
      auto it = ours.find(author);
      std::uint64_t have = it == ours.end() ? 0 : it->second;
      if (seq > have) s.we_lack += seq - have;
    }
  }
  return s;
}

}  // namespace mrc::sync
