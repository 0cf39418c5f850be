#pragma once
// Per-shard rate limiting. A shard accepts 1 MiB/s and 1,000 records/s of
// writes; RateLimit sets our ceiling as a percentage of both (KPL-style, 150
// by default: the service is the final judge and we adapt below). When the
// shard throttles us anyway (other producers share it), the ceiling drops
// multiplicatively; it climbs back additively once the shard accepts again —
// the AIMD shape that settles near what the shard really has free.
//
// A Kinesis record counts once against the records limit however many user
// records it aggregates, which is why aggregation multiplies throughput.
#include <kinesys/engine.hpp>

#include <chrono>

namespace kinesys::producer::detail {

/// Kinesis's per-shard write limits.
inline constexpr double shard_bytes_per_second = 1024.0 * 1024.0;
inline constexpr double shard_records_per_second = 1000.0;

/// @locality owning core
class shard_limiter {
public:
  using clock = std::chrono::steady_clock;

  /// `rate_limit_percent`: RateLimit. `share`: the part of the shard's hash
  /// range this core feeds (1 unless the shard straddles two cores).
  shard_limiter(double rate_limit_percent, double share, engine::token_bucket::now_function now = &clock::now);

  /// Takes one Kinesis record of `bytes` if both buckets allow it now.
  bool try_acquire(std::size_t bytes) { return buckets_.try_acquire(1, static_cast<double>(bytes)); }
  /// How long until try_acquire(bytes) would succeed.
  clock::duration time_until_available(std::size_t bytes) {
    return buckets_.time_until_available(1, static_cast<double>(bytes));
  }

  /// The shard refused a record for throughput: lower the ceiling (at most
  /// once per backoff window, so one rejected request of 500 entries does
  /// not count 500 times).
  void on_throttled();
  /// The shard accepted a record: recover toward the configured ceiling.
  void on_accepted();

  /// The current fraction of the configured ceiling (1 = full).
  double factor() const noexcept { return factor_; }
  double record_rate() const noexcept { return base_records_ * factor_; }
  double byte_rate() const noexcept { return base_bytes_ * factor_; }

private:
  void apply();

  engine::token_bucket::now_function now_;
  double base_records_;
  double base_bytes_;
  double factor_ = 1.0;
  engine::dual_token_bucket buckets_;
  clock::time_point last_change_{};
};

}  // namespace kinesys::producer::detail
