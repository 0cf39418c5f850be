#pragma once
// Collection: Kinesis records (aggregated or not) of one stream gathered into
// PutRecords requests. The service caps a request at 500 records and 5 MiB
// (data plus partition keys); CollectionMaxCount/CollectionMaxSize may set
// lower caps. A request goes out when the next record would not fit, when it
// is full, or when its oldest user record has waited RecordMaxBufferedTime.
// The entry vectors are swapped, never reallocated, so steady-state
// collection allocates nothing.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kinesys::producer::detail {

/// PutRecords limits enforced by the service.
inline constexpr std::size_t put_records_max_count = 500;
inline constexpr std::size_t put_records_max_bytes = 5 * 1024 * 1024;
/// A Kinesis record's data plus partition key.
inline constexpr std::size_t record_max_bytes = 1024 * 1024;

/// @locality owning core
class collector {
public:
  using clock = std::chrono::steady_clock;

  collector(std::size_t max_count, std::size_t max_bytes);

  /// Whether a Kinesis record of `bytes` (data + partition key) may join the
  /// current request. An empty request takes any record.
  bool fits(std::size_t bytes) const noexcept {
    return entries_.empty() || (entries_.size() < max_count_ && bytes_ + bytes <= max_bytes_);
  }
  /// Adds Kinesis record `krec`; `deadline` is when its oldest user record
  /// has waited RecordMaxBufferedTime. Call fits() first.
  void add(std::uint32_t krec, std::size_t bytes, clock::time_point deadline);

  bool empty() const noexcept { return entries_.empty(); }
  std::size_t count() const noexcept { return entries_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }
  /// No further record could join (count reached, or fewer bytes left than
  /// the smallest possible record).
  bool full() const noexcept { return entries_.size() >= max_count_ || bytes_ + 2 > max_bytes_; }
  bool due(clock::time_point now) const noexcept { return !entries_.empty() && now >= deadline_; }
  clock::time_point deadline() const noexcept { return deadline_; }

  /// Moves the request's entries into `out` (cleared first; its capacity is
  /// kept by swapping) and starts an empty request.
  void take(std::vector<std::uint32_t>& out);

private:
  std::size_t max_count_;
  std::size_t max_bytes_;
  std::vector<std::uint32_t> entries_;
  std::size_t bytes_ = 0;
  clock::time_point deadline_ = clock::time_point::max();
};

}  // namespace kinesys::producer::detail
