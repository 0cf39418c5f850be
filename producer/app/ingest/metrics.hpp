#pragma once
// Request counters for /metrics. Every core counts into its own block (one
// writer each, relaxed atomics so a scrape on another core reads them
// without tearing); a scrape sums the blocks. Nothing on the request path
// is shared between cores.
//
//   kinesys_ingest_requests_total{status,tenant}   tenant "-" before a key is known
//   kinesys_ingest_records_total{tenant}           records accepted (put or spooled)
//   kinesys_ingest_request_seconds_bucket{le}      latency of every request
//   kinesys_ingest_requests_in_flight              PUT requests being handled
//   kinesys_ingest_spooled_failures_total          spooled records that failed later
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::ingest {

/// The statuses the server answers with; anything else counts as "other".
inline constexpr std::array<unsigned, 18> counted_statuses = {200, 202, 207, 400, 401, 403, 404, 405, 408,
                                                              413, 415, 429, 431, 500, 502, 503, 504, 0};

/// Upper bounds of the latency histogram, in seconds.
inline constexpr std::array<double, 14> latency_bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,    0.25,  0.5,    1,     2.5,  5,    10};

class ingest_metrics {
public:
  ingest_metrics(std::size_t cores, std::vector<std::string> tenant_names);
  ~ingest_metrics();

  /// One finished request. `tenant` is empty before a key was accepted.
  /// @locality core `core`
  void request(std::size_t core, std::optional<std::size_t> tenant, unsigned status,
               std::chrono::steady_clock::duration latency) noexcept;
  /// @locality core `core`
  void records(std::size_t core, std::size_t tenant, std::uint64_t n) noexcept;
  /// @locality core `core`
  void begin_put(std::size_t core) noexcept;
  void end_put(std::size_t core) noexcept;
  /// A record answered 202 that the producer failed afterwards (rare).
  /// @locality any thread
  void spooled_failure() noexcept { spooled_failures_.fetch_add(1, std::memory_order_relaxed); }

  /// Prometheus text (0.0.4) of the sums. @locality any thread
  std::string prometheus() const;

private:
  struct core_block;
  std::size_t slot(std::optional<std::size_t> tenant, unsigned status) const noexcept;

  std::vector<std::string> tenants_;
  std::vector<std::unique_ptr<core_block>> cores_;
  std::atomic<std::uint64_t> spooled_failures_{0};
};

}  // namespace kinesys::ingest
