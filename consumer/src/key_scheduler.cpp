#include <kinesys/detail/consumer/key_scheduler.hpp>

#include <stdexcept>

namespace kinesys::consumer {

key_scheduler::key_scheduler() : ready_(64) {}

std::uint32_t key_scheduler::new_node(std::uint32_t record)
{
  if (free_nodes_ != none) {
    auto n = free_nodes_;
    free_nodes_ = nodes_[n].next;
    nodes_[n] = {record, none};
    return n;
  }
  nodes_.push_back({record, none});
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t key_scheduler::new_state(std::uint64_t key_hash)
{
  std::uint32_t s;
  if (!free_states_.empty()) {
    s = free_states_.back();
    free_states_.pop_back();
    states_[s] = key_state{};
  } else {
    states_.emplace_back();
    s = static_cast<std::uint32_t>(states_.size() - 1);
  }
  states_[s].key_hash = key_hash;
  index_.insert(key_hash, s);
  return s;
}

void key_scheduler::release_state(std::uint32_t s)
{
  index_.erase(states_[s].key_hash);
  free_states_.push_back(s);
}

void key_scheduler::make_ready(std::uint32_t s)
{
  if (ready_count_ == ready_.size()) {
    std::vector<std::uint32_t> bigger(ready_.size() * 2);
    for (std::size_t i = 0; i < ready_count_; ++i) bigger[i] = ready_[(ready_head_ + i) % ready_.size()];
    ready_ = std::move(bigger);
    ready_head_ = 0;
  }
  ready_[(ready_head_ + ready_count_) % ready_.size()] = s;
  ++ready_count_;
  states_[s].ready = true;
}

void key_scheduler::push(std::uint64_t key_hash, std::uint32_t record)
{
  auto found = index_.find(key_hash);
  auto s = found ? *found : new_state(key_hash);
  auto n = new_node(record);
  auto& st = states_[s];
  if (st.tail == none)
    st.head = n;
  else
    nodes_[st.tail].next = n;
  st.tail = n;
  ++waiting_;
  if (!st.in_flight && !st.ready) make_ready(s);
}

std::size_t key_scheduler::take(std::size_t max_keys, scheduled_batch& out)
{
  std::size_t added = 0;
  while (added < max_keys && ready_count_ > 0) {
    auto s = ready_[ready_head_];
    ready_head_ = (ready_head_ + 1) % ready_.size();
    --ready_count_;
    auto& st = states_[s];
    st.ready = false;
    st.in_flight = true;
    ++in_flight_;
    key_group g{st.key_hash, static_cast<std::uint32_t>(out.records.size()), 0};
    for (auto n = st.head; n != none;) {
      out.records.push_back(nodes_[n].record);
      ++g.count;
      auto next = nodes_[n].next;
      nodes_[n].next = free_nodes_;
      free_nodes_ = n;
      n = next;
    }
    waiting_ -= g.count;
    st.head = st.tail = none;
    out.groups.push_back(g);
    ++added;
  }
  return added;
}

void key_scheduler::complete(std::uint64_t key_hash)
{
  auto found = index_.find(key_hash);
  if (!found || !states_[*found].in_flight) throw std::logic_error("key_scheduler::complete: key not in flight");
  auto s = *found;
  auto& st = states_[s];
  st.in_flight = false;
  --in_flight_;
  if (st.head != none)
    make_ready(s);
  else
    release_state(s);
}

}  // namespace kinesys::consumer
