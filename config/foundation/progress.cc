#include "config/foundation/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace mrc {

namespace {

// A terminal redraws at most this often; plain lines come at least this far
// apart unless a tenth of the work has passed.
constexpr std::uint64_t kRedrawMillis = 100;
constexpr std::uint64_t kPlainMillis = 2000;
constexpr std::uint64_t kSampleMillis = 100;
constexpr int kBarWidth = 24;

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Rate(double per_second) { return ShortCount(per_second) + "/s"; }

}  // namespace

std::string ShortCount(double n) {
  if (n < 1000) return Fixed(n, n < 10 && n != static_cast<std::uint64_t>(n) ? 1 : 0);
  if (n < 1e6) return Fixed(n / 1e3, 1) + "k";
  if (n < 1e9) return Fixed(n / 1e6, 1) + "M";
  return Fixed(n / 1e9, 1) + "G";
}

void RateMeter::Sample(std::uint64_t now_millis, std::uint64_t count) {
  // Samples closer together than a fiftieth of the window replace each
  // other, so that a caller sampling at every event holds few of them.
  if (samples_.size() >= 2 &&
      now_millis < samples_[samples_.size() - 2].first + window_millis_ / 50)
    samples_.back() = {now_millis, count};
  else
    samples_.emplace_back(now_millis, count);
  // Keep the newest sample at or before the window's start, so the rate
  // spans the whole window rather than part of it.
  while (samples_.size() > 2 && samples_[1].first + window_millis_ <= now_millis)
    samples_.pop_front();
}

double RateMeter::PerSecond() const {
  if (samples_.size() < 2) return 0;
  const auto& [t0, c0] = samples_.front();
  const auto& [t1, c1] = samples_.back();
  if (t1 <= t0 || c1 < c0) return 0;
  return static_cast<double>(c1 - c0) * 1000.0 / static_cast<double>(t1 - t0);
}

Progress::Progress(std::string label, std::uint64_t total, bool terminal, Sink sink,
                   const Clock* clock)
    : label_(std::move(label)),
      total_(total),
      terminal_(terminal),
      sink_(std::move(sink)),
      clock_(clock),
      start_millis_(clock->NowMillis()),
      last_shown_millis_(start_millis_),
      last_sample_millis_(start_millis_) {
  rate_.Sample(start_millis_, 0);
}

Progress::Progress(std::string label, std::uint64_t total)
    : Progress(std::move(label), total, isatty(STDERR_FILENO) == 1, [](std::string_view text) {
        std::fwrite(text.data(), 1, text.size(), stderr);
        std::fflush(stderr);
      }) {}

Progress::~Progress() {
  std::lock_guard lock(mu_);
  if (open_line_) sink_("\n");
}

void Progress::SetTotal(std::uint64_t total) {
  std::lock_guard lock(mu_);
  total_ = total;
}

std::uint64_t Progress::count() const {
  std::lock_guard lock(mu_);
  return count_;
}

void Progress::Add(std::uint64_t n) {
  std::lock_guard lock(mu_);
  if (done_) return;
  count_ += n;
  MaybeShow(clock_->NowMillis());
}

void Progress::MaybeShow(std::uint64_t now) {
  now = std::max({now, last_shown_millis_, last_sample_millis_});  // a wall clock set back
  if (now >= last_sample_millis_ + kSampleMillis) {
    rate_.Sample(now, count_);
    last_sample_millis_ = now;
  }
  if (terminal_) {
    if (now < last_shown_millis_ + kRedrawMillis) return;
    sink_("\r" + Line(now, false) + "\x1b[K");
    open_line_ = true;
    last_shown_millis_ = now;
    return;
  }
  std::uint64_t tenth = total_ ? std::min<std::uint64_t>(count_, total_) * 10 / total_ : 0;
  bool new_tenth = tenth > last_shown_tenth_ && tenth < 10;
  if (!new_tenth && now < last_shown_millis_ + kPlainMillis) return;
  sink_(Line(now, false) + "\n");
  last_shown_millis_ = now;
  last_shown_tenth_ = std::max(last_shown_tenth_, tenth);
}

std::string Progress::Line(std::uint64_t now, bool final) const {
  const double seconds = static_cast<double>(now - start_millis_) / 1000.0;
  if (final) {
    std::string line =
        label_ + ": done, " + std::to_string(count_) + " in " + Fixed(seconds, 1) + " s";
    if (now > start_millis_) line += " (" + Rate(count_ / seconds) + ")";
    return line;
  }
  double rate = rate_.PerSecond();
  if (rate == 0 && now > start_millis_) rate = count_ / seconds;
  std::string counts = std::to_string(count_);
  std::string line = label_ + (terminal_ ? " " : ": ");
  if (total_) {
    std::uint64_t done = std::min(count_, total_);
    counts += "/" + std::to_string(total_);
    std::string percent = std::to_string(done * 100 / total_) + "%";
    if (terminal_) {
      int filled = static_cast<int>(done * kBarWidth / total_);
      line += "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '-') + "] " +
              counts + "  " + percent;
    } else {
      line += counts + " (" + percent + ")";
    }
  } else {
    line += counts;
  }
  return line + (terminal_ ? "  " : ", ") + Rate(rate);
}

void Progress::Print(std::string_view line) {
  std::lock_guard lock(mu_);
  std::string text = open_line_ ? "\r\x1b[K" : "";
  text.append(line);
  sink_(text + "\n");
  open_line_ = false;
}

void Progress::Done() {
  std::lock_guard lock(mu_);
  if (done_) return;
  done_ = true;
  std::uint64_t now = std::max(clock_->NowMillis(), start_millis_);
  if (terminal_)
    sink_("\r" + Line(now, true) + "\x1b[K\n");
  else
    sink_(Line(now, true) + "\n");
  open_line_ = false;
}

}  // namespace mrc
