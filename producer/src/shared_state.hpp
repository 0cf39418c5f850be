#pragma once
// What the producer's cores and the application threads share: the
// configuration (read-only after start), back-pressure counters, checkpoint
// sources and the stream names. Everything here is safe from any thread.
#include "backpressure.hpp"
#include "checkpoint_tracker.hpp"

#include "kinesys/detail/producer/config.hpp"

#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kinesys::producer::detail {

/// Stream names ↔ small ids. Names are only ever appended, into a fixed
/// array, so a lookup reads without a lock: the count is published with
/// release after the name is written.
/// @locality any thread
class stream_registry {
public:
  static constexpr std::size_t max_streams = 1024;

  /// The id of `name`, registered on first use; nullopt when the registry
  /// is full.
  std::optional<std::uint32_t> id(std::string_view name);
  std::string_view name(std::uint32_t id) const noexcept { return names_[id]; }
  std::size_t size() const noexcept { return count_.load(std::memory_order_acquire); }

private:
  std::array<std::string, max_streams> names_;
  std::atomic<std::size_t> count_{0};
  std::mutex append_mutex_;
};

struct shared_state {
  explicit shared_state(producer_config c)
      : config(std::move(c)), bp(config.max_outstanding_records, config.max_outstanding_bytes) {}

  producer_config const config;
  backpressure bp;
  checkpoint_tracker checkpoints;
  stream_registry streams;
  std::string producer_id;
  std::atomic<bool> closed{false};
};

}  // namespace kinesys::producer::detail
