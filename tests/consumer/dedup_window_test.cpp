// Test that header file is self-contained.
#include <kinesys/detail/consumer/dedup_window.hpp>

#include <kinesys/detail/consumer/window_handover.hpp>

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

TEST(dedup_window, a_child_inherits_what_its_parent_remembered)
{
  kc::dedup_window parent(100);
  EXPECT_FALSE(parent.check_and_remember("p1", "a", 5));
  EXPECT_FALSE(parent.check_and_remember("p1", "b", 2));
  kc::dedup_window child(100);
  EXPECT_FALSE(child.check_and_remember("p1", "b", 3));  // the child already saw a newer one
  child.inherit(parent);
  EXPECT_TRUE(child.check_and_remember("p1", "a", 5));  // a retry re-routed by the split
  EXPECT_FALSE(child.check_and_remember("p1", "a", 6));
  EXPECT_TRUE(child.check_and_remember("p1", "b", 3));  // the higher sequence was kept
  EXPECT_FALSE(child.check_and_remember("p2", "a", 1));
}

TEST(window_handover, each_child_collects_its_parents_windows_then_they_are_released)
{
  kc::window_handover handover;
  kc::dedup_window left(100), right(100);
  left.check_and_remember("p", "x", 4);
  right.check_and_remember("p", "y", 9);
  handover.finished("shard-0", 2, std::move(left));
  handover.finished("shard-1", 1, std::move(right));
  EXPECT_EQ(handover.kept(), 2u);

  std::vector<std::string> split_child{"shard-0"};
  kc::dedup_window first(100);
  EXPECT_EQ(handover.collect(split_child, first), 1u);
  EXPECT_TRUE(first.check_and_remember("p", "x", 4));

  std::vector<std::string> merge_child{"shard-0", "shard-1", "shard-unknown"};
  kc::dedup_window second(100);
  EXPECT_EQ(handover.collect(merge_child, second), 2u);
  EXPECT_TRUE(second.check_and_remember("p", "x", 4));
  EXPECT_TRUE(second.check_and_remember("p", "y", 9));
  EXPECT_EQ(handover.kept(), 0u);  // every child collected
}

TEST(window_handover, keeps_a_bounded_number_of_windows)
{
  kc::window_handover handover(2);
  for (int i = 0; i < 5; ++i) handover.finished("shard-" + std::to_string(i), 2, kc::dedup_window(10));
  EXPECT_EQ(handover.kept(), 2u);
  std::vector<std::string> oldest{"shard-0"}, newest{"shard-4"};
  kc::dedup_window w(10);
  EXPECT_EQ(handover.collect(oldest, w), 0u);
  EXPECT_EQ(handover.collect(newest, w), 1u);
}
