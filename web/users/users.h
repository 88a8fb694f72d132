// Users: the node's local accounts, their login sessions and API tokens.
// Node-local (the kLocal column): accounts never replicate, each centre
// manages its own staff.
//
// Roles nest: a counsellor reads, records and refers; an editor also writes
// content; an admin also manages users and peers.
//
// Passwords are hashed with Argon2id (libsodium crypto_pwhash_str, its
// "interactive" limits: 64 MiB, ~0.1 s); at most `argon2_at_once` hashes
// are computed at a time, so concurrent logins cannot exhaust memory. Wrong
// passwords slow further tries down (LoginThrottle, login_throttle.h): a
// try that comes too early is refused (ResourceExhausted) without checking
// the password, and an account is never locked.
//
// A session is a random 256-bit token (the cookie); only its BLAKE2b hash is
// stored, with the user, a CSRF token and an absolute expiry (12 hours). It
// ends at logout, at expiry, or when the user is removed or their password
// or role changes. API tokens are random too, stored hashed, shown once, and
// last until revoked.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/foundation/status.h"
#include "web/users/login_throttle.h"

namespace mrc::storage {
class Store;
class WriteBatch;
}  // namespace mrc::storage

namespace mrc::web {

enum class Role : std::uint8_t { kCounsellor = 1, kEditor = 2, kAdmin = 3 };
std::string_view RoleName(Role r);  // "counsellor", "editor", "admin"
std::optional<Role> ParseRole(std::string_view name);

struct User {
  std::string name;
  Role role = Role::kCounsellor;
  std::string language;  // interface language chosen by the user ("" = browser's)
  // The name other centres see on what this person signs (content's
  // `edited_by`, verified_by); "" = the login name. Only the name travels,
  // the account stays on this node.
  std::string display_name = {};
  std::uint64_t created_ms = 0;
  std::uint64_t changed_ms = 0;  // password or role last changed
  // Counts password and role changes; a session opened under an older
  // generation is no longer valid.
  std::uint64_t generation = 0;
};

// Who a request comes from.
struct Principal {
  std::string user;
  Role role = Role::kCounsellor;
  std::string language;
  std::string csrf;  // the session's CSRF token; empty for an API token
  bool api_token = false;
  bool local = false;  // the node's own command line (its local token)
  // The user's display name (the login name when none is set); "" for the
  // local token, which is no person.
  std::string display_name = {};
};

// The name a user signs with: the display name, else the login name.
std::string SigningName(const User& u);

struct NewSession {
  std::string token;  // the cookie value (64 hex characters)
  std::string csrf;
  std::uint64_t expires_ms = 0;
  Principal principal;
};

struct TokenInfo {
  std::string id;  // the first 16 hex characters of the token's hash
  std::string label;
  std::uint64_t created_ms = 0;
};

class Users {
 public:
  static constexpr std::uint64_t kSessionMillis = 12ull * 3600 * 1000;
  static constexpr std::uint32_t kMaxArgon2AtOnce = 16;

  // `store` is not owned and must outlive this. `argon2_at_once`: 1 ..
  // kMaxArgon2AtOnce.
  explicit Users(storage::Store* store, LoginLimits limits = {}, std::uint32_t argon2_at_once = 1);

  // Names: 1-32 of a-z, 0-9, '.', '_', '-'. Passwords: 8 to 1024 bytes.
  // Conflict when the name is taken.
  // `display_name` as SetDisplayName's.
  Status Add(std::string_view name, Role role, std::string_view password,
             std::string_view display_name = "");
  Status SetPassword(std::string_view name, std::string_view password);
  Status SetRole(std::string_view name, Role role);
  // "" or a language tag of 2-3 letters with an optional region ("pt-BR").
  Status SetLanguage(std::string_view name, std::string_view language);
  // 1-100 bytes of UTF-8 without control characters; "" goes back to the
  // login name.
  Status SetDisplayName(std::string_view name, std::string_view display_name);
  // Removes the user with their sessions and tokens.
  Status Remove(std::string_view name);
  Result<User> Get(std::string_view name);
  Result<std::vector<User>> List();
  Result<std::size_t> Count();

  // Checks the password and opens a session. `client` is the client's
  // address, for the login delays. Unauthenticated for a wrong name or
  // password (the same message for both), ResourceExhausted for a try that
  // must wait (LoginWait says how long). With `may_hash` false a try that
  // would need Argon2id is refused as too early all the same: the caller
  // runs where no password may be checked (an HTTP thread).
  Result<NewSession> Login(std::string_view name, std::string_view password,
                           std::string_view client, bool may_hash = true);
  // Checks `name`'s password as Login does (the same delays), without a
  // session: for changing one's own password.
  Status CheckCurrentPassword(std::string_view name, std::string_view password,
                              std::string_view client, bool may_hash = true);
  // Seconds before `client` may try `name`'s password; 0 = now.
  std::uint32_t LoginWait(std::string_view name, std::string_view client);
  // Argon2id computations so far (checks and hashes).
  std::uint64_t argon2_runs() const { return argon2_runs_; }
  // The session's principal; Unauthenticated when unknown, expired, or no
  // longer valid for its user.
  Result<Principal> Session(std::string_view token);
  Status Logout(std::string_view token);

  // A new API token for the user (returned once; only its hash is kept).
  Result<std::string> CreateToken(std::string_view name, std::string_view label);
  Result<std::vector<TokenInfo>> Tokens(std::string_view name);
  Status RevokeToken(std::string_view name, std::string_view id);
  // The principal of an API token; Unauthenticated when unknown.
  Result<Principal> Token(std::string_view token);

  // Replaces the wall clock (tests of expiry and rate limits).
  void SetClockForTest(std::uint64_t (*now_ms)()) { now_ = now_ms; }

 private:
  std::uint64_t Now() const;
  // Argon2id, at most `argon2_at_once` at a time.
  Result<std::string> HashPassword(std::string_view password);
  // Whether `password` matches `hash`; an empty `hash` (no such user) takes
  // as long as a wrong password.
  bool MatchesHash(const std::string& hash, std::string_view password);
  // The user whose password this is, through the login delays.
  Result<User> Verify(std::string_view name, std::string_view password, std::string_view client,
                      bool may_hash);
  Status Put(const User& u, std::string_view hash);
  // Sets a checked setting of `name` that ends no session.
  Status SetText(std::string_view name, std::string User::*field, std::string_view value);
  Result<std::pair<User, std::string>> Load(std::string_view name);  // user and hash
  Status DeleteWithPrefix(std::string_view prefix, std::string_view user);
  // Every change to users, sessions and tokens is written through this: it
  // moves `writes_` on once the change is in the store.
  Status Write(storage::WriteBatch* batch);

  storage::Store* store_;
  std::uint64_t (*now_)() = nullptr;

  std::counting_semaphore<kMaxArgon2AtOnce> argon2_slots_;
  std::atomic<std::uint64_t> argon2_runs_{0};
  LoginThrottle throttle_;
  // One change to users and their tokens at a time, each from its check
  // to its write: a token made, or a session opened, while its user was
  // removed or given a new password would otherwise outlive the change
  // (and serve an account added again under the same name).
  std::mutex change_mu_;

  // API tokens' principals, as read at a count of writes: a client
  // sends its token with every request, and reading it is two records
  // and two JSON documents. An entry read before a write (a revocation, a
  // role changed, a user removed) is not used after it: the count is
  // taken before the records are read, and moves on after a write.
  std::atomic<std::uint64_t> writes_{0};
  struct KnownToken {
    Principal principal;
    std::uint64_t writes;
  };
  static constexpr std::size_t kKnownTokens = 1024;
  std::mutex tokens_mu_;
  std::unordered_map<std::string, KnownToken> known_tokens_;  // by token
};

}  // namespace mrc::web
