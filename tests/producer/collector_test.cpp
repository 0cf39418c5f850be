// Test that header file is self-contained.
#include "collector.hpp"

#include <gtest/gtest.h>

namespace kinesys::producer::detail {
namespace {

using namespace std::chrono_literals;
auto const t0 = collector::clock::time_point{} + 1h;

TEST(collector, a_request_holds_at_most_max_count_records) {
  collector c(500, put_records_max_bytes);
  for (std::uint32_t i = 0; i < 500; ++i) {
    ASSERT_TRUE(c.fits(100));
    c.add(i, 100, t0);
  }
  EXPECT_TRUE(c.full());
  EXPECT_FALSE(c.fits(100));
  std::vector<std::uint32_t> out;
  c.take(out);
  EXPECT_EQ(out.size(), 500u);
  EXPECT_TRUE(c.empty());
  EXPECT_TRUE(c.fits(100));
}

TEST(collector, a_request_stays_within_five_mebibytes) {
  collector c(500, put_records_max_bytes);
  for (std::uint32_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.fits(record_max_bytes));
    c.add(i, record_max_bytes, t0);
  }
  EXPECT_EQ(c.bytes(), put_records_max_bytes);
  EXPECT_FALSE(c.fits(1));
}

TEST(collector, limits_are_clamped_to_the_service_limits) {
  collector c(10000, 100 * 1024 * 1024);
  for (std::uint32_t i = 0; i < 500; ++i) c.add(i, 1, t0);
  EXPECT_FALSE(c.fits(1));
}

TEST(collector, an_empty_request_takes_any_record) {
  collector c(10, 1000);
  EXPECT_TRUE(c.fits(record_max_bytes));
}

TEST(collector, due_when_the_oldest_record_has_waited_its_buffered_time) {
  collector c(500, put_records_max_bytes);
  EXPECT_FALSE(c.due(t0 + 10h));  // empty is never due
  c.add(1, 10, t0 + 100ms);
  c.add(2, 10, t0 + 50ms);  // a record aggregated earlier has an earlier deadline
  EXPECT_EQ(c.deadline(), t0 + 50ms);
  EXPECT_FALSE(c.due(t0 + 49ms));
  EXPECT_TRUE(c.due(t0 + 50ms));
  std::vector<std::uint32_t> out;
  c.take(out);
  EXPECT_FALSE(c.due(t0 + 10h));
}

TEST(collector, take_swaps_buffers_so_capacity_is_reused) {
  collector c(500, put_records_max_bytes);
  std::vector<std::uint32_t> out;
  for (int round = 0; round < 3; ++round) {
    for (std::uint32_t i = 0; i < 500; ++i) c.add(i, 1, t0);
    c.take(out);
    EXPECT_GE(out.capacity(), 500u);
  }
}

}  // namespace
}  // namespace kinesys::producer::detail
