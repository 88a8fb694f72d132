// LoginThrottle: how long a password try must wait after wrong ones. It
// slows guessing down without ever locking an account: the real user, from
// an address that has not failed, always gets a try at once.
//
// Three counts of wrong passwords, each with its threshold N:
// - of one name from one address (`delay_after_failures`);
// - from one address, whatever the names (`address_delay_after_failures`),
//   so that an address cannot try one password on every name; not kept for
//   loopback clients, which are every local user (and a proxy in front);
// - of one name from every address (`name_delay_after_failures`), so that
//   many addresses cannot share out the guesses at one name. It delays only
//   the addresses that have themselves got that name wrong: with it, anyone
//   could otherwise keep the real user out by failing from elsewhere.
// Past N, a try waits 2^(count - N) seconds (1, 2, 4 ...), at most
// `max_delay_seconds`, after that count's last failure. A try made too
// early is refused without checking the password, so it costs no Argon2id.
// A try in progress counts as a failure until it ends, so that parallel
// tries cannot slip past the count. A success forgets the failures of that
// name from that address (not the others'). A count is forgotten once it
// has seen no failure for 15 minutes, or twice the longest delay.
//
// Thread-safe. Times are milliseconds of the caller's clock.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mrc::web {

struct LoginLimits {
  std::uint32_t delay_after_failures = 5;
  std::uint32_t address_delay_after_failures = 20;
  std::uint32_t name_delay_after_failures = 20;
  std::uint32_t max_delay_seconds = 600;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginLimits limits) : limits_(limits) {}

  // 0 when `client` may try `name`'s password now: the try is then counted
  // as in progress until End(). Otherwise the milliseconds to wait.
  std::uint64_t Begin(const std::string& name, const std::string& client, std::uint64_t now);
  // The same without beginning a try.
  std::uint64_t Wait(const std::string& name, const std::string& client, std::uint64_t now);
  enum class Outcome { kRight, kWrong, kUnchecked };
  void End(const std::string& name, const std::string& client, Outcome outcome, std::uint64_t now);

  // Whether failures from `client` are counted whatever the name.
  static bool CountsAddress(const std::string& client);

 private:
  struct Count {
    std::uint32_t failures = 0;
    std::uint32_t in_progress = 0;
    std::uint64_t last_failure = 0;
  };
  std::uint64_t WaitLocked(const std::string& name, const std::string& client, std::uint64_t now);
  // The wait `c` imposes with threshold `n`.
  std::uint64_t WaitOf(const Count* c, std::uint32_t n, std::uint64_t now) const;
  // The count under `key`, or nullptr when there is none (or it is forgotten).
  Count* Find(const std::string& key, std::uint64_t now);
  void Prune(std::uint64_t now);
  std::uint64_t ForgetAfter() const;

  const LoginLimits limits_;
  std::mutex mu_;
  // "p" name '\n' client, "a" client, "n" name.
  std::unordered_map<std::string, Count> counts_;  // guarded by mu_
};

}  // namespace mrc::web
