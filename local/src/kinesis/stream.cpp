#include "kinesis/stream.hpp"

#include <algorithm>
#include <cassert>

namespace kinesys::local::kinesis {

u128 uniform_start(std::uint32_t i, std::uint32_t n) noexcept
{
  if (i == 0) return 0;
  // floor(2^128 * i / n) without 256-bit arithmetic: 2^128 = q*n + r with
  // q = (2^128-1)/n (+1 when the remainder wraps), then i*q + floor(i*r/n).
  u128 const q = u128_max / n;
  u128 const r = u128_max % n + 1;  // 2^128 mod n, but may equal n
  u128 qq = q, rr = r;
  if (rr == n) { qq += 1; rr = 0; }
  return qq * i + (rr * i) / n;
}

stream::stream(std::string name, std::int64_t created_ms, stream_mode mode, shard_rates rates)
    : name_(std::move(name)), epoch_ms_(created_ms), mode_(mode), rates_(rates)
{
}

shard& stream::add_shard(u128 start, u128 end, std::optional<std::uint32_t> parent,
                         std::optional<std::uint32_t> adjacent, std::int64_t now_ms, std::int64_t now_ns)
{
  shard& s = shards_.emplace_back();
  s.ordinal = static_cast<std::uint32_t>(shards_.size() - 1);
  s.start_hash = start;
  s.end_hash = end;
  s.parent = parent;
  s.adjacent_parent = adjacent;
  s.created_ms = now_ms;
  s.write_bytes = token_bucket(rates_.write_bytes, rates_.write_bytes, now_ns);
  s.write_records = token_bucket(rates_.write_records, rates_.write_records, now_ns);
  s.read_calls = token_bucket(rates_.read_calls, rates_.read_calls, now_ns);
  s.read_bytes = token_bucket(rates_.read_bytes, rates_.read_bytes, now_ns);
  open_.emplace_back(start, s.ordinal);
  std::sort(open_.begin(), open_.end());
  return s;
}

void stream::close(shard& s, std::int64_t now_ms)
{
  s.closed_ms = now_ms;
  std::erase_if(open_, [&](auto const& e) { return e.second == s.ordinal; });
}

shard& stream::route(u128 hash) noexcept
{
  assert(!open_.empty());
  auto it = std::upper_bound(open_.begin(), open_.end(), hash,
                             [](u128 h, auto const& e) { return h < e.first; });
  return shards_[std::prev(it)->second];
}

void stream::create_uniform(std::uint32_t count, std::int64_t now_ms, std::int64_t now_ns)
{
  for (std::uint32_t i = 0; i < count; ++i) {
    u128 end = i + 1 == count ? u128_max : uniform_start(i + 1, count) - 1;
    add_shard(uniform_start(i, count), end, std::nullopt, std::nullopt, now_ms, now_ns);
  }
}

void stream::split(shard& parent, u128 new_start, std::int64_t now_ms, std::int64_t now_ns)
{
  std::uint32_t const p = parent.ordinal;
  u128 const start = parent.start_hash, end = parent.end_hash;
  close(parent, now_ms);
  // `parent` may dangle after add_shard grows the deque's map? No: deque
  // references stay valid on push_back; the copies above are for clarity.
  add_shard(start, new_start - 1, p, std::nullopt, now_ms, now_ns);
  add_shard(new_start, end, p, std::nullopt, now_ms, now_ns);
}

void stream::merge(shard& a, shard& b, std::int64_t now_ms, std::int64_t now_ns)
{
  std::uint32_t const pa = a.ordinal, pb = b.ordinal;
  u128 const start = std::min(a.start_hash, b.start_hash), end = std::max(a.end_hash, b.end_hash);
  close(a, now_ms);
  close(b, now_ms);
  add_shard(start, end, pa, pb, now_ms, now_ns);
}

void stream::scale_uniform(std::uint32_t target, std::int64_t now_ms, std::int64_t now_ns)
{
  // 1. Make every target boundary a shard boundary by splitting the open
  //    shard that straddles it.
  for (std::uint32_t i = 1; i < target; ++i) {
    u128 const b = uniform_start(i, target);
    shard& s = route(b);
    if (s.start_hash != b) split(s, b, now_ms, now_ns);
  }
  // 2. Within each target range, merge the open shards left to right until
  //    one remains; each merge has exactly two parents.
  for (std::uint32_t i = 0; i < target; ++i) {
    u128 const lo = uniform_start(i, target);
    u128 const hi = i + 1 == target ? u128_max : uniform_start(i + 1, target) - 1;
    for (;;) {
      shard& first = route(lo);
      if (first.end_hash >= hi) break;
      shard& second = route(first.end_hash + 1);
      merge(first, second, now_ms, now_ns);
    }
  }
}

std::vector<shard const*> stream::children(std::uint32_t ordinal) const
{
  std::vector<shard const*> out;
  for (std::size_t i = ordinal + 1; i < shards_.size(); ++i) {
    shard const& s = shards_[i];
    if (s.parent == ordinal || s.adjacent_parent == ordinal) out.push_back(&s);
  }
  return out;
}

shard& stream::restore_shard(std::uint32_t ordinal, u128 start, u128 end, std::optional<std::uint32_t> parent,
                             std::optional<std::uint32_t> adjacent, std::int64_t created_ms,
                             std::optional<std::int64_t> closed_ms, std::uint64_t first_position, std::int64_t now_ns)
{
  while (shards_.size() <= ordinal) {
    shard& filler = shards_.emplace_back();
    filler.ordinal = static_cast<std::uint32_t>(shards_.size() - 1);
    filler.closed_ms = created_ms;
  }
  shard& s = shards_[ordinal];
  s.ordinal = ordinal;
  s.start_hash = start;
  s.end_hash = end;
  s.parent = parent;
  s.adjacent_parent = adjacent;
  s.created_ms = created_ms;
  s.closed_ms = closed_ms;
  s.records = record_store(first_position);
  s.write_bytes = token_bucket(rates_.write_bytes, rates_.write_bytes, now_ns);
  s.write_records = token_bucket(rates_.write_records, rates_.write_records, now_ns);
  s.read_calls = token_bucket(rates_.read_calls, rates_.read_calls, now_ns);
  s.read_bytes = token_bucket(rates_.read_bytes, rates_.read_bytes, now_ns);
  return s;
}

void stream::rebuild_open_index()
{
  open_.clear();
  for (shard const& s : shards_)
    if (s.open()) open_.emplace_back(s.start_hash, s.ordinal);
  std::sort(open_.begin(), open_.end());
}

}  // namespace kinesys::local::kinesis
