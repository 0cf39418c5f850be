#include "checkpoint_tracker.hpp"

#include <stdexcept>

namespace kinesys::producer::detail {

std::uint32_t checkpoint_tracker::source(std::string_view name) {
  std::lock_guard lock(registry_mutex_);
  for (std::size_t i = 0; i < sources_.size(); ++i)
    if (sources_[i]->name == name) return static_cast<std::uint32_t>(i);
  sources_.push_back(std::make_unique<source_state>());
  sources_.back()->name = std::string(name);
  return static_cast<std::uint32_t>(sources_.size() - 1);
}

std::string checkpoint_tracker::source_name(std::uint32_t source) const { return get(source)->name; }

checkpoint_tracker::source_state* checkpoint_tracker::get(std::uint32_t source) const {
  std::lock_guard lock(registry_mutex_);
  if (source >= sources_.size()) throw std::out_of_range("checkpoint source id not issued by this producer");
  return sources_[source].get();
}

void checkpoint_tracker::source_state::push(entry e) {
  if (size == ring.size()) {
    // Grow by doubling, unrolling the ring so it starts at index 0.
    std::vector<entry> bigger;
    bigger.reserve(ring.empty() ? 64 : ring.size() * 2);
    for (std::size_t i = 0; i < size; ++i) bigger.push_back(at(i));
    bigger.resize(bigger.capacity());
    ring.swap(bigger);
    head = 0;
  }
  ring[(head + size) % ring.size()] = e;
  ++size;
}

void checkpoint_tracker::source_state::advance() {
  while (size > 0 && at(0).st == state::acknowledged) {
    checkpoint = at(0).offset;
    head = (head + 1) % ring.size();
    --size;
    ++popped;
  }
}

checkpoint_tracker::entry* checkpoint_tracker::source_state::find(std::uint64_t position) {
  // A ticket is the entry's absolute position in the source's sequence;
  // positions below `popped` were passed by the checkpoint already.
  if (position < popped || position >= popped + size) return nullptr;
  return &at(static_cast<std::size_t>(position - popped));
}

checkpoint_ticket checkpoint_tracker::add(std::uint32_t source, std::uint64_t offset) {
  source_state* s = get(source);
  std::lock_guard lock(s->mutex);
  if (s->last_offset && offset <= *s->last_offset) {
    // A re-put of an offset that failed: it takes over that entry.
    for (std::size_t i = 0; i < s->size; ++i) {
      entry& e = s->at(i);
      if (e.offset == offset && e.st == state::failed) {
        e.st = state::pending;
        return {source, s->popped + i};
      }
    }
    // Not a retry of a failure: order it as given; the checkpoint only ever
    // reports offsets whose prefix is acknowledged.
  }
  s->push({offset, state::pending});
  s->last_offset = s->last_offset ? std::max(*s->last_offset, offset) : offset;
  return {source, s->popped + s->size - 1};
}

void checkpoint_tracker::acknowledge(checkpoint_ticket t) {
  if (!t.valid()) return;
  source_state* s = get(t.source);
  std::lock_guard lock(s->mutex);
  if (entry* e = s->find(t.position)) {
    e->st = state::acknowledged;
    s->advance();
  }
}

void checkpoint_tracker::fail(checkpoint_ticket t) {
  if (!t.valid()) return;
  source_state* s = get(t.source);
  std::lock_guard lock(s->mutex);
  if (entry* e = s->find(t.position)) e->st = state::failed;
}

std::optional<std::uint64_t> checkpoint_tracker::checkpoint(std::uint32_t source) const {
  source_state* s = get(source);
  std::lock_guard lock(s->mutex);
  return s->checkpoint;
}

std::size_t checkpoint_tracker::pending(std::uint32_t source) const {
  source_state* s = get(source);
  std::lock_guard lock(s->mutex);
  return s->size;
}

}  // namespace kinesys::producer::detail
