// Test that header file is self-contained.
#include "kinesys/detail/engine/deadline.hpp"

#include "run_coroutine.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace asio = boost::asio;
using namespace kinesys::engine;
using namespace std::chrono_literals;
using kinesys::test::run_coroutine;
using clock_type = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

asio::awaitable<int> slow_value(std::chrono::milliseconds d, int v) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
  co_return v;
}

asio::awaitable<std::tuple<error_code, int>> slow_tuple(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return std::tuple{ec, 7};
}

}  // namespace

TEST(with_deadline, passes_through_a_result_that_beats_the_deadline) {
  auto r = run_coroutine(with_deadline(slow_value(1ms, 42), 5s));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 42);
}

TEST(with_deadline, gives_deadline_exceeded_and_cancels_the_slow_operation) {
  auto const before = clock_type::now();
  auto r = run_coroutine(with_deadline(slow_value(1h, 42), 50ms));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::deadline_exceeded);
  EXPECT_LT(clock_type::now() - before, 2s);
}

TEST(with_deadline, keeps_the_error_code_tuple_shape) {
  auto [ec, value] = run_coroutine(with_deadline(slow_tuple(1h), 20ms));
  EXPECT_EQ(ec, errc::deadline_exceeded);
  EXPECT_EQ(value, 0);
  auto [ok, seven] = run_coroutine(with_deadline(slow_tuple(1ms), 5s));
  EXPECT_FALSE(ok);
  EXPECT_EQ(seven, 7);
}

TEST(with_deadline, turns_void_into_an_error_code) {
  auto ec = run_coroutine(with_deadline(
      []() -> asio::awaitable<void> {
        asio::steady_timer t(co_await asio::this_coro::executor, 1h);
        co_await t.async_wait(asio::use_awaitable);
      }(),
      20ms));
  EXPECT_EQ(ec, errc::deadline_exceeded);
}

TEST(async_sleep, waits_at_least_the_duration) {
  auto const before = clock_type::now();
  auto ec = run_coroutine([]() -> asio::awaitable<error_code> {
    auto [ec] = co_await async_sleep(30ms, asio::as_tuple(asio::use_awaitable));
    co_return ec;
  }());
  EXPECT_FALSE(ec);
  EXPECT_GE(clock_type::now() - before, 30ms);
}

TEST(async_sleep, a_cancelled_sleep_completes_with_operation_aborted) {
  asio::io_context context{1};
  asio::cancellation_signal signal;
  error_code result;
  bool done = false;
  async_sleep(1h, asio::bind_executor(context, asio::bind_cancellation_slot(signal.slot(), [&](error_code ec) {
                                        result = ec;
                                        done = true;
                                      })));
  signal.emit(asio::cancellation_type::terminal);
  context.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(result, asio::error::operation_aborted);
}
