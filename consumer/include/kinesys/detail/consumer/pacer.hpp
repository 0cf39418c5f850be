#pragma once
// Smooth write pacing for one table: a virtual-scheduling token bucket
// (GCRA). Each reservation is given a start time spaced `cost / rate` after
// the previous one, so with a backlog the writes leave evenly spread over
// the second instead of in a burst at each second's start (which DynamoDB
// would throttle and which is what seed 000's backoff loop ends up doing).
// A caller may start up to `catch_up` behind schedule, which is the only
// burst the pacer allows: enough to make up for a short stall (a large
// GetRecords answer being parsed, a slow response), too little for idle
// time to turn into a burst DynamoDB would throttle. The default, 50 ms, is
// 5 % of a second: a one-second window that receives a catch-up from the
// previous one still stays within 5 % of the rate.
//
// The schedule is one atomic, so every core can reserve from the table's
// single pacer without a lock and the table's rate is shared correctly no
// matter how its shards are spread over cores.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace kinesys::consumer {

/// @locality any thread
class pacer {
public:
  using clock = std::chrono::steady_clock;

  /// `rate` units per second; 0 or less means unlimited.
  explicit pacer(double rate, clock::duration catch_up = std::chrono::milliseconds(50)) noexcept;

  /// Reserves `cost` units and returns when the caller may start: now (or
  /// earlier) if on schedule, else the reserved slot's start.
  clock::time_point reserve(double cost, clock::time_point now) noexcept;

  /// The largest reservation that keeps one-second windows within about 2%
  /// of the rate: what the pacer lets through in 20 ms. Writers size their
  /// batches by it, so a 500 items/s table is written 10 items at a time,
  /// not 25 twice a second.
  double grain() const noexcept;

  double rate() const noexcept { return rate_; }
  bool unlimited() const noexcept { return rate_ <= 0; }

private:
  double rate_;
  std::int64_t catch_up_ns_;
  static constexpr std::int64_t never_reserved = INT64_MIN;
  // Theoretical arrival time of the next reservation, in steady_clock ns.
  std::atomic<std::int64_t> tat_{never_reserved};
};

}  // namespace kinesys::consumer
