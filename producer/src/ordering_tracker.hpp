#pragma once
// Per-partition-key ordering across retries. PutRecords is not atomic: entry
// 3 can be throttled while entry 7 lands. If a key had records in both, the
// later one would overtake the earlier in the stream. So a key may have
// unacknowledged records in at most one Kinesis record at a time: while its
// Kinesis record is sealed (queued, in flight or waiting to be retried), the
// key's newer records are held here, in put order, and released when that
// Kinesis record completes. Records of the same key may still share the one
// Kinesis record that is open for aggregation — a Kinesis record is retried
// whole, so its sub-records can never be reordered among themselves.
//
// Keys are identified by a 128-bit id (the record's hash key mixed with its
// stream); two keys that collide would only wait for each other.
#include "key_table.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace kinesys::producer::detail {

inline constexpr std::uint32_t no_index = std::numeric_limits<std::uint32_t>::max();

/// @locality owning core
class ordering_tracker {
public:
  using key_id = codecs::uint128;

  /// `links` is the record pool's "next" array: held records are chained
  /// through it (a record is never in two chains at once).
  explicit ordering_tracker(std::vector<std::uint32_t>& links) : links_(links) {}

  /// Whether a new record of `key` may join `open_krec`, the Kinesis record
  /// open for aggregation on its shard: the key has nothing held and is
  /// bound to no other Kinesis record.
  bool can_join(key_id key, std::uint32_t open_krec) noexcept;
  /// Binds `key` to `open_krec` (the record joined it).
  void bind(key_id key, std::uint32_t open_krec);
  /// Holds `record` behind the key's earlier records.
  void hold(key_id key, std::uint32_t record);

  /// Kinesis record `krec` completed (acknowledged or finally failed), and
  /// it contained records of `key`. If the key is bound to `krec`, it is
  /// freed and its held records are passed, in put order, to
  /// `refeed(record)`, which routes it again.
  template <class Refeed>
  void release(key_id key, std::uint32_t krec, Refeed&& refeed);

  /// True if `key` is bound to a Kinesis record or has held records.
  bool busy(key_id key) noexcept { return table_.find(key) != nullptr; }
  std::size_t held_records() const noexcept { return held_; }
  std::size_t tracked_keys() const noexcept { return table_.size(); }

private:
  struct entry {
    std::uint32_t krec = no_index;  // the Kinesis record the key's records are in
    std::uint32_t head = no_index;  // held records, oldest first
    std::uint32_t tail = no_index;
  };

  key_table<entry> table_;
  std::vector<std::uint32_t>& links_;
  std::size_t held_ = 0;
};

template <class Refeed>
void ordering_tracker::release(key_id key, std::uint32_t krec, Refeed&& refeed) {
  entry* e = table_.find(key);
  if (!e || e->krec != krec) return;
  std::uint32_t record = e->head;
  table_.erase(key);
  // Route again in put order. The chain is detached first: refeed may bind
  // the key again (and hold the rest behind a newly sealed Kinesis record).
  while (record != no_index) {
    std::uint32_t next = links_[record];
    links_[record] = no_index;
    --held_;
    refeed(record);
    record = next;
  }
}

}  // namespace kinesys::producer::detail
