#pragma once
// Which shard a hash key goes to, from ListShards' hash-key ranges. Only open
// shards matter for writing (a closed parent no longer accepts records; the
// service routes by hash key to its children), so the map holds the open
// shards sorted by starting hash key. A lookup runs for every record, so it
// starts from a bucket of the key's top bits that names the shard holding the
// bucket's first key, and steps forward over the few shards that start inside
// the bucket: one or two compares instead of a binary search whose branches
// the processor cannot predict.
//
// The prediction is what lets the producer aggregate per shard and rate-limit
// per shard. It can go stale when the stream is resharded; the producer then
// sees a record land on a shard other than the one predicted, or a closed
// shard, and refreshes (at most once per ShardMapRefreshMinInterval).
#include <kinesys/codecs.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::producer::detail {

struct shard_range {
  std::string shard_id;
  codecs::hash_key_range range;
  /// ListShards reports EndingSequenceNumber for a closed shard.
  bool open = true;
};

/// @locality owning core (each core keeps its own copy per stream)
class shard_map {
public:
  shard_map() = default;
  /// Keeps the open shards. An empty result (no open shard) is allowed: the
  /// stream may be mid-creation; find() then predicts nothing.
  explicit shard_map(std::vector<shard_range> shards);

  std::size_t size() const noexcept { return shards_.size(); }
  bool empty() const noexcept { return shards_.empty(); }
  shard_range const& operator[](std::size_t i) const noexcept { return shards_[i]; }

  /// The index of the open shard whose range holds `key`, or nullopt if the
  /// open shards leave a gap there (a map read in the middle of a reshard).
  std::optional<std::size_t> find(codecs::uint128 key) const noexcept;
  std::optional<std::size_t> index_of(std::string_view shard_id) const noexcept;
  /// True if the open shards tile [0, 2^128-1] without gap or overlap.
  bool complete() const noexcept { return complete_; }

  /// The part of shard `i`'s range inside [lo, hi], as a fraction of the
  /// shard's range (a core rate-limits its share of a shard it shares).
  double share_of(std::size_t i, codecs::uint128 lo, codecs::uint128 hi) const noexcept;

private:
  static constexpr unsigned bucket_bits = 12;
  static constexpr std::uint32_t none = ~std::uint32_t{0};

  std::vector<shard_range> shards_;
  /// The open shards' starts and ends again, apart from their ids: the
  /// lookup reads nothing else.
  std::vector<codecs::hash_key_range> ranges_;
  /// Per bucket: the last shard starting at or below the bucket's first key
  /// (`none`: no shard does).
  std::vector<std::uint32_t> bucket_start_;
  bool complete_ = false;
};

/// When to ask ListShards again: on a mismatch between predicted and actual
/// shard, on a closed-shard error, or when the stream had no usable map —
/// but never more often than the minimum interval.
/// @locality owning core
class shard_map_refresh {
public:
  using clock = std::chrono::steady_clock;
  explicit shard_map_refresh(std::chrono::milliseconds min_interval) : min_interval_(min_interval) {}

  /// A record predicted for shard `predicted` landed on `actual`.
  void note_landed(std::string_view predicted, std::string_view actual) noexcept {
    if (predicted != actual) wanted_ = true;
  }
  void request() noexcept { wanted_ = true; }
  bool wanted() const noexcept { return wanted_; }
  /// True if a refresh should start at `now`; marks it started.
  bool start(clock::time_point now) noexcept;
  /// The refresh finished (successfully or not) at `now`.
  void finished(clock::time_point now) noexcept { last_ = now; in_progress_ = false; }
  bool in_progress() const noexcept { return in_progress_; }

private:
  std::chrono::milliseconds min_interval_;
  clock::time_point last_{};
  bool wanted_ = true;  // the first map is always wanted
  bool in_progress_ = false;
  bool ever_ = false;
};

/// The hash-key slice of core `core` out of `cores`: [lo, hi]. Slices are
/// fixed for the producer's life, so a key always goes to the same core,
/// across reshards too, which keeps its order a single-core matter.
struct core_slice {
  codecs::uint128 lo;
  codecs::uint128 hi;
};
core_slice slice_of_core(std::size_t core, std::size_t cores) noexcept;
/// The core that owns hash key `key`.
inline std::size_t core_of(codecs::uint128 key, std::size_t cores) noexcept {
  auto top = static_cast<codecs::uint128>(static_cast<std::uint64_t>(key >> 64));
  return static_cast<std::size_t>((top * cores) >> 64);
}

}  // namespace kinesys::producer::detail
