// What links from other nodes may cost this node, and the accounting that
// holds them to it (config [limits], docs/operations.md "Limits";
// docs/protocol.md "Limits" for why each is shaped as it is):
//   - links still in their handshake, in total, and links per remote
//     address (handshakes included): strangers, before any key is known;
//   - links per node key, either way, from when the key is known;
//   - accepted links of keys not approved (a new centre waiting for its
//     approval, or anyone holding the genesis), in total;
//   - read memory: a frame is read only once its length is claimed from a
//     budget shared by every link, and links of keys not approved claim at
//     most half of it.
// Asio-free and not thread-safe: the peer service's thread alone uses it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <string>

#include "config/foundation/bytes.h"
#include "config/foundation/status.h"

namespace mrc::sync {

struct PeerLimits {
  std::uint32_t handshakes = 32;                // accepted links in their handshake, at once
  std::uint32_t links_per_address = 8;          // accepted links per remote address (IPv6: per /64)
  std::uint32_t links_per_key = 2;              // links with one key, either way
  std::uint32_t unapproved_links = 8;           // accepted links of keys not approved
  std::uint32_t unapproved_link_seconds = 300;  // how long each may stay
  std::size_t read_memory_bytes = 64 << 20;     // frames being read, all links
  // A frame being read must average this much once it is older than the
  // idle timeout (PeerOptions::idle_timeout_seconds).
  std::uint32_t min_bytes_per_second = 256;
};

class LinkBudget {
 public:
  // A place a link holds in one of the counts; given back when destroyed.
  class Place {
   public:
    Place() = default;
    Place(Place&& other) noexcept;
    Place& operator=(Place&& other) noexcept;
    ~Place();
    explicit operator bool() const { return static_cast<bool>(release_); }

   private:
    friend class LinkBudget;
    explicit Place(std::function<void()> release) : release_(std::move(release)) {}
    std::function<void()> release_;
  };

  // Read memory claimed for one frame: granted, or waiting its turn. Given
  // back (or the turn given up) when destroyed.
  class Claim {
   public:
    Claim() = default;
    Claim(Claim&& other) noexcept;
    Claim& operator=(Claim&& other) noexcept;
    ~Claim();
    bool granted() const;
    explicit operator bool() const { return budget_ != nullptr; }

   private:
    friend class LinkBudget;
    Claim(LinkBudget* budget, std::uint64_t id) : budget_(budget), id_(id) {}
    LinkBudget* budget_ = nullptr;
    std::uint64_t id_ = 0;
  };

  explicit LinkBudget(const PeerLimits& limits) : limits_(limits) {}
  LinkBudget(const LinkBudget&) = delete;
  LinkBudget& operator=(const LinkBudget&) = delete;

  // Each gives a place, or ResourceExhausted saying why the link is refused.
  // `address`: the remote IP as text (AddressKey).
  Result<Place> AdmitAddress(const std::string& address);
  Result<Place> AdmitHandshake();
  Result<Place> AdmitKey(const Hash32& key);
  Result<Place> AdmitUnapproved();

  // Claims `bytes` of read memory for one frame (at most half the budget).
  // Granted at once when it fits, else queued in arrival order; `granted`
  // runs, on this thread, when it is. The queue is served in order, except
  // that a claim of a link not approved that would take that class past
  // half the budget lets later claims of approved links go first.
  Claim ClaimRead(std::size_t bytes, bool approved, std::function<void()> granted);
  // The service is stopping: no `granted` callback runs from now on.
  void Shutdown() { shut_down_ = true; }

  std::size_t read_bytes() const { return claimed_; }
  std::size_t waiting() const { return queue_.size(); }
  const PeerLimits& limits() const { return limits_; }

 private:
  struct Wait {
    std::uint64_t id;
    std::size_t bytes;
    bool approved;
    std::function<void()> granted;
  };
  struct Held {
    std::size_t bytes;
    bool approved;
  };
  void Give(std::uint64_t id);
  void Serve();
  Result<Place> Count(std::uint32_t* n, std::uint32_t limit, const std::string& why);
  template <typename K>
  Result<Place> CountIn(std::map<K, std::uint32_t>* counts, const K& key, std::uint32_t limit,
                        const std::string& why);

  PeerLimits limits_;
  std::uint32_t handshakes_ = 0;
  std::uint32_t unapproved_ = 0;
  std::map<std::string, std::uint32_t> per_address_;
  std::map<Hash32, std::uint32_t> per_key_;
  std::size_t claimed_ = 0;
  std::size_t claimed_unapproved_ = 0;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Held> held_;
  std::list<Wait> queue_;
  bool shut_down_ = false;
};

// The key links from one remote address are counted under: the IPv4
// address, or an IPv6 address's /64 (one subscriber's block); an
// IPv4-mapped IPv6 address counts as its IPv4 address. `bytes`: 4 or 16.
std::string AddressKey(const std::uint8_t* bytes, std::size_t size);

// Warnings about links refused or failed before they were admitted:
// strangers choose how many there are, so at most kPerMinute lines a
// minute are written, and the rest counted in the next line.
class RefusalLog {
 public:
  static constexpr int kPerMinute = 20;
  void Warn(const std::string& line, std::chrono::steady_clock::time_point now);

 private:
  std::chrono::steady_clock::time_point window_{};
  int written_ = 0;
  std::uint64_t dropped_ = 0;
};

// Gives memory the allocator holds free back to the system (tcmalloc's
// page heap when the program is linked with it, glibc's arenas otherwise).
// Called after links that read large frames are gone: a hostile burst
// of them would otherwise stay resident (docs/protocol.md, "Limits").
void ReturnFreedMemory();

}  // namespace mrc::sync
