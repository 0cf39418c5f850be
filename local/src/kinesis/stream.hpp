#pragma once
// A stream and its shards: hash-key ranges, lineage (parent and adjacent
// parent), open/closed state, per-shard records and throughput buckets.
// Resharding never edits a shard's range: it closes shards and creates
// children, so the lineage a consumer follows is exactly the one AWS gives.
#include "common/token_bucket.hpp"
#include "common/u128.hpp"
#include "kinesis/record_store.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::local::kinesis {

enum class stream_mode { provisioned, on_demand };

struct shard {
  std::uint32_t ordinal = 0;
  u128 start_hash = 0;
  u128 end_hash = 0;
  std::optional<std::uint32_t> parent;
  std::optional<std::uint32_t> adjacent_parent;
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> closed_ms;
  record_store records;
  token_bucket write_bytes;
  token_bucket write_records;
  token_bucket read_calls;
  token_bucket read_bytes;

  bool open() const noexcept { return !closed_ms.has_value(); }
  bool contains(u128 hash) const noexcept { return hash >= start_hash && hash <= end_hash; }
};

/// Per-shard throughput, copied from the options when a shard is made.
struct shard_rates {
  double write_bytes = 1024 * 1024;
  double write_records = 1000;
  double read_calls = 5;
  double read_bytes = 2 * 1024 * 1024;
};

/// @locality owning core
class stream {
public:
  stream(std::string name, std::int64_t created_ms, stream_mode mode, shard_rates rates);

  std::string const& name() const noexcept { return name_; }
  std::int64_t epoch_ms() const noexcept { return epoch_ms_; }
  stream_mode mode() const noexcept { return mode_; }
  void set_mode(stream_mode m) noexcept { mode_ = m; }
  std::uint32_t retention_hours() const noexcept { return retention_hours_; }
  void set_retention_hours(std::uint32_t h) noexcept { retention_hours_ = h; }

  /// All shards ever created, indexed by ordinal.
  std::deque<shard>& shards() noexcept { return shards_; }
  std::deque<shard> const& shards() const noexcept { return shards_; }
  shard* find(std::uint32_t ordinal) noexcept { return ordinal < shards_.size() ? &shards_[ordinal] : nullptr; }
  std::size_t open_shard_count() const noexcept { return open_.size(); }

  /// The open shard whose range holds `hash` (open ranges tile 0..2^128-1).
  shard& route(u128 hash) noexcept;

  /// Creates `count` open shards with uniform ranges (a new stream).
  void create_uniform(std::uint32_t count, std::int64_t now_ms, std::int64_t now_ns);
  /// Closes `parent` and creates two children split at `new_start`.
  void split(shard& parent, u128 new_start, std::int64_t now_ms, std::int64_t now_ns);
  /// Closes two adjacent shards and creates their merged child.
  void merge(shard& a, shard& b, std::int64_t now_ms, std::int64_t now_ns);
  /// Reshards to `target` open shards with uniform ranges through splits
  /// and merges, so every child keeps at most two parents.
  void scale_uniform(std::uint32_t target, std::int64_t now_ms, std::int64_t now_ns);

  /// Children of a shard (shards naming it as parent or adjacent parent).
  std::vector<shard const*> children(std::uint32_t ordinal) const;

  /// Recreates a shard as read from disk (persistence); keeps ordinals dense.
  shard& restore_shard(std::uint32_t ordinal, u128 start, u128 end, std::optional<std::uint32_t> parent,
                       std::optional<std::uint32_t> adjacent, std::int64_t created_ms,
                       std::optional<std::int64_t> closed_ms, std::uint64_t first_position, std::int64_t now_ns);
  void rebuild_open_index();

  shard_rates const& rates() const noexcept { return rates_; }

private:
  shard& add_shard(u128 start, u128 end, std::optional<std::uint32_t> parent, std::optional<std::uint32_t> adjacent,
                   std::int64_t now_ms, std::int64_t now_ns);
  void close(shard& s, std::int64_t now_ms);

  std::string name_;
  std::int64_t epoch_ms_;
  stream_mode mode_;
  std::uint32_t retention_hours_ = 24;
  shard_rates rates_;
  std::deque<shard> shards_;
  // Open shards sorted by start_hash: routing is a binary search.
  std::vector<std::pair<u128, std::uint32_t>> open_;
};

/// The uniform boundaries AWS uses: shard i of n starts at floor(2^128 * i / n).
u128 uniform_start(std::uint32_t i, std::uint32_t n) noexcept;

}  // namespace kinesys::local::kinesis
