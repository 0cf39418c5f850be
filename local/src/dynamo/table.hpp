#pragma once
// A DynamoDB table in memory: its definition, its capacity buckets and its
// items. Items are grouped by partition (hash) key; within a partition they
// are ordered by the sort (range) key's encoded bytes, so Query walks a map
// in either direction. Scan walks partitions in a stable order (the encoded
// hash keys, sorted lazily and cached until the set of partitions changes).
#include "common/token_bucket.hpp"
#include "dynamo/value.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <boost/unordered/unordered_flat_map.hpp>
#include <vector>

namespace kinesys::local::dynamo {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct key_attribute {
  std::string name;
  av_type type = av_type::s;  // S, N or B
};

struct stored_item {
  item attributes;
  std::uint32_t size = 0;  // item_size(attributes)
};

/// An item's position: encoded hash key and encoded range key ("" without one).
struct item_key {
  std::string hash;
  std::string range;
  friend bool operator==(item_key const&, item_key const&) = default;
};

/// @locality owning core
class table {
public:
  using partition = std::map<std::string, stored_item>;

  std::string name;
  key_attribute hash_key;
  std::optional<key_attribute> range_key;
  std::vector<key_attribute> attribute_definitions;
  bool pay_per_request = false;
  std::int64_t read_capacity = 0;
  std::int64_t write_capacity = 0;
  std::int64_t created_ms = 0;
  std::string table_id;
  /// Secondary index definitions as given (JSON), echoed by DescribeTable.
  std::string global_indexes_json;
  std::string local_indexes_json;
  token_bucket read_bucket;
  token_bucket write_bucket;

  stored_item const* get(item_key const& k) const noexcept;
  /// Inserts or replaces; returns the previous item if any.
  std::optional<stored_item> put(item_key const& k, item attributes);
  std::optional<stored_item> erase(item_key const& k);

  std::size_t item_count() const noexcept { return item_count_; }
  std::uint64_t size_bytes() const noexcept { return size_bytes_; }

  partition const* find_partition(std::string const& hash) const noexcept;
  /// Encoded hash keys in scan order.
  std::vector<std::string const*> const& scan_order() const;

  /// Extracts and checks the key of an item or of a Key object. With
  /// `exact`, other attributes are refused (a Key must be only the key).
  outcome<item_key> key_of(item const& it, bool exact) const;
  /// The key attributes of an item, as a Key object / LastEvaluatedKey.
  item key_item(item const& it) const;

  /// Sets up capacity buckets from the provisioned figures.
  void configure_capacity(double burst_seconds, std::int64_t now_ns);

private:
  // Open addressing: one probe in a flat array instead of a node chase per
  // lookup (the hot path of every item call). Partitions move on rehash,
  // but their items are map nodes, so pointers to items stay valid.
  using partition_map = boost::unordered_flat_map<std::string, partition, string_hash, std::equal_to<>>;
  // The partitions are spread over many small maps. One map of all of them
  // rehashes in a single step when it doubles: 85 ms at 430,000 partitions,
  // during which this core answers no one (clients saw it as write stalls).
  // A small map's rehash takes well under a millisecond.
  static constexpr std::size_t partition_map_count = 256;
  partition_map& partitions_of(std::string_view hash) noexcept;
  partition_map const& partitions_of(std::string_view hash) const noexcept;
  std::array<partition_map, partition_map_count> partitions_;
  std::size_t item_count_ = 0;
  std::uint64_t size_bytes_ = 0;
  mutable std::vector<std::string const*> scan_order_;
  mutable bool scan_order_valid_ = false;
};

/// Units a read/write of `bytes` costs: writes per 1 KB, reads per 4 KB.
double write_units(std::size_t bytes) noexcept;
double read_units(std::size_t bytes, bool consistent) noexcept;

}  // namespace kinesys::local::dynamo
