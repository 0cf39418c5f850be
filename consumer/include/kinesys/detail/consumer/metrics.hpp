#pragma once
// What /metrics exposes (Prometheus text format 0.0.4). Counters are
// relaxed atomics bumped once per batch, so any core may update them and
// the scrape, on whatever core accepted it, reads them without stopping
// anyone. The shard registry changes only when a lease is won or lost; its
// mutex is never taken on the record path.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kinesys::consumer {

struct counter {
  std::atomic<std::uint64_t> value{0};
  void add(std::uint64_t n = 1) noexcept { value.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t get() const noexcept { return value.load(std::memory_order_relaxed); }
};

struct gauge {
  std::atomic<std::int64_t> value{0};
  void set(std::int64_t v) noexcept { value.store(v, std::memory_order_relaxed); }
  std::int64_t get() const noexcept { return value.load(std::memory_order_relaxed); }
};

/// Per shard held by this worker. @locality any thread
struct shard_metrics {
  gauge millis_behind_latest;
  gauge iterator_age_ms;  ///< now minus the arrival time of the newest record read
  gauge pending;          ///< records read and not yet finished
  counter read;           ///< user records read
  counter written;
  counter skipped;  ///< duplicates and records the table already reflected
  counter dead_lettered;
  counter get_records;
  counter read_throttles;
};

/// Per table. @locality any thread
struct table_metrics {
  counter items_written;  ///< items (or merged updates) applied
  counter requests;
  counter batch_requests;  ///< BatchWriteItem calls (the rest are single, conditional writes)
  counter write_throttles;
  counter write_errors;
  counter conditional_refusals;
  double rate_limit = 0;
};

/// @locality any thread
class metrics_registry {
public:
  explicit metrics_registry(std::vector<std::string> const& tables, std::vector<double> const& rate_limits = {});

  std::shared_ptr<shard_metrics> shard(std::string const& shard_id);
  void forget_shard(std::string const& shard_id);
  table_metrics& table(std::size_t index) { return *tables_[index].second; }
  table_metrics const& table(std::size_t index) const { return *tables_[index].second; }

  counter lease_takes, lease_steals, lease_losses, checkpoints, duplicates_dropped;
  gauge leases_held;

  /// Prometheus text exposition.
  std::string render() const;

  /// Sums over the shards held now (records read and finished).
  struct totals {
    std::uint64_t read = 0, written = 0, skipped = 0, dead_lettered = 0;
    std::uint64_t finished() const noexcept { return written + skipped + dead_lettered; }
  };
  totals shard_totals() const;
  std::uint64_t items_written() const;

private:
  mutable std::mutex mutex_;  // guards shards_ (lease changes and scrapes only)
  std::map<std::string, std::shared_ptr<shard_metrics>> shards_;
  std::vector<std::pair<std::string, std::unique_ptr<table_metrics>>> tables_;
};

}  // namespace kinesys::consumer
