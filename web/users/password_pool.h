// PasswordPool: the threads that check and hash passwords (Argon2id, 64 MiB
// and ~0.1 s each), apart from the threads that serve HTTP, so that a flood
// of logins slows down logins only.
//
// Its queue is bounded: a job it cannot take is refused at once, and the
// caller answers 503 with Retry-After rather than letting requests pile up.
// One client address may have at most a quarter of the queue (at least
// one job) waiting or running, so that a flood from one address leaves
// room for everyone else's logins; and the addresses take turns (the next
// job is the oldest of the address served longest ago), so that a login
// waits for about one job of each other address, not for a flood's.
//
//   PasswordPool pool(1, 16);
//   if (!pool.Submit(address, owner, [=] { ... })) answer 503;
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mrc::web {

class PasswordPool {
 public:
  // `threads` >= 1 and `queued` >= 1: jobs waiting, besides those running.
  PasswordPool(std::uint32_t threads, std::uint32_t queued);
  // Drops the jobs still waiting (unrun) and waits for the running ones.
  ~PasswordPool();
  PasswordPool(const PasswordPool&) = delete;
  PasswordPool& operator=(const PasswordPool&) = delete;

  // Queues `job` for a client `address`, on behalf of `owner` (see
  // Forget). False, and `job` is dropped, when the queue is full or the
  // address has its share already.
  bool Submit(const std::string& address, const void* owner, std::function<void()> job);
  // Drops `owner`'s waiting jobs (unrun) and waits until none of its jobs
  // runs: an owner that goes before the pool calls it first.
  void Forget(const void* owner);
  // Seconds a refused client should wait: about how long the queue takes
  // to drain (at least 1).
  std::uint32_t RetryAfterSeconds() const;

  std::size_t per_address() const { return per_address_; }

 private:
  struct Job {
    std::string address;
    const void* owner;
    std::function<void()> run;
  };
  struct Address {
    std::size_t jobs = 0;         // waiting or running
    std::uint64_t last_turn = 0;  // when a job of it last started (0: never)
  };
  void Work();
  // The next job to run (the queue is not empty).
  Job TakeNext();
  void Finished(const Job& job, double millis);

  const std::size_t threads_count_, max_queued_, per_address_;
  mutable std::mutex mu_;
  std::condition_variable work_, done_;
  std::deque<Job> queue_;                                 // guarded by mu_
  std::unordered_map<std::string, Address> addresses_;    // those with jobs
  std::uint64_t turns_ = 0;                               // jobs started so far
  std::unordered_map<const void*, std::size_t> running_;  // by owner
  double average_millis_ = 100;                           // of a job, recently
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mrc::web
