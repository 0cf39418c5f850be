// Test that header file is self-contained.
#include "tenant_rate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace kinesys::ingest;
using namespace std::chrono_literals;
using clock_type = tenant_rate::clock;

namespace {
clock_type::time_point const t0 = clock_type::time_point(1000s);
}

TEST(tenant_rate, zero_means_unlimited) {
  tenant_rate r(0);
  EXPECT_TRUE(r.unlimited());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(r.try_take(1000, t0), clock_type::duration::zero());
}

TEST(tenant_rate, a_full_bucket_admits_one_second_worth_then_refuses_with_the_wait) {
  tenant_rate r(10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(r.try_take(1, t0), clock_type::duration::zero()) << i;
  auto wait = r.try_take(1, t0);
  EXPECT_GT(wait, 99ms);
  EXPECT_LE(wait, 100ms);
  // After the announced wait the same request goes through.
  EXPECT_EQ(r.try_take(1, t0 + wait), clock_type::duration::zero());
  EXPECT_GT(r.try_take(1, t0 + wait), clock_type::duration::zero());
}

TEST(tenant_rate, a_refused_request_takes_nothing) {
  tenant_rate r(10);
  EXPECT_EQ(r.try_take(10, t0), clock_type::duration::zero());
  for (int i = 0; i < 100; ++i) EXPECT_GT(r.try_take(5, t0 + 10ms), clock_type::duration::zero());
  // 500 ms later five records' worth has been earned back, refusals or not.
  EXPECT_EQ(r.try_take(5, t0 + 500ms), clock_type::duration::zero());
}

TEST(tenant_rate, a_batch_larger_than_the_burst_is_admitted_from_a_full_bucket_and_leaves_debt) {
  tenant_rate r(10);
  EXPECT_EQ(r.try_take(50, t0), clock_type::duration::zero());
  auto wait = r.try_take(1, t0 + 1s);
  EXPECT_GT(wait, 3s);  // 5 s of debt, 1 s of it paid
  EXPECT_EQ(r.try_take(1, t0 + 5s), clock_type::duration::zero());
}

TEST(tenant_rate, tenants_do_not_share_a_budget) {
  tenant_rate busy(5), quiet(5);
  EXPECT_EQ(busy.try_take(5, t0), clock_type::duration::zero());
  EXPECT_GT(busy.try_take(1, t0), clock_type::duration::zero());
  EXPECT_EQ(quiet.try_take(5, t0), clock_type::duration::zero());
}

TEST(tenant_rate, threads_together_never_exceed_the_rate) {
  // 4 threads race for 2 simulated seconds at 1000 records/s: at most the
  // burst (1000) plus 2 s of rate (2000) may be admitted, and about that
  // many should be.
  tenant_rate r(1000);
  std::atomic<std::uint64_t> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int step = 0; step <= 2000; ++step)
        for (int k = 0; k < 3; ++k)
          if (r.try_take(1, t0 + std::chrono::milliseconds(step)) == clock_type::duration::zero()) ++admitted;
    });
  for (auto& t : threads) t.join();
  EXPECT_LE(admitted.load(), 3001u);
  EXPECT_GE(admitted.load(), 2900u);
}
