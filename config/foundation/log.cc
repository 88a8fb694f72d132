#include "config/foundation/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "config/foundation/time.h"

namespace mrc::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mu;

}  // namespace

void SetLevel(Level level) { g_level = level; }
Level GetLevel() { return g_level; }

bool ParseLevel(std::string_view name, Level* level) {
  if (name == "debug")
    *level = Level::kDebug;
  else if (name == "info")
    *level = Level::kInfo;
  else if (name == "warn")
    *level = Level::kWarn;
  else if (name == "error")
    *level = Level::kError;
  else
    return false;
  return true;
}

void Write(Level level, std::string_view component, std::string_view message) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  static constexpr const char* kNames[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};
  std::string line = FormatUtcMillis(WallMillis()) + " " + kNames[static_cast<int>(level)] + " " +
                     std::string(component) + ": " + std::string(message) + "\n";
  std::lock_guard lock(g_mu);
  std::fputs(line.c_str(), stderr);
}

}  // namespace mrc::log
