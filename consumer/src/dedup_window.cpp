#include <kinesys/detail/consumer/dedup_window.hpp>

#include <kinesys/detail/consumer/hash.hpp>

#include <algorithm>
#include <bit>

namespace kinesys::consumer {

dedup_window::dedup_window(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1))
{
  // Load factor <= 1/2 at capacity.
  auto slots = std::bit_ceil(capacity_ * 2);
  current_.slots.resize(slots);
  previous_.slots.resize(slots);
}

dedup_window::entry* dedup_window::generation::find(std::uint64_t h1, std::uint64_t h2) noexcept
{
  auto mask = slots.size() - 1;
  for (auto i = h1 & mask;; i = (i + 1) & mask) {
    auto& e = slots[i];
    if (!e.used) return nullptr;
    if (e.h1 == h1 && e.h2 == h2) return &e;
  }
}

dedup_window::entry* dedup_window::generation::insert_slot(std::uint64_t h1, std::uint64_t h2) noexcept
{
  auto mask = slots.size() - 1;
  for (auto i = h1 & mask;; i = (i + 1) & mask) {
    auto& e = slots[i];
    if (!e.used) {
      e = {h1, h2, 0, true};
      ++size;
      return &e;
    }
    if (e.h1 == h1 && e.h2 == h2) return &e;
  }
}

void dedup_window::generation::clear() noexcept
{
  std::fill(slots.begin(), slots.end(), entry{});
  size = 0;
}

bool dedup_window::check_and_remember(std::string_view producer_id, std::string_view partition_key,
                                      std::uint64_t sequence)
{
  // Two independent 64-bit hashes: a false match would drop a real record,
  // so the identity check is 128 bits wide.
  auto h1 = hash_combine(hash64(producer_id, 1), hash64(partition_key, 2));
  auto h2 = hash_combine(hash64(producer_id, 3), hash64(partition_key, 4));
  return remember(h1, h2, sequence);
}

bool dedup_window::remember(std::uint64_t h1, std::uint64_t h2, std::uint64_t sequence)
{
  if (auto* e = current_.find(h1, h2)) {
    if (sequence <= e->sequence) return true;
    e->sequence = sequence;
    return false;
  }
  if (auto* e = previous_.find(h1, h2); e && sequence <= e->sequence) return true;
  if (current_.size >= capacity_) {
    std::swap(current_, previous_);
    current_.clear();
  }
  current_.insert_slot(h1, h2)->sequence = sequence;
  return false;
}

void dedup_window::inherit(dedup_window const& parent)
{
  // Older generation first, so that if this window fills up, what it
  // forgets is what the parent saw longest ago.
  for (auto const* g : {&parent.previous_, &parent.current_})
    for (auto const& e : g->slots)
      if (e.used) remember(e.h1, e.h2, e.sequence);
}

}  // namespace kinesys::consumer
