#include <kinesys/detail/consumer/window_handover.hpp>

#include <algorithm>

namespace kinesys::consumer {

void window_handover::finished(std::string shard_id, std::size_t children, dedup_window window)
{
  if (children == 0 || capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  std::erase_if(shards_, [&](finished_shard const& s) { return s.shard_id == shard_id; });
  if (shards_.size() >= capacity_) shards_.pop_front();
  shards_.push_back({std::move(shard_id), children, std::move(window)});
}

std::size_t window_handover::collect(std::span<std::string const> parents, dedup_window& into)
{
  std::size_t found = 0;
  std::lock_guard lock(mutex_);
  for (auto const& parent : parents) {
    auto it = std::find_if(shards_.begin(), shards_.end(), [&](finished_shard const& s) { return s.shard_id == parent; });
    if (it == shards_.end()) continue;
    into.inherit(it->window);
    ++found;
    if (--it->children_left == 0) shards_.erase(it);
  }
  return found;
}

std::size_t window_handover::kept() const
{
  std::lock_guard lock(mutex_);
  return shards_.size();
}

}  // namespace kinesys::consumer
