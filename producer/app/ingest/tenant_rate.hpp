#pragma once
// A tenant's records-per-second limit, shared by every core without a lock:
// the generic cell rate algorithm (a token bucket written as one atomic
// "theoretical arrival time"). Each tenant has its own, on its own cache
// line, so one tenant's burst never touches another's budget, and requests
// of one tenant on different cores contend only on that tenant's word.
//
// Why not one engine::token_bucket per core: SO_REUSEPORT spreads
// connections unevenly, so a per-core share of the rate would refuse a
// tenant whose few keep-alive connections landed on one core.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace kinesys::ingest {

/// @locality any thread
class tenant_rate {
public:
  using clock = std::chrono::steady_clock;

  /// `records_per_second` 0 means unlimited. The burst is one second's
  /// worth: a full bucket admits `records_per_second` records at once.
  explicit tenant_rate(double records_per_second) noexcept;

  /// Admits `records` at `now` (zero returned), or refuses them all and
  /// returns how long until the same request would be admitted. A request
  /// larger than the burst is admitted when the bucket is full and leaves
  /// it in debt, so it is slowed, never refused forever.
  clock::duration try_take(std::uint64_t records, clock::time_point now = clock::now()) noexcept;

  bool unlimited() const noexcept { return interval_ns_ <= 0; }

private:
  double interval_ns_;       // time one record costs
  std::int64_t burst_ns_;    // how far ahead of now the schedule may run
  // Alone on its cache line (alignas pads the object to 64 bytes too).
  alignas(64) std::atomic<std::int64_t> tat_ns_{0};  // when the bucket is full again
};

}  // namespace kinesys::ingest
