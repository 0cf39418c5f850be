#include <kinesys/detail/local/options.hpp>

#include <atomic>

namespace kinesys::local {

struct manual_clock_state {
  std::atomic<std::int64_t> ns;
};

manual_clock::manual_clock(std::chrono::system_clock::time_point start)
    : state_(std::make_shared<manual_clock_state>())
{
  set(start);
}

std::chrono::system_clock::time_point manual_clock::now() const noexcept
{
  return std::chrono::system_clock::time_point{std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::nanoseconds(state_->ns.load(std::memory_order_acquire)))};
}

void manual_clock::advance(std::chrono::nanoseconds by) noexcept
{
  state_->ns.fetch_add(by.count(), std::memory_order_acq_rel);
}

void manual_clock::set(std::chrono::system_clock::time_point to) noexcept
{
  state_->ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(to.time_since_epoch()).count(),
                   std::memory_order_release);
}

clock_fn manual_clock::as_clock(std::shared_ptr<manual_clock> const& clock)
{
  return [clock] { return clock->now(); };
}

}  // namespace kinesys::local
