#include "common/token_bucket.hpp"

#include <gtest/gtest.h>

namespace kinesys::local {
namespace {

constexpr std::int64_t second = 1'000'000'000;

TEST(token_bucket, admits_its_capacity_then_its_rate)
{
  token_bucket b(1000, 1000, 0);
  int admitted = 0;
  for (int i = 0; i < 3000; ++i) admitted += b.try_take(1, 0);
  EXPECT_EQ(admitted, 1000);
  // Half a second later, 500 more (but not a millisecond earlier).
  EXPECT_FALSE(b.try_take(500, second / 2 - second / 1000));
  EXPECT_TRUE(b.try_take(500, second / 2));
}

TEST(token_bucket, never_holds_more_than_its_capacity)
{
  token_bucket b(10, 20, 0, 0);
  EXPECT_DOUBLE_EQ(b.available(100 * second), 20);
}

TEST(token_bucket, debt_blocks_until_repaid)
{
  token_bucket b(2, 2, 0);
  b.force_take(10, 0);  // a large read costs more than a second's budget
  EXPECT_FALSE(b.positive(3 * second));
  EXPECT_TRUE(b.positive(4 * second + 1));
}

TEST(token_bucket, a_clock_stepping_back_mints_nothing)
{
  token_bucket b(1, 1, 10 * second);
  EXPECT_TRUE(b.try_take(1, 10 * second));
  EXPECT_FALSE(b.try_take(1, 5 * second));
}

}  // namespace
}  // namespace kinesys::local
