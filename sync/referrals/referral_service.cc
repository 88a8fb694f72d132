#include "sync/referrals/referral_service.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "config/foundation/time.h"
#include "storage/store.h"
#include "sync/log/log.h"
#include "sync/log/request_json.h"
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

// A string field: required or not, at most `max` bytes, not blank.
Result<std::string> Text(const json& j, const char* field, bool required, std::size_t max) {
  if (!j.contains(field)) {
    if (required) return Bad(field, "is required");
    return std::string();
  }
  if (!j[field].is_string()) return Bad(field, "must be a string");
  std::string v = j[field].get<std::string>();
  bool blank = std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isspace(c); });
  if (required && blank) return Bad(field, "must not be empty");
  if (v.size() > max) return Bad(field, "is longer than " + std::to_string(max) + " bytes");
  return v;
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

std::string StringIn(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

json StringsIn(const json& j, const char* key) {
  json out = json::array();
  if (j.is_object() && j.contains(key) && j[key].is_array()) {
    for (const auto& v : j[key])
      if (v.is_string()) out.push_back(v);
  }
  return out;
}

json NormalDetails(const json& j) {
  const json none = json::object();
  const json& c = j.contains("client") && j["client"].is_object() ? j["client"] : none;
  const json& k = j.contains("consent") && j["consent"].is_object() ? j["consent"] : none;
  std::string urgency = StringIn(j, "urgency");
  if (urgency != "urgent" && urgency != "emergency") urgency = "routine";
  return json{{"service", StringIn(j, "service")},
              {"reason", StringIn(j, "reason")},
              {"urgency", urgency},
              {"by", StringIn(j, "by")},
              {"client",
               {{"name", StringIn(c, "name")},
                {"contact", StringIn(c, "contact")},
                {"notes", StringIn(c, "notes")},
                {"languages", StringsIn(c, "languages")}}},
              {"consent",
               {{"given", k.contains("given") && k["given"] == true},
                {"scope", StringIn(k, "scope")},
                {"recorded_at", StringIn(k, "recorded_at")}}}};
}

json NormalNote(const json& j) {
  return json{{"note", StringIn(j, "note")}, {"by", StringIn(j, "by")}};
}

// What the service needs from the log for one response, gathered once.
// This centre's keys: its own and those it succeeds (a referral sent or
// received before a `mrcnode key rotate` is still the centre's).
struct Own {
  std::vector<Hash32> keys;
  bool operator()(const Hash32& k) const {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
  }
};

Result<Own> OwnKeys(Log* log) {
  MRC_ASSIGN_OR_RETURN(auto keys, trust::OwnKeys(*log));
  return Own{std::move(keys)};
}

struct View {
  Log* log;
  const std::vector<BoxKeyPair>& keys;
  Own own;
  std::map<Hash32, trust::MemberInfo> members;

  json Centre(const Hash32& key) {
    auto it = members.find(key);
    if (it == members.end()) {
      auto m = trust::Member(*log, key);
      trust::MemberInfo unknown;
      unknown.key = key;
      it = members.emplace(key, m.ok() ? *m : unknown).first;
    }
    return json{{"key", ToHex(key)}, {"name", it->second.name}};
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
      // What another centre sealed is taken field by field, each of the
      // type it must have: a sender's software may be older, newer or wrong.
      return s.status == S::kSent ? NormalDetails(j) : NormalNote(j);
    }
    *why = "sealed for other centres";
    return std::nullopt;
  }

  json Summary(const ReferralInfo& r, bool read) {
    json j{{"id", ToHex(r.id)},
           {"direction", own(r.to)       ? "in"
                         : own(r.sender) ? "out"
                                         : "relayed"},
           {"from", Centre(r.sender)},
           {"to", Centre(r.to)},
           {"sent_at", At(r.hlc)},
           {"status", ReferralStatusName(CurrentStatus(r))},
           {"updated_at", At(r.steps.empty() ? r.hlc : r.steps.back().hlc)},
           {"erased", r.erased}};
    if (read && !r.erased && !r.steps.empty() && (own(r.to) || own(r.sender))) {
      std::string why;
      if (auto d = OpenStep(r, r.steps.front(), &why)) {
        j["service"] = d->value("service", "");
        j["urgency"] = d->value("urgency", "routine");
      }
    }
    return j;
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

Result<std::string> ReferralService::Create(std::string_view request_json, std::string_view user) {
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"to", "service", "reason", "urgency", "client", "consent"}));
  if (!req.contains("to") || !req["to"].is_string())
    return Bad("to", "is required (a centre's key)");
  MRC_ASSIGN_OR_RETURN(Hash32 to, ParseHexId(req["to"].get<std::string>(), "to"));
  json details;
  MRC_ASSIGN_OR_RETURN(details["service"], Text(req, "service", true, 200));
  MRC_ASSIGN_OR_RETURN(details["reason"], Text(req, "reason", true, 4000));
  MRC_ASSIGN_OR_RETURN(std::string urgency, Text(req, "urgency", false, 20));
  if (urgency.empty()) urgency = "routine";
  if (urgency != "routine" && urgency != "urgent" && urgency != "emergency")
    return Bad("urgency", "must be routine, urgent or emergency");
  details["urgency"] = urgency;
  if (!req.contains("client") || !req["client"].is_object())
    return Bad("client", "is required: at least the client's name or a pseudonym");
  const json& c = req["client"];
  MRC_RETURN_IF_ERROR(OnlyKeys(c, {"name", "contact", "languages", "notes"}));
  json client;
  MRC_ASSIGN_OR_RETURN(client["name"], Text(c, "name", true, 200));
  MRC_ASSIGN_OR_RETURN(client["contact"], Text(c, "contact", false, 300));
  MRC_ASSIGN_OR_RETURN(client["notes"], Text(c, "notes", false, 8000));
  client["languages"] = json::array();
  if (c.contains("languages")) {
    if (!c["languages"].is_array() || c["languages"].size() > 20)
      return Bad("client.languages", "must be a list of at most 20 languages");
    for (const auto& l : c["languages"]) {
      if (!l.is_string() || l.get_ref<const std::string&>().empty() ||
          l.get_ref<const std::string&>().size() > 50)
        return Bad("client.languages", "each language is a short non-empty string");
      client["languages"].push_back(l);
    }
  }
  details["client"] = client;
  if (!req.contains("consent") || !req["consent"].is_object())
    return Bad("consent", "is required: the client's recorded consent");
  const json& k = req["consent"];
  MRC_RETURN_IF_ERROR(OnlyKeys(k, {"given", "scope"}));
  if (!k.contains("given") || k["given"] != true)
    return Bad("consent.given", "must be true: a client is referred only with consent");
  json consent{{"given", true}};
  MRC_ASSIGN_OR_RETURN(consent["scope"], Text(k, "scope", true, 1000));
  consent["recorded_at"] = FormatUtcMillis(WallMillis());
  details["consent"] = consent;
  details["by"] = std::string(user);

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
  MRC_ASSIGN_OR_RETURN(std::string text, DumpResponse(details));
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
  return DumpResponse(json{{"id", ToHex(ids.front())}});
}

Result<std::string> ReferralService::List(std::string_view direction, std::string_view status,
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
  json list = json::array();
  json counts = json::object();
  json directions = {{"in", 0}, {"out", 0}, {"relayed", 0}, {"all", all.size()}};
  std::size_t total = 0;
  for (const auto& r : all) {
    std::string dir = own(r.to) ? "in" : own(r.sender) ? "out" : "relayed";
    directions[dir] = directions[dir].get<std::size_t>() + 1;
    if (direction != "all" && dir != direction) continue;
    json s = view.Summary(r, /*read=*/true);
    if (!urgency.empty() && s.value("urgency", "") != urgency) continue;
    // Counts are of the direction (and urgency) chosen, over every status.
    std::string st = s["status"].get<std::string>();
    counts[st] = counts.value(st, 0) + 1;
    ++total;
    if (!status.empty() && CurrentStatus(r) != wanted) continue;
    list.push_back(std::move(s));
  }
  counts["total"] = total;
  return DumpResponse(json{{"referrals", list}, {"counts", counts}, {"directions", directions}});
}

Result<std::string> ReferralService::Get(std::string_view id_hex, std::string_view user) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(id_hex, "referral id"));
  MRC_ASSIGN_OR_RETURN(ReferralInfo r, referrals::Find(*log_, id));
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  View view{log_, keys_, own, {}};
  json j = view.Summary(r, /*read=*/true);
  bool party = own(r.to) || own(r.sender);
  std::string why;
  std::optional<json> details;
  if (r.erased) {
    why = "erased";
  } else if (!party) {
    why = "only the two centres concerned can read it";
  } else {
    details = view.OpenStep(r, r.steps.front(), &why);
  }
  j["readable"] = details.has_value();
  if (details) {
    j["details"] = *details;
  } else {
    j["unreadable_reason"] = why;
  }
  json trail = json::array();
  std::optional<S> receiver_last;
  bool withdrawn = false;
  for (const auto& s : r.steps) {
    json t{{"id", ToHex(s.id)},
           {"status", ReferralStatusName(s.status)},
           {"centre", view.Centre(s.author)},
           {"at", At(s.hlc)}};
    if (s.status == S::kReceived) {
      auto v = log_->GetVersion(s.id);
      auto p = v.ok() ? DecodeReferralPayload(v->payload) : Result<ReferralPayload>(v.status());
      auto meta = p.ok() ? ParseReferralMeta(p->meta) : Result<ReferralMeta>(p.status());
      if (meta.ok()) t["opened"] = meta->opened;
    }
    if (s.status != S::kSent && s.sealed_size > 0 && party && !r.erased) {
      std::string note_why;
      if (auto note = view.OpenStep(r, s, &note_why)) {
        t["note"] = note->value("note", "");
        t["by"] = note->value("by", "");
      }
    }
    if (ReceiverStatus(s.status)) receiver_last = s.status;
    if (s.status == S::kWithdrawn) withdrawn = true;
    trail.push_back(std::move(t));
  }
  j["trail"] = trail;
  json actions = json::array();
  if (!r.erased) {
    if (own(r.to)) {
      if (!receiver_last || *receiver_last == S::kReceived) {
        actions.push_back("accepted");
        actions.push_back("declined");
      } else if (*receiver_last == S::kAccepted) {
        actions.push_back("completed");
      }
    }
    if (own(r.sender) && !withdrawn) actions.push_back("withdrawn");
    if (party) actions.push_back("erased");
  }
  j["actions"] = actions;
  if (r.erased) {
    j["erased_by"] = view.Centre(r.erased_by);
    j["erased_at"] = At(r.erased_hlc);
  }
  if (party) MRC_RETURN_IF_ERROR(Record(user, "view", id));
  return DumpResponse(j);
}

Result<std::string> ReferralService::SetStatus(std::string_view id_hex,
                                               std::string_view request_json,
                                               std::string_view user) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(id_hex, "referral id"));
  MRC_ASSIGN_OR_RETURN(json req, ParseRequestObject(request_json));
  MRC_RETURN_IF_ERROR(OnlyKeys(req, {"status", "note"}));
  MRC_ASSIGN_OR_RETURN(std::string name, Text(req, "status", true, 20));
  S status{};
  if (!ParseReferralStatus(name, &status) || (status != S::kAccepted && status != S::kDeclined &&
                                              status != S::kCompleted && status != S::kWithdrawn)) {
    return Bad("status", "must be accepted, declined, completed or withdrawn");
  }
  bool note_required = status == S::kDeclined || status == S::kCompleted;
  MRC_ASSIGN_OR_RETURN(std::string note, Text(req, "note", note_required, 4000));
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
                         DumpResponse(json{{"note", note}, {"by", std::string(user)}}));
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

Result<std::string> ReferralService::Erase(std::string_view id_hex, std::string_view user) {
  MRC_ASSIGN_OR_RETURN(Hash32 id, ParseHexId(id_hex, "referral id"));
  MRC_ASSIGN_OR_RETURN(ReferralInfo r, referrals::Find(*log_, id));
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  if (!own(r.to) && !own(r.sender))
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

Result<std::string> ReferralService::Targets(std::string_view service, std::string_view language,
                                             std::string_view place) {
  // The directory entry of a centre: the one with its name, or else the
  // only centre document it created (headquarters often writes them all).
  std::map<Hash32, std::vector<std::pair<Hash32, json>>> by_creator;
  std::map<std::string, std::pair<Hash32, json>> by_name;
  MRC_RETURN_IF_ERROR(log_->ScanDocs(nullptr, [&](const DocState& d) {
    if (d.kind != Kind::kCentre || d.deleted()) return true;
    auto v = log_->GetVersion(d.winner.id);
    if (!v.ok()) return true;
    json c = json::parse(v->payload, nullptr, /*allow_exceptions=*/false);
    if (!c.is_object()) return true;
    by_creator[d.creator].emplace_back(d.id, c);
    by_name.emplace(Lower(c.value("name", "")), std::make_pair(d.id, c));
    return true;
  }));
  MRC_ASSIGN_OR_RETURN(auto members, trust::Members(*log_));
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  json out = json::array();
  for (const auto& m : members) {
    if (!m.member || m.revoked_from || !m.encryption_key || own(m.key)) continue;
    json c{{"key", ToHex(m.key)},
           {"name", m.name},
           {"city", m.city},
           {"country", m.country},
           {"languages", json::array()},
           {"services", json::array()}};
    const std::pair<Hash32, json>* dir = nullptr;
    if (auto it = by_name.find(Lower(m.name)); it != by_name.end()) dir = &it->second;
    if (!dir) {
      if (auto it = by_creator.find(m.key); it != by_creator.end() && it->second.size() == 1)
        dir = &it->second.front();
    }
    if (dir) {
      const json& d = dir->second;
      c["directory"] = ToHex(dir->first);
      if (d.contains("languages") && d["languages"].is_array()) c["languages"] = d["languages"];
      if (d.contains("services") && d["services"].is_array()) c["services"] = d["services"];
      if (d.contains("location") && d["location"].is_object()) {
        c["city"] = d["location"].value("city", m.city);
        c["country"] = d["location"].value("country", m.country);
      }
    }
    auto any = [](const json& list, std::string_view want) {
      if (want.empty()) return true;
      for (const auto& x : list) {
        if (x.is_string() && Contains(x.get<std::string>(), want)) return true;
      }
      return false;
    };
    if (!any(c["services"], service) || !any(c["languages"], language)) continue;
    if (!place.empty() && !Contains(c["city"].get<std::string>(), place) &&
        !Contains(c["country"].get<std::string>(), place))
      continue;
    out.push_back(std::move(c));
  }
  return DumpResponse(json{{"centres", out}});
}

Result<std::size_t> ReferralService::EraseExpired(std::uint64_t now_millis, std::uint32_t days) {
  MRC_ASSIGN_OR_RETURN(auto all, referrals::List(*log_));
  MRC_ASSIGN_OR_RETURN(Own own, OwnKeys(log_));
  std::uint64_t limit = std::uint64_t{days} * 24 * 3600 * 1000;
  std::size_t erased = 0;
  Status failure;
  for (const auto& r : all) {
    if (r.erased || (!own(r.to) && !own(r.sender)) || r.steps.empty()) continue;
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

Result<std::string> ReferralService::Audit(std::size_t max) {
  std::vector<json> events;
  auto it = store_->NewPrefixIterator(storage::Column::kLocal, kAuditPrefix);
  for (it->Seek(kAuditPrefix); it->Valid(); it->Next()) {
    json e = json::parse(it->value(), nullptr, /*allow_exceptions=*/false);
    if (e.is_object()) events.push_back(std::move(e));
  }
  MRC_RETURN_IF_ERROR(it->status());
  json out = json::array();
  for (auto e = events.rbegin(); e != events.rend() && out.size() < max; ++e) out.push_back(*e);
  return DumpResponse(json{{"events", out}});
}

}  // namespace mrc::sync
