// Test that header file is self-contained.
#include "backpressure.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace kinesys::producer::detail {
namespace {

TEST(backpressure, admits_until_the_record_bound) {
  backpressure bp(3, 1 << 20);
  EXPECT_TRUE(bp.try_acquire(10));
  EXPECT_TRUE(bp.try_acquire(10));
  EXPECT_TRUE(bp.try_acquire(10));
  EXPECT_FALSE(bp.try_acquire(10));
  EXPECT_EQ(bp.records(), 3u);
  EXPECT_EQ(bp.bytes(), 30u);
  bp.release(10);
  EXPECT_TRUE(bp.try_acquire(10));
}

TEST(backpressure, admits_until_the_byte_bound) {
  backpressure bp(100, 1000);
  EXPECT_TRUE(bp.try_acquire(600));
  EXPECT_FALSE(bp.try_acquire(600));
  EXPECT_TRUE(bp.try_acquire(400));
  EXPECT_EQ(bp.bytes(), 1000u);
}

TEST(backpressure, an_idle_producer_admits_one_record_of_any_size) {
  backpressure bp(10, 100);
  EXPECT_TRUE(bp.try_acquire(5000));
  EXPECT_FALSE(bp.try_acquire(1));
}

TEST(backpressure, a_blocked_thread_resumes_when_room_is_released) {
  backpressure bp(1, 1000);
  ASSERT_TRUE(bp.try_acquire(1));
  std::atomic<bool> got{false};
  std::thread t([&] { got = bp.acquire_blocking(1); });
  // The waiter cannot get room until the release below; whether it has
  // started waiting yet does not matter for the outcome.
  bp.release(1);
  t.join();
  EXPECT_TRUE(got);
  EXPECT_EQ(bp.records(), 1u);
}

TEST(backpressure, close_fails_blocked_threads) {
  backpressure bp(1, 1000);
  ASSERT_TRUE(bp.try_acquire(1));
  std::atomic<int> result{-1};
  std::thread t([&] { result = bp.acquire_blocking(1) ? 1 : 0; });
  bp.close();
  t.join();
  EXPECT_EQ(result, 0);
}

TEST(backpressure, async_waiters_complete_in_order_as_room_frees) {
  boost::asio::io_context io;
  backpressure bp(1, 1000);
  ASSERT_TRUE(bp.try_acquire(1));
  std::vector<int> order;
  for (int i = 0; i < 3; ++i)
    bp.async_acquire(1, boost::asio::bind_executor(io, [&, i](boost::system::error_code ec) {
                       EXPECT_FALSE(ec);
                       order.push_back(i);
                     }));
  io.poll();
  EXPECT_TRUE(order.empty());
  bp.release(1);
  io.restart();  // the first poll ran out of work
  io.poll();
  EXPECT_EQ(order, (std::vector<int>{0}));
  bp.release(1);
  bp.release(1);
  io.restart();
  io.poll();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(backpressure, waiters_are_woken_once_a_sixteenth_of_the_bound_is_free) {
  // Woken at every completion, a waiting application thread would put one
  // record and wait again: a wake-up per record for the core to pay.
  boost::asio::io_context io;
  backpressure bp(32, 1 << 20);
  for (int i = 0; i < 32; ++i) ASSERT_TRUE(bp.try_acquire(10));
  bool woken = false;
  bp.async_acquire(10, boost::asio::bind_executor(io, [&](boost::system::error_code ec) { woken = !ec; }));
  bp.release(10);  // 31 outstanding: room for one, below a sixteenth
  io.poll();
  EXPECT_FALSE(woken);
  EXPECT_EQ(bp.records(), 31u);
  bp.release(10);  // 30 = 32 - 32/16: the waiter takes its room
  io.restart();
  io.poll();
  EXPECT_TRUE(woken);
  EXPECT_EQ(bp.records(), 31u);
}

TEST(backpressure, waiters_for_bytes_are_woken_once_a_sixteenth_of_the_bytes_is_free) {
  boost::asio::io_context io;
  backpressure bp(1000, 1600);  // woken at 1500 bytes or fewer
  ASSERT_TRUE(bp.try_acquire(1550));
  ASSERT_TRUE(bp.try_acquire(40));
  bool woken = false;
  bp.async_acquire(20, boost::asio::bind_executor(io, [&](boost::system::error_code ec) { woken = !ec; }));
  bp.release(40);  // 1550 bytes: room for the waiter's 20, but not a sixteenth free
  io.poll();
  EXPECT_FALSE(woken);
  EXPECT_TRUE(bp.try_acquire(10));  // a put that does not wait still gets the room
  bp.release(10);
  io.restart();
  io.poll();
  EXPECT_FALSE(woken);
  bp.release(1550);
  io.restart();
  io.poll();
  EXPECT_TRUE(woken);
  EXPECT_EQ(bp.bytes(), 20u);
}

TEST(backpressure, close_aborts_async_waiters) {
  boost::asio::io_context io;
  backpressure bp(1, 1000);
  ASSERT_TRUE(bp.try_acquire(1));
  boost::system::error_code result;
  bp.async_acquire(1, boost::asio::bind_executor(io, [&](boost::system::error_code ec) { result = ec; }));
  bp.close();
  io.poll();
  EXPECT_EQ(result, boost::asio::error::operation_aborted);
}

}  // namespace
}  // namespace kinesys::producer::detail
