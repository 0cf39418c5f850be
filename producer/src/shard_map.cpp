#include "shard_map.hpp"

#include <algorithm>

namespace kinesys::producer::detail {

shard_map::shard_map(std::vector<shard_range> shards) {
  for (auto& s : shards)
    if (s.open) shards_.push_back(std::move(s));
  std::sort(shards_.begin(), shards_.end(),
            [](shard_range const& a, shard_range const& b) { return a.range.starting < b.range.starting; });
  complete_ = !shards_.empty() && shards_.front().range.starting == 0 &&
              shards_.back().range.ending == codecs::max_hash_key;
  for (std::size_t i = 1; complete_ && i < shards_.size(); ++i)
    complete_ = shards_[i - 1].range.ending != codecs::max_hash_key &&
                shards_[i].range.starting == shards_[i - 1].range.ending + 1;

  ranges_.reserve(shards_.size());
  for (auto const& sh : shards_) ranges_.push_back(sh.range);
  bucket_start_.assign(std::size_t{1} << bucket_bits, none);
  std::uint32_t last = none;
  std::size_t next = 0;
  for (std::size_t b = 0; b < bucket_start_.size(); ++b) {
    codecs::uint128 first_key = static_cast<codecs::uint128>(b) << (128 - bucket_bits);
    while (next < ranges_.size() && ranges_[next].starting <= first_key) last = static_cast<std::uint32_t>(next++);
    bucket_start_[b] = last;
  }
}

std::optional<std::size_t> shard_map::find(codecs::uint128 key) const noexcept {
  if (ranges_.empty()) return std::nullopt;
  std::uint32_t i = bucket_start_[static_cast<std::size_t>(key >> (128 - bucket_bits))];
  // The last shard starting at or below key: the bucket's, or one that
  // starts later inside the bucket.
  std::size_t at = i == none ? 0 : i;
  if (i == none && key < ranges_[0].starting) return std::nullopt;
  while (at + 1 < ranges_.size() && ranges_[at + 1].starting <= key) ++at;
  if (!ranges_[at].contains(key)) return std::nullopt;
  return at;
}

std::optional<std::size_t> shard_map::index_of(std::string_view shard_id) const noexcept {
  for (std::size_t i = 0; i < shards_.size(); ++i)
    if (shards_[i].shard_id == shard_id) return i;
  return std::nullopt;
}

double shard_map::share_of(std::size_t i, codecs::uint128 lo, codecs::uint128 hi) const noexcept {
  auto const& r = shards_[i].range;
  codecs::uint128 a = std::max(lo, r.starting);
  codecs::uint128 b = std::min(hi, r.ending);
  if (a > b) return 0.0;
  // Widths as doubles: exact enough for a rate share, and the full range
  // (2^128) does not fit in the integer type.
  double width = static_cast<double>(r.ending - r.starting) + 1.0;
  double part = static_cast<double>(b - a) + 1.0;
  return std::min(1.0, part / width);
}

bool shard_map_refresh::start(clock::time_point now) noexcept {
  if (!wanted_ || in_progress_) return false;
  if (ever_ && now - last_ < min_interval_) return false;
  ever_ = true;
  wanted_ = false;
  in_progress_ = true;
  return true;
}

core_slice slice_of_core(std::size_t core, std::size_t cores) noexcept {
  // Core c owns the keys whose top 64 bits t satisfy floor(t·n / 2^64) = c,
  // i.e. t in [ceil(c·2^64/n), ceil((c+1)·2^64/n) - 1]; matches core_of().
  auto boundary = [cores](std::size_t c) -> codecs::uint128 {
    codecs::uint128 scaled = static_cast<codecs::uint128>(c) << 64;
    return (scaled + cores - 1) / cores;  // ceil(c·2^64 / n), ≤ 2^64
  };
  codecs::uint128 lo_top = boundary(core);
  codecs::uint128 hi_top = boundary(core + 1);  // exclusive
  core_slice s;
  s.lo = lo_top << 64;
  s.hi = hi_top >= (static_cast<codecs::uint128>(1) << 64) ? codecs::max_hash_key : (hi_top << 64) - 1;
  return s;
}

}  // namespace kinesys::producer::detail
