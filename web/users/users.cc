#include "web/users/users.h"

#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/foundation/bytes.h"
#include "config/foundation/time.h"
#include "storage/store.h"

namespace mrc::web {
namespace {

using nlohmann::json;
using storage::Column;

// kLocal keys.
constexpr std::string_view kUserPrefix = "user/";        // name -> user JSON
constexpr std::string_view kSessionPrefix = "session/";  // hex(hash(token)) -> session JSON
constexpr std::string_view kTokenPrefix = "api-token/";  // hex(hash(token)) -> token JSON

std::string HashHex(std::string_view token) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return ToHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return ToHex(raw);
}

Status CheckName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
  if (!ok) {
    return Status::InvalidArgument("user name '" + std::string(name.substr(0, 40)) +
                                   "' must be 1 to 32 of a-z, 0-9, '.', '_' and '-'");
  }
  return Status::Ok();
}

Status CheckDisplayName(std::string_view display_name) {
  if (display_name.size() > 100 || !IsValidUtf8(display_name) || ControlCharProblem(display_name) ||
      display_name.find('\n') != std::string_view::npos ||
      display_name.find('\t') != std::string_view::npos) {
    return Status::InvalidArgument(
        "a display name is at most 100 bytes of UTF-8, on one line, without control characters");
  }
  return Status::Ok();
}

Status CheckPassword(std::string_view password) {
  if (password.size() < 8)
    return Status::InvalidArgument("the password must have at least 8 characters");
  if (password.size() > 1024)
    return Status::InvalidArgument("the password is longer than 1024 bytes");
  return Status::Ok();
}

Status CheckLanguage(std::string_view tag) {
  if (tag.empty()) return Status::Ok();
  std::string_view primary = tag.substr(0, tag.find('-'));
  auto letters = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  };
  bool ok = primary.size() >= 2 && primary.size() <= 3 && letters(primary);
  if (ok && primary.size() < tag.size()) {
    std::string_view region = tag.substr(primary.size() + 1);
    ok = region.size() >= 2 && region.size() <= 4 &&
         std::all_of(region.begin(), region.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  }
  if (!ok) {
    return Status::InvalidArgument("language '" + std::string(tag.substr(0, 20)) +
                                   "' is not a language tag like 'fr' or 'pt-BR'");
  }
  return Status::Ok();
}

const Status kBadLogin = Status::Unauthenticated("wrong user name or password");

// What the login delays key on: a name or an address longer than this is
// not a real one.
std::string Trimmed(std::string_view s) { return std::string(s.substr(0, 64)); }

std::uint32_t Seconds(std::uint64_t millis) {
  return static_cast<std::uint32_t>(std::min<std::uint64_t>((millis + 999) / 1000, UINT32_MAX));
}

Status TooEarly(std::uint64_t wait_ms) {
  return Status::ResourceExhausted("too many wrong passwords; try again in " +
                                   std::to_string(std::max<std::uint32_t>(Seconds(wait_ms), 1)) +
                                   " s");
}

// A hash of a password nobody types, checked in place of an unknown
// user's: so that timing does not tell which names exist.
const std::string& DummyHash() {
  static const std::string dummy = [] {
    char h[crypto_pwhash_STRBYTES] = {0};
    if (crypto_pwhash_str_alg(h, "x", 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
      return std::string();
    }
    return std::string(h);
  }();
  return dummy;
}

// Holds one of the Users' Argon2id slots.
class Argon2Slot {
 public:
  explicit Argon2Slot(std::counting_semaphore<Users::kMaxArgon2AtOnce>& slots) : slots_(slots) {
    slots_.acquire();
  }
  ~Argon2Slot() { slots_.release(); }
  Argon2Slot(const Argon2Slot&) = delete;
  Argon2Slot& operator=(const Argon2Slot&) = delete;

 private:
  std::counting_semaphore<Users::kMaxArgon2AtOnce>& slots_;
};

}  // namespace

Users::Users(storage::Store* store, LoginLimits limits, std::uint32_t argon2_at_once)
    : store_(store),
      argon2_slots_(std::clamp<std::ptrdiff_t>(argon2_at_once, 1, kMaxArgon2AtOnce)),
      throttle_(limits) {}

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kCounsellor:
      return "counsellor";
    case Role::kEditor:
      return "editor";
    case Role::kAdmin:
      return "admin";
  }
  return "counsellor";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kCounsellor, Role::kEditor, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::uint64_t Users::Now() const { return now_ ? now_() : WallMillis(); }

Result<std::string> Users::HashPassword(std::string_view password) {
  char hash[crypto_pwhash_STRBYTES];
  Argon2Slot slot(argon2_slots_);
  ++argon2_runs_;
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Unavailable("not enough memory to hash the password");
  }
  return std::string(hash);
}

Status Users::Put(const User& u, std::string_view hash) {
  json j = {{"role", RoleName(u.role)},  {"hash", hash},
            {"language", u.language},    {"display_name", u.display_name},
            {"created", u.created_ms},   {"changed", u.changed_ms},
            {"generation", u.generation}};
  storage::WriteBatch batch;
  batch.Put(Column::kLocal, std::string(kUserPrefix) + u.name, j.dump());
  return Write(&batch);
}

Result<std::pair<User, std::string>> Users::Load(std::string_view name) {
  auto raw = store_->Get(Column::kLocal, std::string(kUserPrefix) + std::string(name));
  if (raw.status().IsNotFound()) return Status::NotFound("no user '" + std::string(name) + "'");
  if (!raw.ok()) return raw.status();
  json j = json::parse(*raw, nullptr, false);
  std::optional<Role> role;
  if (j.is_object() && j.contains("role") && j["role"].is_string())
    role = ParseRole(j["role"].get<std::string>());
  if (!role || !j.contains("hash") || !j["hash"].is_string()) {
    return Status::Corruption("unreadable record of user '" + std::string(name) + "'");
  }
  User u;
  u.name = std::string(name);
  u.role = *role;
  u.language = j.value("language", "");
  u.display_name = j.value("display_name", "");
  u.created_ms = j.value("created", std::uint64_t{0});
  u.changed_ms = j.value("changed", std::uint64_t{0});
  u.generation = j.value("generation", std::uint64_t{0});
  return std::make_pair(u, j["hash"].get<std::string>());
}

std::string SigningName(const User& u) { return u.display_name.empty() ? u.name : u.display_name; }

Status Users::Add(std::string_view name, Role role, std::string_view password,
                  std::string_view display_name) {
  MRC_RETURN_IF_ERROR(CheckName(name));
  MRC_RETURN_IF_ERROR(CheckDisplayName(display_name));
  MRC_RETURN_IF_ERROR(CheckPassword(password));
  std::lock_guard change(change_mu_);
  auto existing = Load(name);
  if (existing.ok()) return Status::Conflict("user '" + std::string(name) + "' exists already");
  if (!existing.status().IsNotFound()) return existing.status();
  MRC_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  User u;
  u.name = std::string(name);
  u.role = role;
  u.display_name = std::string(display_name);
  u.created_ms = u.changed_ms = Now();
  return Put(u, hash);
}

Status Users::SetPassword(std::string_view name, std::string_view password) {
  MRC_RETURN_IF_ERROR(CheckPassword(password));
  std::lock_guard change(change_mu_);
  MRC_ASSIGN_OR_RETURN(auto loaded, Load(name));
  MRC_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  loaded.first.changed_ms = Now();
  loaded.first.generation++;
  MRC_RETURN_IF_ERROR(Put(loaded.first, hash));
  // A new password usually means the old one may have leaked: the API
  // tokens made under it go too (sessions end by the generation).
  return DeleteWithPrefix(kTokenPrefix, loaded.first.name);
}

Status Users::SetRole(std::string_view name, Role role) {
  std::lock_guard change(change_mu_);
  MRC_ASSIGN_OR_RETURN(auto loaded, Load(name));
  if (loaded.first.role == role) return Status::Ok();
  loaded.first.role = role;
  loaded.first.changed_ms = Now();
  loaded.first.generation++;
  return Put(loaded.first, loaded.second);
}

Status Users::SetLanguage(std::string_view name, std::string_view language) {
  MRC_RETURN_IF_ERROR(CheckLanguage(language));
  return SetText(name, &User::language, language);
}

Status Users::SetDisplayName(std::string_view name, std::string_view display_name) {
  MRC_RETURN_IF_ERROR(CheckDisplayName(display_name));
  return SetText(name, &User::display_name, display_name);
}

Status Users::SetText(std::string_view name, std::string User::*field, std::string_view value) {
  std::lock_guard change(change_mu_);
  MRC_ASSIGN_OR_RETURN(auto loaded, Load(name));
  loaded.first.*field = std::string(value);
  return Put(loaded.first, loaded.second);
}

Status Users::DeleteWithPrefix(std::string_view prefix, std::string_view user) {
  storage::WriteBatch batch;
  auto it = store_->NewPrefixIterator(Column::kLocal, prefix);
  for (it->Seek(prefix); it->Valid() && it->key().substr(0, prefix.size()) == prefix; it->Next()) {
    json j = json::parse(it->value(), nullptr, false);
    if (j.is_object() && j.value("user", "") == user) batch.Delete(Column::kLocal, it->key());
  }
  MRC_RETURN_IF_ERROR(it->status());
  return Write(&batch);
}

Status Users::Remove(std::string_view name) {
  std::lock_guard change(change_mu_);
  MRC_RETURN_IF_ERROR(Load(name).status());
  MRC_RETURN_IF_ERROR(DeleteWithPrefix(kSessionPrefix, name));
  MRC_RETURN_IF_ERROR(DeleteWithPrefix(kTokenPrefix, name));
  storage::WriteBatch batch;
  batch.Delete(Column::kLocal, std::string(kUserPrefix) + std::string(name));
  return Write(&batch);
}

Result<User> Users::Get(std::string_view name) {
  MRC_ASSIGN_OR_RETURN(auto loaded, Load(name));
  return loaded.first;
}

Result<std::vector<User>> Users::List() {
  std::vector<User> out;
  auto it = store_->NewPrefixIterator(Column::kLocal, kUserPrefix);
  for (it->Seek(kUserPrefix); it->Valid() && it->key().substr(0, kUserPrefix.size()) == kUserPrefix;
       it->Next()) {
    MRC_ASSIGN_OR_RETURN(auto loaded, Load(it->key().substr(kUserPrefix.size())));
    out.push_back(std::move(loaded.first));
  }
  MRC_RETURN_IF_ERROR(it->status());
  return out;
}

Result<std::size_t> Users::Count() {
  MRC_ASSIGN_OR_RETURN(auto all, List());
  return all.size();
}

bool Users::MatchesHash(const std::string& hash, std::string_view password) {
  Argon2Slot slot(argon2_slots_);
  ++argon2_runs_;
  const std::string& h = hash.empty() ? DummyHash() : hash;
  bool match =
      !h.empty() && crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
  return match && !hash.empty();  // the dummy matched by chance: still no such user
}

Result<User> Users::Verify(std::string_view name_in, std::string_view password,
                           std::string_view client_in, bool may_hash) {
  std::string name = Trimmed(name_in), client = Trimmed(client_in);
  if (!may_hash) return TooEarly(throttle_.Wait(name, client, Now()));
  if (std::uint64_t wait = throttle_.Begin(name, client, Now()); wait > 0) return TooEarly(wait);
  auto loaded = Load(name);
  bool good = MatchesHash(loaded.ok() ? loaded->second : std::string(), password);
  if (!loaded.ok() && !loaded.status().IsNotFound()) {
    throttle_.End(name, client, LoginThrottle::Outcome::kUnchecked, Now());
    return loaded.status();
  }
  throttle_.End(name, client,
                good ? LoginThrottle::Outcome::kRight : LoginThrottle::Outcome::kWrong, Now());
  if (!good) return kBadLogin;
  return loaded->first;
}

Status Users::CheckCurrentPassword(std::string_view name, std::string_view password,
                                   std::string_view client, bool may_hash) {
  return Verify(name, password, client, may_hash).status();
}

std::uint32_t Users::LoginWait(std::string_view name, std::string_view client) {
  return Seconds(throttle_.Wait(Trimmed(name), Trimmed(client), Now()));
}

Result<NewSession> Users::Login(std::string_view name_in, std::string_view password,
                                std::string_view client, bool may_hash) {
  MRC_ASSIGN_OR_RETURN(User checked, Verify(name_in, password, client, may_hash));
  const std::string& name = checked.name;
  // The session is written for the user as checked: not for one removed
  // (and perhaps added again) or given a new password meanwhile.
  std::lock_guard change(change_mu_);
  auto still = Load(name);
  if (!still.ok() && !still.status().IsNotFound()) return still.status();
  if (!still.ok() || still->first.generation != checked.generation ||
      still->first.created_ms != checked.created_ms)
    return kBadLogin;
  NewSession s;
  s.token = RandomHex(32);
  s.csrf = RandomHex(16);
  std::uint64_t now = Now();
  s.expires_ms = now + kSessionMillis;
  json j = {{"user", name},
            {"csrf", s.csrf},
            {"created", now},
            {"expires", s.expires_ms},
            {"generation", checked.generation}};
  storage::WriteBatch batch;
  batch.Put(Column::kLocal, std::string(kSessionPrefix) + HashHex(s.token), j.dump());
  MRC_RETURN_IF_ERROR(Write(&batch));
  s.principal = Principal{checked.name, checked.role, checked.language,    s.csrf,
                          false,        false,        SigningName(checked)};
  return s;
}

Result<Principal> Users::Session(std::string_view token) {
  const Status bad = Status::Unauthenticated("not logged in, or the session has expired");
  if (token.size() != 64) return bad;
  std::string key = std::string(kSessionPrefix) + HashHex(token);
  auto raw = store_->Get(Column::kLocal, key);
  if (raw.status().IsNotFound()) return bad;
  if (!raw.ok()) return raw.status();
  json j = json::parse(*raw, nullptr, false);
  if (!j.is_object()) return Status::Corruption("unreadable session record");
  std::uint64_t now = Now();
  std::string name = j.value("user", "");
  auto loaded = Load(name);
  bool valid = j.value("expires", std::uint64_t{0}) > now && loaded.ok() &&
               j.value("generation", std::uint64_t{0}) == loaded->first.generation;
  if (!valid) {
    if (!loaded.ok() && !loaded.status().IsNotFound()) return loaded.status();
    storage::WriteBatch batch;
    batch.Delete(Column::kLocal, key);
    MRC_RETURN_IF_ERROR(Write(&batch));
    return bad;
  }
  const User& u = loaded->first;
  return Principal{u.name, u.role, u.language, j.value("csrf", ""), false, false, SigningName(u)};
}

Status Users::Logout(std::string_view token) {
  if (token.size() != 64) return Status::Ok();
  storage::WriteBatch batch;
  batch.Delete(Column::kLocal, std::string(kSessionPrefix) + HashHex(token));
  return Write(&batch);
}

Result<std::string> Users::CreateToken(std::string_view name, std::string_view label) {
  std::lock_guard change(change_mu_);
  MRC_RETURN_IF_ERROR(Load(name).status());
  if (label.size() > 100 || !IsValidUtf8(label))
    return Status::InvalidArgument("a token label is at most 100 bytes of UTF-8");
  std::string token = "mrc_" + RandomHex(32);
  json j = {{"user", name}, {"label", label}, {"created", Now()}};
  storage::WriteBatch batch;
  batch.Put(Column::kLocal, std::string(kTokenPrefix) + HashHex(token), j.dump());
  MRC_RETURN_IF_ERROR(Write(&batch));
  return token;
}

Result<std::vector<TokenInfo>> Users::Tokens(std::string_view name) {
  std::vector<TokenInfo> out;
  auto it = store_->NewPrefixIterator(Column::kLocal, kTokenPrefix);
  for (it->Seek(kTokenPrefix);
       it->Valid() && it->key().substr(0, kTokenPrefix.size()) == kTokenPrefix; it->Next()) {
    json j = json::parse(it->value(), nullptr, false);
    if (!j.is_object() || j.value("user", "") != name) continue;
    out.push_back({std::string(it->key().substr(kTokenPrefix.size(), 16)), j.value("label", ""),
                   j.value("created", std::uint64_t{0})});
  }
  MRC_RETURN_IF_ERROR(it->status());
  return out;
}

Status Users::RevokeToken(std::string_view name, std::string_view id) {
  if (id.size() != 16) return Status::NotFound("no token '" + std::string(id.substr(0, 20)) + "'");
  std::lock_guard change(change_mu_);
  std::string prefix = std::string(kTokenPrefix) + std::string(id);
  auto it = store_->NewPrefixIterator(Column::kLocal, prefix);
  it->Seek(prefix);
  if (!it->Valid() || it->key().substr(0, prefix.size()) != prefix) {
    MRC_RETURN_IF_ERROR(it->status());
    return Status::NotFound("no token '" + std::string(id) + "'");
  }
  json j = json::parse(it->value(), nullptr, false);
  if (!j.is_object() || j.value("user", "") != name)
    return Status::NotFound("no token '" + std::string(id) + "' of user '" + std::string(name) +
                            "'");
  storage::WriteBatch batch;
  batch.Delete(Column::kLocal, it->key());
  return Write(&batch);
}

Status Users::Write(storage::WriteBatch* batch) {
  Status s = store_->Write(batch);
  ++writes_;  // even when it failed: part of it may be in
  return s;
}

Result<Principal> Users::Token(std::string_view token) {
  const Status bad = Status::Unauthenticated("unknown or revoked API token");
  if (token.size() != 68 || token.substr(0, 4) != "mrc_") return bad;
  const std::uint64_t writes = writes_;
  {
    std::lock_guard lock(tokens_mu_);
    auto it = known_tokens_.find(std::string(token));
    if (it != known_tokens_.end() && it->second.writes == writes) return it->second.principal;
  }
  auto raw = store_->Get(Column::kLocal, std::string(kTokenPrefix) + HashHex(token));
  if (raw.status().IsNotFound()) return bad;
  if (!raw.ok()) return raw.status();
  json j = json::parse(*raw, nullptr, false);
  if (!j.is_object()) return Status::Corruption("unreadable API token record");
  auto loaded = Load(j.value("user", ""));
  if (loaded.status().IsNotFound()) return bad;
  if (!loaded.ok()) return loaded.status();
  const User& u = loaded->first;
  Principal p{u.name, u.role, u.language, "", true, false, SigningName(u)};
  std::lock_guard lock(tokens_mu_);
  if (known_tokens_.size() >= kKnownTokens) known_tokens_.clear();
  known_tokens_[std::string(token)] = KnownToken{p, writes};
  return p;
}

}  // namespace mrc::web
