#include "kinesis/record_store.hpp"

#include <algorithm>
#include <cstring>

namespace kinesys::local::kinesis {

record_store::record_store(std::uint64_t first_position, std::size_t chunk_bytes)
    : first_(first_position), chunk_bytes_(chunk_bytes)
{
}

std::uint64_t record_store::append(std::string_view partition_key, std::string_view data, std::int64_t arrival_ms)
{
  std::size_t const need = partition_key.size() + data.size();
  if (chunks_.empty() || chunks_.back().capacity - chunks_.back().used < need) {
    std::size_t cap = std::max(chunk_bytes_, need);
    if (spare_.bytes && spare_.capacity >= cap) {
      spare_.used = 0;
      chunks_.push_back(std::move(spare_));
      spare_ = chunk{};
    } else {
      // Not value-initialised: every byte is written before it is read.
      chunks_.push_back(chunk{std::make_unique_for_overwrite<char[]>(cap), cap, 0});
    }
  }
  chunk& c = chunks_.back();
  char* dst = c.bytes.get() + c.used;
  std::memcpy(dst, partition_key.data(), partition_key.size());
  std::memcpy(dst + partition_key.size(), data.data(), data.size());
  if (!entries_.empty()) arrival_ms = std::max(arrival_ms, entries_.back().arrival_ms);
  entries_.push_back(entry{first_chunk_ + static_cast<std::uint32_t>(chunks_.size() - 1),
                           static_cast<std::uint32_t>(c.used), static_cast<std::uint32_t>(data.size()),
                           static_cast<std::uint16_t>(partition_key.size()), 0, arrival_ms});
  c.used += need;
  bytes_ += need;
  return end() - 1;
}

record_view record_store::at(std::uint64_t position) const noexcept
{
  entry const& e = entries_[position - first_];
  char const* p = chunks_[e.chunk - first_chunk_].bytes.get() + e.offset;
  return {position, {p, e.key_size}, {p + e.key_size, e.data_size}, e.arrival_ms};
}

std::int64_t record_store::last_arrival_ms(std::int64_t fallback) const noexcept
{
  return entries_.empty() ? fallback : entries_.back().arrival_ms;
}

std::uint64_t record_store::lower_bound_time(std::int64_t ms) const noexcept
{
  auto it = std::lower_bound(entries_.begin(), entries_.end(), ms,
                             [](entry const& e, std::int64_t t) { return e.arrival_ms < t; });
  return first_ + static_cast<std::uint64_t>(it - entries_.begin());
}

void record_store::pop_front_entry()
{
  entry const& e = entries_.front();
  bytes_ -= e.key_size + e.data_size;
  std::uint32_t const chunk_seq = e.chunk;
  entries_.pop_front();
  ++first_;
  // A chunk is released once no retained record lives in it; the current
  // (last) chunk stays so appends keep filling it.
  std::uint32_t const keep_from = entries_.empty() ? first_chunk_ + static_cast<std::uint32_t>(chunks_.size() - 1)
                                                   : entries_.front().chunk;
  (void)chunk_seq;
  while (first_chunk_ < keep_from) {
    if (!spare_.bytes || chunks_.front().capacity > spare_.capacity) spare_ = std::move(chunks_.front());
    chunks_.pop_front();
    ++first_chunk_;
  }
}

std::size_t record_store::trim_older_than(std::int64_t cutoff_ms)
{
  std::size_t n = 0;
  while (!entries_.empty() && entries_.front().arrival_ms < cutoff_ms) {
    pop_front_entry();
    ++n;
  }
  return n;
}

std::size_t record_store::trim_to_bytes(std::uint64_t max_bytes)
{
  std::size_t n = 0;
  while (!entries_.empty() && bytes_ > max_bytes) {
    pop_front_entry();
    ++n;
  }
  return n;
}

void record_store::skip_to(std::uint64_t position)
{
  while (!entries_.empty() && first_ < position) pop_front_entry();
  if (entries_.empty() && first_ < position) first_ = position;
}

}  // namespace kinesys::local::kinesis
