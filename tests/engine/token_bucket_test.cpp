// Test that header file is self-contained.
#include "kinesys/detail/engine/token_bucket.hpp"

#include "kinesys/detail/engine/core_set.hpp"
#include "kinesys/detail/engine/error.hpp"
#include "run_coroutine.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

using namespace kinesys::engine;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// A hand-driven clock: tests move time, nothing sleeps.
token_bucket::clock::time_point fake_now{};
token_bucket::clock::time_point fake_clock() { return fake_now; }

struct fake_time : ::testing::Test {
  void SetUp() override { fake_now = token_bucket::clock::time_point{} + 1h; }
  static void advance(token_bucket::clock::duration d) { fake_now += d; }
};

}  // namespace

using token_bucket_test = fake_time;

TEST_F(token_bucket_test, starts_full_and_hands_out_the_burst_at_once) {
  token_bucket bucket(1000, 1000, fake_clock);
  EXPECT_TRUE(bucket.try_acquire(600));
  EXPECT_TRUE(bucket.try_acquire(400));
  EXPECT_FALSE(bucket.try_acquire(1));
}

TEST_F(token_bucket_test, refills_at_the_rate_and_caps_at_the_burst) {
  token_bucket bucket(1000, 500, fake_clock);
  ASSERT_TRUE(bucket.try_acquire(500));
  advance(100ms);
  EXPECT_NEAR(bucket.available(), 100, 1e-6);
  EXPECT_FALSE(bucket.try_acquire(101));
  EXPECT_TRUE(bucket.try_acquire(100));
  advance(10s);
  EXPECT_NEAR(bucket.available(), 500, 1e-6);
}

TEST_F(token_bucket_test, says_how_long_until_tokens_are_available) {
  token_bucket bucket(1000, 1000, fake_clock);
  EXPECT_EQ(bucket.time_until_available(1000), token_bucket::clock::duration::zero());
  ASSERT_TRUE(bucket.try_acquire(1000));
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(bucket.time_until_available(250)), 250ms);
  advance(250ms);
  EXPECT_EQ(bucket.time_until_available(250), token_bucket::clock::duration::zero());
  EXPECT_TRUE(bucket.try_acquire(250));
}

TEST_F(token_bucket_test, grants_an_item_larger_than_the_burst_once_full_and_goes_into_debt) {
  token_bucket bucket(1000, 1000, fake_clock);  // e.g. 1 MB/s against a 5 MB request
  EXPECT_TRUE(bucket.try_acquire(5000));
  EXPECT_NEAR(bucket.available(), -4000, 1e-6);
  EXPECT_FALSE(bucket.try_acquire(1));
  // Paying back the debt takes as long as the item was big.
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(bucket.time_until_available(5000)), 5000ms);
}

TEST_F(token_bucket_test, set_rate_keeps_earned_tokens_and_changes_the_refill_speed) {
  token_bucket bucket(1000, 1000, fake_clock);
  ASSERT_TRUE(bucket.try_acquire(1000));
  advance(100ms);  // 100 earned at the old rate
  bucket.set_rate(100);
  EXPECT_NEAR(bucket.available(), 100, 1e-6);
  advance(1s);
  EXPECT_NEAR(bucket.available(), 200, 1e-6);
  EXPECT_EQ(bucket.rate(), 100);
  bucket.set_rate(2000);  // raised again after throttling ends
  advance(100ms);
  EXPECT_NEAR(bucket.available(), 400, 1e-6);
}

TEST_F(token_bucket_test, set_burst_trims_the_tokens_held) {
  token_bucket bucket(1000, 1000, fake_clock);
  bucket.set_burst(10);
  EXPECT_NEAR(bucket.available(), 10, 1e-6);
}

TEST_F(token_bucket_test, an_infinite_rate_never_limits) {
  token_bucket bucket(std::numeric_limits<double>::infinity(), 100, fake_clock);
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(bucket.try_acquire(100));
  EXPECT_EQ(bucket.time_until_available(100), token_bucket::clock::duration::zero());
}

TEST_F(token_bucket_test, rejects_a_non_positive_rate_or_burst) {
  EXPECT_THROW(token_bucket(0, 1, fake_clock), std::invalid_argument);
  EXPECT_THROW(token_bucket(1, -1, fake_clock), std::invalid_argument);
  EXPECT_THROW(token_bucket(std::nan(""), 1, fake_clock), std::invalid_argument);
  token_bucket ok(1, 1, fake_clock);
  EXPECT_THROW(ok.set_rate(0), std::invalid_argument);
}

TEST_F(token_bucket_test, dual_bucket_takes_both_or_neither) {
  dual_token_bucket shard(1000, 1000, 1 << 20, 1 << 20, fake_clock);  // records/s, bytes/s
  EXPECT_TRUE(shard.try_acquire(999, 1000));
  EXPECT_FALSE(shard.try_acquire(2, 10));       // records run out first
  EXPECT_NEAR(shard.bytes().available(), (1 << 20) - 1000, 1e-6);  // bytes untouched by the refusal
  advance(1s);
  EXPECT_TRUE(shard.try_acquire(1, 2 << 20));  // a full bucket grants an oversized batch, in debt
  EXPECT_FALSE(shard.try_acquire(1, 1));
  EXPECT_NEAR(shard.counts().available(), 999, 1e-6);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(shard.time_until_available(1, 1 << 19)), 1500ms);
}

TEST(token_bucket, acquire_waits_for_tokens_on_a_real_clock) {
  token_bucket bucket(1000, 10);  // 10 tokens, then 1 per ms
  auto const before = token_bucket::clock::now();
  auto ec = kinesys::test::run_coroutine([&]() -> asio::awaitable<boost::system::error_code> {
    for (int i = 0; i < 6; ++i)
      if (auto ec = co_await bucket.acquire(10); ec)
        co_return ec;
    co_return boost::system::error_code{};
  }());
  EXPECT_FALSE(ec);
  EXPECT_GE(token_bucket::clock::now() - before, 50ms);  // 5 refills of 10 tokens at 1/ms
}

TEST(token_bucket, acquire_ends_with_shutting_down_when_the_cores_stop) {
  core_set cores(core_set_options{.cores = 1, .handle_signals = false});
  cores.start();
  token_bucket bucket(0.001, 1);  // one token per 1000 s
  auto outcome = cores.spawn(
      0,
      [&]() -> asio::awaitable<boost::system::error_code> {
        (void)bucket.try_acquire(1);
        co_return co_await bucket.acquire(1);
      },
      asio::use_future);
  cores.stop();
  EXPECT_EQ(outcome.get(), errc::shutting_down);
  cores.join();
}

TEST(token_bucket, async_acquire_is_an_initiating_function_completing_with_an_error_code) {
  token_bucket bucket(1000, 10);
  dual_token_bucket shard(1000, 5, 1000, 5);
  auto const before = token_bucket::clock::now();
  auto [a, b] = kinesys::test::run_coroutine(
      [&]() -> asio::awaitable<std::pair<boost::system::error_code, boost::system::error_code>> {
        boost::system::error_code first, second;
        for (int i = 0; i < 3; ++i) {
          auto [ec] = co_await bucket.async_acquire(10, asio::as_tuple(asio::use_awaitable));
          first = first ? first : ec;
          auto [ec2] = co_await shard.async_acquire(5, 5, asio::as_tuple(asio::use_awaitable));
          second = second ? second : ec2;
        }
        co_return std::pair{first, second};
      }());
  EXPECT_FALSE(a);
  EXPECT_FALSE(b);
  EXPECT_GE(token_bucket::clock::now() - before, 20ms);  // two refills of 10 tokens at 1/ms
}

TEST(token_bucket, cancelling_async_acquire_takes_nothing) {
  asio::io_context context{1};
  token_bucket bucket(0.001, 1);
  ASSERT_TRUE(bucket.try_acquire(1));
  asio::cancellation_signal signal;
  boost::system::error_code result;
  bucket.async_acquire(1, asio::bind_executor(context, asio::bind_cancellation_slot(signal.slot(), [&](boost::system::error_code ec) {
                                                result = ec;
                                              })));
  context.poll();
  signal.emit(asio::cancellation_type::terminal);
  context.run();
  EXPECT_EQ(result, asio::error::operation_aborted);
  EXPECT_LT(bucket.available(), 0.5);
}
