// Test that header file is self-contained.
#include <kinesys/detail/consumer/dedup_window.hpp>

#include <gtest/gtest.h>

#include <string>

namespace kc = kinesys::consumer;

TEST(dedup_window, drops_a_repeated_stamp_and_keeps_new_ones)
{
  kc::dedup_window w(100);
  EXPECT_FALSE(w.check_and_remember("p1", "device-1", 1));
  EXPECT_TRUE(w.check_and_remember("p1", "device-1", 1));
  EXPECT_FALSE(w.check_and_remember("p1", "device-1", 2));
  EXPECT_TRUE(w.check_and_remember("p1", "device-1", 1));  // older than the last seen
}

TEST(dedup_window, sequences_are_per_producer_and_partition_key)
{
  kc::dedup_window w(100);
  EXPECT_FALSE(w.check_and_remember("p1", "a", 5));
  EXPECT_FALSE(w.check_and_remember("p1", "b", 1));
  EXPECT_FALSE(w.check_and_remember("p2", "a", 1));
  EXPECT_TRUE(w.check_and_remember("p2", "a", 1));
}

TEST(dedup_window, remembers_at_least_capacity_keys_and_stays_bounded)
{
  kc::dedup_window w(1000);
  for (int i = 0; i < 1000; ++i) w.check_and_remember("p", "k" + std::to_string(i), 1);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(w.check_and_remember("p", "k" + std::to_string(i), 1)) << i;
  for (int i = 1000; i < 50000; ++i) w.check_and_remember("p", "k" + std::to_string(i), 1);
  EXPECT_LE(w.remembered(), 2000u);
  // The most recent capacity keys are still known.
  for (int i = 49000; i < 50000; ++i) EXPECT_TRUE(w.check_and_remember("p", "k" + std::to_string(i), 1)) << i;
}
