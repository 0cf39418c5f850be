#pragma once
// A record's payload (a JSON object) becomes an item, and routing picks its
// table: every shard to one table, a table per shard (seed 000's "one shard
// per table"), or a payload field's value to a table. Anything that cannot
// be mapped is an error value with the reason, which the consumer sends to
// the dead-letter destination — one bad record never stops a shard.
#include <kinesys/detail/consumer/config.hpp>
#include <kinesys/detail/consumer/error.hpp>

#include <kinesys/detail/codecs/attribute_value.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::consumer {

struct mapped_record {
  std::size_t table = 0;  ///< index into record_mapper::tables()
  codecs::item item;
  /// Hash of (table, key attributes): equal keys, equal hashes.
  std::uint64_t key_hash = 0;
};

struct mapping_error {
  boost::system::error_code code;
  std::string detail;  ///< e.g. "field \"device_id\" is missing"
};

/// Lets `result<T, mapping_error>::value()` throw (tests, tools).
[[noreturn]] void throw_exception_from_error(mapping_error const& e, boost::source_location const& loc);

/// @locality any thread (immutable after construction)
class record_mapper {
public:
  explicit record_mapper(consumer_config const& config);

  boost::system::result<mapped_record, mapping_error> map(std::string_view shard_id, std::string_view data) const;

  std::vector<table_config> const& tables() const noexcept { return tables_; }
  /// The table a shard's records go to when it does not depend on the
  /// payload (all/shard routing), else -1.
  int fixed_table(std::string_view shard_id) const noexcept;

private:
  int table_index(std::string_view name) const noexcept;

  std::vector<table_config> tables_;
  routing_mode mode_;
  int default_table_ = -1;
  std::string field_;
  std::map<std::string, int, std::less<>> shard_tables_;
  std::map<std::string, int, std::less<>> value_tables_;
};

}  // namespace kinesys::consumer
