#pragma once
// Drops duplicates that producer retries create. The producer stamps each
// user record with (producer id, sequence per partition key); a retry of an
// acknowledged-but-unanswered put re-sends the same stamp, and the producer
// holds a key's later records back until the retry lands, so a duplicate
// follows its original closely in the key's order. Remembering the last
// sequence per (producer, partition key) for the most recent keys therefore
// catches them; the position guard and the item's stored stamp catch the
// rest (a duplicate whose original lies before a restart's checkpoint).
//
// A split or merge re-routes a key: a retry whose original went to the
// parent lands in a child. A child therefore starts from its parents'
// windows (inherit), when they finished in the same process.
//
// Memory is bounded by two generations of `capacity` keys: when the current
// one fills, it becomes the previous one and the oldest is forgotten.
#include <cstdint>
#include <string_view>
#include <vector>

namespace kinesys::consumer {

/// @locality owning core (of the shard)
class dedup_window {
public:
  explicit dedup_window(std::size_t capacity = 20000);

  /// True if (producer, partition key) was seen with a sequence >= this one
  /// (a duplicate: drop it). Otherwise remembers the sequence, returns false.
  bool check_and_remember(std::string_view producer_id, std::string_view partition_key, std::uint64_t sequence);

  /// Takes over what `parent` remembers (the higher sequence wins), so a
  /// retry that crossed a split or merge is still recognised in the child.
  void inherit(dedup_window const& parent);

  std::size_t remembered() const noexcept { return current_.size + previous_.size; }

private:
  struct entry {
    std::uint64_t h1 = 0, h2 = 0, sequence = 0;
    bool used = false;
  };
  struct generation {
    std::vector<entry> slots;
    std::size_t size = 0;
    entry* find(std::uint64_t h1, std::uint64_t h2) noexcept;
    entry* insert_slot(std::uint64_t h1, std::uint64_t h2) noexcept;
    void clear() noexcept;
  };

  /// True if a sequence >= `sequence` was remembered; otherwise remembers it.
  bool remember(std::uint64_t h1, std::uint64_t h2, std::uint64_t sequence);

  std::size_t capacity_;
  generation current_, previous_;
};

}  // namespace kinesys::consumer
