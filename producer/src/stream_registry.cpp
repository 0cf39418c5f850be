#include "shared_state.hpp"

namespace kinesys::producer::detail {

std::optional<std::uint32_t> stream_registry::id(std::string_view name) {
  auto find = [&](std::size_t n) -> std::optional<std::uint32_t> {
    for (std::size_t i = 0; i < n; ++i)
      if (names_[i] == name) return static_cast<std::uint32_t>(i);
    return std::nullopt;
  };
  if (auto i = find(count_.load(std::memory_order_acquire))) return i;
  std::lock_guard lock(append_mutex_);
  std::size_t n = count_.load(std::memory_order_relaxed);
  if (auto i = find(n)) return i;
  if (n == max_streams) return std::nullopt;
  names_[n] = std::string(name);
  count_.store(n + 1, std::memory_order_release);
  return static_cast<std::uint32_t>(n);
}

}  // namespace kinesys::producer::detail
