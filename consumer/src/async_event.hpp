#pragma once
// Core-local waiting without locks: a coroutine waits on a timer that never
// fires by itself; notify() cancels the wait, and the waiter re-checks its
// condition. Used where a condition variable would be used with threads.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

namespace kinesys::consumer::detail {

/// @locality owning core
class async_event {
public:
  explicit async_event(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

  /// Waits for notify() or until `deadline`, whichever comes first. Callers
  /// check their condition before waiting and again after: on one core
  /// nothing can happen between the check and the wait's registration, so
  /// no notification is lost.
  boost::asio::awaitable<void> wait_until(std::chrono::steady_clock::time_point deadline)
  {
    boost::asio::steady_timer timer(ex_, deadline);
    // Unregisters even when the coroutine is destroyed mid-wait (shutdown).
    struct registration {
      std::vector<boost::asio::steady_timer*>& list;
      boost::asio::steady_timer* t;
      ~registration() { std::erase(list, t); }
    } reg{waiters_, &timer};
    waiters_.push_back(&timer);
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  boost::asio::awaitable<void> wait() { co_await wait_until(std::chrono::steady_clock::time_point::max()); }

  /// Wakes every waiter.
  void notify()
  {
    for (auto* t : waiters_) t->cancel();
  }

private:
  boost::asio::any_io_executor ex_;
  std::vector<boost::asio::steady_timer*> waiters_;
};

/// A counting semaphore for one core: bounds in-flight requests.
/// @locality owning core
class async_semaphore {
public:
  async_semaphore(boost::asio::any_io_executor ex, std::size_t count) : free_(count), event_(ex) {}

  boost::asio::awaitable<void> acquire()
  {
    while (free_ == 0) co_await event_.wait();
    --free_;
  }
  void release()
  {
    ++free_;
    event_.notify();
  }
  std::size_t available() const noexcept { return free_; }

private:
  std::size_t free_;
  async_event event_;
};

}  // namespace kinesys::consumer::detail
