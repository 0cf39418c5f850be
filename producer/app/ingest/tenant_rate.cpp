#include "tenant_rate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kinesys::ingest {

tenant_rate::tenant_rate(double records_per_second) noexcept
    : interval_ns_(records_per_second > 0 ? 1e9 / records_per_second : 0), burst_ns_(1'000'000'000) {}

tenant_rate::clock::duration tenant_rate::try_take(std::uint64_t records, clock::time_point now) noexcept {
  if (unlimited() || records == 0) return clock::duration::zero();
  std::int64_t const now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  double const wanted = interval_ns_ * static_cast<double>(records);
  std::int64_t const cost =
      wanted >= static_cast<double>(std::numeric_limits<std::int64_t>::max() / 4)
          ? std::numeric_limits<std::int64_t>::max() / 4
          : static_cast<std::int64_t>(std::llround(wanted));
  std::int64_t tat = tat_ns_.load(std::memory_order_relaxed);
  for (;;) {
    std::int64_t const start = std::max(tat, now_ns);
    std::int64_t const next = start + cost;
    // A full bucket (tat <= now) admits any request; otherwise the schedule
    // may run at most one second ahead of now.
    if (tat > now_ns && next - now_ns > burst_ns_)
      return std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(
          std::min<std::int64_t>(next - burst_ns_ - now_ns, tat - now_ns)));
    if (tat_ns_.compare_exchange_weak(tat, next, std::memory_order_relaxed)) return clock::duration::zero();
  }
}

}  // namespace kinesys::ingest
