// Test that header file is self-contained.
#include <kinesys/detail/consumer/config.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace kc = kinesys::consumer;
using namespace std::chrono_literals;

namespace {

constexpr char const* minimal = R"(
stream = "events"
[tables.readings]
hash_key = "device_id"
)";

// Top-level keys must come before the first [section] in TOML.
std::string with_top(std::string_view top) { return std::string(top) + "\n" + minimal; }

bool has_problem(kc::config_errors const& e, std::string_view key, std::string_view reason_part)
{
  return std::any_of(e.problems.begin(), e.problems.end(), [&](auto const& p) {
    return p.key == key && p.reason.find(reason_part) != std::string::npos;
  });
}

kc::config_errors errors_of(std::string_view text, std::vector<kc::config_override> overrides = {})
{
  auto r = kc::parse_config(text, "test.toml", overrides);
  EXPECT_FALSE(r) << "expected errors";
  return r ? kc::config_errors{} : r.error();
}

}  // namespace

TEST(config, a_minimal_file_gets_the_documented_defaults)
{
  auto c = kc::parse_config(minimal).value();
  EXPECT_EQ(c.stream, "events");
  EXPECT_EQ(c.application, "kinesys-consumer");
  EXPECT_EQ(c.lease_table(), "kinesys-consumer");
  EXPECT_EQ(c.start, kc::start_position::trim_horizon);
  EXPECT_EQ(c.read.batch_size, 1000u);
  EXPECT_EQ(c.read.interval, 250ms);
  EXPECT_EQ(c.write.mode, kc::write_mode::put);
  EXPECT_EQ(c.write.batch_items, 25u);
  EXPECT_EQ(c.write.max_retries, 10);
  EXPECT_EQ(c.write.max_record_age, -1s);
  EXPECT_TRUE(c.write.bisect_on_error);
  EXPECT_EQ(c.lease.duration, 10000ms);
  EXPECT_EQ(c.renew_interval(), 3333ms);
  EXPECT_EQ(c.routing.mode, kc::routing_mode::all);
  EXPECT_EQ(c.routing.table, "readings");  // the only table
  EXPECT_EQ(c.dead_letter.file, "dead-letters.ndjson");
  EXPECT_EQ(c.metrics.port, 9180);
  ASSERT_EQ(c.tables.size(), 1u);
  EXPECT_EQ(c.tables.at("readings").hash_key, "device_id");
  EXPECT_EQ(c.tables.at("readings").rate_limit, 0);
}

TEST(config, a_full_file_sets_every_section)
{
  auto c = kc::parse_config(R"(
stream = "telemetry"
application = "telemetry-writer"
start_position = "AT_TIMESTAMP"
start_timestamp = 2024-05-01T12:00:00Z
cores = 2
[read]
batch_size = 500
interval_ms = 1000
[write]
mode = "merge"
parallelization_factor = 8
max_retries = -1
max_record_age_s = 3600
bisect_on_error = false
[lease]
table = "telemetry-leases"
duration_ms = 6000
[routing]
mode = "field"
field = "measurement"
table = "other"
values = { temperature = "temps", humidity = "humid" }
[tables.temps]
hash_key = "device_id"
range_key = "time"
rate_limit = 500
counters = ["count"]
[tables.humid]
hash_key = "device_id"
mode = "put"
rate_limit = 20
rate_unit = "wcu"
[tables.other]
hash_key = "device_id"
mode = "put"
[dead_letter]
file = "/tmp/dlq.ndjson"
stream = "dlq"
[metrics]
port = 0
)").value();
  EXPECT_EQ(c.start, kc::start_position::at_timestamp);
  ASSERT_TRUE(c.start_timestamp);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(c.start_timestamp->time_since_epoch()).count(), 1714564800);
  EXPECT_EQ(c.cores, 2u);
  EXPECT_EQ(c.read.batch_size, 500u);
  EXPECT_EQ(c.write.mode, kc::write_mode::merge);
  EXPECT_EQ(c.write.max_record_age, 3600s);
  EXPECT_EQ(c.lease_table(), "telemetry-leases");
  EXPECT_EQ(c.tables.at("temps").mode, kc::write_mode::merge);  // inherits write.mode
  EXPECT_EQ(c.tables.at("humid").mode, kc::write_mode::put);
  EXPECT_EQ(c.tables.at("humid").unit, kc::rate_unit::wcu);
  EXPECT_EQ(c.routing.values.at("temperature"), "temps");
  EXPECT_EQ(c.tables.at("temps").counters, std::vector<std::string>{"count"});
}

TEST(config, an_out_of_range_value_names_the_key_the_limit_and_the_value)
{
  auto e = errors_of(std::string(minimal) + "[read]\nbatch_size = 0\n");
  ASSERT_EQ(e.problems.size(), 1u);
  EXPECT_EQ(e.problems[0].key, "read.batch_size");
  EXPECT_EQ(e.problems[0].reason, "must be between 1 and 10000: GetRecords takes a Limit of 1 to 10000 (got 0)");
}

TEST(config, a_read_interval_below_five_reads_per_second_is_refused)
{
  auto e = errors_of(std::string(minimal) + "[read]\ninterval_ms = 100\n");
  EXPECT_TRUE(has_problem(e, "read.interval_ms", "5 GetRecords per second"));
}

TEST(config, a_misspelled_key_is_an_unknown_key_not_a_silent_default)
{
  auto e = errors_of(std::string(minimal) + "[read]\nbatchsize = 10\n");
  EXPECT_TRUE(has_problem(e, "read.batchsize", "unknown key"));
}

TEST(config, a_wrong_type_names_what_was_expected_and_what_was_given)
{
  auto e = errors_of(std::string(minimal) + "[write]\nbisect_on_error = \"yes\"\n");
  EXPECT_TRUE(has_problem(e, "write.bisect_on_error", "must be true or false (got string)"));
}

TEST(config, a_bad_enumeration_lists_the_allowed_values)
{
  auto e = errors_of(with_top("start_position = \"OLDEST\""));
  EXPECT_TRUE(has_problem(e, "start_position", "must be one of TRIM_HORIZON, LATEST, AT_TIMESTAMP (got \"OLDEST\")"));
}

TEST(config, every_problem_is_reported_at_once)
{
  auto e = errors_of("[read]\nbatch_size = 20000\n[write]\nbatch_items = 30\n");
  EXPECT_TRUE(has_problem(e, "read.batch_size", "between 1 and 10000"));
  EXPECT_TRUE(has_problem(e, "write.batch_items", "at most 25"));
}

TEST(config, missing_stream_and_tables_are_required_keys)
{
  auto e = errors_of("");
  EXPECT_TRUE(has_problem(e, "stream", "required"));
  EXPECT_TRUE(has_problem(e, "tables", "at least one table"));
}

TEST(config, at_timestamp_needs_a_timestamp_with_an_offset)
{
  auto e = errors_of(with_top("start_position = \"AT_TIMESTAMP\""));
  EXPECT_TRUE(has_problem(e, "start_timestamp", "required"));
  auto e2 = errors_of(with_top("start_position = \"AT_TIMESTAMP\"\nstart_timestamp = 2024-05-01T12:00:00"));
  EXPECT_TRUE(has_problem(e2, "start_timestamp", "no offset"));
  auto ok = kc::parse_config(with_top("start_position = \"AT_TIMESTAMP\"\nstart_timestamp = \"2024-05-01T14:00:00+02:00\""));
  ASSERT_TRUE(ok);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(ok->start_timestamp->time_since_epoch()).count(), 1714564800);
}

TEST(config, routing_must_name_configured_tables)
{
  auto e = errors_of(R"(
stream = "s"
[routing]
mode = "shard"
shards = { "shardId-000000000000" = "a", "shardId-000000000001" = "missing" }
[tables.a]
hash_key = "id"
)");
  EXPECT_TRUE(has_problem(e, "routing.shards.shardId-000000000001", "names table \"missing\""));
}

TEST(config, counters_outside_merge_mode_are_refused)
{
  auto e = errors_of(R"(
stream = "s"
[tables.abc]
hash_key = "id"
counters = ["n"]
)");
  EXPECT_TRUE(has_problem(e, "tables.abc.counters", "only in merge mode"));
}

TEST(config, a_key_attribute_may_not_use_a_bookkeeping_name)
{
  auto e = errors_of(R"(
stream = "s"
[tables.abc]
hash_key = "_kinesys_pos"
)");
  EXPECT_TRUE(has_problem(e, "tables.abc", "reserved"));
}

TEST(config, overrides_beat_the_file_and_keep_their_toml_type)
{
  auto c = kc::parse_config(std::string(minimal) + "[read]\nbatch_size = 100\n", "t",
                            {{"read.batch_size", "500"}, {"stream", "other"}, {"write.bisect_on_error", "false"},
                             {"tables.readings.range_key", "time"}})
               .value();
  EXPECT_EQ(c.read.batch_size, 500u);
  EXPECT_EQ(c.stream, "other");
  EXPECT_FALSE(c.write.bisect_on_error);
  EXPECT_EQ(c.tables.at("readings").range_key, "time");
}

TEST(config, an_override_can_create_a_whole_configuration)
{
  auto c = kc::parse_config("", "flags", {{"stream", "s"}, {"tables.tab1.hash_key", "id"}}).value();
  EXPECT_EQ(c.routing.table, "tab1");
}

TEST(config, an_override_into_a_non_table_is_refused)
{
  auto e = errors_of(minimal, {{"stream.x", "1"}});
  EXPECT_TRUE(has_problem(e, "stream.x", "stream is not a table"));
}

TEST(config, parse_override_splits_at_the_first_equals_sign)
{
  auto o = kc::parse_override("routing.values.a=b=c").value();
  EXPECT_EQ(o.key, "routing.values.a");
  EXPECT_EQ(o.value, "b=c");
  EXPECT_FALSE(kc::parse_override("novalue"));
  EXPECT_FALSE(kc::parse_override("=x"));
}

TEST(config, invalid_toml_reports_the_line)
{
  auto e = errors_of("stream = \n");
  ASSERT_EQ(e.problems.size(), 1u);
  EXPECT_NE(e.problems[0].reason.find("test.toml:1:"), std::string::npos) << e.problems[0].reason;
}

TEST(config, a_missing_file_is_a_problem_not_an_exception)
{
  auto r = kc::load_config("/nonexistent/consumer.toml");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("/nonexistent/consumer.toml"), std::string::npos);
}

TEST(config, to_toml_round_trips)
{
  auto c = kc::parse_config(std::string(minimal) + "[write]\nmode = \"merge\"\n[tables.readings]\ncounters=[\"n\"]\n");
  // A table defined twice is invalid TOML; build it with an override instead.
  ASSERT_FALSE(c);
  auto c2 = kc::parse_config(minimal, "t", {{"write.mode", "merge"}, {"tables.readings.counters", "[\"n\"]"}}).value();
  auto text = kc::to_toml(c2);
  auto back = kc::parse_config(text, "round-trip").value();
  EXPECT_EQ(kc::to_toml(back), text);
  EXPECT_EQ(back.tables.at("readings").counters, std::vector<std::string>{"n"});
  EXPECT_EQ(back.write.mode, kc::write_mode::merge);
}
