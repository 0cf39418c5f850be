// Test that header file is self-contained.
#include <kinesys/detail/consumer/key_scheduler.hpp>

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

namespace kc = kinesys::consumer;

TEST(key_scheduler, hands_out_distinct_keys_with_all_their_waiting_records_in_order)
{
  kc::key_scheduler s;
  s.push(1, 0);
  s.push(2, 1);
  s.push(1, 2);
  s.push(3, 3);
  kc::scheduled_batch b;
  EXPECT_EQ(s.take(10, b), 3u);
  ASSERT_EQ(b.groups.size(), 3u);
  EXPECT_EQ(b.groups[0].key_hash, 1u);
  ASSERT_EQ(b.groups[0].count, 2u);
  EXPECT_EQ(b.records[b.groups[0].first], 0u);
  EXPECT_EQ(b.records[b.groups[0].first + 1], 2u);
  EXPECT_EQ(s.waiting_records(), 0u);
}

TEST(key_scheduler, holds_a_key_back_while_its_write_is_in_flight)
{
  kc::key_scheduler s;
  s.push(7, 0);
  kc::scheduled_batch b;
  s.take(10, b);
  s.push(7, 1);
  s.push(7, 2);
  s.push(8, 3);
  kc::scheduled_batch b2;
  EXPECT_EQ(s.take(10, b2), 1u);
  EXPECT_EQ(b2.groups[0].key_hash, 8u);
  EXPECT_EQ(s.waiting_records(), 2u);
  s.complete(7);
  kc::scheduled_batch b3;
  EXPECT_EQ(s.take(10, b3), 1u);
  ASSERT_EQ(b3.groups[0].count, 2u);  // both waiting records merged into one group
  EXPECT_EQ(b3.records[0], 1u);
  EXPECT_EQ(b3.records[1], 2u);
}

TEST(key_scheduler, respects_the_maximum_number_of_keys_per_batch)
{
  kc::key_scheduler s;
  for (std::uint32_t i = 0; i < 100; ++i) s.push(i, i);
  kc::scheduled_batch b;
  EXPECT_EQ(s.take(25, b), 25u);
  EXPECT_EQ(s.ready_keys(), 75u);
  EXPECT_EQ(b.groups.front().key_hash, 0u);  // oldest first
  EXPECT_EQ(b.groups.back().key_hash, 24u);
}

TEST(key_scheduler, completing_a_key_that_is_not_in_flight_is_a_programmer_error)
{
  kc::key_scheduler s;
  s.push(1, 0);
  EXPECT_THROW(s.complete(1), std::logic_error);
  EXPECT_THROW(s.complete(2), std::logic_error);
}

TEST(key_scheduler, random_workload_keeps_per_key_order_and_loses_nothing)
{
  std::mt19937 rng(3);
  kc::key_scheduler s;
  std::map<std::uint64_t, std::vector<std::uint32_t>> pushed, written;
  std::set<std::uint64_t> in_flight;
  std::uint32_t next = 0;
  std::vector<std::uint64_t> flying;
  for (int step = 0; step < 20000; ++step) {
    auto action = rng() % 3;
    if (action == 0 || next < 50) {
      std::uint64_t key = rng() % 40;
      pushed[key].push_back(next);
      s.push(key, next++);
    } else if (action == 1) {
      kc::scheduled_batch b;
      s.take(1 + rng() % 5, b);
      for (auto const& g : b.groups) {
        ASSERT_TRUE(in_flight.insert(g.key_hash).second) << "key handed out twice concurrently";
        for (std::uint32_t i = 0; i < g.count; ++i) written[g.key_hash].push_back(b.records[g.first + i]);
        flying.push_back(g.key_hash);
      }
    } else if (!flying.empty()) {
      auto i = rng() % flying.size();
      s.complete(flying[i]);
      in_flight.erase(flying[i]);
      flying.erase(flying.begin() + long(i));
    }
  }
  for (auto k : flying) s.complete(k);
  for (;;) {
    kc::scheduled_batch b;
    if (!s.take(100, b)) break;
    for (auto const& g : b.groups) {
      for (std::uint32_t i = 0; i < g.count; ++i) written[g.key_hash].push_back(b.records[g.first + i]);
      s.complete(g.key_hash);
    }
  }
  EXPECT_EQ(written, pushed);
}
