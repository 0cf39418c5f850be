#pragma once
// An open-addressing hash table from a 128-bit key (a record's hash key,
// already uniformly spread by MD5) to a small value. The producer's per-key
// state is looked up once per record, so the table must not allocate per
// insert: slots live in one array that only grows, and erasing uses
// backward-shift deletion instead of tombstones, so a table that churns
// through millions of distinct keys never degrades.
#include <kinesys/codecs.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kinesys::producer::detail {

/// @locality owning core
template <class Value>
class key_table {
public:
  using key_type = codecs::uint128;

  explicit key_table(std::size_t initial_capacity = 64) { rehash(round_up(initial_capacity)); }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t capacity() const noexcept { return slots_.size(); }

  /// The value for `key`, or nullptr.
  Value* find(key_type key) noexcept {
    std::size_t i = home(key);
    for (;;) {
      slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.key == key) return &s.value;
      i = (i + 1) & mask_;
    }
  }

  /// The value for `key`, default-constructed and inserted if absent.
  Value& operator[](key_type key) {
    if (Value* v = find(key)) return *v;
    if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    std::size_t i = home(key);
    while (slots_[i].used) i = (i + 1) & mask_;
    slots_[i].used = true;
    slots_[i].key = key;
    slots_[i].value = Value{};
    ++size_;
    return slots_[i].value;
  }

  /// Removes `key` if present.
  void erase(key_type key) noexcept {
    std::size_t i = home(key);
    for (;;) {
      if (!slots_[i].used) return;
      if (slots_[i].key == key) break;
      i = (i + 1) & mask_;
    }
    // Backward-shift: pull later members of the probe run into the hole if
    // the hole lies between their home and their slot.
    std::size_t hole = i;
    std::size_t j = (i + 1) & mask_;
    while (slots_[j].used) {
      std::size_t h = home(slots_[j].key);
      bool movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
      if (movable) {
        slots_[hole] = std::move(slots_[j]);
        hole = j;
      }
      j = (j + 1) & mask_;
    }
    slots_[hole].used = false;
    slots_[hole].value = Value{};
    --size_;
  }

  template <class F>
  void for_each(F&& f) {
    for (auto& s : slots_)
      if (s.used) f(s.key, s.value);
  }

private:
  struct slot {
    key_type key = 0;
    Value value{};
    bool used = false;
  };

  static std::size_t round_up(std::size_t n) {
    std::size_t c = 16;
    while (c < n) c *= 2;
    return c;
  }
  std::size_t home(key_type key) const noexcept {
    // MD5 output is uniform; folding both halves also covers keys that are
    // not hashes (explicit hash keys chosen by hand, mixed stream ids).
    auto folded = static_cast<std::uint64_t>(key) ^ static_cast<std::uint64_t>(key >> 64);
    folded *= 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>(folded >> 20) & mask_;
  }
  void rehash(std::size_t capacity) {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(capacity, slot{});
    mask_ = capacity - 1;
    size_ = 0;
    for (auto& s : old)
      if (s.used) {
        std::size_t i = home(s.key);
        while (slots_[i].used) i = (i + 1) & mask_;
        slots_[i] = std::move(s);
        ++size_;
      }
  }

  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace kinesys::producer::detail
