#pragma once
// What a core owns besides its io_context: the list of sleepers that stop()
// wakes. Private to engine/src.
#include "kinesys/detail/engine/core_set.hpp"
#include "kinesys/detail/engine/deadline.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <optional>

namespace kinesys::engine::detail {

/// One async_sleep in progress; linked into its core's list so that stop()
/// can wake it. @locality owning core
struct sleeper {
  // Boost 1.81's any_completion_handler move-assignment wraps the source
  // instead of moving it (endless recursion on allocate), so the handler is
  // only ever move-constructed.
  sleeper(boost::asio::any_io_executor ex, std::chrono::steady_clock::duration d, sleep_handler h)
      : timer(ex, d), handler(std::move(h)) {}
  boost::asio::steady_timer timer;
  sleep_handler handler;
  struct core_state* core = nullptr;
  sleeper* prev = nullptr;
  sleeper* next = nullptr;
  bool woken_by_stop = false;
};

struct core_state {
  core_state(std::size_t i, core_set const* o) : index(i), owner(o) {}

  std::size_t const index;
  core_set const* const owner;
  boost::asio::io_context context{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{
      context.get_executor()};
  sleeper* sleepers_head = nullptr;

  void link(sleeper* s) noexcept {
    s->core = this;
    s->next = sleepers_head;
    if (sleepers_head)
      sleepers_head->prev = s;
    sleepers_head = s;
  }
  void unlink(sleeper* s) noexcept {
    if (s->prev)
      s->prev->next = s->next;
    else
      sleepers_head = s->next;
    if (s->next)
      s->next->prev = s->prev;
    s->prev = s->next = nullptr;
    s->core = nullptr;
  }
  void wake_sleepers();
};

/// The core the calling thread runs, or nullptr.
core_state* current_core_state() noexcept;

}  // namespace kinesys::engine::detail
