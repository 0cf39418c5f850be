#include "common/u128.hpp"

#include <gtest/gtest.h>

namespace kinesys::local {
namespace {

TEST(u128, parses_and_prints_the_full_range)
{
  EXPECT_EQ(parse_u128("0"), u128{0});
  EXPECT_EQ(to_string_u128(*parse_u128("340282366920938463463374607431768211455")), "340282366920938463463374607431768211455");
  EXPECT_FALSE(parse_u128("340282366920938463463374607431768211456"));
  EXPECT_FALSE(parse_u128("012"));
  EXPECT_FALSE(parse_u128("-1"));
  EXPECT_FALSE(parse_u128(""));
}

TEST(u128, partition_keys_hash_with_md5_big_endian)
{
  // MD5("a") = 0cc175b9c0f1b6a831c399e269772661.
  EXPECT_EQ(to_string_u128(partition_key_hash("a")), "16955237001963240173058271559858726497");
}

TEST(u128, counts_partition_key_length_in_utf16_units)
{
  EXPECT_EQ(utf16_length("abc"), 3u);
  EXPECT_EQ(utf16_length("\xC3\xA9"), 1u);          // é
  EXPECT_EQ(utf16_length("\xF0\x9F\x98\x80"), 2u);  // an emoji: a surrogate pair
}

}  // namespace
}  // namespace kinesys::local
