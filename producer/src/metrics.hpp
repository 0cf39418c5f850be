#pragma once
// Per-core metric counters. Only the owning core writes a core's counters
// (a relaxed load + store, no read-modify-write), any thread may read them
// for a snapshot.
#include "kinesys/detail/producer/metrics.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

namespace kinesys::producer::detail {

/// The error codes counted by name; anything else counts as "Other".
inline constexpr std::array<std::string_view, 9> counted_error_codes{
    "ProvisionedThroughputExceededException",
    "WrongShard",  // an aggregate landed where a stale shard map did not predict
    "InternalFailure",
    "ServiceUnavailable",
    "KMSThrottlingException",
    "RequestTimeout",
    "ConnectionError",
    "ResourceNotFoundException",
    "Other",
};
std::size_t error_code_slot(std::string_view code) noexcept;

/// @locality owning core (writes); any thread (reads)
class core_metrics {
public:
  struct counter {
    std::atomic<std::uint64_t> v{0};
    void add(std::uint64_t n = 1) noexcept { v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
    void max(std::uint64_t n) noexcept {
      if (n > v.load(std::memory_order_relaxed)) v.store(n, std::memory_order_relaxed);
    }
    void set(std::uint64_t n) noexcept { v.store(n, std::memory_order_relaxed); }
    std::uint64_t get() const noexcept { return v.load(std::memory_order_relaxed); }
  };

  counter user_records_received, user_records_put, user_records_data_put, user_records_failed,
      user_records_expired, kinesis_records_put, kinesis_records_data_put, put_records_requests, retries, throttled,
      all_errors, shard_map_refreshes, spooled, recovered, buffering_sum, buffering_count, buffering_max, request_sum,
      request_count, request_max, held;
  std::array<counter, counted_error_codes.size()> errors_by_code;

  void error(std::string_view code, std::uint64_t n = 1) noexcept {
    errors_by_code[error_code_slot(code)].add(n);
    all_errors.add(n);
  }
  void buffering(std::uint64_t ms) noexcept {
    buffering_sum.add(ms);
    buffering_count.add();
    buffering_max.max(ms);
  }
  void request(std::uint64_t ms) noexcept {
    request_sum.add(ms);
    request_count.add();
    request_max.max(ms);
  }
  /// Adds this core's counters into `m`.
  void add_to(metrics_snapshot& m) const;
};

}  // namespace kinesys::producer::detail
