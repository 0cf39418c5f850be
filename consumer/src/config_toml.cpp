#include <kinesys/detail/consumer/config.hpp>

#include <toml++/toml.h>

#include <sstream>

namespace kinesys::consumer {
namespace {

toml::array strings(std::vector<std::string> const& v)
{
  toml::array a;
  for (auto const& s : v) a.push_back(s);
  return a;
}

toml::table string_table(std::map<std::string, std::string, std::less<>> const& m)
{
  toml::table t;
  for (auto const& [k, v] : m) t.insert(k, v);
  return t;
}

}  // namespace

std::string to_toml(consumer_config const& c)
{
  toml::table root;
  root.insert("stream", c.stream);
  root.insert("application", c.application);
  root.insert("start_position", std::string(to_string(c.start)));
  if (c.start_timestamp)
    root.insert("start_timestamp",
                std::chrono::duration_cast<std::chrono::seconds>(c.start_timestamp->time_since_epoch()).count());
  root.insert("cores", static_cast<std::int64_t>(c.cores));
  root.insert("worker_id", c.worker_id);
  root.insert("log_level", c.log_level);
  root.insert("shutdown_timeout_ms", c.shutdown_timeout.count());

  root.insert("aws", toml::table{{"region", c.aws.region},
                                 {"kinesis_endpoint", c.aws.kinesis_endpoint},
                                 {"dynamodb_endpoint", c.aws.dynamodb_endpoint},
                                 {"connect_timeout_ms", c.aws.connect_timeout.count()},
                                 {"request_timeout_ms", c.aws.request_timeout.count()},
                                 {"max_connections", static_cast<std::int64_t>(c.aws.max_connections)}});
  root.insert("read", toml::table{{"batch_size", static_cast<std::int64_t>(c.read.batch_size)},
                                  {"interval_ms", c.read.interval.count()},
                                  {"max_pending_records", static_cast<std::int64_t>(c.read.max_pending_records)}});
  auto const& w = c.write;
  root.insert("write", toml::table{{"mode", std::string(to_string(w.mode))},
                                   {"concurrency", static_cast<std::int64_t>(w.concurrency)},
                                   {"parallelization_factor", static_cast<std::int64_t>(w.parallelization_factor)},
                                   {"batch_items", static_cast<std::int64_t>(w.batch_items)},
                                   {"max_retries", w.max_retries},
                                   {"max_record_age_s", static_cast<std::int64_t>(w.max_record_age.count())},
                                   {"bisect_on_error", w.bisect_on_error},
                                   {"unconditional_batches", w.unconditional_batches},
                                   {"idempotent", w.idempotent},
                                   {"position_attribute", w.position_attribute},
                                   {"stamp_attribute", w.stamp_attribute},
                                   {"stamp_sequence_attribute", w.stamp_sequence_attribute},
                                   {"retry_base_ms", w.retry_base.count()},
                                   {"retry_max_delay_ms", w.retry_max_delay.count()}});
  root.insert("dedup", toml::table{{"enabled", c.dedup.enabled},
                                   {"window_keys", static_cast<std::int64_t>(c.dedup.window_keys)},
                                   {"tag", c.dedup.tag}});
  root.insert("checkpoint", toml::table{{"interval_ms", c.checkpoint.interval.count()}});
  auto const& l = c.lease;
  root.insert("lease", toml::table{{"table", l.table},
                                   {"duration_ms", l.duration.count()},
                                   {"renew_interval_ms", l.renew_interval.count()},
                                   {"take_interval_ms", l.take_interval.count()},
                                   {"shard_sync_interval_ms", l.shard_sync_interval.count()},
                                   {"max_leases_per_worker", static_cast<std::int64_t>(l.max_leases_per_worker)},
                                   {"max_steal_per_cycle", static_cast<std::int64_t>(l.max_steal_per_cycle)},
                                   {"create_table", l.create_table}});
  toml::table routing{{"mode", std::string(to_string(c.routing.mode))}, {"table", c.routing.table}};
  if (!c.routing.field.empty()) routing.insert("field", c.routing.field);
  if (!c.routing.shards.empty()) routing.insert("shards", string_table(c.routing.shards));
  if (!c.routing.values.empty()) routing.insert("values", string_table(c.routing.values));
  root.insert("routing", std::move(routing));
  toml::table tables;
  for (auto const& [name, t] : c.tables) {
    toml::table tt{{"hash_key", t.hash_key},
                   {"range_key", t.range_key},
                   {"hash_key_type", t.hash_key_type},
                   {"range_key_type", t.range_key_type},
                   {"mode", std::string(to_string(t.mode))},
                   {"rate_limit", t.rate_limit},
                   {"rate_unit", std::string(to_string(t.unit))},
                   {"counters", strings(t.counters)},
                   {"count_attribute", t.count_attribute},
                   {"create_if_missing", t.create_if_missing}};
    tables.insert(name, std::move(tt));
  }
  root.insert("tables", std::move(tables));
  root.insert("dead_letter", toml::table{{"file", c.dead_letter.file}, {"stream", c.dead_letter.stream}});
  root.insert("metrics", toml::table{{"address", c.metrics.address}, {"port", c.metrics.port}});
  std::ostringstream out;
  out << root << '\n';
  return out.str();
}

}  // namespace kinesys::consumer
