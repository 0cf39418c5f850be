#include "kinesys/detail/engine/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>

namespace kinesys::engine {
namespace {
std::atomic<log_level> current{log_level::info};
}

bool parse_log_level(std::string_view name, log_level& out) noexcept {
  if (name == "debug") out = log_level::debug;
  else if (name == "info") out = log_level::info;
  else if (name == "warn") out = log_level::warn;
  else if (name == "error") out = log_level::error;
  else return false;
  return true;
}

void set_log_level(log_level level) noexcept { current.store(level, std::memory_order_relaxed); }

bool log_enabled(log_level level) noexcept { return level >= current.load(std::memory_order_relaxed); }

void write_log_line(log_level level, std::string const& line) {
  static char const* const names[] = {"debug", "info", "warn", "error"};
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  // One fprintf per line: stdio locks the stream, so lines from several
  // cores never interleave.
  std::fprintf(stderr, "%lld.%03lld %s %s\n", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000),
               names[static_cast<int>(level)], line.c_str());
}

}  // namespace kinesys::engine
