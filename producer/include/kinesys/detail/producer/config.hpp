#pragma once
// ProducerConfig: every knob of the producer, named after the Java KPL's
// setting where one exists (AggregationMaxSize, RecordMaxBufferedTime, …) so
// a KPL user finds their way; the defaults are the KPL's unless noted.
// docs/producer.md lists every key with its default and range.
#include <kinesys/detail/producer/error.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::producer {

enum class compression_codec { none, zstd };
enum class backpressure_mode {
  block,  ///< put waits (coroutine suspends, thread blocks) until there is room
  fail,   ///< put completes at once with errc::outstanding_limit
};
enum class spool_fsync { never, interval, always };

/// What went wrong in a configuration: the key (its file name, e.g.
/// "RecordTtl") and why, e.g. "must be between 100 and 86400000 ms, got 5".
struct config_error {
  std::string key;
  std::string reason;
  std::string message() const { return key.empty() ? reason : key + ": " + reason; }
};
[[noreturn]] void throw_exception_from_error(config_error const& e, boost::source_location const& loc);

/// The largest MaxOutstandingRecords: a producer core keeps the records it
/// holds in an arena of up to 16,777,216 slots, and between two hand-offs
/// it can hold up to twice the limit (answered slots come back with the
/// next batch of records).
inline constexpr std::uint64_t max_outstanding_records_limit = 1ULL << 23;

struct producer_config {
  // ---- aggregation and collection (KPL names and defaults) ----------------
  /// AggregationEnabled: pack many user records into one Kinesis record in
  /// the KPL aggregated format (readable by the KCL, Lambda, aws-kinesis-agg).
  bool aggregation_enabled = true;
  /// AggregationMaxCount: user records per aggregated record.
  std::uint64_t aggregation_max_count = 4294967295ULL;
  /// AggregationMaxSize: bytes of one aggregated record (64 .. 1048576).
  std::uint64_t aggregation_max_size = 51200;
  /// CollectionMaxCount: Kinesis records per PutRecords (1 .. 500).
  std::uint64_t collection_max_count = 500;
  /// CollectionMaxSize: bytes per PutRecords (52224 .. 5242880).
  std::uint64_t collection_max_size = 5242880;
  /// RecordMaxBufferedTime: how long a record may wait for its batch to fill.
  std::chrono::milliseconds record_max_buffered_time{100};
  /// RecordTtl: a record not acknowledged by then fails with errc::ttl_expired.
  std::chrono::milliseconds record_ttl{30000};

  // ---- rate limiting and retries ----------------------------------------
  /// RateLimit: per-shard ceiling as a percentage of 1 MiB/s and 1000
  /// records/s (KPL default 150: the service is the final judge, and
  /// throttling lowers our own ceiling adaptively).
  std::uint64_t rate_limit = 150;
  /// FailIfThrottled: fail a throttled record at once instead of retrying.
  bool fail_if_throttled = false;
  /// RetryBaseDelay / RetryMaxDelay (kinesys): exponential backoff with full
  /// jitter between attempts of a failed entry; attempts end at RecordTtl.
  std::chrono::milliseconds retry_base_delay{100};
  std::chrono::milliseconds retry_max_delay{5000};

  // ---- connection -------------------------------------------------------
  /// Region (empty: AWS_REGION / AWS_DEFAULT_REGION / ~/.aws/config).
  std::string region;
  /// KinesisEndpoint: a URL such as "http://127.0.0.1:4567" (empty:
  /// AWS_ENDPOINT_URL_KINESIS / AWS_ENDPOINT_URL / the regional endpoint).
  std::string kinesis_endpoint;
  /// VerifyCertificate: check the server certificate (TLS).
  bool verify_certificate = true;
  /// MaxConnections: HTTP connections per producer core (1 .. 256).
  std::uint64_t max_connections = 24;
  /// ConnectTimeout / RequestTimeout: separate budgets for opening a
  /// connection and for one request on it (KPL defaults, not the SDKs').
  std::chrono::milliseconds connect_timeout{6000};
  std::chrono::milliseconds request_timeout{6000};

  // ---- kinesys additions --------------------------------------------------
  /// Cores: producer threads, each owning a slice of the hash-key space
  /// (1 .. 256). One core puts well over 500,000 small records/s.
  std::uint64_t cores = 1;
  /// Compression: "none" or "zstd" (each Kinesis record wrapped in the
  /// codecs envelope). Off by default: the KCL and Lambda cannot read it.
  compression_codec compression = compression_codec::none;
  /// CompressionLevel: zstd level (1 .. 19).
  int compression_level = 1;
  /// PreserveKeyOrder: hold back a key's records while an earlier record of
  /// the same key is unacknowledged, so retries never reorder a key.
  bool preserve_key_order = true;
  /// MaxOutstandingRecords / MaxOutstandingBytes: records put but not yet
  /// completed; beyond either, put waits or fails (BackpressureMode).
  /// At most max_outstanding_records_limit.
  std::uint64_t max_outstanding_records = 1000000;
  std::uint64_t max_outstanding_bytes = 256ULL * 1024 * 1024;
  /// BackpressureMode: "block" or "fail".
  backpressure_mode backpressure = backpressure_mode::block;
  /// IdempotencyStamps: tag each aggregated user record with (ProducerId,
  /// per-key increasing sequence) so consumers can drop retry duplicates.
  bool idempotency_stamps = true;
  /// ProducerId: the stamp's producer id (empty: random per Producer).
  std::string producer_id;
  /// ShardMapRefreshMinInterval: at most one ListShards per stream per core
  /// in this interval, however many records report a moved shard.
  std::chrono::milliseconds shard_map_refresh_min_interval{1000};
  /// MetricsInterval: how often the metrics callback is called.
  std::chrono::milliseconds metrics_interval{10000};

  // ---- durable spool ------------------------------------------------------
  /// SpoolDirectory: when set, a put is written to an on-disk log before it
  /// is accepted and re-sent after a crash until acknowledged.
  std::filesystem::path spool_directory;
  /// SpoolFsync: "never" (survives kill -9), "interval", "always" (survives
  /// power loss before put is accepted).
  spool_fsync spool_fsync_policy = spool_fsync::interval;
  std::chrono::milliseconds spool_fsync_interval{100};
  /// SpoolSegmentSize: a spool file is closed and trimmed once this big.
  std::uint64_t spool_segment_size = 64ULL * 1024 * 1024;

  /// Sets one key from text, as a .properties file would ("true", "100",
  /// "100ms", "30s", "zstd"). Keys are the KPL-style names above; their
  /// snake_case spellings are accepted too.
  boost::system::result<void, config_error> set(std::string_view key, std::string_view value);
  /// Checks every value against its range and the cross-key rules.
  boost::system::result<void, config_error> validate() const;

  /// Reads a TOML file (.toml) or a Java-style properties file (anything
  /// else): defaults, then the file's keys, then validate().
  static boost::system::result<producer_config, config_error> from_file(std::filesystem::path const& path);
  static boost::system::result<producer_config, config_error> from_toml(std::string_view text);
  static boost::system::result<producer_config, config_error> from_properties(std::string_view text);

  /// The file names of every key, in documentation order.
  static std::vector<std::string_view> key_names();
};

}  // namespace kinesys::producer
