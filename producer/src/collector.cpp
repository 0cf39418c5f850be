#include "collector.hpp"

#include <algorithm>

namespace kinesys::producer::detail {

collector::collector(std::size_t max_count, std::size_t max_bytes)
    : max_count_(std::clamp<std::size_t>(max_count, 1, put_records_max_count)),
      max_bytes_(std::clamp<std::size_t>(max_bytes, 1, put_records_max_bytes)) {
  entries_.reserve(max_count_);
}

void collector::add(std::uint32_t krec, std::size_t bytes, clock::time_point deadline) {
  entries_.push_back(krec);
  bytes_ += bytes;
  deadline_ = std::min(deadline_, deadline);
}

void collector::take(std::vector<std::uint32_t>& out) {
  out.clear();
  out.swap(entries_);
  if (entries_.capacity() < max_count_) entries_.reserve(max_count_);
  bytes_ = 0;
  deadline_ = clock::time_point::max();
}

}  // namespace kinesys::producer::detail
