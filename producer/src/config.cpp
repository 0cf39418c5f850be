// ProducerConfig keys: one table that knows each key's file name, its
// snake_case spelling, its kind and its range, so set(), validate() and the
// documentation agree. Range errors name the key and the allowed range.
#include "kinesys/detail/producer/config.hpp"

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <variant>

namespace kinesys::producer {
namespace {

using ms = std::chrono::milliseconds;
using config_result = boost::system::result<void, config_error>;

struct uint_key { std::uint64_t producer_config::*member; std::uint64_t min, max; };
struct int_key { int producer_config::*member; int min, max; };
struct bool_key { bool producer_config::*member; };
struct duration_key { ms producer_config::*member; std::int64_t min_ms, max_ms; };
struct string_key { std::string producer_config::*member; };
struct path_key { std::filesystem::path producer_config::*member; };
struct compression_key {};
struct backpressure_key {};
struct fsync_key {};
using key_kind = std::variant<uint_key, int_key, bool_key, duration_key, string_key, path_key, compression_key,
                              backpressure_key, fsync_key>;

struct key_info {
  std::string_view name;
  std::string_view snake;
  key_kind kind;
};

using pc = producer_config;
constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

std::array<key_info, 32> const keys{{
    {"AggregationEnabled", "aggregation_enabled", bool_key{&pc::aggregation_enabled}},
    {"AggregationMaxCount", "aggregation_max_count", uint_key{&pc::aggregation_max_count, 1, 4294967295ULL}},
    // 64 bytes holds the aggregated record's framing and one tiny record;
    // 1 MiB is the Kinesis record limit.
    {"AggregationMaxSize", "aggregation_max_size", uint_key{&pc::aggregation_max_size, 64, 1048576}},
    {"CollectionMaxCount", "collection_max_count", uint_key{&pc::collection_max_count, 1, 500}},
    {"CollectionMaxSize", "collection_max_size", uint_key{&pc::collection_max_size, 52224, 5242880}},
    {"RecordMaxBufferedTime", "record_max_buffered_time", duration_key{&pc::record_max_buffered_time, 0, 600000}},
    {"RecordTtl", "record_ttl", duration_key{&pc::record_ttl, 100, 86400000}},
    {"RateLimit", "rate_limit", uint_key{&pc::rate_limit, 1, 1000000}},
    {"FailIfThrottled", "fail_if_throttled", bool_key{&pc::fail_if_throttled}},
    {"RetryBaseDelay", "retry_base_delay", duration_key{&pc::retry_base_delay, 1, 60000}},
    {"RetryMaxDelay", "retry_max_delay", duration_key{&pc::retry_max_delay, 1, 600000}},
    {"Region", "region", string_key{&pc::region}},
    {"KinesisEndpoint", "kinesis_endpoint", string_key{&pc::kinesis_endpoint}},
    {"VerifyCertificate", "verify_certificate", bool_key{&pc::verify_certificate}},
    {"MaxConnections", "max_connections", uint_key{&pc::max_connections, 1, 256}},
    {"ConnectTimeout", "connect_timeout", duration_key{&pc::connect_timeout, 100, 300000}},
    {"RequestTimeout", "request_timeout", duration_key{&pc::request_timeout, 100, 600000}},
    {"Cores", "cores", uint_key{&pc::cores, 1, 256}},
    {"Compression", "compression", compression_key{}},
    {"CompressionLevel", "compression_level", int_key{&pc::compression_level, 1, 19}},
    {"PreserveKeyOrder", "preserve_key_order", bool_key{&pc::preserve_key_order}},
    {"MaxOutstandingRecords", "max_outstanding_records", uint_key{&pc::max_outstanding_records, 1, max_outstanding_records_limit}},
    // Room for at least one largest record (1 MiB of data + 1 KiB of key).
    {"MaxOutstandingBytes", "max_outstanding_bytes", uint_key{&pc::max_outstanding_bytes, 1049600, u64_max}},
    {"BackpressureMode", "backpressure_mode", backpressure_key{}},
    {"IdempotencyStamps", "idempotency_stamps", bool_key{&pc::idempotency_stamps}},
    {"ProducerId", "producer_id", string_key{&pc::producer_id}},
    {"ShardMapRefreshMinInterval", "shard_map_refresh_min_interval",
     duration_key{&pc::shard_map_refresh_min_interval, 0, 3600000}},
    {"MetricsInterval", "metrics_interval", duration_key{&pc::metrics_interval, 100, 3600000}},
    {"SpoolDirectory", "spool_directory", path_key{&pc::spool_directory}},
    {"SpoolFsync", "spool_fsync", fsync_key{}},
    {"SpoolFsyncInterval", "spool_fsync_interval", duration_key{&pc::spool_fsync_interval, 1, 60000}},
    {"SpoolSegmentSize", "spool_segment_size", uint_key{&pc::spool_segment_size, 4ULL << 20, 1ULL << 40}},
}};

key_info const* find_key(std::string_view name) {
  for (auto const& k : keys)
    if (k.name == name || k.snake == name) return &k;
  return nullptr;
}

config_error error(key_info const& k, std::string reason) { return {std::string(k.name), std::move(reason)}; }

std::string quoted(std::string_view v) { return "\"" + std::string(v) + "\""; }

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && p == text.data() + text.size();
}

// "250" (milliseconds, as the KPL writes them), "250ms", "30s", "5m", "1h".
bool parse_duration_ms(std::string_view text, std::int64_t& out) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::uint64_t n = 0;
  if (!parse_u64(text.substr(0, digits), n)) return false;
  std::string_view unit = text.substr(digits);
  std::uint64_t scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  else if (unit == "s") scale = 1000;
  else if (unit == "m" || unit == "min") scale = 60000;
  else if (unit == "h") scale = 3600000;
  else return false;
  if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / scale) return false;
  out = static_cast<std::int64_t>(n * scale);
  return true;
}

config_result check_range(key_info const& k, std::uint64_t v, std::uint64_t min, std::uint64_t max,
                          std::string_view unit = {}) {
  if (v >= min && v <= max) return {};
  std::string u = unit.empty() ? std::string() : " " + std::string(unit);
  return error(k, "must be between " + std::to_string(min) + " and " + std::to_string(max) + u + ", got " +
                      std::to_string(v));
}

config_result set_key(producer_config& c, key_info const& k, std::string_view value) {
  return std::visit(
      [&](auto const& kind) -> config_result {
        using K = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<K, uint_key>) {
          std::uint64_t v = 0;
          if (!parse_u64(value, v)) return error(k, "expected a non-negative integer, got " + quoted(value));
          if (auto r = check_range(k, v, kind.min, kind.max); !r) return r;
          c.*kind.member = v;
        } else if constexpr (std::is_same_v<K, int_key>) {
          std::uint64_t v = 0;
          if (!parse_u64(value, v)) return error(k, "expected an integer, got " + quoted(value));
          if (auto r = check_range(k, v, static_cast<std::uint64_t>(kind.min), static_cast<std::uint64_t>(kind.max));
              !r)
            return r;
          c.*kind.member = static_cast<int>(v);
        } else if constexpr (std::is_same_v<K, bool_key>) {
          if (value == "true") c.*kind.member = true;
          else if (value == "false") c.*kind.member = false;
          else return error(k, "expected true or false, got " + quoted(value));
        } else if constexpr (std::is_same_v<K, duration_key>) {
          std::int64_t v = 0;
          if (!parse_duration_ms(value, v))
            return error(k, "expected milliseconds (e.g. 250, 250ms, 30s), got " + quoted(value));
          if (auto r = check_range(k, static_cast<std::uint64_t>(v), static_cast<std::uint64_t>(kind.min_ms),
                                   static_cast<std::uint64_t>(kind.max_ms), "ms");
              !r)
            return r;
          c.*kind.member = ms{v};
        } else if constexpr (std::is_same_v<K, string_key>) {
          c.*kind.member = std::string(value);
        } else if constexpr (std::is_same_v<K, path_key>) {
          c.*kind.member = std::filesystem::path(std::string(value));
        } else if constexpr (std::is_same_v<K, compression_key>) {
          if (value == "none") c.compression = compression_codec::none;
          else if (value == "zstd") c.compression = compression_codec::zstd;
          else return error(k, "expected none or zstd, got " + quoted(value));
        } else if constexpr (std::is_same_v<K, backpressure_key>) {
          if (value == "block") c.backpressure = backpressure_mode::block;
          else if (value == "fail") c.backpressure = backpressure_mode::fail;
          else return error(k, "expected block or fail, got " + quoted(value));
        } else if constexpr (std::is_same_v<K, fsync_key>) {
          if (value == "never") c.spool_fsync_policy = spool_fsync::never;
          else if (value == "interval") c.spool_fsync_policy = spool_fsync::interval;
          else if (value == "always") c.spool_fsync_policy = spool_fsync::always;
          else return error(k, "expected never, interval or always, got " + quoted(value));
        }
        return {};
      },
      k.kind);
}

config_result validate_key(producer_config const& c, key_info const& k) {
  return std::visit(
      [&](auto const& kind) -> config_result {
        using K = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<K, uint_key>)
          return check_range(k, c.*kind.member, kind.min, kind.max);
        else if constexpr (std::is_same_v<K, int_key>) {
          if (c.*kind.member < kind.min || c.*kind.member > kind.max)
            return error(k, "must be between " + std::to_string(kind.min) + " and " + std::to_string(kind.max) +
                                ", got " + std::to_string(c.*kind.member));
          return {};
        } else if constexpr (std::is_same_v<K, duration_key>) {
          auto v = (c.*kind.member).count();
          if (v < kind.min_ms || v > kind.max_ms)
            return error(k, "must be between " + std::to_string(kind.min_ms) + " and " + std::to_string(kind.max_ms) +
                                " ms, got " + std::to_string(v));
          return {};
        } else {
          return {};
        }
      },
      k.kind);
}

}  // namespace

config_result producer_config::set(std::string_view key, std::string_view value) {
  key_info const* k = find_key(key);
  if (!k) return config_error{std::string(key), "unknown key"};
  return set_key(*this, *k, value);
}

config_result producer_config::validate() const {
  for (auto const& k : keys)
    if (auto r = validate_key(*this, k); !r) return r;
  if (retry_max_delay < retry_base_delay)
    return config_error{"RetryMaxDelay", "must not be below RetryBaseDelay (" +
                                             std::to_string(retry_base_delay.count()) + " ms), got " +
                                             std::to_string(retry_max_delay.count()) + " ms"};
  if (producer_id.size() > 64)
    return config_error{"ProducerId", "at most 64 characters, got " + std::to_string(producer_id.size())};
  for (char ch : producer_id)
    if (ch <= ' ' || ch > '~' || ch == ':')
      return config_error{"ProducerId", "printable ASCII without spaces or ':' only (it is part of the stamp)"};
  return {};
}

std::vector<std::string_view> producer_config::key_names() {
  std::vector<std::string_view> names;
  for (auto const& k : keys) names.push_back(k.name);
  return names;
}

void throw_exception_from_error(config_error const& e, boost::source_location const& loc) {
  boost::throw_exception(boost::system::system_error(make_error_code(errc::config_invalid), e.message()), loc);
}

}  // namespace kinesys::producer
