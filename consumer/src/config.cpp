#include <kinesys/detail/consumer/config.hpp>

#include "config_reader.hpp"

#include <toml++/toml.h>

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace kinesys::consumer {

std::string_view to_string(start_position p) noexcept
{
  switch (p) {
    case start_position::trim_horizon: return "TRIM_HORIZON";
    case start_position::latest: return "LATEST";
    case start_position::at_timestamp: return "AT_TIMESTAMP";
  }
  return "?";
}
std::string_view to_string(write_mode m) noexcept { return m == write_mode::put ? "put" : "merge"; }
std::string_view to_string(rate_unit u) noexcept { return u == rate_unit::items ? "items" : "wcu"; }
std::string_view to_string(routing_mode m) noexcept
{
  switch (m) {
    case routing_mode::all: return "all";
    case routing_mode::shard: return "shard";
    case routing_mode::field: return "field";
  }
  return "?";
}

std::string config_errors::message() const
{
  std::string out;
  for (auto const& p : problems) {
    if (!out.empty()) out.push_back('\n');
    out += p.to_string();
  }
  return out;
}

void throw_exception_from_error(config_errors const& e, boost::source_location const& loc)
{
  boost::throw_exception(std::invalid_argument(e.message()), loc);
}

std::optional<config_override> parse_override(std::string_view text)
{
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return config_override{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

namespace {

using detail::section;

bool valid_name_chars(std::string_view s)
{
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

void read_top(section& s, consumer_config& c)
{
  s.string("stream", c.stream);
  s.string("application", c.application);
  s.choice("start_position", c.start,
           {{"TRIM_HORIZON", start_position::trim_horizon},
            {"LATEST", start_position::latest},
            {"AT_TIMESTAMP", start_position::at_timestamp}});
  s.timestamp("start_timestamp", c.start_timestamp);
  s.integer("cores", c.cores, 0, 1024);
  s.string("worker_id", c.worker_id);
  s.choice("log_level", c.log_level, {{"debug", "debug"}, {"info", "info"}, {"warn", "warn"}, {"error", "error"}});
  s.millis("shutdown_timeout_ms", c.shutdown_timeout, 0, 3'600'000);
}

void read_aws(section& s, consumer_config::aws_settings& a)
{
  s.string("region", a.region);
  s.string("kinesis_endpoint", a.kinesis_endpoint);
  s.string("dynamodb_endpoint", a.dynamodb_endpoint);
  s.millis("connect_timeout_ms", a.connect_timeout, 1, 600'000);
  s.millis("request_timeout_ms", a.request_timeout, 1, 600'000);
  s.integer("max_connections", a.max_connections, 1, 10'000);
}

void read_read(section& s, consumer_config::read_settings& r)
{
  s.integer("batch_size", r.batch_size, 1, 10'000, "GetRecords takes a Limit of 1 to 10000");
  s.millis("interval_ms", r.interval, 200, 3'600'000, "a shard serves at most 5 GetRecords per second");
  s.integer("max_pending_records", r.max_pending_records, 1, 100'000'000);
}

void read_write(section& s, consumer_config::write_settings& w)
{
  s.choice("mode", w.mode, {{"put", write_mode::put}, {"merge", write_mode::merge}});
  s.integer("concurrency", w.concurrency, 1, 100'000);
  s.integer("parallelization_factor", w.parallelization_factor, 1, 1000);
  s.integer("batch_items", w.batch_items, 1, 25, "BatchWriteItem takes at most 25 items");
  s.integer("max_retries", w.max_retries, -1, 1'000'000);
  std::int64_t age = w.max_record_age.count();
  if (s.integer("max_record_age_s", age, -1, 7 * 24 * 3600)) {
    if (age == 0) s.problem("max_record_age_s", "must be -1 (unlimited) or at least 1 second (got 0)");
    w.max_record_age = std::chrono::seconds(age);
  }
  s.boolean("bisect_on_error", w.bisect_on_error);
  s.boolean("unconditional_batches", w.unconditional_batches);
  s.boolean("idempotent", w.idempotent);
  s.attribute_name("position_attribute", w.position_attribute);
  s.attribute_name("stamp_attribute", w.stamp_attribute);
  s.attribute_name("stamp_sequence_attribute", w.stamp_sequence_attribute);
  s.millis("retry_base_ms", w.retry_base, 1, 60'000);
  s.millis("retry_max_delay_ms", w.retry_max_delay, 1, 3'600'000);
}

void read_lease(section& s, consumer_config::lease_settings& l)
{
  s.string("table", l.table);
  s.millis("duration_ms", l.duration, 1000, 3'600'000);
  s.millis("renew_interval_ms", l.renew_interval, 0, 3'600'000);
  s.millis("take_interval_ms", l.take_interval, 0, 3'600'000);
  s.millis("shard_sync_interval_ms", l.shard_sync_interval, 100, 86'400'000);
  s.integer("max_leases_per_worker", l.max_leases_per_worker, 0, 100'000);
  s.integer("max_steal_per_cycle", l.max_steal_per_cycle, 0, 100'000);
  s.boolean("create_table", l.create_table);
}

void read_table(section& s, table_config& t, write_mode default_mode)
{
  t.mode = default_mode;
  s.string("hash_key", t.hash_key);
  s.string("range_key", t.range_key);
  s.choice("hash_key_type", t.hash_key_type, {{"S", "S"}, {"N", "N"}, {"B", "B"}});
  s.choice("range_key_type", t.range_key_type, {{"S", "S"}, {"N", "N"}, {"B", "B"}});
  s.choice("mode", t.mode, {{"put", write_mode::put}, {"merge", write_mode::merge}});
  s.number("rate_limit", t.rate_limit, 0, 1e9);
  s.choice("rate_unit", t.unit, {{"items", rate_unit::items}, {"wcu", rate_unit::wcu}});
  s.string_list("counters", t.counters);
  s.string("count_attribute", t.count_attribute);
  s.boolean("create_if_missing", t.create_if_missing);
}

void validate(consumer_config const& c, std::vector<config_problem>& problems)
{
  auto problem = [&](std::string key, std::string reason) { problems.push_back({std::move(key), std::move(reason)}); };

  if (c.stream.empty())
    problem("stream", "required: the Kinesis stream to read");
  else if (c.stream.size() > 128 || !valid_name_chars(c.stream))
    problem("stream", "must be 1-128 characters of a-z, A-Z, 0-9, '_', '-', '.' (got \"" + c.stream + "\")");
  if (c.application.empty())
    problem("application", "must not be empty: it names the lease table");
  auto const& lease_table = c.lease_table();
  if (!lease_table.empty() && (lease_table.size() < 3 || lease_table.size() > 255 || !valid_name_chars(lease_table)))
    problem(c.lease.table.empty() ? "application" : "lease.table",
            "the lease table name \"" + lease_table + "\" must be 3-255 characters of a-z, A-Z, 0-9, '_', '-', '.'");
  if (c.start == start_position::at_timestamp && !c.start_timestamp)
    problem("start_timestamp", "required when start_position is AT_TIMESTAMP");
  if (c.renew_interval() >= c.lease.duration)
    problem("lease.renew_interval_ms", "must be shorter than lease.duration_ms (" +
                                           std::to_string(c.lease.duration.count()) + "), or the lease expires between renewals");
  if (c.write.retry_max_delay < c.write.retry_base)
    problem("write.retry_max_delay_ms", "must be at least write.retry_base_ms");
  if (c.metrics.port < -1 || c.metrics.port > 65535)
    problem("metrics.port", "must be -1 (off), 0 (any free port) or 1-65535 (got " + std::to_string(c.metrics.port) + ")");
  {
    auto const& w = c.write;
    if (w.position_attribute == w.stamp_attribute || w.position_attribute == w.stamp_sequence_attribute ||
        w.stamp_attribute == w.stamp_sequence_attribute)
      problem("write.position_attribute", "position, stamp and stamp sequence attributes must have distinct names");
  }

  if (c.tables.empty()) problem("tables", "at least one table is required ([tables.<name>] with hash_key)");
  for (auto const& [name, t] : c.tables) {
    std::string key = "tables." + name;
    if (name.size() < 3 || name.size() > 255 || !valid_name_chars(name))
      problem(key, "a table name must be 3-255 characters of a-z, A-Z, 0-9, '_', '-', '.'");
    if (t.hash_key.empty()) problem(key + ".hash_key", "required: the payload field that gives the item's hash key");
    if (!t.range_key.empty() && t.range_key == t.hash_key)
      problem(key + ".range_key", "must differ from hash_key");
    if (t.mode == write_mode::put && (!t.counters.empty() || !t.count_attribute.empty()))
      problem(key + (t.counters.empty() ? ".count_attribute" : ".counters"),
              "counters are summed only in merge mode (set mode = \"merge\")");
    for (auto const& f : t.counters)
      if (f == t.hash_key || f == t.range_key) problem(key + ".counters", "\"" + f + "\" is a key attribute");
    for (auto const* reserved : {&c.write.position_attribute, &c.write.stamp_attribute, &c.write.stamp_sequence_attribute})
      if (t.hash_key == *reserved || t.range_key == *reserved || t.count_attribute == *reserved)
        problem(key, "\"" + *reserved + "\" is reserved for the consumer's bookkeeping");
  }

  auto known_table = [&](std::string const& key, std::string const& table) {
    if (!c.tables.contains(table)) problem(key, "names table \"" + table + "\", which has no [tables." + table + "] section");
  };
  auto const& r = c.routing;
  switch (r.mode) {
    case routing_mode::all:
      if (r.table.empty() && c.tables.size() == 1) break;  // the only table
      if (r.table.empty())
        problem("routing.table", "required with routing.mode = \"all\" when several tables are configured");
      else
        known_table("routing.table", r.table);
      break;
    case routing_mode::shard:
      if (r.shards.empty()) problem("routing.shards", "required with routing.mode = \"shard\" (shard id = table)");
      for (auto const& [shard, table] : r.shards) known_table("routing.shards." + shard, table);
      if (!r.table.empty()) known_table("routing.table", r.table);
      break;
    case routing_mode::field:
      if (r.field.empty()) problem("routing.field", "required with routing.mode = \"field\"");
      if (r.values.empty()) problem("routing.values", "required with routing.mode = \"field\" (value = table)");
      for (auto const& [value, table] : r.values) known_table("routing.values." + value, table);
      if (!r.table.empty()) known_table("routing.table", r.table);
      break;
  }
  if (r.mode != routing_mode::field && !r.field.empty())
    problem("routing.field", "only used with routing.mode = \"field\"");
}

}  // namespace

config_result parse_config(std::string_view toml_text, std::string_view source,
                           std::vector<config_override> const& overrides)
{
  std::vector<config_problem> problems;
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (toml::parse_error const& e) {
    auto const& where = e.source().begin;
    problems.push_back({"", std::string(source) + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                                ": not valid TOML: " + std::string(e.description())});
    return config_errors{std::move(problems)};
  }
  for (auto const& o : overrides) detail::apply_override(root, o, problems);
  if (!problems.empty()) return config_errors{std::move(problems)};

  consumer_config c;
  section top(root, "", problems);
  read_top(top, c);
  if (auto s = top.child("aws")) read_aws(*s, c.aws), s->finish();
  if (auto s = top.child("read")) read_read(*s, c.read), s->finish();
  if (auto s = top.child("write")) read_write(*s, c.write), s->finish();
  if (auto s = top.child("dedup")) {
    s->boolean("enabled", c.dedup.enabled);
    s->integer("window_keys", c.dedup.window_keys, 1, 100'000'000);
    s->string("tag", c.dedup.tag);
    s->finish();
  }
  if (auto s = top.child("checkpoint")) s->millis("interval_ms", c.checkpoint.interval, 10, 3'600'000), s->finish();
  if (auto s = top.child("lease")) read_lease(*s, c.lease), s->finish();
  if (auto s = top.child("routing")) {
    s->choice("mode", c.routing.mode,
              {{"all", routing_mode::all}, {"shard", routing_mode::shard}, {"field", routing_mode::field}});
    s->string("table", c.routing.table);
    s->string("field", c.routing.field);
    s->string_map("shards", c.routing.shards);
    s->string_map("values", c.routing.values);
    s->finish();
  }
  if (auto s = top.child("tables")) {
    for (auto const& name : s->keys()) {
      if (auto t = s->child(name)) {
        auto& table = c.tables[name];
        table.name = name;
        read_table(*t, table, c.write.mode);
        t->finish();
      }
    }
    s->finish();
  }
  if (auto s = top.child("dead_letter")) {
    s->string("file", c.dead_letter.file);
    s->string("stream", c.dead_letter.stream);
    s->finish();
  }
  if (auto s = top.child("metrics")) {
    s->string("address", c.metrics.address);
    s->integer("port", c.metrics.port, -1, 65535);
    s->finish();
  }
  top.finish();
  if (c.routing.mode == routing_mode::all && c.routing.table.empty() && c.tables.size() == 1)
    c.routing.table = c.tables.begin()->first;
  // Cross-key checks run even after a read problem, so one run reports
  // everything; a key already reported is not reported twice.
  std::vector<config_problem> semantic;
  validate(c, semantic);
  for (auto& p : semantic)
    if (std::none_of(problems.begin(), problems.end(), [&](auto const& q) { return q.key == p.key; }))
      problems.push_back(std::move(p));
  if (!problems.empty()) return config_errors{std::move(problems)};
  return c;
}

config_result load_config(std::filesystem::path const& path, std::vector<config_override> const& overrides)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) return config_errors{{{"", "cannot read configuration file " + path.string()}}};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path.string(), overrides);
}

}  // namespace kinesys::consumer
