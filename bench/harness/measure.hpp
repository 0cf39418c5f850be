#pragma once
// Measuring tools shared by the scenarios: a latency histogram any core can
// record into without a lock, the per-second series of a counter sampled by
// the harness's own thread, and CPU time of the threads a client started.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <vector>

namespace kinesys::bench {

using clock_type = std::chrono::steady_clock;

/// Log-linear buckets over microseconds (8 per power of two: about 9 %
/// resolution), relaxed atomics. @locality any thread
class latency_histogram {
public:
  void record(clock_type::duration d) noexcept;
  /// Quantile q in [0,1], in milliseconds (0 without samples).
  double quantile_ms(double q) const noexcept;
  std::uint64_t count() const noexcept;
  void reset() noexcept;

private:
  static constexpr int sub_bits = 3;
  static constexpr std::size_t bucket_count = 64 << sub_bits;
  static std::size_t bucket_of(std::uint64_t us) noexcept;
  static double upper_us(std::size_t bucket) noexcept;
  std::array<std::atomic<std::uint64_t>, bucket_count> buckets_{};
};

/// Latency percentiles a report shows.
struct latency_summary {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
  std::uint64_t samples = 0;
};
latency_summary summarise(latency_histogram const& h);

/// Samples a monotonically increasing counter once per whole second from a
/// start point, and the totals at the window's edges.
class rate_series {
public:
  rate_series(clock_type::time_point start, std::uint64_t value_at_start)
      : next_(start + std::chrono::seconds(1)), last_(value_at_start) {}
  /// Call often (every few ms) with the counter's current value.
  void sample(clock_type::time_point now, std::uint64_t value);
  std::vector<double> const& per_second() const noexcept { return per_second_; }

private:
  clock_type::time_point next_;
  std::uint64_t last_ = 0;
  std::vector<double> per_second_;
};

/// Thread ids of this process (Linux /proc/self/task).
std::set<int> thread_ids();
/// CPU seconds (user + system) a thread of this process used.
double thread_cpu_seconds(int tid);
/// CPU seconds of the threads in `now` that are not in `before`, plus the
/// listed extra threads: what a client started since `before`.
double cpu_seconds_since(std::set<int> const& before, std::set<int> const& extra = {});
/// This thread's id.
int current_tid();

}  // namespace kinesys::bench
