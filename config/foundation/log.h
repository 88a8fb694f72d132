// A small leveled logger writing one line per event to stderr:
//   2026-11-23T10:00:00.123Z INFO  http: listening on 127.0.0.1:8080
// Thread-safe; the level is process-wide and set once at start-up.
#pragma once

#include <string_view>

namespace mrc::log {

enum class Level { kDebug = 0, kInfo, kWarn, kError };

void SetLevel(Level level);
Level GetLevel();
// Parses "debug" | "info" | "warn" | "error".
bool ParseLevel(std::string_view name, Level* level);
void Write(Level level, std::string_view component, std::string_view message);

inline void Debug(std::string_view c, std::string_view m) { Write(Level::kDebug, c, m); }
inline void Info(std::string_view c, std::string_view m) { Write(Level::kInfo, c, m); }
inline void Warn(std::string_view c, std::string_view m) { Write(Level::kWarn, c, m); }
inline void Error(std::string_view c, std::string_view m) { Write(Level::kError, c, m); }

}  // namespace mrc::log
