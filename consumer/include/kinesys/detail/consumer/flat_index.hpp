#pragma once
// An open-addressing map from a 64-bit hash to a 32-bit slot number, with
// linear probing and backward-shift deletion. The schedulers and the dedup
// window look keys up once per record; this keeps that free of per-record
// allocation once the table has grown to the working set.
#include <cstdint>
#include <optional>
#include <vector>

namespace kinesys::consumer {

/// @locality owning core
class flat_index {
public:
  explicit flat_index(std::size_t initial_capacity = 64);

  std::optional<std::uint32_t> find(std::uint64_t key) const noexcept;
  /// Inserts or overwrites.
  void insert(std::uint64_t key, std::uint32_t value);
  bool erase(std::uint64_t key) noexcept;
  void clear() noexcept;
  std::size_t size() const noexcept { return size_; }

private:
  struct entry {
    std::uint64_t key = 0;
    std::uint32_t value = 0;
    bool used = false;
  };
  std::size_t home(std::uint64_t key) const noexcept { return (key * 0x9E3779B97F4A7C15ULL) >> shift_; }
  void rehash(std::size_t capacity);

  std::vector<entry> table_;
  std::size_t size_ = 0;
  unsigned shift_ = 58;
};

}  // namespace kinesys::consumer
