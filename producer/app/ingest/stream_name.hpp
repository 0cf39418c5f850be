#pragma once
// The Kinesis rule for stream names, checked before anything is sent: a
// name the service would refuse is the client's mistake (400), not an
// upstream failure.
#include <string_view>

namespace kinesys::ingest {

inline constexpr std::size_t max_stream_name = 128;

/// 1..128 characters of [a-zA-Z0-9_.-] (the StreamName pattern).
constexpr bool valid_stream_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_stream_name) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace kinesys::ingest
