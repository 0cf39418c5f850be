#pragma once
// Fault injection: probabilities that change while the server runs (flags
// at start, POST /_kinesys/faults later), rolled per request with a seeded
// generator per core, so a run with the same seed and the same request
// order on each core fails the same way again.
#include <kinesys/detail/local/options.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::local {

enum class fault_kind { internal_failure, throttle, reset_before_response, reset_mid_response, latency };

/// @locality any thread for set()/get(); roll() on the core it names
class fault_injector {
public:
  fault_injector(fault_options const& initial, std::size_t cores);

  void set(fault_options const& f);
  fault_options get() const;
  /// True with the configured probability of `kind`.
  bool roll(std::size_t core, fault_kind kind);
  std::chrono::milliseconds added_latency() const noexcept
  {
    return std::chrono::milliseconds(latency_ms_.load(std::memory_order_relaxed));
  }
  bool any() const noexcept { return any_.load(std::memory_order_relaxed); }

  /// Applies a JSON object such as {"internal_failure":0.1,"seed":7}; members
  /// not given keep their value. Returns an error message, or "".
  std::string apply_json(std::string_view json);
  /// The answer to a refused apply_json: {"error": "<what apply_json said>"}.
  static std::string error_json(std::string_view error);
  std::string to_json() const;

private:
  struct alignas(64) core_rng {
    std::mt19937_64 rng;
    std::uint64_t generation = 0;
  };

  mutable std::mutex mutex_;  // guards config_ as a whole (admin calls only)
  fault_options config_;
  std::atomic<double> p_[5];
  std::atomic<std::int64_t> latency_ms_{0};
  std::atomic<bool> any_{false};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> seed_{1};
  std::vector<core_rng> rngs_;
};

}  // namespace kinesys::local
