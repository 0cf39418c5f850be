#pragma once
// The one hand-off point between application threads and a core (the role
// of librdkafka's rktp_msgq). A put fills a slot of the core's current
// buffer under a short mutex; the core swaps the whole buffer out and works
// on it alone. The slots' strings keep their capacity on both sides of the
// swap, so steady-state hand-off allocates nothing; the core is woken by
// one post per batch, not one per record.
#include "records.hpp"

#include <mutex>
#include <vector>

namespace kinesys::producer::detail {

/// @locality any thread (push), owning core (take)
class intake {
public:
  /// Fills the next slot with `fill(user_record&)`. Returns true when the
  /// core must be woken (the buffer was empty and nobody has woken it yet).
  template <class Fill>
  bool push(Fill&& fill) {
    std::lock_guard lock(mutex_);
    if (count_ == records_.size()) records_.emplace_back();
    fill(records_[count_++]);
    if (wake_pending_) return false;
    wake_pending_ = true;
    return true;
  }

  /// Swaps the filled slots into `out` (whose own slots come back for
  /// reuse) and returns how many there are.
  std::size_t take(std::vector<user_record>& out) {
    std::lock_guard lock(mutex_);
    std::size_t n = count_;
    out.swap(records_);
    count_ = 0;
    wake_pending_ = false;
    return n;
  }

private:
  std::mutex mutex_;
  std::vector<user_record> records_;
  std::size_t count_ = 0;
  bool wake_pending_ = false;
};

}  // namespace kinesys::producer::detail
