#pragma once
// Deadlines attach to the operation that needs them (the Asio way), and
// sleeping is an ordinary initiating function that wakes early when the core
// set stops, so retry loops end promptly on SIGTERM.
#include "kinesys/detail/engine/error.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <tuple>
#include <type_traits>

namespace kinesys::engine {

namespace detail {

/// The shape with_deadline gives a result of type T, with room for the
/// deadline_exceeded error: error_code and tuple<error_code, ...> keep their
/// shape, result<U> stays result<U>, void becomes error_code, anything else
/// becomes result<T>.
template <class T>
struct deadline_result {
  using type = boost::system::result<T>;
  static type timed_out() { return make_error_code(errc::deadline_exceeded); }
  static type wrap(T&& v) { return std::move(v); }
};
template <>
struct deadline_result<void> {
  using type = boost::system::error_code;
  static type timed_out() { return make_error_code(errc::deadline_exceeded); }
};
template <>
struct deadline_result<boost::system::error_code> {
  using type = boost::system::error_code;
  static type timed_out() { return make_error_code(errc::deadline_exceeded); }
  static type wrap(type&& v) { return v; }
};
template <class U>
struct deadline_result<boost::system::result<U>> {
  using type = boost::system::result<U>;
  static type timed_out() { return make_error_code(errc::deadline_exceeded); }
  static type wrap(type&& v) { return std::move(v); }
};
template <class... Ts>
struct deadline_result<std::tuple<boost::system::error_code, Ts...>> {
  using type = std::tuple<boost::system::error_code, Ts...>;
  static type timed_out() { return type{make_error_code(errc::deadline_exceeded), Ts{}...}; }
  static type wrap(type&& v) { return std::move(v); }
};

template <class T>
boost::asio::awaitable<std::optional<T>> optional_of(boost::asio::awaitable<T> op) {
  co_return co_await std::move(op);
}
inline boost::asio::awaitable<bool> optional_of(boost::asio::awaitable<void> op) {
  co_await std::move(op);
  co_return true;
}

using sleep_handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;
void start_sleep(boost::asio::any_io_executor ex, std::chrono::steady_clock::duration d, sleep_handler handler);

}  // namespace detail

template <class T>
using deadline_result_t = typename detail::deadline_result<T>::type;

/// Races `op` against a timer. When the timer wins, `op` gets a terminal
/// cancellation, is awaited to its end (its result is discarded) and the
/// result is errc::deadline_exceeded. Cancelling the caller cancels both.
/// @locality owning core (the caller's executor runs both)
template <class T>
boost::asio::awaitable<deadline_result_t<T>> with_deadline(boost::asio::awaitable<T> op,
                                                           std::chrono::steady_clock::duration timeout) {
  namespace asio = boost::asio;
  using shape = detail::deadline_result<T>;
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex, timeout);
  auto [order, op_error, value, timer_error] =
      co_await asio::experimental::make_parallel_group(
          asio::co_spawn(ex, detail::optional_of(std::move(op)), asio::deferred),
          timer.async_wait(asio::deferred))
          .async_wait(asio::experimental::wait_for_one(), asio::deferred);
  (void)timer_error;
  if (order[0] == 1 && !timer_error)
    co_return shape::timed_out();
  if (op_error)
    std::rethrow_exception(op_error);
  if (!value)  // the group was cancelled before op produced anything
    co_return shape::timed_out();
  if constexpr (std::is_void_v<T>)
    co_return boost::system::error_code{};
  else
    co_return shape::wrap(std::move(*value));
}

/// Waits `d`. Completes with no error after `d`; with errc::shutting_down
/// when the core set that runs the caller stops (immediately if it already
/// has); with asio::error::operation_aborted when cancelled. Signature:
/// void(error_code). The timer runs on the token's associated executor
/// (the coroutine's, for use_awaitable). @locality owning core
template <class Token>
auto async_sleep(std::chrono::steady_clock::duration d, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
      [d](auto handler) {
        boost::asio::any_io_executor ex = boost::asio::get_associated_executor(handler);
        detail::start_sleep(std::move(ex), d, detail::sleep_handler(std::move(handler)));
      },
      token);
}

}  // namespace kinesys::engine
