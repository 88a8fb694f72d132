#include "web/users/password_pool.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>

#include "config/foundation/log.h"

namespace mrc::web {

PasswordPool::PasswordPool(std::uint32_t threads, std::uint32_t queued)
    : threads_count_(std::max<std::uint32_t>(threads, 1)),
      max_queued_(std::max<std::uint32_t>(queued, 1)),
      per_address_(std::max<std::size_t>(max_queued_ / 4, 1)) {
  for (std::size_t i = 0; i < threads_count_; ++i) threads_.emplace_back([this] { Work(); });
}

PasswordPool::~PasswordPool() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  work_.notify_all();
  for (auto& t : threads_) t.join();
  // `dropped` goes here, outside the lock: a job's destructor may answer
  // its client.
}

bool PasswordPool::Submit(const std::string& address, const void* owner,
                          std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    Address& mine = addresses_[address];
    if (stopping_ || queue_.size() >= max_queued_ || mine.jobs >= per_address_) {
      if (mine.jobs == 0) addresses_.erase(address);
      return false;
    }
    ++mine.jobs;
    queue_.push_back(Job{address, owner, std::move(job)});
  }
  work_.notify_one();
  return true;
}

void PasswordPool::Forget(const void* owner) {
  std::deque<Job> dropped;
  std::unique_lock lock(mu_);
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->owner != owner) {
      ++it;
      continue;
    }
    if (--addresses_[it->address].jobs == 0) addresses_.erase(it->address);
    dropped.push_back(std::move(*it));
    it = queue_.erase(it);
  }
  done_.wait(lock, [&] { return running_.find(owner) == running_.end(); });
  lock.unlock();
  dropped.clear();  // outside the lock, as in the destructor
}

std::uint32_t PasswordPool::RetryAfterSeconds() const {
  std::lock_guard lock(mu_);
  double drain = (static_cast<double>(queue_.size()) + static_cast<double>(threads_count_)) *
                 average_millis_ / static_cast<double>(threads_count_) / 1000;
  return static_cast<std::uint32_t>(std::clamp(std::ceil(drain), 1.0, 3600.0));
}

void PasswordPool::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = TakeNext();
      ++running_[job.owner];
    }
    auto start = std::chrono::steady_clock::now();
    try {
      job.run();
    } catch (const std::exception& e) {  // a job answers its own errors; this is a bug
      log::Error("users", std::string("password job failed: ") + e.what());
    }
    job.run = nullptr;  // what it holds goes before it counts as done
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    Finished(job, took.count());
  }
}

PasswordPool::Job PasswordPool::TakeNext() {
  auto next = queue_.begin();
  std::uint64_t turn = addresses_[next->address].last_turn;
  for (auto it = queue_.begin() + 1; it != queue_.end() && turn > 0; ++it) {
    std::uint64_t t = addresses_[it->address].last_turn;
    if (t < turn) next = it, turn = t;
  }
  addresses_[next->address].last_turn = ++turns_;
  Job job = std::move(*next);
  queue_.erase(next);
  return job;
}

void PasswordPool::Finished(const Job& job, double millis) {
  {
    std::lock_guard lock(mu_);
    if (--addresses_[job.address].jobs == 0) addresses_.erase(job.address);
    if (--running_[job.owner] == 0) running_.erase(job.owner);
    average_millis_ = 0.8 * average_millis_ + 0.2 * millis;
  }
  done_.notify_all();
}

}  // namespace mrc::web
