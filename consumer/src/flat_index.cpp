#include <kinesys/detail/consumer/flat_index.hpp>

#include <bit>

namespace kinesys::consumer {

flat_index::flat_index(std::size_t initial_capacity)
{
  rehash(std::bit_ceil(std::max<std::size_t>(initial_capacity, 16)));
}

std::optional<std::uint32_t> flat_index::find(std::uint64_t key) const noexcept
{
  auto mask = table_.size() - 1;
  for (auto i = home(key);; i = (i + 1) & mask) {
    auto const& e = table_[i];
    if (!e.used) return std::nullopt;
    if (e.key == key) return e.value;
  }
}

void flat_index::insert(std::uint64_t key, std::uint32_t value)
{
  // Keep the load under 1/2 so probe sequences stay short.
  if ((size_ + 1) * 2 > table_.size()) rehash(table_.size() * 2);
  auto mask = table_.size() - 1;
  for (auto i = home(key);; i = (i + 1) & mask) {
    auto& e = table_[i];
    if (!e.used) {
      e = {key, value, true};
      ++size_;
      return;
    }
    if (e.key == key) {
      e.value = value;
      return;
    }
  }
}

bool flat_index::erase(std::uint64_t key) noexcept
{
  auto mask = table_.size() - 1;
  auto i = home(key);
  for (;; i = (i + 1) & mask) {
    if (!table_[i].used) return false;
    if (table_[i].key == key) break;
  }
  // Backward shift: pull later members of the probe run into the hole so
  // lookups never need tombstones.
  auto hole = i;
  for (auto j = (i + 1) & mask; table_[j].used; j = (j + 1) & mask) {
    auto h = home(table_[j].key);
    // Move j into the hole unless its home lies cyclically in (hole, j].
    bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (!stays) {
      table_[hole] = table_[j];
      hole = j;
    }
  }
  table_[hole] = entry{};
  --size_;
  return true;
}

void flat_index::clear() noexcept
{
  for (auto& e : table_) e = entry{};
  size_ = 0;
}

void flat_index::rehash(std::size_t capacity)
{
  std::vector<entry> old = std::move(table_);
  table_.assign(capacity, entry{});
  shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
  size_ = 0;
  for (auto const& e : old)
    if (e.used) insert(e.key, e.value);
}

}  // namespace kinesys::consumer
