#include "sync/reports/report_records.h"

#include <algorithm>

#include "storage/store.h"

namespace mrc::sync::reports {
namespace {

using storage::Column;

constexpr char kReportTag = 'r', kReplyTag = 'a', kDocTag = 'd';

Bytes Key(char tag, const Hash32& a) {
  Bytes k(1, tag);
  PutHash(&k, a);
  return k;
}

Bytes Key(char tag, const Hash32& a, const Hash32& b) {
  Bytes k = Key(tag, a);
  PutHash(&k, b);
  return k;
}

void PutText(Bytes* v, const std::string& s) {
  PutU16(v, static_cast<std::uint16_t>(s.size()));
  v->append(s);
}

bool GetText(std::string_view* in, std::string* s) {
  std::uint16_t n = 0;
  std::string_view v;
  if (!GetU16(in, &n) || !GetBytes(in, n, &v)) return false;
  s->assign(v);
  return true;
}

bool DecodeReport(const Hash32& id, std::string_view v, ReportRecord* r) {
  r->id = id;
  std::uint8_t category = 0;
  if (!GetHash(&v, &r->doc) || !GetHash(&v, &r->version) || !GetHash(&v, &r->author) ||
      !GetU64(&v, &r->hlc) || !GetU8(&v, &category) || !GetText(&v, &r->by) ||
      !GetText(&v, &r->note) || !v.empty())
    return false;
  r->category = static_cast<Category>(category);
  return !CategoryName(r->category).empty();
}

bool DecodeReply(const Hash32& id, std::string_view v, ReplyRecord* r) {
  r->id = id;
  std::uint8_t close = 0;
  if (!GetHash(&v, &r->author) || !GetU64(&v, &r->hlc) || !GetU8(&v, &close) || close > 1 ||
      !GetText(&v, &r->by) || !GetText(&v, &r->text) || !v.empty())
    return false;
  r->close = close == 1;
  return true;
}

Status ReadReplies(storage::Store* store, ReportRecord* r) {
  Bytes prefix = Key(kReplyTag, r->id);
  auto it = store->NewPrefixIterator(Column::kReports, prefix);
  std::size_t read = 0, kept = 0;
  for (it->Seek(prefix); it->Valid() && read < kMaxRepliesRead; it->Next(), ++read) {
    std::string_view k = it->key();
    if (k.size() != 65) return Status::Corruption("unreadable report reply key");
    ReplyRecord reply;
    if (!DecodeReply(Hash32FromView(k.substr(33)), it->value(), &reply))
      return Status::Corruption("unreadable report reply");
    if (!reply.close && kept++ >= kMaxRepliesKept) continue;
    r->replies.push_back(std::move(reply));
  }
  MRC_RETURN_IF_ERROR(it->status());
  std::sort(r->replies.begin(), r->replies.end(), [](const ReplyRecord& a, const ReplyRecord& b) {
    return a.hlc != b.hlc ? a.hlc < b.hlc : a.id < b.id;
  });
  return Status::Ok();
}

}  // namespace

void PutReport(Txn& txn, const ReportRecord& r) {
  Bytes v;
  PutHash(&v, r.doc);
  PutHash(&v, r.version);
  PutHash(&v, r.author);
  PutU64(&v, r.hlc);
  v.push_back(static_cast<char>(r.category));
  PutText(&v, r.by);
  PutText(&v, r.note);
  txn.Put(Column::kReports, Key(kReportTag, r.id), v);
  txn.Put(Column::kReports, Key(kDocTag, r.doc, r.id), "");
}

void PutReply(Txn& txn, const Hash32& report, const ReplyRecord& r) {
  Bytes v;
  PutHash(&v, r.author);
  PutU64(&v, r.hlc);
  v.push_back(r.close ? 1 : 0);
  PutText(&v, r.by);
  PutText(&v, r.text);
  txn.Put(Column::kReports, Key(kReplyTag, report, r.id), v);
}

Result<std::optional<ReportRecord>> GetReport(Txn& txn, const Hash32& report) {
  MRC_ASSIGN_OR_RETURN(auto v, txn.Get(Column::kReports, Key(kReportTag, report)));
  if (!v) return std::optional<ReportRecord>();
  ReportRecord r;
  if (!DecodeReport(report, *v, &r)) return Status::Corruption("unreadable report record");
  return std::optional<ReportRecord>(std::move(r));
}

Result<std::optional<ReportRecord>> ReadReport(storage::Store* store, const Hash32& report) {
  auto v = store->Get(Column::kReports, Key(kReportTag, report));
  if (!v.ok()) {
    if (v.status().code() == Status::Code::kNotFound) return std::optional<ReportRecord>();
    return v.status();
  }
  ReportRecord r;
  if (!DecodeReport(report, *v, &r)) return Status::Corruption("unreadable report record");
  MRC_RETURN_IF_ERROR(ReadReplies(store, &r));
  return std::optional<ReportRecord>(std::move(r));
}

Result<std::vector<ReportRecord>> ReadAll(
    storage::Store* store, std::size_t max, bool* more,
    const std::function<Result<bool>(const Hash32&)>& wanted) {
  std::vector<ReportRecord> out;
  *more = false;
  Bytes prefix(1, kReportTag);
  auto it = store->NewPrefixIterator(Column::kReports, prefix);
  std::size_t scanned = 0;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (out.size() == max || scanned++ == kMaxReportsScanned) {
      *more = true;
      break;
    }
    std::string_view k = it->key();
    if (k.size() != 33) return Status::Corruption("unreadable report key");
    ReportRecord r;
    if (!DecodeReport(Hash32FromView(k.substr(1)), it->value(), &r))
      return Status::Corruption("unreadable report record");
    MRC_ASSIGN_OR_RETURN(bool keep, wanted(r.doc));
    if (keep) out.push_back(std::move(r));
  }
  MRC_RETURN_IF_ERROR(it->status());
  for (auto& r : out) MRC_RETURN_IF_ERROR(ReadReplies(store, &r));
  return out;
}

Result<std::vector<ReportRecord>> ReadOfDoc(storage::Store* store, const Hash32& doc,
                                            std::size_t max, bool* more) {
  std::vector<Hash32> ids;
  *more = false;
  Bytes prefix = Key(kDocTag, doc);
  auto it = store->NewPrefixIterator(Column::kReports, prefix);
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (ids.size() == max) {
      *more = true;
      break;
    }
    std::string_view k = it->key();
    if (k.size() != 65) return Status::Corruption("unreadable report index key");
    ids.push_back(Hash32FromView(k.substr(33)));
  }
  MRC_RETURN_IF_ERROR(it->status());
  std::vector<ReportRecord> out;
  for (const Hash32& id : ids) {
    MRC_ASSIGN_OR_RETURN(auto r, ReadReport(store, id));
    if (r) out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace mrc::sync::reports
