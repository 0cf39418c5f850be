#include <kinesys/detail/consumer/metrics.hpp>

#include <sstream>

namespace kinesys::consumer {

metrics_registry::metrics_registry(std::vector<std::string> const& tables, std::vector<double> const& rate_limits)
{
  for (std::size_t i = 0; i < tables.size(); ++i) {
    auto m = std::make_unique<table_metrics>();
    m->rate_limit = i < rate_limits.size() ? rate_limits[i] : 0;
    tables_.emplace_back(tables[i], std::move(m));
  }
}

std::shared_ptr<shard_metrics> metrics_registry::shard(std::string const& shard_id)
{
  std::lock_guard lock(mutex_);
  auto& slot = shards_[shard_id];
  if (!slot) slot = std::make_shared<shard_metrics>();
  return slot;
}

void metrics_registry::forget_shard(std::string const& shard_id)
{
  std::lock_guard lock(mutex_);
  shards_.erase(shard_id);
}

metrics_registry::totals metrics_registry::shard_totals() const
{
  std::lock_guard lock(mutex_);
  totals t;
  for (auto const& [id, m] : shards_) {
    t.read += m->read.get();
    t.written += m->written.get();
    t.skipped += m->skipped.get();
    t.dead_lettered += m->dead_lettered.get();
  }
  return t;
}

std::uint64_t metrics_registry::items_written() const
{
  std::uint64_t n = 0;
  for (auto const& [t, m] : tables_) n += m->items_written.get();
  return n;
}

namespace {

void family(std::ostringstream& out, char const* name, char const* type, char const* help)
{
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

std::string metrics_registry::render() const
{
  std::ostringstream out;
  std::map<std::string, std::shared_ptr<shard_metrics>> shards;
  {
    std::lock_guard lock(mutex_);
    shards = shards_;
  }
  auto per_shard = [&](char const* name, char const* type, char const* help, auto get) {
    family(out, name, type, help);
    for (auto const& [id, m] : shards) out << name << "{shard=\"" << id << "\"} " << get(*m) << '\n';
  };
  per_shard("kinesys_consumer_millis_behind_latest", "gauge", "MillisBehindLatest of the last GetRecords",
            [](shard_metrics const& m) { return m.millis_behind_latest.get(); });
  per_shard("kinesys_consumer_iterator_age_milliseconds", "gauge", "Age of the newest record read",
            [](shard_metrics const& m) { return m.iterator_age_ms.get(); });
  per_shard("kinesys_consumer_pending_records", "gauge", "Records read and not yet finished",
            [](shard_metrics const& m) { return m.pending.get(); });
  per_shard("kinesys_consumer_records_read_total", "counter", "User records read",
            [](shard_metrics const& m) { return m.read.get(); });
  per_shard("kinesys_consumer_records_written_total", "counter", "User records whose write was applied",
            [](shard_metrics const& m) { return m.written.get(); });
  per_shard("kinesys_consumer_records_skipped_total", "counter",
            "Duplicates and records the table already reflected", [](shard_metrics const& m) { return m.skipped.get(); });
  per_shard("kinesys_consumer_records_dead_lettered_total", "counter", "Records sent to the dead-letter destination",
            [](shard_metrics const& m) { return m.dead_lettered.get(); });
  per_shard("kinesys_consumer_get_records_total", "counter", "GetRecords calls",
            [](shard_metrics const& m) { return m.get_records.get(); });
  per_shard("kinesys_consumer_read_throttles_total", "counter", "GetRecords calls refused for throughput",
            [](shard_metrics const& m) { return m.read_throttles.get(); });

  auto per_table = [&](char const* name, char const* type, char const* help, auto get) {
    family(out, name, type, help);
    for (auto const& [t, m] : tables_) out << name << "{table=\"" << t << "\"} " << get(*m) << '\n';
  };
  per_table("kinesys_consumer_items_written_total", "counter", "Items put or updated",
            [](table_metrics const& m) { return m.items_written.get(); });
  per_table("kinesys_consumer_write_requests_total", "counter", "DynamoDB write requests sent",
            [](table_metrics const& m) { return m.requests.get(); });
  per_table("kinesys_consumer_batch_write_requests_total", "counter", "BatchWriteItem calls among the write requests",
            [](table_metrics const& m) { return m.batch_requests.get(); });
  per_table("kinesys_consumer_write_throttles_total", "counter", "Write requests or items throttled",
            [](table_metrics const& m) { return m.write_throttles.get(); });
  per_table("kinesys_consumer_write_errors_total", "counter", "Write requests that failed otherwise",
            [](table_metrics const& m) { return m.write_errors.get(); });
  per_table("kinesys_consumer_conditional_refusals_total", "counter",
            "Conditional writes refused because the item was newer", [](table_metrics const& m) { return m.conditional_refusals.get(); });
  per_table("kinesys_consumer_write_rate_limit", "gauge", "Configured writes per second (0: unlimited)",
            [](table_metrics const& m) { return m.rate_limit; });

  family(out, "kinesys_consumer_leases_held", "gauge", "Leases this worker holds");
  out << "kinesys_consumer_leases_held " << leases_held.get() << '\n';
  family(out, "kinesys_consumer_lease_events_total", "counter", "Leases taken, stolen and lost");
  out << "kinesys_consumer_lease_events_total{event=\"take\"} " << lease_takes.get() << '\n';
  out << "kinesys_consumer_lease_events_total{event=\"steal\"} " << lease_steals.get() << '\n';
  out << "kinesys_consumer_lease_events_total{event=\"lost\"} " << lease_losses.get() << '\n';
  family(out, "kinesys_consumer_checkpoints_total", "counter", "Checkpoints written");
  out << "kinesys_consumer_checkpoints_total " << checkpoints.get() << '\n';
  family(out, "kinesys_consumer_duplicates_dropped_total", "counter", "Producer-retry duplicates dropped");
  out << "kinesys_consumer_duplicates_dropped_total " << duplicates_dropped.get() << '\n';
  return out.str();
}

}  // namespace kinesys::consumer
