#include "sync/referrals/referral_service.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "config/foundation/time.h"
#include "storage/store.h"
#include "sync/log/log.h"
#include "sync/referrals/referral.h"
#include "sync/referrals/referral_records.h"
#include "sync/trust/trust_records.h"
#include "sync/trust/trust_service.h"

namespace mrc::sync {
namespace {

using nlohmann::json;
using S = ReferralStatus;

constexpr std::string_view kAuditPrefix = "audit/referral/";

Status Bad(std::string_view field, std::string_view why) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(why));
}

// A text field: required or not (nullopt when absent), at most `max` bytes,
// not blank when required.
Result<std::string> Text(const std::optional<std::string>& v, std::string_view field, bool required,
                         std::size_t max) {
  if (!v) {
    if (required) return Bad(field, "is required");
    return std::string();
  }
  bool blank = std::all_of(v->begin(), v->end(), [](unsigned char c) { return std::isspace(c); });
  if (required && blank) return Bad(field, "must not be empty");
  if (v->size() > max) return Bad(field, "is longer than " + std::to_string(max) + " bytes");
  if (auto problem = ControlCharProblem(*v)) return Bad(field, *problem);
  return *v;
}

// The text sealed into an envelope; refused if it cannot be encoded (text
// that is not UTF-8).
Result<std::string> Sealable(const json& j) {
  try {
    return j.dump();
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("cannot encode the details: ") + e.what());
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return needle.empty() || Lower(haystack).find(Lower(needle)) != std::string::npos;
}

bool ReceiverStatus(S s) {
  return s == S::kReceived || s == S::kAccepted || s == S::kDeclined || s == S::kCompleted;
}

std::string At(std::uint64_t hlc) { return FormatTime(HlcMillis(hlc)); }

// The status a referral is in: its newest step; a withdrawal is the
// sender's last word (the receiving centre may have said something
// meanwhile, unaware of it), and an erasure overrides everything.
S CurrentStatus(const ReferralInfo& r) {
  if (r.erased) return S::kErased;
  for (const auto& s : r.steps)
    if (s.status == S::kWithdrawn) return S::kWithdrawn;
  return r.steps.empty() ? S::kSent : r.steps.back().status;
}

}  // namespace

ReferralService::ReferralService(Log* log, storage::Store* store, const KeyPair& identity,
                                 std::vector<BoxKeyPair> keys)
    : log_(log), store_(store), identity_(identity), keys_(std::move(keys)) {}

namespace {

// A string field, `fallback` when absent or of another type.
std::string StringIn(const json& j, const char* key, const std::string& fallback = "") {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                : fallback;
}

// The strings of a list field (anything else in it left out).
std::vector<std::string> StringsIn(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.is_object() && j.contains(key) && j[key].is_array()) {
    for (const auto& v : j[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// The client's part of the sealed details, checked.
Result<json> SealedClient(const CreateReferralRequest::Client& c) {
  json client;
  MRC_ASSIGN_OR_RETURN(client["name"], Text(c.name, "name", true, 200));
  MRC_ASSIGN_OR_RETURN(client["contact"], Text(c.contact, "contact", false, 300));
  MRC_ASSIGN_OR_RETURN(client["notes"], Text(c.notes, "notes", false, 8000));
  if (c.languages.size() > 20)
    return Bad("client.languages", "must be a list of at most 20 languages");
  for (const auto& l : c.languages) {
    if (l.empty() || l.size() > 50)
      return Bad("client.languages", "each language is a short non-empty string");
  }
  client["languages"] = c.languages;
  return client;
}

// What a new referral seals for the two centres, checked: the request's
// fields, when the consent was recorded, and `user`, who sends it. Other
// centres read it with DetailsIn.
Result<json> SealedDetails(const CreateReferralRequest& req, std::string_view user) {
  json details;
  MRC_ASSIGN_OR_RETURN(details["service"], Text(req.service, "service", true, 200));
  MRC_ASSIGN_OR_RETURN(details["reason"], Text(req.reason, "reason", true, 4000));
  MRC_ASSIGN_OR_RETURN(std::string urgency, Text(req.urgency, "urgency", false, 20));
  if (urgency.empty()) urgency = "routine";
  if (urgency != "routine" && urgency != "urgent" && urgency != "emergency")
    return Bad("urgency", "must be routine, urgent or emergency");
  details["urgency"] = urgency;
  if (!req.client) return Bad("client", "is required: at least the client's name or a pseudonym");
  MRC_ASSIGN_OR_RETURN(details["client"], SealedClient(*req.client));
  if (!req.consent) return Bad("consent", "is required: the client's recorded consent");
  if (!req.consent->given)
    return Bad("consent.given", "must be true: a client is referred only with consent");
  json consent{{"given", true}};
  MRC_ASSIGN_OR_RETURN(consent["scope"], Text(req.consent->scope, "scope", true, 1000));
  consent["recorded_at"] = FormatUtcMillis(WallMillis());
  details["consent"] = consent;
  details["by"] = std::string(user);
  return details;
}

// What another centre sealed is taken field by field, each of the type it
// must have: a sender's software may be older, newer or wrong.
SentDetails DetailsIn(const json& j) {
  const json none = json::object();
  const json& c = j.contains("client") && j["client"].is_object() ? j["client"] : none;
  const json& k = j.contains("consent") && j["consent"].is_object() ? j["consent"] : none;
  SentDetails d;
  d.service = StringIn(j, "service");
  d.reason = StringIn(j, "reason");
  d.urgency = StringIn(j, "urgency");
  if (d.urgency != "urgent" && d.urgency != "emergency") d.urgency = "routine";
  d.by = StringIn(j, "by");
  d.client.name = StringIn(c, "name");
  d.client.contact = StringIn(c, "contact");
  d.client.notes = StringIn(c, "notes");
  d.client.languages = StringsIn(c, "languages");
  d.consent.given = k.contains("given") && k["given"] == true;
  d.consent.scope = StringIn(k, "scope");
  d.consent.recorded_at = StringIn(k, "recorded_at");
  return d;
}

StatusNote NoteIn(const json& j) { return StatusNote{StringIn(j, "note"), StringIn(j, "by")}; }

// What the service needs from the log for one response, gathered once.
// This centre's keys: its own and those it succeeds (a referral sent or
// received before a `mrcnode key rotate` is still the centre's).
struct Own {
  std::vector<Hash32> keys;
  bool operator()(const Hash32& k) const {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
  }
  bool Party(const ReferralInfo& r) const { return (*this)(r.to) || (*this)(r.sender); }
  std::string Direction(const ReferralInfo& r) const {
    return (*this)(r.to) ? "in" : (*this)(r.sender) ? "out" : "relayed";
  }
};

Result<Own> OwnKeys(Log* log) {
  MRC_ASSIGN_OR_RETURN(auto keys, trust::OwnKeys(*log));
  return Own{std::move(keys)};
}

// What this node may set next on `r`.
std::vector<std::string> Actions(const ReferralInfo& r, const Own& own) {
  std::vector<std::string> actions;
  if (r.erased) return actions;
  std::optional<S> receiver_last;
  bool withdrawn = false;
  for (const auto& s : r.steps) {
    if (ReceiverStatus(s.status)) receiver_last = s.status;
    if (s.status == S::kWithdrawn) withdrawn = true;
  }
  if (own(r.to)) {
    if (!receiver_last || *receiver_last == S::kReceived) {
      actions.push_back("accepted");
      actions.push_back("declined");
    } else if (*receiver_last == S::kAccepted) {
      actions.push_back("completed");
    }
  }
  if (own(r.sender) && !withdrawn) actions.push_back("withdrawn");
  if (own.Party(r)) actions.push_back("erased");
  return actions;
}

struct View {
  Log* log;
  const std::vector<BoxKeyPair>& keys;
  Own own;
  std::map<Hash32, trust::MemberInfo> members;

  ReferralCentre Centre(const Hash32& key) {
    auto it = members.find(key);
    if (it == members.end()) {
      auto m = trust::Member(*log, key);
      trust::MemberInfo unknown;
      unknown.key = key;
      it = members.emplace(key, m.ok() ? *m : unknown).first;
    }
    return ReferralCentre{ToHex(key), it->second.name};
  }

  // The sealed part of a step, opened: nullopt when erased or not
  // addressed to this centre (why says which).
  std::optional<json> OpenStep(const ReferralInfo& r, const ReferralStep& s, std::string* why) {
    auto v = log->GetVersion(s.id);
    if (!v.ok()) {
      *why = v.status().message();
      return std::nullopt;
    }
    auto p = DecodeReferralPayload(v->payload);
    if (!p.ok() || p->erased || p->sealed.empty()) {
      *why = "erased";
      return std::nullopt;
    }
    std::string context = s.status == S::kSent ? SentContext(r.to) : NoteContext(r.id, s.status);
    for (const auto& k : keys) {
      auto o = Open(k, context, p->sealed);
      if (!o.ok()) continue;
      if (o->sender != v->entry.author) {
        *why = "sealed by another key than its author's";
        return std::nullopt;
      }
      json j = json::parse(o->payload, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) {
        *why = "unreadable content";
        return std::nullopt;
      }
      return j;
    }
    *why = "sealed for other centres";
    return std::nullopt;
  }

  ReferralSummary Summary(const ReferralInfo& r) {
    ReferralSummary s;
    s.id = ToHex(r.id);
    s.direction = own.Direction(r);
    s.from = Centre(r.sender);
    s.to = Centre(r.to);
    s.sent_at = At(r.hlc);
    s.status = ReferralStatusName(CurrentStatus(r));
    s.updated_at = At(r.steps.empty() ? r.hlc : r.steps.back().hlc);
    s.erased = r.erased;
    if (!r.erased && !r.steps.empty() && own.Party(r)) {
      std::string why;
      if (auto sealed = OpenStep(r, r.steps.front(), &why)) {
        SentDetails d = DetailsIn(*sealed);
        s.service = d.service;
        s.urgency = d.urgency;
      }
    }
    return s;
  }

  // Whether the envelope of a received step opened.
  std::optional<bool> Opened(const ReferralStep& s) {
    auto v = log->GetVersion(s.id);
    auto p = v.ok() ? DecodeReferralPayload(v->payload) : Result<ReferralPayload>(v.status());
    auto meta = p.ok() ? ParseReferralMeta(p->meta) : Result<ReferralMeta>(p.status());
    if (!meta.ok()) return std::nullopt;
    return meta->opened;
  }

  std::vector<TrailStep> Trail(const ReferralInfo& r) {
    std::vector<TrailStep> trail;
    for (const auto& s : r.steps) {
      TrailStep t;
      t.id = ToHex(s.id);
      t.status = ReferralStatusName(s.status);
      t.centre = Centre(s.author);
      t.at = At(s.hlc);
      if (s.status == S::kReceived) t.opened = Opened(s);
      if (s.status != S::kSent && s.sealed_size > 0 && own.Party(r) && !r.erased) {
        std::string why;
        if (auto sealed = OpenStep(r, s, &why)) t.note = NoteIn(*sealed);
      }
      trail.push_back(std::move(t));
    }
    return trail;
  }
};

}  // namespace

Status ReferralService::Record(std::string_view user, std::string_view action,
                               const Hash32& referral) {
  static std::atomic<std::uint32_t> counter{0};
  std::uint64_t now = WallMillis();
  std::string key(kAuditPrefix);
  PutU64(&key, now);
  PutU32(&key, counter.fetch_add(1));
  json event{{"at", FormatUtcMillis(now)},
             {"user", std::string(user)},
             {"action", std::string(action)},
             {"referral", ToHex(referral)}};
  storage::WriteBatch batch;
  batch.Put(storage::Column::kLocal, key,
            event.dump(-1, ' ', false, json::error_handler_t::replace));
  return store_->Write(&batch);
}

Result<std::string> ReferralService::Create(const CreateReferralRequest& request,
                                            std::string_view user) {
  if (!request.to) return Bad("to", "is required (a centre's key)");
  MRC_ASSIGN_OR_RETURN(Hash32 to, ParseHexId(*request.to, "to"));
  MRC_ASSIGN_OR_RETURN(json details, SealedDetails(request, user));

  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  if (own(to)) return Bad("to", "a centre does not refer clients to itself");
  auto target = trust::Member(*log_, to);
  if (!target.ok() || !target->member) {
    return Status::NotFound("to: " + ToHex(to) + " is not a member centre of this network");
  }
  if (!target->encryption_key) {
    return Status::Conflict("centre " + target->name +
                            " has not published an encryption key yet: it must run "
                            "and reach the network once before it can receive referrals");
  }
  if (keys_.empty()) return Status::Conflict("this centre has no encryption key");
  // Our own key must be known to the receiving centre's statuses (they are
  // sealed to us too).
  TrustService trust(log_, identity_);
  MRC_RETURN_IF_ERROR(trust.PublishEncryptionKey(keys_.front().public_key).status());
  std::vector<Hash32> recipients{*target->encryption_key};
  if (keys_.front().public_key != *target->encryption_key)
    recipients.push_back(keys_.front().public_key);
  MRC_ASSIGN_OR_RETURN(std::string text, Sealable(details));
  MRC_ASSIGN_OR_RETURN(Bytes sealed, Seal(identity_, SentContext(to), text, recipients));
  ReferralMeta meta;
  meta.status = S::kSent;
  meta.to = to;
  MRC_ASSIGN_OR_RETURN(
      auto ids, log_->Append({Draft{Kind::kReferral,
                                    Op::kPut,
                                    Hash32{},
                                    {},
                                    EncodeReferralPayload(ReferralMetaJson(meta), sealed)}}));
  MRC_RETURN_IF_ERROR(Record(user, "create", ids.front()));
  return ToHex(ids.front());
}

Result<ReferralList> ReferralService::List(std::string_view direction, std::string_view status,
                                           std::string_view urgency) {
  if (direction.empty()) direction = "all";
  if (direction != "all" && direction != "in" && direction != "out" && direction != "relayed")
    return Bad("direction", "must be in, out, relayed or all");
  S wanted{};
  if (!status.empty() && !ParseReferralStatus(status, &wanted))
    return Bad("status", "unknown status \"" + std::string(status) + "\"");
  MRC_ASSIGN_OR_RETURN(auto all, referrals::List(*log_));
  std::sort(all.begin(), all.end(),
            [](const ReferralInfo& a, const ReferralInfo& b) { return a.hlc > b.hlc; });
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  View view{log_, keys_, own, {}};
  ReferralList list;
  ReferralDirections& directions = list.directions;
  directions.all = all.size();
  for (const auto& r : all) {
    std::string dir = own.Direction(r);
    ++(dir == "in" ? directions.in : dir == "out" ? directions.out : directions.relayed);
    if (direction != "all" && dir != direction) continue;
    ReferralSummary s = view.Summary(r);
    if (!urgency.empty() && s.urgency.value_or("") != urgency) continue;
    // Counts are of the direction (and urgency) chosen, over every status.
    ++list.counts[s.status];
    ++list.total;
    if (!status.empty() && CurrentStatus(r) != wanted) continue;
    list.referrals.push_back(std::move(s));
  }
  return list;
}

Result<ReferralDetail> ReferralService::Get(std::string_view id_hex, std::string_view user) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(id_hex, "referral id"));
  MRC_ASSIGN_OR_RETURN(ReferralInfo r, referrals::Find(*log_, id));
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  View view{log_, keys_, own, {}};
  ReferralDetail d;
  static_cast<ReferralSummary&>(d) = view.Summary(r);
  bool party = own.Party(r);
  if (r.erased) {
    d.unreadable_reason = "erased";
  } else if (!party) {
    d.unreadable_reason = "only the two centres concerned can read it";
  } else if (auto sealed = view.OpenStep(r, r.steps.front(), &d.unreadable_reason)) {
    d.details = DetailsIn(*sealed);
  }
  d.trail = view.Trail(r);
  d.actions = Actions(r, own);
  if (r.erased) {
    d.erased_by = view.Centre(r.erased_by);
    d.erased_at = At(r.erased_hlc);
  }
  if (party) MRC_RETURN_IF_ERROR(Record(user, "view", id));
  return d;
}

Result<ReferralDetail> ReferralService::SetStatus(std::string_view id_hex,
                                                  const SetStatusRequest& request,
                                                  std::string_view user) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(id_hex, "referral id"));
  MRC_ASSIGN_OR_RETURN(std::string name, Text(request.status, "status", true, 20));
  S status{};
  if (!ParseReferralStatus(name, &status) || (status != S::kAccepted && status != S::kDeclined &&
                                              status != S::kCompleted && status != S::kWithdrawn)) {
    return Bad("status", "must be accepted, declined, completed or withdrawn");
  }
  bool note_required = status == S::kDeclined || status == S::kCompleted;
  MRC_ASSIGN_OR_RETURN(std::string note, Text(request.note, "note", note_required, 4000));
  MRC_ASSIGN_OR_RETURN(ReferralInfo r, referrals::Find(*log_, id));
  if (r.erased) return Status::Conflict("the referral was erased");
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  if (status == S::kWithdrawn ? !own(r.sender) : !own(r.to)) {
    return Status::PermissionDenied(status == S::kWithdrawn
                                        ? "only the sending centre withdraws a referral"
                                        : "only the receiving centre sets " + name);
  }
  // A receiving centre's statuses follow each other; a withdrawal follows
  // the sending.
  Hash32 parent = r.id;
  if (status != S::kWithdrawn) {
    for (const auto& s : r.steps) {
      if (ReceiverStatus(s.status)) parent = s.id;
    }
  }
  Bytes sealed;
  if (!note.empty()) {
    std::vector<Hash32> recipients;
    for (const Hash32& centre : {r.to, r.sender}) {
      auto m = trust::Member(*log_, centre);
      if (m.ok() && m->encryption_key &&
          std::find(recipients.begin(), recipients.end(), *m->encryption_key) == recipients.end())
        recipients.push_back(*m->encryption_key);
    }
    if (recipients.empty()) return Status::Conflict("no encryption key to seal the note to");
    MRC_ASSIGN_OR_RETURN(std::string text,
                         Sealable(json{{"note", note}, {"by", std::string(user)}}));
    MRC_ASSIGN_OR_RETURN(sealed, Seal(identity_, NoteContext(r.id, status), text, recipients));
  }
  ReferralMeta meta;
  meta.status = status;
  MRC_RETURN_IF_ERROR(log_->Append({Draft{Kind::kReferral,
                                          Op::kPut,
                                          r.id,
                                          {parent},
                                          EncodeReferralPayload(ReferralMetaJson(meta), sealed)}})
                          .status());
  MRC_RETURN_IF_ERROR(Record(user, name, id));
  return Get(id_hex, user);
}

Result<ReferralDetail> ReferralService::Erase(std::string_view id_hex, std::string_view user) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(id_hex, "referral id"));
  MRC_ASSIGN_OR_RETURN(ReferralInfo r, referrals::Find(*log_, id));
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  if (!own.Party(r))
    return Status::PermissionDenied("only the sending or the receiving centre erases a referral");
  if (!r.erased) {
    ReferralMeta meta;
    meta.status = S::kErased;
    Hash32 parent = r.steps.empty() ? r.id : r.steps.back().id;
    MRC_RETURN_IF_ERROR(log_->Append({Draft{Kind::kReferral,
                                            Op::kPut,
                                            r.id,
                                            {parent},
                                            EncodeReferralPayload(ReferralMetaJson(meta), "")}})
                            .status());
  }
  MRC_RETURN_IF_ERROR(Record(user, "erase", id));
  return Get(id_hex, user);
}

namespace {

// A centre document: its id and content.
using CentreDoc = std::pair<Hash32, json>;

// The directory's centre documents, to find a member centre's entry in.
class Directory {
 public:
  static Result<Directory> Read(Log& log) {
    Directory d;
    MRC_RETURN_IF_ERROR(log.ScanDocs(nullptr, [&](const DocState& doc) {
      if (doc.kind != Kind::kCentre || doc.deleted()) return true;
      auto v = log.GetVersion(doc.winner.id);
      if (!v.ok()) return true;
      json c = json::parse(v->payload, nullptr, /*allow_exceptions=*/false);
      if (!c.is_object()) return true;
      d.by_creator_[doc.creator].emplace_back(doc.id, c);
      d.by_name_.emplace(Lower(StringIn(c, "name")), std::make_pair(doc.id, c));
      return true;
    }));
    return d;
  }

  // The entry of a centre: the one with its name, or else the only centre
  // document it created (headquarters often writes them all).
  const CentreDoc* Entry(const trust::MemberInfo& m) const {
    if (auto it = by_name_.find(Lower(m.name)); it != by_name_.end()) return &it->second;
    if (auto it = by_creator_.find(m.key); it != by_creator_.end() && it->second.size() == 1)
      return &it->second.front();
    return nullptr;
  }

 private:
  std::map<Hash32, std::vector<CentreDoc>> by_creator_;
  std::map<std::string, CentreDoc> by_name_;
};

// A member centre as a target, with what its directory entry says.
TargetCentre Target(const trust::MemberInfo& m, const Directory& directory) {
  TargetCentre c;
  c.key = ToHex(m.key);
  c.name = m.name;
  c.city = m.city;
  c.country = m.country;
  if (const CentreDoc* entry = directory.Entry(m)) {
    const json& d = entry->second;
    c.directory = ToHex(entry->first);
    c.languages = StringsIn(d, "languages");
    c.services = StringsIn(d, "services");
    if (d.contains("location") && d["location"].is_object()) {
      c.city = StringIn(d["location"], "city", m.city);
      c.country = StringIn(d["location"], "country", m.country);
    }
  }
  return c;
}

bool AnyContains(const std::vector<std::string>& list, std::string_view want) {
  return want.empty() ||
         std::any_of(list.begin(), list.end(), [&](const auto& x) { return Contains(x, want); });
}

}  // namespace

Result<std::vector<TargetCentre>> ReferralService::Targets(std::string_view service,
                                                           std::string_view language,
                                                           std::string_view place) {
  MRC_ASSIGN_OR_RETURN(Directory directory, Directory::Read(*log_));
  MRC_ASSIGN_OR_RETURN(auto members, trust::Members(*log_));
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  std::vector<TargetCentre> out;
  for (const auto& m : members) {
    if (!m.member || m.revoked_from || !m.encryption_key || own(m.key)) continue;
    TargetCentre c = Target(m, directory);
    if (!AnyContains(c.services, service) || !AnyContains(c.languages, language)) continue;
    if (!place.empty() && !Contains(c.city, place) && !Contains(c.country, place)) continue;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::size_t> ReferralService::EraseExpired(std::uint64_t now_millis, std::uint32_t days) {
  MRC_ASSIGN_OR_RETURN(auto all, referrals::List(*log_));
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  std::uint64_t limit = std::uint64_t{days} * 24 * 3600 * 1000;
  std::size_t erased = 0;
  Status failure;
  for (const auto& r : all) {
    if (r.erased || !own.Party(r) || r.steps.empty()) continue;
    S s = CurrentStatus(r);
    if (s != S::kCompleted && s != S::kDeclined && s != S::kWithdrawn) continue;
    std::uint64_t closed = HlcMillis(r.steps.back().hlc);
    if (closed + limit > now_millis) continue;
    ReferralMeta meta;
    meta.status = S::kErased;
    // One that fails (a status signed meanwhile) is tried again next time;
    // the others go now.
    Status appended = log_->Append({Draft{Kind::kReferral,
                                          Op::kPut,
                                          r.id,
                                          {r.steps.back().id},
                                          EncodeReferralPayload(ReferralMetaJson(meta), "")}})
                          .status();
    if (!appended.ok()) {
      failure = appended;
      continue;
    }
    MRC_RETURN_IF_ERROR(Record("retention", "erase", r.id));
    ++erased;
  }
  if (erased == 0 && !failure.ok()) return failure;
  return erased;
}

Result<std::vector<AuditEvent>> ReferralService::Audit(std::size_t max) {
  std::vector<AuditEvent> events;
  auto it = store_->NewPrefixIterator(storage::Column::kLocal, kAuditPrefix);
  for (it->Seek(kAuditPrefix); it->Valid(); it->Next()) {
    json e = json::parse(it->value(), nullptr, /*allow_exceptions=*/false);
    if (!e.is_object()) continue;
    events.push_back(AuditEvent{StringIn(e, "at"), StringIn(e, "user"), StringIn(e, "action"),
                                StringIn(e, "referral")});
  }
  MRC_RETURN_IF_ERROR(it->status());
  std::reverse(events.begin(), events.end());
  if (events.size() > max) events.resize(max);
  return events;
}

}  // namespace mrc::sync
