#include "kinesis/record_store.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kinesys::local::kinesis {
namespace {

TEST(record_store, hands_out_consecutive_positions_and_reads_records_back)
{
  record_store s;
  EXPECT_EQ(s.append("k1", "first", 10), 0u);
  EXPECT_EQ(s.append("k2", "second", 20), 1u);
  EXPECT_EQ(s.end(), 2u);
  auto r = s.at(1);
  EXPECT_EQ(r.partition_key, "k2");
  EXPECT_EQ(r.data, "second");
  EXPECT_EQ(r.arrival_ms, 20);
  EXPECT_EQ(s.bytes(), 2u + 5 + 2 + 6);
}

TEST(record_store, keeps_arrival_times_non_decreasing_when_the_clock_steps_back)
{
  record_store s;
  s.append("k", "a", 100);
  s.append("k", "b", 50);
  EXPECT_EQ(s.at(1).arrival_ms, 100);
  EXPECT_EQ(s.lower_bound_time(100), 0u);
  EXPECT_EQ(s.lower_bound_time(101), 2u);
}

TEST(record_store, spills_into_new_chunks_without_moving_old_records)
{
  record_store s(0, 64);
  std::string big(50, 'x');
  for (int i = 0; i < 10; ++i) s.append("k", big + std::to_string(i), i);
  auto first = s.at(0);
  for (int i = 0; i < 100; ++i) s.append("k", big, 100 + i);
  EXPECT_EQ(first.data, s.at(0).data);
  EXPECT_EQ(s.at(9).data, big + "9");
}

TEST(record_store, trims_by_age_and_by_size_keeping_positions)
{
  record_store s(0, 128);
  for (int i = 0; i < 10; ++i) s.append("k", std::string(40, 'a' + i), i * 1000);
  EXPECT_EQ(s.trim_older_than(3000), 3u);
  EXPECT_EQ(s.begin(), 3u);
  EXPECT_EQ(s.at(3).data, std::string(40, 'd'));
  s.trim_to_bytes(2 * 41);
  EXPECT_EQ(s.begin(), 8u);
  EXPECT_EQ(s.end(), 10u);
  EXPECT_EQ(s.append("k", "next", 99999), 10u);
}

TEST(record_store, skipping_ahead_on_an_empty_store_sets_the_next_position)
{
  record_store s;
  s.skip_to(42);
  EXPECT_EQ(s.begin(), 42u);
  EXPECT_EQ(s.append("k", "d", 1), 42u);
}

}  // namespace
}  // namespace kinesys::local::kinesis
