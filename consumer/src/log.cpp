#include "log.hpp"

#include <chrono>
#include <cstdio>

namespace kinesys::consumer {

log_level& current_log_level() noexcept
{
  static log_level level = log_level::info;
  return level;
}

void set_log_level(std::string_view name) noexcept
{
  current_log_level() = name == "debug" ? log_level::debug
                        : name == "warn"  ? log_level::warn
                        : name == "error" ? log_level::error
                                          : log_level::info;
}

void write_log_line(log_level level, std::string const& line)
{
  static char const* const names[] = {"debug", "info", "warn", "error"};
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // One fprintf per line: stdio locks the stream, so lines from several
  // cores never interleave.
  std::fprintf(stderr, "%lld.%03lld %s %s\n", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000),
               names[static_cast<int>(level)], line.c_str());
}

}  // namespace kinesys::consumer
