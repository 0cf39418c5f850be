#pragma once
// The application side of the produce and pipeline scenarios: one thread
// putting the pool's records into a kinesys producer as fast as it accepts
// them (or at the configured rate), one by one or in batches (put_batch),
// counting acknowledgements and timing each put to its acknowledgement.
#include "measure.hpp"
#include "records.hpp"
#include "run_config.hpp"

#include <kinesys/producer.hpp>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>

namespace kinesys::bench {

class producer_driver {
public:
  /// Starts the producer (its cores) and the feeding thread.
  producer_driver(run_config const& c, engine::aws::environment const& env, record_pool const& records,
                  std::string stream);
  /// stop() and close the producer.
  ~producer_driver();
  producer_driver(producer_driver const&) = delete;
  producer_driver& operator=(producer_driver const&) = delete;

  std::uint64_t acknowledged() const noexcept { return ok_.load(std::memory_order_relaxed); }
  std::uint64_t failed() const noexcept { return failed_.load(std::memory_order_relaxed); }
  std::uint64_t offered() const noexcept { return offered_.load(std::memory_order_relaxed); }
  /// CPU of the producer's cores and the feeding thread so far.
  double cpu_seconds() const { return cpu_seconds_since(before_, {feeder_tid_.load()}); }
  latency_histogram& latency() noexcept { return latency_; }
  /// Stops feeding (already put records still complete).
  void stop();
  /// Waits until every record put so far completed (flush_sync).
  void drain();
  producer::metrics_snapshot metrics() const { return producer_->metrics(); }

private:
  void feed();
  record_pool const& records_;
  std::string stream_;
  double rate_;
  std::size_t batch_;
  std::set<int> before_;
  std::unique_ptr<producer::producer> producer_;
  std::atomic<std::uint64_t> ok_{0}, failed_{0}, offered_{0};
  std::atomic<int> feeder_tid_{0};
  std::atomic<bool> stop_{false};
  latency_histogram latency_;
  std::thread feeder_;
};

}  // namespace kinesys::bench
