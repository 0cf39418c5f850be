#pragma once
// One line per event on stderr: "<unix seconds>.<ms> <level> <text>". The
// binaries (kinesys-consumer, kinesys-ingest) log through it; what each logs
// is its own choice, and no line ever carries a secret.
#include <sstream>
#include <string>
#include <string_view>

namespace kinesys::engine {

enum class log_level { debug, info, warn, error };

/// Parses "debug", "info", "warn" or "error"; false for anything else.
bool parse_log_level(std::string_view name, log_level& out) noexcept;
/// Set once at startup, read by every core.
void set_log_level(log_level level) noexcept;
bool log_enabled(log_level level) noexcept;
/// @locality any thread (one fprintf per line, so lines never interleave)
void write_log_line(log_level level, std::string const& line);

template <class... Args>
void log_at(log_level level, Args const&... args) {
  if (!log_enabled(level)) return;
  std::ostringstream out;
  (out << ... << args);
  write_log_line(level, out.str());
}

template <class... Args> void log_debug(Args const&... a) { log_at(log_level::debug, a...); }
template <class... Args> void log_info(Args const&... a) { log_at(log_level::info, a...); }
template <class... Args> void log_warn(Args const&... a) { log_at(log_level::warn, a...); }
template <class... Args> void log_error(Args const&... a) { log_at(log_level::error, a...); }

}  // namespace kinesys::engine
