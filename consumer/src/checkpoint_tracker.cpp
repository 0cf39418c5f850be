#include <kinesys/detail/consumer/checkpoint_tracker.hpp>

#include <stdexcept>

namespace kinesys::consumer {

checkpoint_tracker::ticket checkpoint_tracker::add(stream_position const& position)
{
  if (last_added_ && !(*last_added_ < position))
    throw std::logic_error("checkpoint_tracker::add: positions must increase (" + position.to_string() + " after " +
                           last_added_->to_string() + ")");
  if (count_ == ring_.size()) grow();
  auto t = next_++;
  auto& s = at(t);
  s.position = position;
  s.done = false;
  ++count_;
  last_added_ = position;
  return t;
}

void checkpoint_tracker::finish(ticket t)
{
  ticket head = next_ - count_;
  if (t < head || t >= next_) throw std::logic_error("checkpoint_tracker::finish: unknown or already retired ticket");
  auto& s = at(t);
  if (s.done) throw std::logic_error("checkpoint_tracker::finish: ticket finished twice");
  s.done = true;
  // Only the head can move the checkpoint; completions behind a gap wait.
  while (count_ > 0 && at(next_ - count_).done) {
    through_ = at(next_ - count_).position;
    --count_;
  }
}

void checkpoint_tracker::grow()
{
  std::vector<slot> bigger(ring_.size() * 2);
  ticket head = next_ - count_;
  for (ticket t = head; t < next_; ++t) bigger[t & (bigger.size() - 1)] = at(t);
  ring_ = std::move(bigger);
}

}  // namespace kinesys::consumer
