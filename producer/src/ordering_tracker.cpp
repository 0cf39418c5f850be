#include "ordering_tracker.hpp"

namespace kinesys::producer::detail {

bool ordering_tracker::can_join(key_id key, std::uint32_t open_krec) noexcept {
  entry const* e = table_.find(key);
  return !e || (e->head == no_index && (e->krec == no_index || e->krec == open_krec));
}

void ordering_tracker::bind(key_id key, std::uint32_t open_krec) { table_[key].krec = open_krec; }

void ordering_tracker::hold(key_id key, std::uint32_t record) {
  entry& e = table_[key];
  links_[record] = no_index;
  if (e.tail == no_index) e.head = record;
  else links_[e.tail] = record;
  e.tail = record;
  ++held_;
}

}  // namespace kinesys::producer::detail
