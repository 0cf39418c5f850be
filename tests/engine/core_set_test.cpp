// Test that header file is self-contained.
#include "kinesys/detail/engine/core_set.hpp"

#include "kinesys/detail/engine/deadline.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <thread>

namespace asio = boost::asio;
using namespace kinesys::engine;
using namespace std::chrono_literals;

namespace {

core_set_options quiet(std::size_t n) { return {.cores = n, .handle_signals = false, .shutdown_grace = 5s}; }

}  // namespace

TEST(core_set, defaults_to_one_core_per_hardware_thread) {
  core_set cores(core_set_options{.handle_signals = false});
  auto const expected = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_EQ(cores.size(), expected);
}

TEST(core_set, spawns_a_coroutine_on_the_named_core) {
  core_set cores(quiet(3));
  cores.start();
  auto where = cores.spawn(
      2, [&]() -> asio::awaitable<std::size_t> { co_return cores.current_core().value_or(99); }, asio::use_future);
  EXPECT_EQ(where.get(), 2u);
  cores.stop();
  cores.join();
}

TEST(core_set, posts_work_across_cores_and_gets_an_answer_back) {
  core_set cores(quiet(2));
  cores.start();
  // Core 0 asks core 1 for a value and resumes on core 0 with it.
  auto answer = cores.spawn(
      0,
      [&]() -> asio::awaitable<std::pair<std::size_t, std::size_t>> {
        auto remote = co_await asio::co_spawn(
            cores.executor(1), [&]() -> asio::awaitable<std::size_t> { co_return *cores.current_core(); },
            asio::use_awaitable);
        co_return std::pair{remote, *cores.current_core()};
      },
      asio::use_future);
  auto [remote, local] = answer.get();
  EXPECT_EQ(remote, 1u);
  EXPECT_EQ(local, 0u);

  std::promise<std::size_t> posted;
  cores.post(1, [&] { posted.set_value(*cores.current_core()); });
  EXPECT_EQ(posted.get_future().get(), 1u);
  cores.stop();
  cores.join();
}

TEST(core_set, current_core_is_empty_off_the_cores) {
  core_set cores(quiet(1));
  EXPECT_FALSE(cores.current_core().has_value());
}

TEST(core_set, stop_wakes_sleepers_with_shutting_down_and_lets_the_step_finish) {
  core_set cores(quiet(2));
  cores.start();
  std::promise<void> sleeping;
  auto outcome = cores.spawn(
      1,
      [&]() -> asio::awaitable<std::pair<boost::system::error_code, bool>> {
        sleeping.set_value();
        auto [ec] = co_await async_sleep(1h, asio::as_tuple(asio::use_awaitable));
        // The "current step" after waking still runs: it sees the stop.
        co_return std::pair{ec, cores.stop_requested()};
      },
      asio::use_future);
  sleeping.get_future().wait();
  auto const before = std::chrono::steady_clock::now();
  cores.stop();
  auto [ec, saw_stop] = outcome.get();
  EXPECT_EQ(ec, errc::shutting_down);
  EXPECT_TRUE(saw_stop);
  cores.join();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 4s);
}

TEST(core_set, sleeping_after_stop_fails_at_once) {
  core_set cores(quiet(1));
  cores.start();
  auto outcome = cores.spawn(
      0,
      [&]() -> asio::awaitable<boost::system::error_code> {
        cores.stop();
        // A late sleeper must not hold the shutdown for its full duration.
        auto [ec] = co_await async_sleep(1h, asio::as_tuple(asio::use_awaitable));
        co_return ec;
      },
      asio::use_future);
  EXPECT_EQ(outcome.get(), errc::shutting_down);
  cores.join();
}

TEST(core_set, runs_stop_hooks_once) {
  core_set cores(quiet(1));
  int calls = 0;
  cores.on_stop([&] { ++calls; });
  cores.start();
  cores.stop();
  cores.stop();
  cores.join();
  EXPECT_EQ(calls, 1);
  cores.on_stop([&] { ++calls; });  // already stopped: runs at once
  EXPECT_EQ(calls, 2);
}

TEST(core_set, sigterm_to_the_process_triggers_a_graceful_stop) {
  core_set cores(core_set_options{.cores = 2, .handle_signals = true, .shutdown_grace = 5s});
  std::promise<void> hook_ran;
  cores.on_stop([&] { hook_ran.set_value(); });
  cores.start();
  std::promise<void> sleeping;
  auto outcome = cores.spawn(
      0,
      [&]() -> asio::awaitable<boost::system::error_code> {
        sleeping.set_value();
        auto [ec] = co_await async_sleep(1h, asio::as_tuple(asio::use_awaitable));
        co_return ec;
      },
      asio::use_future);
  sleeping.get_future().wait();
  ASSERT_EQ(::raise(SIGTERM), 0);
  hook_ran.get_future().wait();
  EXPECT_TRUE(cores.stop_requested());
  EXPECT_EQ(outcome.get(), errc::shutting_down);
  cores.join();
}

TEST(core_set, join_stops_contexts_by_force_after_the_grace_period) {
  core_set cores(core_set_options{.cores = 1, .handle_signals = false, .shutdown_grace = 100ms});
  cores.start();
  std::promise<void> started;
  // A coroutine that ignores stop (a steady_timer is not woken by it).
  asio::steady_timer timer(cores.executor(0), 1h);
  cores.post(0, [&] {
    timer.async_wait([](boost::system::error_code) {});
    started.set_value();
  });
  started.get_future().wait();
  auto const before = std::chrono::steady_clock::now();
  cores.stop();
  cores.join();
  auto const took = std::chrono::steady_clock::now() - before;
  EXPECT_GE(took, 100ms);
  EXPECT_LT(took, 3s);
}
