#include "sync/bundle/bundle.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "config/foundation/bytes.h"
#include "config/foundation/progress.h"
#include "sync/crypto/crypto.h"
#include "sync/log/entry.h"
#include "sync/log/hq_news.h"
#include "sync/log/log.h"

namespace mrc::sync {
namespace {

// The magic's last character is the bundle format: a change to the records
// or the trailer writes a new one (docs/protocol.md, "Versions").
constexpr std::string_view kMagicName = "MRCBNDL";
constexpr std::string_view kMagic = "MRCBNDL1";

// A format character as it may be shown: printable ASCII, else its code.
std::string FormatChar(std::string_view c) {
  unsigned char ch = c.empty() ? 0 : static_cast<unsigned char>(c[0]);
  if (ch >= 0x21 && ch < 0x7f) return std::string(1, static_cast<char>(ch));
  return "0x" + ToHex(std::string_view(c.data(), c.empty() ? 0 : 1));
}
constexpr std::size_t kBatch = 1000;

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

// Appends to a file while hashing everything written.
class HashingWriter {
 public:
  Status Open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) return Errno("cannot create", path);
    path_ = path;
    return Status::Ok();
  }
  ~HashingWriter() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Write(std::string_view data, bool hash = true) {
    if (hash) hasher_.Update(data);
    buffer_.append(data);
    return buffer_.size() >= (1 << 20) ? Flush() : Status::Ok();
  }
  Status Flush() {
    std::string_view rest = buffer_;
    while (!rest.empty()) {
      ssize_t n = ::write(fd_, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Errno("cannot write", path_);
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    buffer_.clear();
    return Status::Ok();
  }
  Status Close() {
    MRC_RETURN_IF_ERROR(Flush());
    if (::fsync(fd_) != 0) return Errno("cannot sync", path_);
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return Errno("cannot close", path_);
    return Status::Ok();
  }
  Hash32 Digest() { return hasher_.Finish(); }

 private:
  int fd_ = -1;
  std::string path_;
  std::string buffer_;
  Hasher hasher_;
};

Status Truncated(const std::string& path) {
  return Status::InvalidArgument("bundle " + path +
                                 " is truncated or corrupted (it ends inside a record)");
}

}  // namespace

Result<Summary> MakeSummary(Log* log) {
  Summary s;
  s.network = log->network_id();
  MRC_ASSIGN_OR_RETURN(auto feeds, log->Feeds());
  for (const auto& f : feeds) {
    s.feeds[f.author] = f.seq;
    s.heads[f.author] = f.id;
  }
  return s;
}

std::string SummaryToJson(const Summary& s) {
  nlohmann::json feeds = nlohmann::json::object();
  nlohmann::json heads = nlohmann::json::object();
  for (const auto& [author, seq] : s.feeds) feeds[ToHex(author)] = seq;
  for (const auto& [author, id] : s.heads) heads[ToHex(author)] = ToHex(id);
  return nlohmann::json{{"format", "mrc-summary-1"},
                        {"network", ToHex(s.network)},
                        {"feeds", feeds},
                        {"heads", heads}}
             .dump(1) +
         "\n";
}

Result<Summary> SummaryFromJson(std::string_view text) {
  auto bad = [](std::string_view why) {
    return Status::InvalidArgument("not a node summary: " + std::string(why));
  };
  if (!JsonNestsAtMost(text, kMaxJsonNesting)) return bad("nested too deep");
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("format", "") != "mrc-summary-1")
    return bad("missing format mrc-summary-1");
  Summary s;
  auto net = j.contains("network") && j["network"].is_string()
                 ? Hash32FromHex(j["network"].get<std::string>())
                 : std::nullopt;
  if (!net) return bad("bad network id");
  s.network = *net;
  if (!j.contains("feeds") || !j["feeds"].is_object()) return bad("missing feeds");
  for (const auto& [author, seq] : j["feeds"].items()) {
    auto a = Hash32FromHex(author);
    if (!a || !seq.is_number_unsigned()) return bad("bad feed entry " + author.substr(0, 80));
    s.feeds[*a] = seq.get<std::uint64_t>();
  }
  if (j.contains("heads")) {
    if (!j["heads"].is_object()) return bad("heads must be an object");
    for (const auto& [author, id] : j["heads"].items()) {
      auto a = Hash32FromHex(author);
      auto h = id.is_string() ? Hash32FromHex(id.get<std::string>()) : std::nullopt;
      if (!a || !h) return bad("bad head entry " + author.substr(0, 80));
      s.heads[*a] = *h;
    }
  }
  return s;
}

namespace {

// About how many entries an export writes, for its progress: a forked
// feed's evidence and a fork point moved back by one are left out.
std::uint64_t ExpectedEntries(const std::vector<FeedHead>& feeds, const Summary* peer) {
  std::uint64_t n = 0;
  for (const auto& f : feeds) {
    std::uint64_t held = 0;
    if (peer && !f.forked) {
      auto it = peer->feeds.find(f.author);
      if (it != peer->feeds.end()) held = std::min(it->second, f.seq);
    }
    n += f.seq - held;
  }
  return n;
}

}  // namespace

Result<BundleStats> ExportBundle(Log* log, const Summary* peer, const std::string& path,
                                 Progress* progress) {
  if (peer && peer->network != log->network_id()) {
    return Status::InvalidArgument("the summary is from another network (" +
                                   ToHex(peer->network).substr(0, 16) + "…), not this node's");
  }
  std::string tmp = path + ".tmp";
  HashingWriter w;
  MRC_RETURN_IF_ERROR(w.Open(tmp));
  Bytes header(kMagic);
  PutHash(&header, log->network_id());
  MRC_RETURN_IF_ERROR(w.Write(header));
  BundleStats stats;
  MRC_ASSIGN_OR_RETURN(auto feeds, log->Feeds());
  // The root key's feed first (the approvals), as over a link.
  std::stable_partition(feeds.begin(), feeds.end(),
                        [&](const FeedHead& f) { return f.author == log->root(); });
  if (progress) progress->SetTotal(ExpectedEntries(feeds, peer));
  auto write = [&](const std::vector<Incoming>& entries) -> Status {
    for (const auto& e : entries) {
      Bytes rec(1, 'E');
      PutU32(&rec, static_cast<std::uint32_t>(e.signed_form.size()));
      rec.append(e.signed_form);
      PutU32(&rec, static_cast<std::uint32_t>(e.payload.size()));
      rec.append(e.payload);
      MRC_RETURN_IF_ERROR(w.Write(rec));
      stats.entries++;
      stats.bytes += rec.size();
      if (progress) progress->Add();
    }
    return Status::Ok();
  };
  for (const auto& f : feeds) {
    std::uint64_t from = 1;
    // A forked feed travels whole, with its evidence, whatever the summary
    // says, so that the receiver finds the same fork point (as over a link).
    if (peer && !f.forked) {
      auto it = peer->feeds.find(f.author);
      if (it != peer->feeds.end()) from = it->second + 1;
      // A different entry at the peer's head seq: the author forked. Send
      // ours from there, so that the peer records it (as over a link).
      auto head = peer->heads.find(f.author);
      if (it != peer->feeds.end() && head != peer->heads.end() && it->second >= 1 &&
          it->second <= f.seq) {
        MRC_ASSIGN_OR_RETURN(auto ours, log->ReadFeed(f.author, it->second, 1));
        if (!ours.empty() && EntryId(ours.front().signed_form) != head->second) from = it->second;
      }
    }
    while (from <= f.seq) {
      MRC_ASSIGN_OR_RETURN(auto entries, log->ReadFeed(f.author, from, kBatch));
      if (entries.empty()) break;
      MRC_RETURN_IF_ERROR(write(entries));
      from += entries.size();
    }
    if (f.forked) {
      MRC_ASSIGN_OR_RETURN(auto evidence, log->ForkEvidence(f.author));
      MRC_RETURN_IF_ERROR(write(evidence));
    }
  }
  Bytes trailer(1, 'Z');
  PutU64(&trailer, stats.entries);
  MRC_RETURN_IF_ERROR(w.Write(trailer));
  Hash32 digest = w.Digest();
  MRC_RETURN_IF_ERROR(w.Write(AsView(digest), /*hash=*/false));
  MRC_RETURN_IF_ERROR(w.Close());
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("cannot rename to", path);
  return stats;
}

namespace {

// Reads a bundle in two passes: the first checks the structure and the hash
// (holding one record at a time), the second hands entries to the log in
// batches bounded in entries and in bytes, so that what an import holds
// does not depend on how large the bundle's entries are.
class BundleReader {
 public:
  explicit BundleReader(std::string path) : path_(std::move(path)) {}

  Status Check(const Hash32& network, std::uint64_t* count) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Status::NotFound("cannot read bundle " + path_);
    Hasher h;
    std::string header(kMagic.size() + 32, '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(header.size())) ||
        !header.starts_with(kMagicName)) {
      return Status::InvalidArgument(path_ + " is not an mrcnode bundle");
    }
    if (header.substr(0, kMagic.size()) != kMagic) {
      // Another format of bundle: a version of mrcnode that writes it reads it.
      return Status::InvalidArgument(
          "bundle " + path_ + " is of format " + FormatChar(header.substr(kMagicName.size(), 1)) +
          "; this mrcnode reads format " + std::string(kMagic.substr(kMagicName.size())) +
          " (import it with the version that wrote it, or upgrade this node)");
    }
    if (header.substr(kMagic.size()) != AsView(network)) {
      return Status::InvalidArgument("bundle " + path_ + " belongs to another network (" +
                                     ToHex(std::string_view(header).substr(kMagic.size(), 8)) +
                                     "…)");
    }
    h.Update(header);
    std::uint64_t n = 0;
    std::string a, b;
    for (;;) {
      char tag;
      if (!in.get(tag)) return Truncated(path_);
      h.Update(std::string_view(&tag, 1));
      if (tag == 'Z') break;
      if (tag != 'E')
        return Status::InvalidArgument("bundle " + path_ + " has an unknown record type");
      MRC_RETURN_IF_ERROR(ReadField(in, &h, kMaxEntryBytes, &a));
      MRC_RETURN_IF_ERROR(ReadField(in, &h, kMaxPayloadBytes, &b));
      ++n;
    }
    char tail[8 + 32];
    if (!in.read(tail, sizeof tail)) return Truncated(path_);
    h.Update(std::string_view(tail, 8));
    std::string_view count_view(tail, 8);
    std::uint64_t declared = 0;
    GetU64(&count_view, &declared);
    if (declared != n || h.Finish() != Hash32FromView(std::string_view(tail + 8, 32))) {
      return Status::InvalidArgument("bundle " + path_ +
                                     " is corrupted (its checksum does not match)");
    }
    if (in.peek() != std::char_traits<char>::eof()) {
      return Status::InvalidArgument("bundle " + path_ + " has data after its end");
    }
    *count = n;
    return Status::Ok();
  }

  // Calls fn with batches of entries, in file order, each of at most kBatch
  // entries and, but for a single larger entry, `max_bytes`. Call after
  // Check().
  Status ForEachBatch(std::size_t max_bytes,
                      const std::function<Status(std::vector<Incoming>&)>& fn) {
    std::ifstream in(path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(kMagic.size() + 32));
    std::vector<Incoming> batch;
    std::size_t bytes = 0;
    for (;;) {
      char tag;
      if (!in.get(tag)) return Truncated(path_);
      if (tag == 'Z') break;
      Incoming e;
      MRC_RETURN_IF_ERROR(ReadField(in, nullptr, kMaxEntryBytes, &e.signed_form));
      MRC_RETURN_IF_ERROR(ReadField(in, nullptr, kMaxPayloadBytes, &e.payload));
      std::size_t size = e.signed_form.size() + e.payload.size();
      if (!batch.empty() && bytes + size > max_bytes) {
        MRC_RETURN_IF_ERROR(fn(batch));
        batch = {};  // gives the memory back, not only the elements
        bytes = 0;
      }
      batch.push_back(std::move(e));
      bytes += size;
      if (batch.size() == kBatch) {
        MRC_RETURN_IF_ERROR(fn(batch));
        batch = {};
        bytes = 0;
      }
    }
    return batch.empty() ? Status::Ok() : fn(batch);
  }

 private:
  Status ReadField(std::ifstream& in, Hasher* h, std::size_t limit, std::string* out) {
    char len[4];
    if (!in.read(len, 4)) return Truncated(path_);
    std::string_view lv(len, 4);
    std::uint32_t n = 0;
    GetU32(&lv, &n);
    if (n > limit)
      return Status::InvalidArgument("bundle " + path_ + " has a record larger than allowed");
    out->resize(n);
    if (n && !in.read(out->data(), n)) return Truncated(path_);
    if (h) {
      h->Update(std::string_view(len, 4));
      h->Update(*out);
    }
    return Status::Ok();
  }

  std::string path_;
};

}  // namespace

// Of the authors a bundle carried, how many an import notes (hq_news.h):
// a bundle may hold entries of thousands of keys never approved, and what
// it leaves in the store must stay bounded.
constexpr std::size_t kMaxNotedAuthors = 4096;

Result<BundleImport> ImportBundle(Log* log, const std::string& path, const ImportOptions& options) {
  BundleReader reader(path);
  BundleImport result;
  MRC_RETURN_IF_ERROR(reader.Check(log->network_id(), &result.entries));
  if (options.progress) options.progress->SetTotal(result.entries);
  std::size_t max_bytes = std::max<std::size_t>(options.memory_bytes / 2, 1);
  std::set<Hash32> authors;  // of the entries not refused: whose feeds the bundle carried
  MRC_RETURN_IF_ERROR(reader.ForEachBatch(max_bytes, [&](std::vector<Incoming>& batch) -> Status {
    MRC_ASSIGN_OR_RETURN(IngestReport r, log->Ingest(batch));
    if (options.progress) options.progress->Add(batch.size());
    std::vector<bool> refused(batch.size());
    for (const auto& x : r.refused) refused[x.index] = true;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (refused[i] || authors.size() >= kMaxNotedAuthors) continue;
      if (auto d = DecodeEntry(batch[i].signed_form); d.ok()) authors.insert(d->entry.author);
    }
    result.accepted += r.accepted;
    result.duplicates += r.duplicates;
    result.pending += r.pending;
    result.refused += r.refused.size();
    if (!r.refused.empty() && result.first_refusal.empty())
      result.first_refusal = r.refused.front().reason.message();
    return Status::Ok();
  }));
  MRC_RETURN_IF_ERROR(NoteBundleFeeds(log, authors, options.clock->NowMillis()));
  return result;
}

}  // namespace mrc::sync
