#pragma once
// The records of one shard, in memory: an append-only arena of byte chunks
// (partition key then data, back to back) and a compact index entry per
// record. Appending copies bytes into the current chunk and pushes one
// 24-byte entry: no heap allocation per record in steady state. A record's
// position is its index since the shard began; positions never change,
// trimming (retention, memory cap) only moves the first retained position.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>

namespace kinesys::local::kinesis {

struct record_view {
  std::uint64_t position;
  std::string_view partition_key;
  /// As stored by the caller; kinesis_service keeps Data in its (canonical)
  /// base64 form, the form it arrives and leaves in.
  std::string_view data;
  std::int64_t arrival_ms;
};

/// @locality owning core
class record_store {
public:
  static constexpr std::size_t default_chunk_bytes = 4 * 1024 * 1024;

  explicit record_store(std::uint64_t first_position = 0, std::size_t chunk_bytes = default_chunk_bytes);
  record_store(record_store&&) noexcept = default;
  record_store& operator=(record_store&&) noexcept = default;

  /// Appends a record and returns its position. Arrival times are kept
  /// non-decreasing (a clock stepping back does not reorder the shard), so
  /// AT_TIMESTAMP can binary-search them.
  std::uint64_t append(std::string_view partition_key, std::string_view data, std::int64_t arrival_ms);

  /// First retained position (the trim horizon).
  std::uint64_t begin() const noexcept { return first_; }
  /// The position the next record will get.
  std::uint64_t end() const noexcept { return first_ + entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }
  /// Bytes of keys and data retained.
  std::uint64_t bytes() const noexcept { return bytes_; }

  /// The record at `position`, which must be in [begin(), end()).
  record_view at(std::uint64_t position) const noexcept;
  /// Arrival time of the newest record, or `fallback` when empty.
  std::int64_t last_arrival_ms(std::int64_t fallback) const noexcept;

  /// The first position whose record arrived at or after `ms` (end() if none).
  std::uint64_t lower_bound_time(std::int64_t ms) const noexcept;

  /// Drops records that arrived before `cutoff_ms`; returns how many.
  std::size_t trim_older_than(std::int64_t cutoff_ms);
  /// Drops the oldest records until at most `max_bytes` remain.
  std::size_t trim_to_bytes(std::uint64_t max_bytes);
  /// Drops everything below `position` (used when replaying from disk).
  void skip_to(std::uint64_t position);

private:
  struct entry {
    std::uint32_t chunk;        // chunk sequence number (not index: chunks are popped)
    std::uint32_t offset;       // within the chunk
    std::uint32_t data_size;
    std::uint16_t key_size;
    std::uint16_t unused = 0;
    std::int64_t arrival_ms;
  };
  struct chunk {
    std::unique_ptr<char[]> bytes;
    std::size_t capacity = 0;
    std::size_t used = 0;
  };

  void pop_front_entry();

  std::deque<entry> entries_;
  std::deque<chunk> chunks_;
  // One released chunk kept for reuse: a shard that is trimmed as fast as
  // it is written (retention, memory cap) then recycles its memory instead
  // of faulting in fresh pages for every chunk.
  chunk spare_;
  std::uint32_t first_chunk_ = 0;  // sequence number of chunks_.front()
  std::uint64_t first_ = 0;
  std::uint64_t bytes_ = 0;
  std::size_t chunk_bytes_;
};

}  // namespace kinesys::local::kinesis
