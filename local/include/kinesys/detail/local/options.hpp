#pragma once
// Configuration of kinesys-local. Every service limit is on by default with
// the value AWS documents, and every one can be changed (flags of the
// kinesys-local binary map one to one onto these fields).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kinesys::local {

/// The time source of the models. Tests inject a manual clock so that rate
/// limits, iterator expiry and retention are exercised without sleeping.
using clock_fn = std::function<std::chrono::system_clock::time_point()>;

/// A clock that only moves when told to. Copies of the function returned by
/// as_clock() share the instance.
/// @locality any thread (reads and writes are atomic)
class manual_clock {
public:
  explicit manual_clock(std::chrono::system_clock::time_point start = std::chrono::system_clock::time_point{std::chrono::seconds(1'700'000'000)});
  std::chrono::system_clock::time_point now() const noexcept;
  void advance(std::chrono::nanoseconds by) noexcept;
  void set(std::chrono::system_clock::time_point to) noexcept;
  /// A clock_fn reading this clock; keeps it alive.
  static clock_fn as_clock(std::shared_ptr<manual_clock> const& clock);

private:
  std::shared_ptr<struct manual_clock_state> state_;
};

struct kinesis_limits {
  /// Per-shard throughput limits (writes and reads); off = never throttle.
  bool throttle = true;
  std::uint64_t shard_write_bytes_per_second = 1024 * 1024;
  std::uint32_t shard_write_records_per_second = 1000;
  std::uint32_t shard_read_calls_per_second = 5;
  std::uint64_t shard_read_bytes_per_second = 2 * 1024 * 1024;
  // Per request.
  std::size_t max_records_per_request = 500;
  std::size_t max_request_bytes = 5 * 1024 * 1024;      ///< sum of data + partition keys
  std::size_t max_record_bytes = 1024 * 1024;           ///< data + partition key
  std::size_t max_get_records = 10'000;
  std::size_t max_get_records_bytes = 10 * 1024 * 1024;
  // Per account.
  std::uint32_t shard_limit = 500;
  std::uint32_t on_demand_shard_count = 4;              ///< shards an ON_DEMAND stream starts with
  std::chrono::milliseconds iterator_ttl = std::chrono::minutes(5);
  std::chrono::milliseconds next_token_ttl = std::chrono::minutes(5);
  std::chrono::hours retention = std::chrono::hours(24);
  /// In-memory cap per shard (0 = none): the oldest records are trimmed past
  /// it, as retention would. Lets a long benchmark run in bounded memory.
  std::uint64_t max_shard_bytes_in_memory = 0;
};

struct dynamodb_limits {
  /// Capacity throttling of PROVISIONED tables; off = never throttle.
  bool throttle = true;
  /// Unused capacity a table keeps, in seconds of its provisioned rate (AWS
  /// keeps up to 300 s). A new table starts with one second's worth.
  double burst_seconds = 300;
  std::size_t max_item_bytes = 400 * 1024;
  std::size_t max_batch_write_items = 25;
  std::size_t max_batch_get_keys = 100;
  std::size_t max_transact_items = 100;
  std::size_t max_page_bytes = 1024 * 1024;              ///< Query/Scan page size before filtering
  std::uint32_t table_limit = 2500;
};

/// Faults injected into answers, each a probability in [0, 1]; the random
/// source is seeded so a failing run can be repeated.
struct fault_options {
  double internal_failure = 0;        ///< answer 500 InternalFailure without executing
  double throttle = 0;                ///< answer ProvisionedThroughputExceededException without executing
  double reset_before_response = 0;   ///< execute, then close the connection without answering
  double reset_mid_response = 0;      ///< execute, then close in the middle of the answer
  double latency = 0;                 ///< add `added_latency` before answering
  std::chrono::milliseconds added_latency{0};
  std::uint64_t seed = 1;
  bool any() const noexcept
  {
    return internal_failure > 0 || throttle > 0 || reset_before_response > 0 || reset_mid_response > 0 || latency > 0;
  }
};

struct auth_options {
  bool verify = true;                 ///< false = --no-auth, for experiments only
  /// Accepted (access key id, secret) pairs. The default is the documented
  /// local pair, so an out-of-the-box client configured with it works.
  std::vector<std::pair<std::string, std::string>> keys{{"kinesys-local", "kinesys-local-secret"}};
  std::chrono::seconds max_clock_skew = std::chrono::minutes(5);
};

enum class fsync_policy {
  never,      ///< leave it to the kernel (survives a process crash, not a power cut)
  interval,   ///< fsync at most every fsync_interval
  always,     ///< fsync before every acknowledgement
};

struct persistence_options {
  std::string data_dir;               ///< empty = in memory only
  fsync_policy fsync = fsync_policy::interval;
  std::chrono::milliseconds fsync_interval{1000};
  std::uint64_t segment_bytes = 64 * 1024 * 1024;  ///< a shard segment file rolls over past this
  std::uint64_t table_log_bytes = 64 * 1024 * 1024;  ///< a table log is compacted into a snapshot past this
};

/// Limits of the HTTP front (engine::http_server_options): a client that
/// trickles its header, sits idle or opens too many connections is closed
/// instead of holding the server's memory and descriptors.
struct connection_limits {
  std::chrono::milliseconds header_timeout{10000};  ///< first byte to end of header; beyond it: 408
  std::chrono::milliseconds idle_timeout{60000};    ///< between keep-alive requests; also bounds a body
  std::size_t max_connections = 10000;              ///< open at once; more get 503
  std::size_t max_header_bytes = 16384;             ///< beyond it: 431
};

struct local_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;             ///< 0 = any free port
  std::size_t cores = 1;
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  kinesis_limits kinesis;
  dynamodb_limits dynamodb;
  fault_options faults;
  auth_options auth;
  persistence_options persistence;
  connection_limits connections;
  clock_fn clock;                     ///< empty = std::chrono::system_clock::now
  bool log_requests = false;          ///< one stderr line per request
  /// SIGINT/SIGTERM stop the server gracefully (the binary sets this; an
  /// embedded server leaves signals to its host).
  bool handle_signals = false;
};

}  // namespace kinesys::local
