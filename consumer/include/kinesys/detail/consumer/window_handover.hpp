#pragma once
// Passes a finished shard's dedup window to its children. A producer retry
// whose original reached the parent lands in a child after a split or
// merge; the child recognises it only if it starts from what the parent
// remembered. Parent and children may run on different cores, so the
// hand-over is behind a mutex: it is touched once per shard lifetime.
#include <kinesys/detail/consumer/dedup_window.hpp>

#include <cstddef>
#include <deque>
#include <mutex>
#include <span>
#include <string>

namespace kinesys::consumer {

/// @locality any core (thread-safe)
class window_handover {
public:
  /// Keeps at most `capacity` finished windows; the oldest goes first
  /// (children that another process reads never collect theirs).
  explicit window_handover(std::size_t capacity = 8) : capacity_(capacity) {}

  /// A shard reached its end; its `children` may collect `window`.
  void finished(std::string shard_id, std::size_t children, dedup_window window);

  /// Seeds `into` with every listed parent's window that this process kept.
  /// Returns how many parents were found. A window collected by all its
  /// children is released.
  std::size_t collect(std::span<std::string const> parents, dedup_window& into);

  std::size_t kept() const;

private:
  struct finished_shard {
    std::string shard_id;
    std::size_t children_left;
    dedup_window window;
  };
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<finished_shard> shards_;
};

}  // namespace kinesys::consumer
