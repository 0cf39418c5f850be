#pragma once
// Per-key ordering with concurrency. Records of one shard arrive in stream
// order; writes for *different* item keys may run concurrently, but a key's
// next write starts only after its previous one finished, so the table sees
// each key's updates in stream order (the position guard relies on this: a
// write that lands after a newer one for its key is refused, not applied).
//
// While a key's write is in flight its later records wait; when it
// finishes, all of them go out as one group. Under load, groups grow, which
// is exactly the aggregation-first merging seed 004 asks for.
#include <kinesys/detail/consumer/flat_index.hpp>

#include <cstdint>
#include <vector>

namespace kinesys::consumer {

/// One key's records, in stream order, as handed out by take().
struct key_group {
  std::uint64_t key_hash = 0;
  std::uint32_t first = 0;  ///< offset into scheduled_batch::records
  std::uint32_t count = 0;
};

struct scheduled_batch {
  std::vector<key_group> groups;
  std::vector<std::uint32_t> records;  ///< caller's record ids, grouped
  void clear() noexcept { groups.clear(); records.clear(); }
  bool empty() const noexcept { return groups.empty(); }
};

/// @locality owning core (of the shard)
class key_scheduler {
public:
  key_scheduler();

  /// Queues a record (the caller's id) for a key; keys are 64-bit hashes of
  /// the table and item key. Equal hashes are serialised like equal keys,
  /// which costs concurrency on a collision, never correctness.
  void push(std::uint64_t key_hash, std::uint32_t record);

  /// Moves up to `max_keys` ready keys (oldest first), each with all its
  /// waiting records, into `out` and marks them in flight. Returns the
  /// number of groups added.
  std::size_t take(std::size_t max_keys, scheduled_batch& out);

  /// The key's write finished; its waiting records become ready.
  void complete(std::uint64_t key_hash);

  std::size_t waiting_records() const noexcept { return waiting_; }
  std::size_t ready_keys() const noexcept { return ready_count_; }
  std::size_t in_flight_keys() const noexcept { return in_flight_; }

private:
  static constexpr std::uint32_t none = 0xFFFFFFFFu;
  struct node {
    std::uint32_t record;
    std::uint32_t next;
  };
  struct key_state {
    std::uint64_t key_hash = 0;
    std::uint32_t head = none, tail = none;
    bool in_flight = false;
    bool ready = false;
  };

  std::uint32_t new_node(std::uint32_t record);
  std::uint32_t new_state(std::uint64_t key_hash);
  void release_state(std::uint32_t s);
  void make_ready(std::uint32_t s);

  flat_index index_;
  std::vector<key_state> states_;
  std::vector<std::uint32_t> free_states_;
  std::vector<node> nodes_;
  std::uint32_t free_nodes_ = none;
  // FIFO ring of ready state ids.
  std::vector<std::uint32_t> ready_;
  std::size_t ready_head_ = 0, ready_count_ = 0;
  std::size_t waiting_ = 0, in_flight_ = 0;
};

}  // namespace kinesys::consumer
