// Parsing and canonical forms of trust statements, receipts and enrolment
// requests. Parsing is strict (unknown fields refused) so that every node
// reads a statement the same way.
#include "sync/trust/trust.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"

namespace mrc::sync {
namespace {

using nlohmann::json;

constexpr std::string_view kRequestPrefix = "mrc-enrol-1.";
constexpr std::string_view kRequestSigTag = "mrc-enrol-v1";

Status Bad(std::string_view field, std::string_view why) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(why));
}

Status OnlyKeys(const json& j, std::initializer_list<std::string_view> allowed,
                std::string_view what) {
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Bad(key, "unknown field in " + std::string(what));
    }
  }
  return Status::Ok();
}

Result<std::string> Text(const json& j, const char* field, bool required, std::size_t max = 200) {
  if (!j.contains(field)) {
    if (required) return Bad(field, "is required");
    return std::string();
  }
  const json& v = j[field];
  if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
      v.get_ref<const std::string&>().size() > max) {
    return Bad(field, "must be a non-empty string of at most " + std::to_string(max) + " bytes");
  }
  if (auto problem = ControlCharProblem(v.get_ref<const std::string&>()))
    return Bad(field, *problem);
  return v.get<std::string>();
}

Result<Hash32> Key(const json& j, const char* field) {
  if (!j.contains(field) || !j[field].is_string())
    return Bad(field, "is required (64 hex characters)");
  auto h = Hash32FromHex(j[field].get<std::string>());
  if (!h) return Bad(field, "must be 64 lowercase hex characters");
  return *h;
}

Result<std::string> Country(const json& j) {
  MRC_ASSIGN_OR_RETURN(std::string c, Text(j, "country", false, 2));
  if (!c.empty() && (c.size() != 2 || !std::isupper(static_cast<unsigned char>(c[0])) ||
                     !std::isupper(static_cast<unsigned char>(c[1])))) {
    return Bad("country", "must be an ISO 3166-1 alpha-2 code such as \"AL\"");
  }
  return c;
}

Result<json> ParseJsonObject(std::string_view payload, std::string_view what) {
  json j = JsonNestsAtMost(payload, kMaxJsonNesting)
               ? json::parse(payload, nullptr, /*allow_exceptions=*/false)
               : json(json::value_t::discarded);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(std::string(what) + " is not a JSON object");
  }
  return j;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

bool Statement::has_role(std::string_view r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

Result<Statement> ParseStatement(std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(json j, ParseJsonObject(payload, "trust statement"));
  MRC_ASSIGN_OR_RETURN(std::string type, Text(j, "type", true));
  Statement s;
  if (type == "approve") {
    s.type = Statement::Type::kApprove;
    MRC_RETURN_IF_ERROR(OnlyKeys(j, {"type", "key", "roles", "name", "city", "country", "replaces"},
                                 "an approval"));
    MRC_ASSIGN_OR_RETURN(s.key, Key(j, "key"));
    MRC_ASSIGN_OR_RETURN(s.name, Text(j, "name", true));
    MRC_ASSIGN_OR_RETURN(s.city, Text(j, "city", false));
    MRC_ASSIGN_OR_RETURN(s.country, Country(j));
    if (!j.contains("roles") || !j["roles"].is_array() || j["roles"].empty()) {
      return Bad("roles", "is required: a non-empty list of \"centre\" and/or \"hq\"");
    }
    for (const auto& r : j["roles"]) {
      if (r != "centre" && r != "hq")
        return Bad("roles", "every role must be \"centre\" or \"hq\"");
      s.roles.push_back(r.get<std::string>());
    }
    std::sort(s.roles.begin(), s.roles.end());
    if (std::adjacent_find(s.roles.begin(), s.roles.end()) != s.roles.end()) {
      return Bad("roles", "lists a role twice");
    }
    if (j.contains("replaces")) {
      MRC_ASSIGN_OR_RETURN(Hash32 old, Key(j, "replaces"));
      if (old == s.key) return Bad("replaces", "a key cannot replace itself");
      s.replaces = old;
    }
  } else if (type == "revoke") {
    s.type = Statement::Type::kRevoke;
    MRC_RETURN_IF_ERROR(OnlyKeys(j, {"type", "key", "from_seq", "reason"}, "a revocation"));
    MRC_ASSIGN_OR_RETURN(s.key, Key(j, "key"));
    if (!j.contains("from_seq") || !j["from_seq"].is_number_unsigned() ||
        j["from_seq"].get<std::uint64_t>() < 1) {
      return Bad("from_seq", "is required: the first seq of the key's feed to reject, >= 1");
    }
    s.from_seq = j["from_seq"].get<std::uint64_t>();
    MRC_ASSIGN_OR_RETURN(s.reason, Text(j, "reason", true, 500));
  } else if (type == "rotate") {
    s.type = Statement::Type::kRotate;
    MRC_RETURN_IF_ERROR(OnlyKeys(j, {"type", "new_key"}, "a rotation"));
    MRC_ASSIGN_OR_RETURN(s.key, Key(j, "new_key"));
  } else if (type == "encryption") {
    s.type = Statement::Type::kEncryption;
    MRC_RETURN_IF_ERROR(OnlyKeys(j, {"type", "key"}, "an encryption key"));
    MRC_ASSIGN_OR_RETURN(s.key, Key(j, "key"));
  } else {
    return Bad("type", "must be approve, revoke, rotate or encryption");
  }
  return s;
}

Result<std::string> StatementPayload(const Statement& s) {
  json j;
  switch (s.type) {
    case Statement::Type::kApprove:
      j = {{"type", "approve"}, {"key", ToHex(s.key)}, {"roles", s.roles}, {"name", s.name}};
      if (!s.city.empty()) j["city"] = s.city;
      if (!s.country.empty()) j["country"] = s.country;
      if (s.replaces) j["replaces"] = ToHex(*s.replaces);
      break;
    case Statement::Type::kRevoke:
      j = {{"type", "revoke"},
           {"key", ToHex(s.key)},
           {"from_seq", s.from_seq},
           {"reason", s.reason}};
      break;
    case Statement::Type::kRotate:
      j = {{"type", "rotate"}, {"new_key", ToHex(s.key)}};
      break;
    case Statement::Type::kEncryption:
      j = {{"type", "encryption"}, {"key", ToHex(s.key)}};
      break;
  }
  std::string text = Dump(j);
  MRC_RETURN_IF_ERROR(ParseStatement(text).status());
  return text;
}

Result<ReceiptBody> ParseReceipt(std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(json j, ParseJsonObject(payload, "receipt"));
  MRC_RETURN_IF_ERROR(OnlyKeys(j, {"type", "by"}, "a receipt"));
  MRC_ASSIGN_OR_RETURN(std::string type, Text(j, "type", true));
  ReceiptBody r;
  if (type == "acknowledged") {
    r.acknowledged = true;
    MRC_ASSIGN_OR_RETURN(r.by, Text(j, "by", false));
  } else if (type == "received") {
    if (j.contains("by")) return Bad("by", "only an acknowledgement names who read it");
  } else {
    return Bad("type", "must be received or acknowledged");
  }
  return r;
}

std::string ReceiptPayload(const ReceiptBody& r) {
  json j{{"type", r.acknowledged ? "acknowledged" : "received"}};
  if (r.acknowledged && !r.by.empty()) j["by"] = r.by;
  return Dump(j);
}

Result<std::string> ParseDecline(std::string_view payload) {
  MRC_ASSIGN_OR_RETURN(json j, ParseJsonObject(payload, "decline"));
  MRC_RETURN_IF_ERROR(OnlyKeys(j, {"reason"}, "a decline"));
  return Text(j, "reason", true, 500);
}

std::string DeclinePayload(std::string_view reason) { return Dump(json{{"reason", reason}}); }

std::string MakeEnrolmentRequest(const KeyPair& key, const EnrolmentRequest& r) {
  json j{{"network", ToHex(r.network_id)}, {"key", ToHex(key.public_key)}, {"name", r.name}};
  if (!r.city.empty()) j["city"] = r.city;
  if (!r.country.empty()) j["country"] = r.country;
  if (r.replaces) j["replaces"] = ToHex(*r.replaces);
  if (r.rotation) j["rotation"] = ToHex(*r.rotation);
  std::string body = Dump(j);
  Signature sig = Sign(key, std::string(kRequestSigTag) + body);
  Bytes all = body;
  all.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  return std::string(kRequestPrefix) + ToHex(all);
}

Result<EnrolmentRequest> ParseEnrolmentRequest(std::string_view text, const Hash32& network_id) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  auto bad = [](std::string_view why) {
    return Status::InvalidArgument("enrolment request: " + std::string(why));
  };
  if (text.substr(0, kRequestPrefix.size()) != kRequestPrefix) {
    return bad(
        "does not start with \"mrc-enrol-1.\" (is this the file `mrcnode member request` wrote?)");
  }
  auto raw = FromHex(text.substr(kRequestPrefix.size()));
  if (!raw || raw->size() <= 64) return bad("truncated or not hex");
  std::string_view all = *raw;
  std::string_view body = all.substr(0, all.size() - 64);
  Signature sig;
  std::copy(all.end() - 64, all.end(), sig.begin());
  json j = JsonNestsAtMost(body, kMaxJsonNesting) ? json::parse(body, nullptr, false)
                                                  : json(json::value_t::discarded);
  if (j.is_discarded() || !j.is_object()) return bad("unreadable body");
  Status keys = OnlyKeys(j, {"network", "key", "name", "city", "country", "replaces", "rotation"},
                         "a request");
  if (!keys.ok()) return bad(keys.message());
  EnrolmentRequest r;
  auto field = [&](const char* name, Hash32* out) -> Status {
    auto h = Key(j, name);
    if (!h.ok()) return bad(h.status().message());
    *out = *h;
    return Status::Ok();
  };
  MRC_RETURN_IF_ERROR(field("network", &r.network_id));
  MRC_RETURN_IF_ERROR(field("key", &r.key));
  if (!VerifySignature(r.key, std::string(kRequestSigTag) + std::string(body), sig)) {
    return bad("signature does not verify: altered, or not made by the key it names");
  }
  if (r.network_id != network_id) return bad("made for another network");
  auto name = Text(j, "name", true);
  auto city = Text(j, "city", false);
  auto country = Country(j);
  for (const Status* s : {&name.status(), &city.status(), &country.status()}) {
    if (!s->ok()) return bad(s->message());
  }
  r.name = *name;
  r.city = *city;
  r.country = *country;
  if (j.contains("replaces") != j.contains("rotation")) {
    return bad("a rotation names both the old key and its rotate statement");
  }
  if (j.contains("replaces")) {
    Hash32 old{}, rot{};
    MRC_RETURN_IF_ERROR(field("replaces", &old));
    MRC_RETURN_IF_ERROR(field("rotation", &rot));
    r.replaces = old;
    r.rotation = rot;
  }
  return r;
}

}  // namespace mrc::sync
