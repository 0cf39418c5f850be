#pragma once
// Order-preserving checkpoints. Records of a shard are registered in stream
// order and finish in any order (writes run concurrently, retries and
// bisection reorder completions). The checkpoint may only name a position
// below which *every* record is finished — written, skipped as a duplicate
// or dead-lettered — because a restart resumes after it and would otherwise
// skip a record that never reached the table.
#include <kinesys/detail/consumer/position.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace kinesys::consumer {

/// @locality owning core (of the shard)
class checkpoint_tracker {
public:
  using ticket = std::uint64_t;

  /// Registers the next record. Positions must strictly increase (a
  /// programmer error otherwise: throws std::logic_error).
  ticket add(stream_position const& position);

  /// Marks a registered record finished. Finishing twice, or a ticket never
  /// issued, throws std::logic_error.
  void finish(ticket t);

  /// The highest position through which every registered record is finished;
  /// nullopt until the first record finishes.
  std::optional<stream_position> const& finished_through() const noexcept { return through_; }

  /// Records registered and not yet part of the finished prefix.
  std::size_t outstanding() const noexcept { return count_; }
  bool idle() const noexcept { return count_ == 0; }
  /// Tickets issued so far (the next ticket's number).
  ticket issued() const noexcept { return next_; }

private:
  struct slot {
    stream_position position;
    bool done = false;
  };
  slot& at(ticket t) noexcept { return ring_[t & (ring_.size() - 1)]; }
  void grow();

  // A power-of-two ring holding tickets [next_ - count_, next_).
  std::vector<slot> ring_ = std::vector<slot>(64);
  ticket next_ = 0;
  std::size_t count_ = 0;
  std::optional<stream_position> through_;
  std::optional<stream_position> last_added_;
};

}  // namespace kinesys::consumer
