#include "sync/peer/peer_session.h"

#include <algorithm>

#include "config/foundation/log.h"
#include "sync/log/entry.h"

namespace mrc::sync {

namespace {

// What a peer says of itself, fit for a log line: printable ASCII only.
std::string Printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

}  // namespace

Result<std::vector<wire::Message>> PeerSession::Start() {
  MRC_ASSIGN_OR_RETURN(auto feeds, log_->Feeds());
  std::vector<reconcile::Head> heads;
  heads.reserve(feeds.size());
  for (const auto& f : feeds) heads.push_back({f.author, f.seq, f.id});
  snapshot_.emplace(std::move(heads));
  wire::RangeItem root;
  root.fingerprint = snapshot_->FingerprintOf(root.range);
  open_[root.range] = OpenRange{.ours = root.fingerprint, .theirs = {}};
  wire::ReconcileMsg m;
  m.items.push_back(std::move(root));
  std::vector<wire::Message> first;
  first.emplace_back(
      wire::VersionMsg{kOldestProtocolVersion, kProtocolVersion, "mrcnode " MRC_VERSION});
  first.emplace_back(std::move(m));
  return first;
}

Status PeerSession::OnVersion(const wire::VersionMsg& m) {
  if (protocol_ != 0) return Status::Corruption("peer sent its protocol version twice");
  auto range = [](std::uint16_t lo, std::uint16_t hi) {
    return lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
  };
  if (m.highest < kOldestProtocolVersion || m.lowest > kProtocolVersion) {
    std::string sw = m.software.empty() ? "" : " (" + Printable(m.software) + ")";
    return Status::NotSupported(
        "peer" + sw + " speaks peer protocol " + range(m.lowest, m.highest) +
        "; this node (mrcnode " MRC_VERSION ") speaks " +
        range(kOldestProtocolVersion, kProtocolVersion) + ": upgrade the older of the two");
  }
  protocol_ = std::min(m.highest, kProtocolVersion);
  software_ = Printable(m.software);
  return Status::Ok();
}

Status PeerSession::OnMessage(wire::Message message, std::vector<wire::Message>* out) {
  if (auto* v = std::get_if<wire::VersionMsg>(&message)) return OnVersion(*v);
  if (protocol_ == 0) {
    return Status::NotSupported(
        "peer sent no protocol version: it runs an mrcnode older than peer protocol 1; this "
        "node (mrcnode " MRC_VERSION ") speaks " +
        std::to_string(kOldestProtocolVersion) + "-" + std::to_string(kProtocolVersion) +
        ": upgrade it");
  }
  if (auto* r = std::get_if<wire::ReconcileMsg>(&message)) return OnRanges(*r, out);
  if (auto* ping = std::get_if<wire::PingMsg>(&message)) {
    if (!ping->pong)
      out->emplace_back(std::in_place_type<wire::PingMsg>, wire::PingMsg{ping->nonce, true});
    return Status::Ok();
  }
  if (!reconciled_) return Status::Corruption("peer sent data before the reconciliation ended");
  if (auto* e = std::get_if<wire::EntriesMsg>(&message)) {
    MRC_ASSIGN_OR_RETURN(ReceivedBatch received, Receive(*e));
    MRC_ASSIGN_OR_RETURN(IngestReport report, log_->CommitIngest(std::move(received.prepared)));
    return Committed(received.batch, received.count, report, out);
  }
  auto& ack = std::get<wire::AckMsg>(message);
  auto it = unacked_.find(ack.batch);
  if (it == unacked_.end()) return Status::Corruption("peer acknowledged a batch never sent");
  for (const auto& [author, seq] : it->second) {
    auto& has = peer_has_[author];
    has = std::max(has, seq);
  }
  unacked_.erase(it);
  in_flight_--;
  return Pump(out);
}

Status PeerSession::OnRanges(const wire::ReconcileMsg& m, std::vector<wire::Message>* out) {
  if (!snapshot_) return Status::Corruption("peer sent ranges outside a reconciliation");
  std::vector<wire::RangeItem> reply;
  for (const auto& item : m.items) MRC_RETURN_IF_ERROR(OnRange(item, &reply));
  // Many ranges can differ at once (two nodes apart for long): keep each
  // message well inside a frame.
  for (std::size_t i = 0; i < reply.size();) {
    wire::ReconcileMsg r;
    std::size_t bytes = 0;
    while (i < reply.size() && r.items.size() < wire::kMaxRangeItems && bytes < (1u << 20)) {
      bytes += 64 + 72 * reply[i].heads.size();
      r.items.push_back(std::move(reply[i++]));
    }
    out->emplace_back(std::move(r));
  }
  if (!open_.empty()) return Status::Ok();
  reconciled_ = true;
  snapshot_.reset();
  MRC_RETURN_IF_ERROR(ReleaseOwnFeedHold());
  return Pump(out);
}

// Both sides open the same ranges and decide each from the same two
// fingerprints (each side's snapshot at Start), so they agree on what
// comes next without a round trip to say so:
// - equal fingerprints: the range is settled;
// - both hold more than kListFeeds feeds there: split it into 16;
// - otherwise the side holding fewer lists its heads (both, if they hold
//   as many), and the other answers with its heads for those authors: it
//   learns all the peer holds there, the peer all it needs to know.
Status PeerSession::OnRange(const wire::RangeItem& item, std::vector<wire::RangeItem>* reply) {
  using Kind = wire::RangeItem::Kind;
  auto it = open_.find(item.range);
  if (it == open_.end() || it->second.awaits != item.kind)
    return Status::Corruption("peer sent a range out of turn");
  OpenRange open = it->second;
  open_.erase(it);
  const reconcile::Range& range = item.range;

  if (item.kind == Kind::kFingerprint) {
    const auto& ours = open.ours;
    const auto& theirs = item.fingerprint;
    if (ours == theirs) {
      for (const auto& h : snapshot_->In(range)) NoteHeld(h.author, h.seq);
      return Status::Ok();
    }
    if (std::min(ours.count, theirs.count) > kListFeeds) {
      // We hold more than one feed here, so the range is not a whole key.
      for (int digit = 0; digit < 16; ++digit) {
        wire::RangeItem child;
        child.range = range.Child(digit);
        child.fingerprint = snapshot_->FingerprintOf(child.range);
        open_[child.range] = OpenRange{.ours = child.fingerprint, .theirs = {}};
        reply->push_back(std::move(child));
      }
      return Status::Ok();
    }
    OpenRange next{.awaits = Kind::kHeads, .ours = ours, .theirs = theirs};
    if (ours.count <= theirs.count) {
      wire::RangeItem heads;
      heads.range = range;
      heads.kind = Kind::kHeads;
      auto in = snapshot_->In(range);
      heads.heads.assign(in.begin(), in.end());
      reply->push_back(std::move(heads));
      if (ours.count < theirs.count) next.awaits = Kind::kAnswer;
      if (ours.count == 0) {
        // Nothing of ours to answer for: all it holds here is new to us.
        unlisted_.push_back({range, theirs.entries, {}});
        return Status::Ok();
      }
    }
    open_[range] = next;
    return Status::Ok();
  }

  if (item.kind == Kind::kHeads) {
    if (reconcile::FingerprintOf(item.heads) != open.theirs)
      return Status::Corruption("peer listed other feeds than its fingerprint holds");
    MRC_RETURN_IF_ERROR(NoteHeads(item.heads));
    // The side holding more answers (both listed when they hold as many).
    if (open.ours.count > open.theirs.count && !item.heads.empty()) {
      wire::RangeItem answer;
      answer.range = range;
      answer.kind = Kind::kAnswer;
      for (const auto& h : item.heads)
        if (const auto* mine = snapshot_->Find(h.author)) answer.heads.push_back(*mine);
      reply->push_back(std::move(answer));
    }
    return Status::Ok();
  }

  // An answer to the heads we listed.
  Unlisted u{range, open.theirs.entries, {}};
  for (const auto& h : item.heads) {
    if (!snapshot_->Find(h.author))
      return Status::Corruption("peer answered for a feed we did not list");
    u.entries -= std::min(u.entries, h.seq);
  }
  for (const auto& h : snapshot_->In(range)) u.listed.push_back(h.author);
  unlisted_.push_back(std::move(u));
  return NoteHeads(item.heads);
}

// After reconciliation the peer's head of our own feed is known (equal
// fingerprints: ours; listed or answered: theirs; absent: it holds none),
// and every entry it holds beyond ours is on its way: once they are here,
// signing the next seq cannot fork the feed.
Status PeerSession::ReleaseOwnFeedHold() {
  if (!reconciled_ || !log_->own_feed_held()) return Status::Ok();
  auto it = peer_has_.find(log_->self());
  std::uint64_t theirs = it == peer_has_.end() ? 0 : it->second;
  MRC_ASSIGN_OR_RETURN(std::uint64_t ours, log_->OwnSeq());
  if (ours < theirs) return Status::Ok();
  // A store that cannot be written fails the next write anyway; the link
  // itself did nothing wrong.
  Status s = log_->ReleaseOwnFeedHold("peer " + ToHex(peer_).substr(0, 16) + " holds seq " +
                                      std::to_string(theirs) + " of our feed, we hold " +
                                      std::to_string(ours));
  if (!s.ok()) log::Warn("peer", "own feed still held: " + s.message());
  return Status::Ok();
}

void PeerSession::NoteHeld(const Hash32& author, std::uint64_t seq) {
  auto& has = peer_has_[author];
  has = std::max(has, seq);
  auto& sent = sent_[author];
  sent = std::max(sent, seq);
}

// Where the peer's head differs from our entry at the same seq, the author
// signed two histories: send ours from that seq, so that the peer records
// the fork (and, knowing it, shows us its branch in turn).
Status PeerSession::NoteHeads(const std::vector<reconcile::Head>& heads) {
  for (const auto& h : heads) {
    NoteHeld(h.author, h.seq);
    const auto* mine = snapshot_->Find(h.author);
    if (h.seq == 0 || !mine || mine->seq < h.seq || (mine->seq == h.seq && mine->id == h.id))
      continue;
    MRC_ASSIGN_OR_RETURN(auto ours, log_->ReadFeed(h.author, h.seq, 1));
    if (!ours.empty() && EntryId(ours.front().signed_form) != h.id) sent_[h.author] = h.seq - 1;
  }
  return Status::Ok();
}

Result<PeerSession::ReceivedBatch> PeerSession::Receive(const wire::EntriesMsg& m) {
  if (!reconciled_) return Status::Corruption("peer sent data before the reconciliation ended");
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
    // the link; so is an unapproved key's entry past what this node holds
    // of it (it comes again on a later link, once the key is approved).
    // Anything else means this peer sent bytes no honest node would have
    // accepted.
    if (ProblemOf(refusal.reason, &p) &&
        (p == Problem::kFork || p == Problem::kBrokenChain || p == Problem::kUnapproved))
      continue;
    return Status::Corruption("peer sent an invalid entry: " + refusal.reason.message());
  }
  entries_received_ += count;
  MRC_RETURN_IF_ERROR(ReleaseOwnFeedHold());
  out->emplace_back(std::in_place_type<wire::AckMsg>, wire::AckMsg{batch});
  return Pump(out);
}

Status PeerSession::Pump(std::vector<wire::Message>* out) {
  if (!reconciled_) return Status::Ok();
  MRC_ASSIGN_OR_RETURN(auto feeds, log_->Feeds());
  // The root key's feed first: it holds the approvals, and entries that
  // arrive before their author's approval wait, then apply all at once.
  std::stable_partition(feeds.begin(), feeds.end(),
                        [&](const FeedHead& f) { return f.author == log_->root(); });
  // A batch holds as many feeds as fit: in a network of many centres most
  // feeds differ by a few entries, and a batch per feed would cost a round
  // trip per few entries once the window is full.
  wire::EntriesMsg batch;
  std::vector<std::pair<Hash32, std::uint64_t>> marks;
  std::size_t bytes = 0;
  auto send = [&] {
    if (batch.entries.empty()) return;
    batch.batch = next_batch_++;
    entries_sent_ += batch.entries.size();
    in_flight_++;
    unacked_[batch.batch] = std::move(marks);
    out->emplace_back(std::in_place_type<wire::EntriesMsg>, std::move(batch));
    batch = {};
    marks.clear();
    bytes = 0;
  };
  for (const auto& f : feeds) {
    if (in_flight_ >= kWindow) break;
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
      // About as many entries as the batch has room for (small batches on a
      // slow line), more read if they turn out smaller.
      std::size_t room = kBatchEntries - batch.entries.size();
      std::size_t want = std::min(room, (batch_bytes_ - std::min(bytes, batch_bytes_)) / 512 + 1);
      MRC_ASSIGN_OR_RETURN(auto entries, log_->ReadFeed(f.author, sent + 1, want));
      if (entries.empty()) break;
      std::size_t n = 0;
      while (n < entries.size()) {
        std::size_t size = entries[n].signed_form.size() + entries[n].payload.size();
        if (!batch.entries.empty() && bytes + size >= batch_bytes_) break;
        bytes += size;
        batch.entries.push_back(std::move(entries[n++]));
      }
      if (n > 0) {
        sent += n;
        marks.emplace_back(f.author, sent);
      }
      if (n < entries.size() || batch.entries.size() >= kBatchEntries) send();
    }
    if (in_flight_ < kWindow && sent >= f.seq && evidence_due_.count(f.author)) {
      send();  // the feed's entries before its evidence
      if (in_flight_ >= kWindow) break;
      evidence_due_.erase(f.author);
      MRC_ASSIGN_OR_RETURN(auto evidence, log_->ForkEvidence(f.author));
      for (std::size_t i = 0; i < evidence.size() && in_flight_ < kWindow; i += kBatchEntries) {
        batch.entries.assign(evidence.begin() + i,
                             evidence.begin() + std::min(evidence.size(), i + kBatchEntries));
        marks.emplace_back(f.author, 0);
        send();
      }
    }
  }
  send();
  return Status::Ok();
}

PeerStats PeerSession::Stats() const {
  PeerStats s;
  s.entries_sent = entries_sent_;
  s.entries_received = entries_received_;
  s.batches_in_flight = in_flight_;
  s.reconciled = reconciled_;
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
    // Feeds the peer held where it only answered for ours: what it held
    // there less what it has sent us of feeds we did not list.
    for (const auto& u : unlisted_) {
      std::uint64_t seen = 0;
      for (auto it = peer_has_.lower_bound(u.range.prefix);
           it != peer_has_.end() && u.range.Contains(it->first); ++it) {
        if (std::find(u.listed.begin(), u.listed.end(), it->first) == u.listed.end())
          seen += it->second;
      }
      if (u.entries > seen) s.we_lack += u.entries - seen;
    }
  }
  return s;
}

}  // namespace mrc::sync
