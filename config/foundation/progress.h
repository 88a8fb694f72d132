// Progress: how long work (an import, a bundle, a verify, an index rebuild)
// tells the person who started it how far it has come.
//
// On a terminal it redraws one line in place (a carriage return, at most
// about ten times a second) with a bar, counts and a rate, and keeps the
// final line. Elsewhere (a log, CI, a pipe) it writes a plain line every
// couple of seconds or every tenth of the work, whichever comes first, so
// the output stays readable. The total may be unknown (0): then there is no
// bar or percent, only the count and the rate.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "config/foundation/clock.h"

namespace mrc {

// Entries (or anything counted) per second over the last few seconds, from
// samples of a running count. Not thread-safe.
class RateMeter {
 public:
  explicit RateMeter(std::uint64_t window_millis = 5000) : window_millis_(window_millis) {}
  // `count` is the running total at `now_millis`; times must not go back.
  // Cheap enough to call at every event.
  void Sample(std::uint64_t now_millis, std::uint64_t count);
  // Per second over the samples in the window (0 with fewer than two, or
  // when no time has passed between them).
  double PerSecond() const;

 private:
  std::uint64_t window_millis_;
  std::deque<std::pair<std::uint64_t, std::uint64_t>> samples_;  // (millis, count)
};

class Progress {
 public:
  // Receives the text to show, line ends and carriage returns included.
  using Sink = std::function<void(std::string_view)>;

  // `label` starts every line ("import", "verify"). `total` 0: unknown.
  // `terminal`: redraw in place rather than write plain lines. `clock` must
  // outlive this object.
  Progress(std::string label, std::uint64_t total, bool terminal, Sink sink,
           const Clock* clock = SystemClock());
  // Finishes a terminal line left open (without a "done" summary), so that
  // an error message after a failed run starts on its own line.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // On standard error, redrawn in place when it is a terminal.
  Progress(std::string label, std::uint64_t total);

  // Thread-safe; cheap when nothing is due to be shown.
  void SetTotal(std::uint64_t total);
  void Add(std::uint64_t n = 1);
  // Shows a message (a problem found on the way) on its own line, the bar
  // continuing below it.
  void Print(std::string_view line);
  // Shows the final line: the count, the time taken and the average rate.
  // Later calls do nothing.
  void Done();

  std::uint64_t count() const;

 private:
  std::string Line(std::uint64_t now, bool final) const;
  void MaybeShow(std::uint64_t now);

  mutable std::mutex mu_;
  std::string label_;
  std::uint64_t total_;
  bool terminal_;
  Sink sink_;
  const Clock* clock_;
  std::uint64_t count_ = 0;
  std::uint64_t start_millis_;
  std::uint64_t last_shown_millis_;
  std::uint64_t last_sample_millis_;
  std::uint64_t last_shown_tenth_ = 0;
  bool open_line_ = false;  // a terminal line drawn without its line end
  bool done_ = false;
  RateMeter rate_;
};

// "1234", "12.3k", "4.5M": short counts for a progress line.
std::string ShortCount(double n);

}  // namespace mrc
