#pragma once
// The producer: put user records from any thread or coroutine; they are
// aggregated per predicted shard, rate-limited per shard, packed into
// PutRecords requests and retried entry by entry until acknowledged or
// expired. Every put completes, once, with a put_result or a put_error.
#include <kinesys/detail/producer/config.hpp>
#include <kinesys/detail/producer/error.hpp>
#include <kinesys/detail/producer/metrics.hpp>
#include <kinesys/detail/producer/partition_key.hpp>
#include <kinesys/detail/producer/put_result.hpp>

#include <kinesys/detail/engine/aws/config.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kinesys::producer {

/// An application data source (a file, a queue partition) whose position
/// the producer tracks for checkpoints. Obtained from producer::source().
struct checkpoint_source {
  std::uint32_t id = 0;
};

struct put_options {
  /// ExplicitHashKey, a decimal in [0, 2^128-1]: places the record on the
  /// shard owning that hash key instead of the partition key's MD5.
  std::string_view explicit_hash_key{};
  /// The record's position in an application source; see checkpoint().
  std::optional<checkpoint_source> source{};
  std::uint64_t offset = 0;
};

/// One record of a put_batch_async.
struct batch_record {
  std::string_view partition_key;
  std::string_view data;
  put_options options{};
};

class producer {
public:
  using callback = std::function<void(put_outcome)>;
  /// A batch's outcomes: `index` is the record's position in the batch. By
  /// reference: a record's outcome is not copied on its way to the caller.
  using batch_callback = std::function<void(std::size_t index, put_outcome const&)>;

  /// Starts the producer's cores. Throws boost::system::system_error for an
  /// invalid configuration (config_invalid, naming the key) or unusable AWS
  /// settings (no credentials, no region). Region, endpoint and credentials
  /// come from `config` where set, else from `env` (AWS_REGION,
  /// AWS_ENDPOINT_URL_KINESIS, AWS_ACCESS_KEY_ID, ~/.aws/...).
  explicit producer(producer_config config,
                    engine::aws::environment const& env = engine::aws::environment::process());
  /// close(), then stops the cores.
  ~producer();
  producer(producer const&) = delete;
  producer& operator=(producer const&) = delete;

  /// Puts one record and completes when Kinesis has acknowledged it (or it
  /// failed: bad input, RecordTtl, stream missing, access denied, closed).
  /// Suspends while MaxOutstandingRecords/Bytes are reached (or fails with
  /// outstanding_limit under BackpressureMode=fail). The views need to live
  /// until put returns control (they are copied before the first wait).
  /// @locality any thread; resumes on the caller's executor
  boost::asio::awaitable<put_outcome> put(std::string_view stream, std::string_view partition_key,
                                          std::string_view data, put_options options = {});
  /// The same, routed by a strategy's record_key (partition key and
  /// optional explicit hash key).
  boost::asio::awaitable<put_outcome> put(std::string_view stream, record_key const& key, std::string_view data,
                                          put_options options = {});

  /// For plain threads: hands the record over and returns; `done` runs later
  /// on a producer core (keep it short, never block in it). Blocks the
  /// calling thread while the outstanding limits are reached (unless
  /// BackpressureMode=fail). Bad input completes `done` at once, on the
  /// calling thread. @locality any thread
  void put_async(std::string_view stream, std::string_view partition_key, std::string_view data, callback done,
                 put_options options = {});
  /// put_async for many records of one stream at once, in their order (per
  /// partition key, as if put one by one): their keys are hashed side by
  /// side and each producer core is handed its share under one lock, which
  /// makes a record's hand-off several times cheaper for an application that
  /// has records in batches (a polled queue, a file's lines, a request of
  /// events). `done` runs once per record, with its index, on a producer
  /// core, or at once on the calling thread for a record refused before
  /// hand-off (bad input, closed, outstanding_limit under
  /// BackpressureMode=fail). It must be thread-safe: with Cores > 1, or once
  /// part of a large batch was handed over, it runs on several threads at
  /// once.
  /// Blocks like put_async while the outstanding limits are reached; a
  /// batch larger than MaxOutstandingRecords is handed over in parts.
  /// @locality any thread
  void put_batch_async(std::string_view stream, std::span<batch_record const> records, batch_callback done);
  /// For plain threads that want a future. @locality any thread
  std::future<put_outcome> put_future(std::string_view stream, std::string_view partition_key, std::string_view data,
                                      put_options options = {});

  /// Sends everything buffered now, without waiting for RecordMaxBufferedTime.
  /// @locality any thread
  void flush();
  /// flush(), then waits until no record is outstanding. Not from a
  /// producer callback. @locality any thread
  void flush_sync();
  /// Refuses new puts (producer_closed), sends everything buffered, waits
  /// until every outstanding record completed (acknowledged, or failed by
  /// RecordTtl), then stops the cores. Idempotent. Not from a callback.
  /// @locality any thread
  void close();

  /// With SpoolDirectory: returns once every record handed over before the
  /// call is written to the spool (and synced to disk): from then on it
  /// survives a crash of the process (and, with SpoolFsync=always or after
  /// this call, a power loss) and a new producer on the same directory
  /// sends it if it was not acknowledged. Without a spool: returns at once.
  /// @locality any thread, not from a callback
  boost::system::error_code sync_spool();

  /// Records put and not yet completed. @locality any thread
  std::uint64_t outstanding() const noexcept;
  std::uint64_t outstanding_bytes() const noexcept;

  /// A checkpoint source by name, created on first use. @locality any thread
  checkpoint_source source(std::string_view name);
  /// The highest offset of `source` such that every record put with an
  /// offset up to it has been acknowledged (nullopt: none yet).
  std::optional<std::uint64_t> checkpoint(checkpoint_source source) const;

  metrics_snapshot metrics() const;
  /// Prometheus text of metrics().
  std::string prometheus_text() const;
  /// Calls `fn` every MetricsInterval on a producer core (replaces any
  /// previous callback; nullptr stops it).
  void on_metrics(std::function<void(metrics_snapshot const&)> fn);

  producer_config const& config() const noexcept;
  /// The ProducerId stamped into aggregated records.
  std::string const& producer_id() const noexcept;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

}  // namespace kinesys::producer
