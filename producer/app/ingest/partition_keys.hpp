#pragma once
// Choosing a record's partition key (and, for one strategy, its explicit
// hash key) from the payload, with the x-partition-key header as the
// fallback when the payload lacks the field. The strategies are the
// producer's (partition_key.hpp); this only decides what they are given.
#include <kinesys/producer.hpp>

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kinesys::ingest {

enum class key_strategy {
  field,              ///< the field's value is the key
  fan_out,            ///< the field's value + "-" + (round robin, or hash of fan_out_by) mod fan_out
  random,             ///< the field's value + "-" + random mod spread: spread, no order
  explicit_hash_key,  ///< the field's value is a decimal 128-bit hash key
};

/// "field", "fan-out", "random" or "explicit-hash-key".
std::optional<key_strategy> parse_key_strategy(std::string_view name) noexcept;

struct key_settings {
  key_strategy strategy = key_strategy::field;
  std::string field = "device_id";
  std::uint32_t fan_out = 4;
  std::string fan_out_by;  ///< empty: round robin
  std::uint32_t spread = 16;
};

/// Read-only after construction. @locality any thread
class key_router {
public:
  /// Throws std::invalid_argument for a zero fan_out or spread.
  explicit key_router(key_settings settings);

  /// The routing of one payload into `out`. `header_key` is the request's
  /// x-partition-key (empty if absent), used when the payload has no usable
  /// field. Errors name the field or the Kinesis rule that was broken.
  boost::system::result<void, producer::put_error> route(std::string_view payload, std::string_view header_key,
                                                         producer::record_key& out) const;

  key_settings const& settings() const noexcept { return settings_; }

private:
  key_settings settings_;
  producer::partition_key_strategy from_payload_;
  producer::partition_key_strategy from_header_;
  std::optional<producer::partition_key_strategy> suffix_;  // random: applied after either
};

}  // namespace kinesys::ingest
