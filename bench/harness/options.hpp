#pragma once
// What one kinesys-bench invocation asks for: the scenario, how long and how
// often to run it, the record shape, the settings and the sweep axes, where
// the endpoint is and where results go. Filled by main.cpp from the command
// line; everything below reads it and never the command line itself.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::bench {

enum class scenario { produce, consume, pipeline, raw };
std::string_view to_string(scenario s) noexcept;

enum class shape_kind { fixed, telemetry, ndjson };

/// One `--set Key=Value`.
struct setting {
  std::string key;
  std::string value;
};

/// One `--sweep Key=v1,v2,...`: the key takes each value in turn.
struct sweep_axis {
  std::string key;
  std::vector<std::string> values;
};

struct bench_options {
  scenario kind = scenario::produce;
  std::chrono::milliseconds duration{10000};
  std::chrono::milliseconds warmup{2000};
  int repeat = 1;

  shape_kind shape = shape_kind::fixed;
  std::size_t record_size = 100;
  std::string ndjson_file;
  /// Payload field that carries the item key (consume/pipeline tables) and
  /// the partition key; empty: "id" for fixed records, "device_id" for
  /// telemetry, the first of id/device_id/key found in an NDJSON line.
  std::string key_field;

  int shards = 4;
  std::vector<setting> settings;
  std::vector<sweep_axis> sweeps;
  std::vector<std::string> peers;  ///< "boto3", "js"

  /// Empty: kinesys-local started in this process. "env": whatever the AWS
  /// variables say. Otherwise an endpoint URL for both Kinesis and DynamoDB.
  std::string endpoint;
  bool local_limits = false;
  /// kinesys-local in this process, or as a separate process on loopback
  /// (`local_binary`, default: the one beside kinesys-bench).
  bool local_as_process = false;
  std::string local_binary;

  /// consume: user records put before the consumer starts (0: sized from
  /// the duration).
  std::size_t backlog = 0;
  std::string out_dir = "bench-out";
  bool plots = true;
  /// Also replay the pre-encoded requests (`raw`) alongside peers, for the
  /// ratio to the wire limit.
  bool with_raw = true;
  std::string command_line;
};

/// "10s", "500ms", "2m", "1.5s"; a bare number is seconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
/// "100", "64KiB", "1MiB", "50KB" (KB = 1000): bytes.
std::optional<std::uint64_t> parse_size(std::string_view text);
/// "Key=Value"; nullopt without '=' or with an empty key.
std::optional<setting> parse_setting(std::string_view text);
/// "Key=v1,v2,v3"; nullopt without '=' or values.
std::optional<sweep_axis> parse_sweep(std::string_view text);

}  // namespace kinesys::bench
