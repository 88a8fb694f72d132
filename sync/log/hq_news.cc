#include "sync/log/hq_news.h"

#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "storage/store.h"
#include "sync/log/log.h"

namespace mrc::sync {

namespace {

using storage::Column;

// kMeta keys: "hq-news" -> u64 Unix ms; "bundle-feed/" + author(32) -> u64 Unix ms.
constexpr std::string_view kHqNewsKey = "hq-news";
constexpr std::string_view kBundleFeedPrefix = "bundle-feed/";

// Serialises read-then-write of the newest time (links and imports note at once).
std::mutex& NoteMutex() {
  static std::mutex mu;
  return mu;
}

std::string FeedKey(const Hash32& author) {
  std::string key(kBundleFeedPrefix);
  key.append(reinterpret_cast<const char*>(author.data()), author.size());
  return key;
}

Result<std::uint64_t> ReadTime(storage::Store* store, std::string_view key) {
  auto r = store->Get(Column::kMeta, key);
  if (r.status().IsNotFound()) return std::uint64_t{0};
  if (!r.ok()) return r.status();
  std::string_view v = *r;
  std::uint64_t ms = 0;
  if (!GetU64(&v, &ms)) return Status::Corruption("unreadable " + std::string(key) + " record");
  return ms;
}

void PutTime(storage::WriteBatch* batch, std::string_view key, std::uint64_t ms) {
  Bytes v;
  PutU64(&v, ms);
  batch->Put(Column::kMeta, key, v);
}

}  // namespace

bool IsHeadquarters(Log* log, const Hash32& key) {
  auto s = log->StandingOf(key);
  return s.ok() && (s->root || (s->member && s->hq)) && s->revoked_from == Standing::kNotRevoked;
}

Status NoteHqNews(Log* log, std::uint64_t now_ms) {
  std::lock_guard lock(NoteMutex());
  MRC_ASSIGN_OR_RETURN(std::uint64_t last, ReadTime(log->store(), kHqNewsKey));
  if (now_ms <= last) return Status::Ok();
  storage::WriteBatch batch;
  PutTime(&batch, kHqNewsKey, now_ms);
  return log->store()->Write(&batch);
}

Result<std::uint64_t> LastHqNews(Log* log) { return ReadTime(log->store(), kHqNewsKey); }

Status NoteBundleFeeds(Log* log, const std::set<Hash32>& authors, std::uint64_t now_ms) {
  bool from_hq = false;
  storage::WriteBatch batch;
  bool any = false;
  for (const Hash32& a : authors) {
    auto standing = log->StandingOf(a);
    if (!standing.ok() || !standing->member) continue;  // keys never approved leave nothing
    PutTime(&batch, FeedKey(a), now_ms);
    any = true;
    from_hq = from_hq || IsHeadquarters(log, a);
  }
  if (any) MRC_RETURN_IF_ERROR(log->store()->Write(&batch));
  return from_hq ? NoteHqNews(log, now_ms) : Status::Ok();
}

Result<std::map<Hash32, std::uint64_t>> BundleFeeds(Log* log) {
  std::map<Hash32, std::uint64_t> out;
  auto it = log->store()->NewPrefixIterator(Column::kMeta, kBundleFeedPrefix);
  for (it->Seek(kBundleFeedPrefix); it->Valid(); it->Next()) {
    std::string_view key = it->key();
    if (key.substr(0, kBundleFeedPrefix.size()) != kBundleFeedPrefix) break;
    key.remove_prefix(kBundleFeedPrefix.size());
    std::string_view v = it->value();
    std::uint64_t ms = 0;
    if (key.size() != 32 || !GetU64(&v, &ms))
      return Status::Corruption("unreadable bundle-feed record");
    Hash32 author;
    std::memcpy(author.data(), key.data(), 32);
    out[author] = ms;
  }
  MRC_RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace mrc::sync
