#pragma once
// The lease coordinator of one worker process. It lives on one core (the
// "lease core"), which is the only place the process writes the lease
// table: shard workers on other cores ask it (by co_spawn onto its executor)
// to checkpoint, to reserve a high-water mark or to release. One coroutine
// per held lease sends that lease's changes one at a time, merging requests
// that arrive meanwhile, and renews it when idle; a counter mismatch means
// the lease was taken from us, and the shard worker is told to stop.
//
// Loops: shard sync (ListShards → create missing leases, parents first),
// taking (scan → lease_taker → conditional takes and steals).
#include <kinesys/detail/consumer/config.hpp>
#include <kinesys/detail/consumer/dynamo_client.hpp>
#include <kinesys/detail/consumer/lease.hpp>
#include <kinesys/detail/consumer/lease_taker.hpp>
#include <kinesys/detail/consumer/metrics.hpp>

#include <kinesys/detail/engine/aws/kinesis_client.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::consumer {

/// Shared between the lease core and the shard's core.
/// @locality any thread
struct lease_handle {
  std::atomic<bool> lost{false};
  /// steady_clock ns before which this worker surely still holds the lease
  /// (last confirmed update + half a lease duration): unconditional writes
  /// may only be sent before it.
  std::atomic<std::int64_t> safe_until_ns{0};

  bool safe(std::chrono::steady_clock::time_point now) const noexcept
  {
    return !lost.load(std::memory_order_acquire) &&
           now.time_since_epoch().count() < safe_until_ns.load(std::memory_order_acquire);
  }
};

struct acquired_lease {
  lease state;                 ///< after our take
  std::string previous_owner;  ///< who held it before (empty: nobody)
  std::shared_ptr<lease_handle> handle;
};

/// @locality lease core (every member)
class lease_manager {
public:
  using acquired_fn = std::function<void(acquired_lease)>;
  using lost_fn = std::function<void(std::string const& key)>;

  lease_manager(boost::asio::any_io_executor ex, dynamo_client& dynamo, engine::aws::kinesis_client& kinesis,
                consumer_config const& config, std::string worker_id, metrics_registry& metrics, acquired_fn on_acquired,
                lost_fn on_lost);
  ~lease_manager();

  /// Creates the lease table if allowed and missing, and syncs shards once.
  boost::asio::awaitable<engine::aws::aws_result<void>> start();
  /// Shard sync and lease taking until stop().
  boost::asio::awaitable<void> run();
  /// Stops taking new leases; held leases keep being renewed until released.
  void stop();

  /// Records a checkpoint (a sequence number or SHARD_END with the children).
  /// errc::lease_lost if the lease is no longer ours.
  boost::asio::awaitable<boost::system::error_code> checkpoint(std::string key, std::string value, std::uint64_t sub,
                                                               std::optional<std::vector<std::string>> children = {});
  /// Raises the high-water mark (encoded position) before writing beyond it.
  boost::asio::awaitable<boost::system::error_code> reserve(std::string key, std::string high_water);
  /// Gives the lease up (leaseOwner removed), with a final checkpoint if set.
  boost::asio::awaitable<boost::system::error_code> release(std::string key, std::optional<std::string> checkpoint = {},
                                                            std::uint64_t sub = 0);
  /// Asks the sync loop to list shards now (a shard reached its end).
  void request_sync();
  /// Stops renewing whatever is still held (shutdown after a drain timed
  /// out): those leases expire and other workers take them.
  void abandon();

  std::size_t held() const noexcept { return held_.size(); }
  std::string const& worker_id() const noexcept { return worker_id_; }

  /// ListShards → leases to create, parents first (pure; exposed for tests).
  /// `initial` is the first sync of an empty lease table.
  static std::vector<lease> leases_to_create(std::vector<engine::aws::shard> const& shards,
                                             std::vector<lease> const& existing, consumer_config const& config,
                                             bool initial);

private:
  struct held_lease;

  boost::asio::awaitable<void> sync_loop();
  boost::asio::awaitable<void> take_loop();
  boost::asio::awaitable<void> sync_shards();
  boost::asio::awaitable<void> take_once();
  boost::asio::awaitable<void> maintain(std::shared_ptr<held_lease> h);
  boost::asio::awaitable<boost::system::error_code> submit(std::string const& key, lease_change change);
  void mark_lost(held_lease& h);

  boost::asio::any_io_executor ex_;
  dynamo_client& dynamo_;
  engine::aws::kinesis_client& kinesis_;
  consumer_config const& config_;
  std::string worker_id_;
  metrics_registry& metrics_;
  acquired_fn on_acquired_;
  lost_fn on_lost_;
  lease_taker taker_;
  std::map<std::string, std::shared_ptr<held_lease>, std::less<>> held_;
  bool stopping_ = false;
  bool abandoned_ = false;
  bool sync_requested_ = false;
  struct events;
  std::unique_ptr<events> events_;
};

}  // namespace kinesys::consumer
