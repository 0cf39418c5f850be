// async_sleep: a timer that the core set's stop() can wake.
#include "kinesys/detail/engine/deadline.hpp"

#include "core_state.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>

#include <memory>

namespace kinesys::engine::detail {

void start_sleep(boost::asio::any_io_executor ex, std::chrono::steady_clock::duration d, sleep_handler handler) {
  namespace asio = boost::asio;
  core_state* core = current_core_state();
  // Only a sleeper running on this thread's own context may join its list;
  // anything else (a test's private io_context) simply sleeps.
  if (core != nullptr && &asio::query(ex, asio::execution::context) != &static_cast<asio::execution_context&>(core->context))
    core = nullptr;
  if (core != nullptr && core->owner->stop_requested()) {
    asio::post(ex, asio::append(std::move(handler), make_error_code(errc::shutting_down)));
    return;
  }
  auto slot = asio::get_associated_cancellation_slot(handler);
  auto s = std::make_unique<sleeper>(ex, d, std::move(handler));
  if (core != nullptr)
    core->link(s.get());
  auto* raw = s.release();
  raw->timer.async_wait(asio::bind_cancellation_slot(slot, [raw](boost::system::error_code ec) {
    std::unique_ptr<sleeper> owned(raw);
    if (owned->core != nullptr)
      owned->core->unlink(owned.get());
    if (owned->woken_by_stop)
      ec = make_error_code(errc::shutting_down);
    auto h = std::move(owned->handler);
    owned.reset();
    std::move(h)(ec);
  }));
}

}  // namespace kinesys::engine::detail
