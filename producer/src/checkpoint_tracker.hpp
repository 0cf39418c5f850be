#pragma once
// Order-preserving application checkpoints. An application tailing a file or
// a queue puts records carrying (source, offset) and may commit its own
// position only up to the highest offset such that every record up to it is
// acknowledged: acknowledgements arrive out of order (different shards,
// retries), so "the last acknowledged offset" would skip unacknowledged ones.
//
// Per source, entries sit in a ring in put order; acknowledging one marks it
// and advances the checkpoint over the acknowledged prefix. A failed record
// stops the checkpoint until the application puts the same (source, offset)
// again and that put is acknowledged.
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::producer::detail {

/// A put's place in its source's sequence.
struct checkpoint_ticket {
  std::uint32_t source = std::numeric_limits<std::uint32_t>::max();
  std::uint64_t position = 0;
  bool valid() const noexcept { return source != std::numeric_limits<std::uint32_t>::max(); }
};

/// @locality any thread (each source has its own mutex; registration takes
/// a short global one)
class checkpoint_tracker {
public:
  checkpoint_tracker() = default;

  /// The id of source `name`, created on first use.
  std::uint32_t source(std::string_view name);
  std::string source_name(std::uint32_t source) const;

  /// Registers a put of `offset` (offsets of a source must increase from
  /// put to put, except for a re-put of a failed offset).
  checkpoint_ticket add(std::uint32_t source, std::uint64_t offset);
  void acknowledge(checkpoint_ticket t);
  void fail(checkpoint_ticket t);

  /// The highest offset with everything up to it acknowledged, if any.
  std::optional<std::uint64_t> checkpoint(std::uint32_t source) const;
  /// Records registered and not yet passed by the checkpoint.
  std::size_t pending(std::uint32_t source) const;

private:
  enum class state : std::uint8_t { pending, acknowledged, failed };
  struct entry {
    std::uint64_t offset;
    state st;
  };
  struct source_state {
    std::string name;
    mutable std::mutex mutex;
    // Ring of entries in put order: ring[(head + i) % ring.size()].
    std::vector<entry> ring;
    std::size_t head = 0;
    std::size_t size = 0;
    std::uint64_t popped = 0;  // entries passed by the checkpoint so far
    std::optional<std::uint64_t> checkpoint;
    std::optional<std::uint64_t> last_offset;

    entry& at(std::size_t i) { return ring[(head + i) % ring.size()]; }
    void push(entry e);
    void advance();
    entry* find(std::uint64_t position);
  };
  source_state* get(std::uint32_t source) const;

  mutable std::mutex registry_mutex_;
  std::vector<std::unique_ptr<source_state>> sources_;
};

}  // namespace kinesys::producer::detail
