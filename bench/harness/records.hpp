#pragma once
// The records a run puts: a pool built once before the clock starts and
// cycled through, so putting a record allocates nothing and costs the same
// in every configuration. Shapes: fixed-size JSON padded to a size, the
// seeds' telemetry events (device, time, measurement, value) with realistic
// variation, or the lines of a user's NDJSON file replayed in order.
#include "options.hpp"

#include <boost/system/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::bench {

struct record_pool {
  std::vector<std::string> keys;   ///< partition key of record i (the item key too)
  std::vector<std::string> datas;  ///< payload of record i
  std::string key_field;           ///< payload field holding the key
  std::string counter_field;       ///< a numeric payload field merge mode can sum ("" if none)
  std::size_t total_bytes = 0;     ///< sum of payload sizes

  std::size_t size() const noexcept { return datas.size(); }
  double mean_bytes() const noexcept { return datas.empty() ? 0 : static_cast<double>(total_bytes) / datas.size(); }
  /// "fixed 100 B", "telemetry ~120 B", "ndjson events.ndjson ~310 B".
  std::string describe() const;
  std::string shape_name;
};

/// Builds the pool: `count` records over `keys` distinct keys (NDJSON: the
/// file's lines, their own keys when they have the key field).
boost::system::result<record_pool, std::string> make_records(bench_options const& o, std::size_t record_size,
                                                            std::size_t keys, std::size_t count);

/// Writes "partition key<TAB>payload" lines: what the peer scripts read, so
/// they put exactly the same records.
boost::system::result<void, std::string> write_peer_records(record_pool const& pool, std::string const& path);

}  // namespace kinesys::bench
