#include <kinesys/detail/consumer/pacer.hpp>

#include <algorithm>
#include <cmath>

namespace kinesys::consumer {

namespace {
constexpr double grain_seconds = 0.020;
}

pacer::pacer(double rate, clock::duration catch_up) noexcept
    : rate_(rate), catch_up_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(catch_up).count())
{
}

pacer::clock::time_point pacer::reserve(double cost, clock::time_point now) noexcept
{
  if (unlimited() || cost <= 0) return now;
  auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  auto interval = static_cast<std::int64_t>(std::llround(cost / rate_ * 1e9));
  auto tat = tat_.load(std::memory_order_relaxed);
  std::int64_t start;
  do {
    // A schedule that fell behind `now - catch_up` is not owed: idle time
    // does not accumulate into a burst larger than that. The first
    // reservation starts the schedule now, not with a burst.
    start = tat == never_reserved ? now_ns : std::max(tat, now_ns - catch_up_ns_);
  } while (!tat_.compare_exchange_weak(tat, start + interval, std::memory_order_relaxed));
  return clock::time_point(std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(start)));
}

double pacer::grain() const noexcept
{
  if (unlimited()) return 1e18;
  return std::max(1.0, rate_ * grain_seconds);
}

}  // namespace kinesys::consumer
