#pragma once
// Per-partition-key ordering across retries. PutRecords is not atomic: entry
// 3 can be throttled while entry 7 lands. If a key had records in both, the
// later one would overtake the earlier in the stream. So a Kinesis record
// holding a key's records is not sent before every earlier Kinesis record
// holding records of that key is answered.
//
// This tracker knows, per key, the Kinesis record its latest records joined
// (the key is "bound" to it). A new record of the key then either joins the
// same Kinesis record (a Kinesis record is retried whole, so its
// sub-records are never reordered among themselves), or joins the shard's
// open aggregate, which is made to follow the bound one (krec_chain), or —
// when that is not possible (the bound Kinesis record is on another shard
// after a reshard, the aggregate follows another one already, or the record
// goes alone) — is held here, in put order, and routed again when the
// bound Kinesis record completes.
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
  /// Where a new record of `key` stands: the Kinesis record the key is
  /// bound to (no_index: none), and whether records of the key are held
  /// (a new one must then be held behind them).
  struct binding {
    std::uint32_t krec = no_index;
    bool holding = false;
  };
  binding binding_of(key_id key) noexcept {
    entry const* e = table_.find(key);
    return e ? binding{e->krec, e->head != no_index} : binding{};
  }
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
