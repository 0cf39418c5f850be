#pragma once
// What every per-core service needs from the process: the options, the
// clock, and the few counters that are account-wide (AWS limits shards and
// tables per account, not per core). Those counters are atomics touched only
// by control-plane calls (create, reshard, delete), never on the data path.
#include <kinesys/detail/local/options.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace kinesys::local {

struct account_counters {
  std::atomic<std::int64_t> open_shards{0};
  std::atomic<std::int64_t> tables{0};
};

struct service_context {
  local_options const* options = nullptr;
  clock_fn clock;
  std::shared_ptr<account_counters> account;
  /// Fault injection for single PutRecords entries (empty = none).
  std::function<bool()> throttle_entry;

  std::chrono::system_clock::time_point now() const { return clock ? clock() : std::chrono::system_clock::now(); }
  std::int64_t now_ms() const
  {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  }
  std::int64_t now_ns() const
  {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(now().time_since_epoch()).count();
  }
};

}  // namespace kinesys::local
