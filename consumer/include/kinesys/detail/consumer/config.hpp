#pragma once
// The consumer's configuration: a TOML file (`--config consumer.toml`),
// overridden by flags (`--set key=value` and the named shorthands). Every
// key, its default and its meaning are listed in docs/consumer.md; the
// defaults below are the source of truth for that table.
//
// Loading never throws on bad input: it returns every problem found, each
// naming the key and the reason ("read.batch_size: must be between 1 and
// 10000 (got 0)"), so one `--check-config` run reports all of them.
#include <boost/system/result.hpp>
#include <boost/assert/source_location.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::consumer {

enum class start_position { trim_horizon, latest, at_timestamp };
enum class write_mode { put, merge };
enum class rate_unit { items, wcu };
enum class routing_mode { all, shard, field };

std::string_view to_string(start_position p) noexcept;
std::string_view to_string(write_mode m) noexcept;
std::string_view to_string(rate_unit u) noexcept;
std::string_view to_string(routing_mode m) noexcept;

/// One destination table: how a payload becomes its item, how it is written
/// and how fast.
struct table_config {
  std::string name;
  /// Payload fields that give the item's key attributes (same names).
  std::string hash_key;
  std::string range_key;  ///< empty: the table has a hash key only
  /// Key attribute types, used when the consumer creates the table.
  std::string hash_key_type = "S";
  std::string range_key_type = "S";
  write_mode mode = write_mode::put;
  /// Writes per second (items or WCU); 0 = unlimited.
  double rate_limit = 0;
  rate_unit unit = rate_unit::items;
  /// merge mode: numeric payload fields summed into the item with ADD.
  std::vector<std::string> counters;
  /// merge mode: an attribute incremented by the number of records merged.
  std::string count_attribute;
  /// Create the table (on-demand billing) if it does not exist.
  bool create_if_missing = false;
};

struct consumer_config {
  // --- stream and application ---
  std::string stream;
  std::string application = "kinesys-consumer";
  start_position start = start_position::trim_horizon;
  /// With AT_TIMESTAMP: where reading starts.
  std::optional<std::chrono::system_clock::time_point> start_timestamp;
  std::size_t cores = 0;  ///< 0 = one per hardware thread
  /// This process's name in the lease table; empty = "<hostname>:<pid>".
  std::string worker_id;

  struct aws_settings {
    std::string region;             ///< empty: AWS_REGION / profile
    std::string kinesis_endpoint;   ///< empty: AWS_ENDPOINT_URL_KINESIS / ... / regional
    std::string dynamodb_endpoint;  ///< empty: AWS_ENDPOINT_URL_DYNAMODB / ... / regional
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds request_timeout{10000};
    std::size_t max_connections = 64;  ///< per endpoint per core
  } aws;

  struct read_settings {
    /// GetRecords Limit (seed 000's "batch size").
    std::size_t batch_size = 1000;
    /// Pause between GetRecords calls of a shard (seed 000's "sleep time");
    /// at least 200 ms, since a shard serves 5 reads per second.
    std::chrono::milliseconds interval{250};
    /// A shard stops reading while this many records wait to be written.
    std::size_t max_pending_records = 20000;
  } read;

  struct write_settings {
    write_mode mode = write_mode::put;  ///< default for tables that do not set one
    std::size_t concurrency = 64;           ///< in-flight write requests per core
    std::size_t parallelization_factor = 4;  ///< concurrent write batches per shard
    std::size_t batch_items = 25;       ///< items per write batch (BatchWriteItem allows 25)
    int max_retries = 10;               ///< failed attempts before dead-lettering; -1 = unlimited
    std::chrono::seconds max_record_age{-1};  ///< -1 = unlimited
    bool bisect_on_error = true;
    /// Use BatchWriteItem (no conditions) for records no previous lease
    /// owner can have written; false = conditional writes everywhere.
    bool unconditional_batches = true;
    /// false: no position guard at all (plain at-least-once, as seed 000's
    /// loop): replays and duplicates apply again. For measuring the guard's
    /// cost, or for tables where re-applying is harmless.
    bool idempotent = true;
    std::string position_attribute = "_kinesys_pos";
    std::string stamp_attribute = "_kinesys_src";
    std::string stamp_sequence_attribute = "_kinesys_src_seq";
    std::chrono::milliseconds retry_base{50};
    std::chrono::milliseconds retry_max_delay{5000};
  } write;

  struct dedup_settings {
    bool enabled = true;
    std::size_t window_keys = 20000;  ///< per shard; about 4 MB at this size
    /// Aggregated-record tag carrying the producer's stamp "<producer id>:<sequence>".
    std::string tag = "ks";
  } dedup;

  struct checkpoint_settings {
    std::chrono::milliseconds interval{1000};
  } checkpoint;

  struct lease_settings {
    std::string table;  ///< empty: the application name (as KCL does)
    std::chrono::milliseconds duration{10000};
    std::chrono::milliseconds renew_interval{0};       ///< 0: duration / 3
    std::chrono::milliseconds take_interval{0};        ///< 0: duration / 2
    std::chrono::milliseconds shard_sync_interval{60000};
    std::size_t max_leases_per_worker = 0;  ///< 0 = unlimited
    std::size_t max_steal_per_cycle = 1;
    bool create_table = true;
  } lease;

  struct routing_settings {
    routing_mode mode = routing_mode::all;
    std::string table;  ///< all: the table; shard/field: for unmatched records (empty: dead-letter them)
    std::string field;  ///< field mode: the payload field whose value picks the table
    std::map<std::string, std::string, std::less<>> shards;  ///< shard id -> table
    std::map<std::string, std::string, std::less<>> values;  ///< field value -> table
  } routing;

  std::map<std::string, table_config, std::less<>> tables;

  struct dead_letter_settings {
    std::string file = "dead-letters.ndjson";  ///< empty: no file
    std::string stream;                        ///< empty: no stream
  } dead_letter;

  struct metrics_settings {
    std::string address = "127.0.0.1";
    int port = 9180;  ///< 0 = any free port (printed at start), -1 = off
  } metrics;

  std::string log_level = "info";
  /// On SIGTERM: how long to drain in-flight writes before stopping anyway
  /// (what is not finished is not checkpointed, so it is read again later).
  std::chrono::milliseconds shutdown_timeout{30000};

  // Derived values.
  std::string const& lease_table() const noexcept { return lease.table.empty() ? application : lease.table; }
  std::chrono::milliseconds renew_interval() const noexcept
  {
    return lease.renew_interval.count() > 0 ? lease.renew_interval : lease.duration / 3;
  }
  std::chrono::milliseconds take_interval() const noexcept
  {
    return lease.take_interval.count() > 0 ? lease.take_interval : lease.duration / 2;
  }
};

/// One problem: the dotted key ("tables.events.hash_key") and why.
struct config_problem {
  std::string key;
  std::string reason;
  std::string to_string() const { return key.empty() ? reason : key + ": " + reason; }
};

struct config_errors {
  std::vector<config_problem> problems;
  /// One problem per line.
  std::string message() const;
};

/// Lets `result<consumer_config, config_errors>::value()` throw at startup.
[[noreturn]] void throw_exception_from_error(config_errors const& e, boost::source_location const& loc);

using config_result = boost::system::result<consumer_config, config_errors>;

/// `key=value` from the command line. The value is read as a TOML value
/// (`500`, `true`, `["a","b"]`, `"text"`); anything that is not one is taken
/// as a bare string, so `--set stream=events` works.
struct config_override {
  std::string key;
  std::string value;
};

/// Parses "key=value"; nullopt if there is no '=' or the key is empty.
std::optional<config_override> parse_override(std::string_view text);

/// Reads TOML text (`source` names it in messages), applies the overrides,
/// fills defaults, validates.
config_result parse_config(std::string_view toml_text, std::string_view source = "config",
                           std::vector<config_override> const& overrides = {});
/// The same, from a file (a missing or unreadable file is a problem too).
config_result load_config(std::filesystem::path const& path, std::vector<config_override> const& overrides = {});

/// The configuration as TOML, every key spelled out (what --check-config
/// prints, and a file that parse_config reads back to the same values).
std::string to_toml(consumer_config const& config);

}  // namespace kinesys::consumer
