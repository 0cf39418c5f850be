#pragma once
// What a core knows about one stream: its shard map, one shard_state per
// shard this core feeds (aggregator, open Kinesis record, queue of sealed
// ones waiting for the rate limiter, the limiter), and the collector that
// packs admitted Kinesis records into PutRecords requests.
#include "collector.hpp"
#include "records.hpp"
#include "shard_limiter.hpp"
#include "shard_map.hpp"

#include <kinesys/engine.hpp>
#include <kinesys/detail/engine/aws/kinesis_client.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::producer::detail {

struct shard_state {
  std::string shard_id;  ///< empty for the "unpredicted" state (a gap in the map)
  std::optional<codecs::aggregator> aggregator;
  std::uint32_t open = no_index;  ///< the Kinesis record open for aggregation
  std::uint32_t queue_head = no_index;
  std::uint32_t queue_tail = no_index;
  std::size_t queued = 0;
  std::optional<shard_limiter> limiter;  ///< none for the unpredicted state
  /// No longer in the map (closed by a reshard): takes no new records, is
  /// dropped once its queue is empty and nothing of it is in flight.
  bool retired = false;
  std::size_t in_flight = 0;
};

enum class stream_status { loading, ready, missing };

struct stream_state {
  std::uint32_t id = 0;
  std::string name;
  engine::aws::stream_ref ref;
  stream_status status = stream_status::loading;
  shard_map map;
  std::uint64_t map_version = 0;  ///< bumped by every map loaded
  /// map index → index into `shards`.
  std::vector<std::uint32_t> shard_of_map;
  std::vector<std::unique_ptr<shard_state>> shards;
  std::uint32_t unpredicted = no_index;  ///< shard state for keys in a map gap
  collector batch;
  shard_map_refresh refresh;
  /// Records that arrived before the map: routed, in order, once it loads.
  std::uint32_t pending_head = no_index;
  std::uint32_t pending_tail = no_index;
  /// Why the stream is missing (the ListShards error), for the records failed.
  std::string missing_reason;
  errc missing_code = errc::stream_not_found;
  std::string last_map_error;  ///< the last ListShards failure that was retried
  std::size_t requests_in_flight = 0;
  bool flush_requested = false;

  stream_state(std::string n, std::size_t max_count, std::size_t max_bytes, std::chrono::milliseconds refresh_interval)
      : name(std::move(n)), batch(max_count, max_bytes), refresh(refresh_interval) {
    ref.name = name;
  }
};

}  // namespace kinesys::producer::detail
