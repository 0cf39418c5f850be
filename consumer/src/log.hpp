#pragma once
// One line per event on stderr, with a level. Lease moves, resharding,
// dead letters and failures are logged; the record path is not.
#include <iostream>
#include <mutex>
#include <sstream>
#include <string_view>

namespace kinesys::consumer {

enum class log_level { debug, info, warn, error };

/// Set once at startup (log_level in the configuration).
log_level& current_log_level() noexcept;
void set_log_level(std::string_view name) noexcept;
void write_log_line(log_level level, std::string const& line);

template <class... Args>
void log_at(log_level level, Args const&... args)
{
  if (level < current_log_level()) return;
  std::ostringstream out;
  (out << ... << args);
  write_log_line(level, out.str());
}

template <class... Args> void log_debug(Args const&... a) { log_at(log_level::debug, a...); }
template <class... Args> void log_info(Args const&... a) { log_at(log_level::info, a...); }
template <class... Args> void log_warn(Args const&... a) { log_at(log_level::warn, a...); }
template <class... Args> void log_error(Args const&... a) { log_at(log_level::error, a...); }

}  // namespace kinesys::consumer
