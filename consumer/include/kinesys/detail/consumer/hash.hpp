#pragma once
// A fast 64-bit string hash for scheduling and duplicate detection (not for
// anything adversarial: keys come from our own stream).
#include <cstdint>
#include <cstring>
#include <string_view>

namespace kinesys::consumer {

inline std::uint64_t mix64(std::uint64_t h) noexcept
{
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/// Multiply-rotate over 8-byte words, finished with a full avalanche.
inline std::uint64_t hash64(std::string_view s, std::uint64_t seed = 0) noexcept
{
  constexpr std::uint64_t m = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = seed ^ (s.size() * m);
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ mix64(w)) * m;
    h = (h << 29) | (h >> 35);
  }
  std::uint64_t tail = 0;
  if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);
  h ^= mix64(tail ^ (std::uint64_t(s.size() - i) << 56));
  return mix64(h);
}

/// Combines hashes of parts (table, key attributes...) order-sensitively.
inline std::uint64_t hash_combine(std::uint64_t h, std::uint64_t v) noexcept
{
  return mix64(h ^ (v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2)));
}

}  // namespace kinesys::consumer
