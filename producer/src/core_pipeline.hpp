#pragma once
// One core's share of the producer. A core owns a fixed slice of the
// hash-key space (so a key is always handled by the same core, across
// reshards too) and, for every stream, the shards that overlap its slice:
// their aggregators, rate limiters, queues and the PutRecords requests in
// flight. Records arrive through the core's intake; from there on nothing is
// shared and nothing is locked.
//
//   intake → route (ordering tracker, shard prediction) → open Kinesis
//   record (aggregator) → seal (size, count or RecordMaxBufferedTime) →
//   shard queue → rate limiter → collector → PutRecords → complete / retry
#include "intake.hpp"
#include "metrics.hpp"
#include "ordering_tracker.hpp"
#include "records.hpp"
#include "shared_state.hpp"
#include "stream_state.hpp"

#include <kinesys/engine.hpp>
#include <kinesys/detail/engine/aws/kinesis_client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::producer::detail {

/// Where a core's stamp sequence starts: above any sequence an earlier
/// process with the same ProducerId can have issued.
std::uint64_t first_stamp_sequence(std::chrono::system_clock::time_point now) noexcept;

class spool;
void report_coroutine_failure(std::exception_ptr e);

/// What a core needs to reach Kinesis.
struct core_connection {
  engine::endpoint endpoint;
  engine::aws::credentials credentials;
  std::string region;
};

/// @locality owning core, except where marked
class core_pipeline {
public:
  core_pipeline(std::size_t core, std::size_t cores, shared_state& shared, boost::asio::io_context& io,
                core_connection const& connection);
  ~core_pipeline();
  core_pipeline(core_pipeline const&) = delete;
  core_pipeline& operator=(core_pipeline const&) = delete;

  /// @locality any thread
  detail::intake& intake() noexcept { return intake_; }
  /// @locality any thread
  core_metrics const& metrics() const noexcept { return metrics_; }
  std::size_t core() const noexcept { return core_; }

  /// Starts the flush timer.
  void start();
  /// Routes everything waiting in the intake.
  void drain();
  /// Seals every open Kinesis record and sends whatever the limits allow.
  void flush();
  /// From now on every tick flushes; the timer stops once stop() is called.
  void begin_close();
  void stop();

  /// The durable spool of this core, when SpoolDirectory is set.
  void attach_spool(spool* s) noexcept { spool_ = s; }

private:
  struct request_slot {
    std::vector<std::uint32_t> krecs;
    std::vector<engine::aws::put_records_entry> entries;
    engine::aws::put_records_request request;
    engine::aws::put_records_result result;
  };

  stream_state& stream(std::uint32_t id, clock::time_point now);
  void route(std::uint32_t rec, clock::time_point now);
  /// Holds user record `rec` behind the earlier records of its key.
  void hold(codecs::uint128 key, std::uint32_t rec);
  void place(stream_state& st, std::uint32_t shard, std::uint32_t rec, clock::time_point now);
  std::uint32_t shard_for(stream_state& st, codecs::uint128 hash_key);
  std::uint32_t open_krec(stream_state& st, std::uint32_t shard, bool aggregated);
  void append_user(std::uint32_t krec, std::uint32_t rec);
  void seal(stream_state& st, std::uint32_t shard);
  void enqueue(shard_state& sh, std::uint32_t krec, bool front);
  void pump(stream_state& st, clock::time_point now, bool force);
  bool send(stream_state& st);
  void pump_all(clock::time_point now, bool force = false);
  /// Seals every aggregate and sends what is queued, now.
  void flush_buffered();

  boost::asio::awaitable<void> send_request(std::uint32_t stream, std::unique_ptr<request_slot> slot);
  void on_response(stream_state& st, request_slot& slot, engine::aws::aws_result<void> const& r, clock::time_point now);
  void landed(std::uint32_t krec);
  void retry_krec(std::uint32_t krec, engine::failure_class c, std::string_view reason, clock::time_point now);
  void misplaced(stream_state& st, std::uint32_t krec, clock::time_point now);
  void complete_krec(std::uint32_t krec, std::string_view shard_id, std::string_view sequence_number);
  void fail_krec(std::uint32_t krec, put_error const& error);
  /// Whether finishing a user record gives back its back-pressure room, or
  /// the caller did already (for a whole Kinesis record).
  enum class room : bool { give_back, given_back };
  /// Callers hold a backpressure::delivery_scope around it.
  void finish_user(std::uint32_t rec, put_outcome const& outcome, room r = room::give_back);
  void fail_user(std::uint32_t rec, put_error const& error, room r = room::give_back);
  void refeed_released(clock::time_point now);

  boost::asio::awaitable<void> load_map(std::uint32_t stream);
  void on_map(stream_state& st, engine::aws::aws_result<std::vector<engine::aws::shard>> r, clock::time_point now);
  void fail_pending(stream_state& st, put_error const& error);
  /// The stream is gone: fails everything held for it (collected, queued,
  /// aggregating, parked).
  void fail_stream(stream_state& st, put_error const& error);
  void expire_pending(stream_state& st, clock::time_point now);

  boost::asio::awaitable<void> ticker();
  void on_tick(clock::time_point now);

  static codecs::uint128 key_of(user_record const& u) noexcept;
  put_error ttl_error(kinesis_rec const& k) const;

  std::size_t core_;
  std::size_t cores_;
  core_slice slice_;
  shared_state& shared_;
  producer_config const& config_;
  boost::asio::io_context& io_;
  detail::intake intake_;
  core_metrics metrics_;

  std::unique_ptr<engine::http_client> http_;
  std::unique_ptr<engine::aws::kinesis_client> data_client_;     // no retries: failed entries are ours to retry
  std::unique_ptr<engine::aws::kinesis_client> control_client_;  // ListShards with the engine's retries
  engine::retry_policy retry_;

  std::vector<std::uint32_t> taken_slots_;     ///< the user records the last drain took over
  std::vector<std::uint32_t> finished_slots_;  ///< answered user records, given back at the next drain
  std::size_t held_ = 0;                       ///< user records taken over and not yet answered
  std::vector<std::uint32_t> links_;
  slot_pool<kinesis_rec> krecs_;
  ordering_tracker tracker_{links_};
  std::vector<std::unique_ptr<stream_state>> streams_;
  std::vector<std::unique_ptr<request_slot>> free_slots_;
  std::vector<std::uint32_t> refeed_;
  std::vector<std::uint32_t> refeed_work_;
  std::size_t requests_in_flight_ = 0;
  std::size_t max_requests_;
  clock::duration tick_;
  std::uint64_t stamp_sequence_ = 0;
  std::string stamp_text_;
  std::string own_origin_;  ///< "<ProducerId>[.<core>]"

  std::string compressed_;
  std::vector<std::string*> digest_batch_;  ///< aggregates of the request being built still without their MD5
  std::size_t aggregate_limit_;
  bool closing_ = false;
  /// A flush is under way: records released from a key's hold and retries
  /// are sent as soon as they may, until the core holds no record.
  bool flushing_ = false;
  std::uint64_t taken_ = 0;        ///< user records taken over from the intake so far
  std::uint64_t flush_until_ = 0;  ///< the flush covers records taken up to this one
  std::size_t flush_remaining_ = 0;
  bool stopped_ = false;
  spool* spool_ = nullptr;
};

}  // namespace kinesys::producer::detail
