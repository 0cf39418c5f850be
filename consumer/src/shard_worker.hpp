#pragma once
// One shard, on the core that owns it: a reader (GetRecords loop), a
// dispatcher (per-key ordered write batches, at most parallelization_factor
// in flight) and a checkpointer (order-preserving, through the lease core).
// Reading, decoding and dispatch are in shard_worker.cpp; executing a write
// batch (pacing, retries, bisection, dead letters) is in shard_writes.cpp.
#include "async_event.hpp"

#include <kinesys/detail/consumer/checkpoint_tracker.hpp>
#include <kinesys/detail/consumer/config.hpp>
#include <kinesys/detail/consumer/dead_letter_sink.hpp>
#include <kinesys/detail/consumer/dedup_window.hpp>
#include <kinesys/detail/consumer/dynamo_client.hpp>
#include <kinesys/detail/consumer/key_scheduler.hpp>
#include <kinesys/detail/consumer/lease_manager.hpp>
#include <kinesys/detail/consumer/metrics.hpp>
#include <kinesys/detail/consumer/pacer.hpp>
#include <kinesys/detail/consumer/record_mapper.hpp>
#include <kinesys/detail/consumer/window_handover.hpp>
#include <kinesys/detail/consumer/write_plan.hpp>

#include <kinesys/detail/codecs/hash_key.hpp>
#include <kinesys/detail/codecs/kpl_aggregation.hpp>
#include <kinesys/detail/engine/aws/kinesis_client.hpp>
#include <kinesys/detail/engine/http_client.hpp>
#include <kinesys/detail/engine/retry_policy.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/container/small_vector.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::consumer::detail {

/// What every shard of the process shares; immutable or thread-safe.
struct shared_context {
  consumer_config const& config;
  record_mapper const& mapper;
  write_attributes attrs;
  std::vector<std::unique_ptr<pacer>>& pacers;  ///< per table, cross-core
  metrics_registry& metrics;
  lease_manager& leases;
  boost::asio::any_io_executor lease_core;
  dead_letter_sink* dead_letters;  ///< lives on the lease core; null: none configured
  std::string worker_id;
  bool needs_high_water = false;  ///< some table writes without conditions
  window_handover handover{};     ///< dedup windows from finished parents to their children
};

/// The clients of one core. @locality owning core
struct core_context {
  core_context(boost::asio::any_io_executor ex, engine::http_client_options http_options,
               engine::aws::aws_config const& aws, std::size_t concurrency, engine::retry_options write_retry);
  boost::asio::any_io_executor ex;
  engine::http_client http;
  engine::aws::kinesis_client kinesis;
  engine::aws::aws_json_client dynamo_writes_transport;  ///< no internal retries
  engine::aws::aws_json_client dynamo_admin_transport;   ///< the engine's retries
  dynamo_client writes;
  dynamo_client admin;
  async_semaphore write_slots;
  engine::retry_policy backoff;
};

/// One user record between reading and being finished.
struct record_slot {
  stream_position position;
  std::shared_ptr<engine::aws::get_records_result> source;  ///< keeps the views alive
  std::shared_ptr<std::string> inflated;  ///< the decompressed Kinesis record the views point into, if it was compressed
  std::string_view partition_key;
  std::string_view data;
  std::string owned_data;  ///< decompressed bytes, when the record was enveloped
  std::int64_t arrival_ms = 0;
  std::optional<producer_stamp> stamp;
  codecs::item item;
  std::uint32_t table = 0;
  std::uint64_t key_hash = 0;
  bool finished = false;
};

enum class outcome { written, skipped, dead_lettered };

class shard_worker : public std::enable_shared_from_this<shard_worker> {
public:
  shard_worker(shared_context& shared, core_context& core, acquired_lease acquired);

  /// Runs until the shard ends, the lease is lost or stop() completes a drain.
  boost::asio::awaitable<void> run();
  /// drain: finish (write) what was read, checkpoint, release the lease.
  /// Otherwise (lease lost) stop at once. @locality owning core
  void stop(bool drain);

  std::string const& shard_id() const noexcept { return lease_.key; }
  bool done() const noexcept { return done_; }

private:
  using ticket = checkpoint_tracker::ticket;
  // Most keys have one record in a batch: keeping two inline spares a
  // heap allocation per key per write.
  using ticket_list = boost::container::small_vector<ticket, 2>;
  struct group {
    std::uint64_t key_hash = 0;
    ticket_list records;  ///< in stream order
    unsigned attempts = 0;
    std::string last_error;
  };

  // shard_worker.cpp: reading and dispatch
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> dispatch_loop();
  boost::asio::awaitable<void> checkpoint_loop();
  boost::asio::awaitable<engine::aws::aws_result<std::string>> shard_iterator();
  boost::asio::awaitable<bool> accept(std::shared_ptr<engine::aws::get_records_result> batch);
  void add_user_record(std::shared_ptr<engine::aws::get_records_result> const& batch,
                       std::shared_ptr<std::string> const& inflated, engine::aws::kinesis_record const& outer, std::uint64_t sub, codecs::user_record const& u,
                       ticket_list& unmappable);
  boost::asio::awaitable<boost::system::error_code> lease_checkpoint(std::string value, std::uint64_t sub,
                                                                     std::optional<std::vector<std::string>> children);
  boost::asio::awaitable<boost::system::error_code> lease_reserve(stream_position const& high_water);
  boost::asio::awaitable<void> release_lease(bool final_checkpoint);
  bool stopping() const noexcept { return stop_requested_ || handle_->lost.load(std::memory_order_acquire); }

  // shard_writes.cpp: executing a batch
  boost::asio::awaitable<void> write_batch(std::uint32_t table, std::vector<group> groups);
  boost::asio::awaitable<void> put_unconditional(std::uint32_t table, std::vector<group*> groups);
  boost::asio::awaitable<void> put_conditional(std::uint32_t table, group& g);
  boost::asio::awaitable<void> merge(std::uint32_t table, ticket_list records, unsigned attempts);
  boost::asio::awaitable<void> pace(std::uint32_t table, double cost);
  boost::asio::awaitable<void> backoff(unsigned attempt, engine::failure_class kind);
  /// Arrival stamps before this are past max_record_age; nullopt when unlimited.
  std::optional<std::int64_t> oldest_allowed_arrival_ms() const;
  /// Whether any of `records` is past max_record_age: checked before
  /// drop_too_old, which is a coroutine, so the usual answer costs no frame.
  bool has_too_old(ticket_list const& records) const;
  /// Dead-letters records past max_record_age; returns whether any remain.
  boost::asio::awaitable<bool> drop_too_old(std::uint32_t table, ticket_list& records);
  boost::asio::awaitable<void> dead_letter(ticket_list const& records, std::string_view reason,
                                           std::string error, std::uint32_t attempts);
  planned_record planned(ticket t);
  bool unconditional_ok(ticket last) const;

  /// False for a user record whose hash key lies outside this shard's range.
  bool owns(codecs::user_record const& u) const noexcept;
  record_slot& slot(ticket t) { return slots_[static_cast<std::size_t>(t - base_)]; }
  record_slot const& slot(ticket t) const { return slots_[static_cast<std::size_t>(t - base_)]; }
  void finish(ticket_list const& records, outcome o);
  void finish_one(ticket t, outcome o);
  void retire();

  shared_context& shared_;
  core_context& core_;
  lease lease_;
  std::shared_ptr<lease_handle> handle_;
  std::shared_ptr<shard_metrics> metrics_;
  /// merge mode's bookkeeping attributes, one set per shard (see write_plan.hpp).
  write_attributes merge_attrs_;
  std::optional<codecs::hash_key_range> owned_range_;  ///< from the lease; none: every record is ours
  std::optional<stream_position> resume_after_;     ///< checkpointed: skip records at or below
  std::optional<stream_position> conditional_through_;  ///< a previous owner may have written up to here
  std::optional<stream_position> reserved_;         ///< our high-water mark
  std::optional<stream_position> last_read_;
  std::optional<stream_position> checkpointed_;
  std::chrono::steady_clock::time_point writes_not_before_{};

  std::deque<record_slot> slots_;
  ticket base_ = 0;
  checkpoint_tracker tracker_;
  std::vector<key_scheduler> schedulers_;  ///< per table
  scheduled_batch scheduled_;  ///< dispatch_loop's scratch, reused batch after batch
  /// Finished batches' group vectors, for reuse; never more than the
  /// batches that were in flight at once (parallelization_factor).
  std::vector<std::vector<group>> spare_groups_;
  dedup_window dedup_;
  codecs::deaggregator deaggregator_;
  std::size_t pending_ = 0;       ///< records read, not finished
  std::size_t in_flight_ = 0;     ///< write batches running
  std::size_t next_table_ = 0;    ///< round robin over tables with work
  bool stop_requested_ = false;
  bool drain_ = false;
  bool reading_done_ = false;     ///< reader ended (shard end or stop)
  bool shard_end_ = false;
  bool done_ = false;
  std::vector<std::string> children_;
  async_event wake_;              ///< records finished or arrived: the dispatcher and reader back-pressure
  async_event control_;           ///< stop and end: the reader's pauses and the checkpointer
};

}  // namespace kinesys::consumer::detail
