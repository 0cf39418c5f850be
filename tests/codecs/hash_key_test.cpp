// Test that header file is self-contained.
#include <kinesys/detail/codecs/hash_key.hpp>

#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

namespace codecs = kinesys::codecs;
using codecs::errc;
using codecs::uint128;

TEST(hash_key, is_the_big_endian_md5_of_the_partition_key)
{
  // md5("a") = 0cc175b9c0f1b6a831c399e269772661
  EXPECT_EQ(codecs::to_decimal(codecs::hash_key_of("a")), "16955237001963240173058271559858726497");
  // md5("") = d41d8cd98f00b204e9800998ecf8427e
  EXPECT_EQ(codecs::to_decimal(codecs::hash_key_of("")), "281949768489412648962353822266799178366");
}

TEST(hash_key, many_keys_at_once_equal_one_by_one)
{
  std::vector<std::string> keys;
  for (int i = 0; i < 150; ++i) keys.push_back(std::string(static_cast<std::size_t>(i % 70 + 1), static_cast<char>('a' + i % 26)) + std::to_string(i));
  std::vector<std::string_view> views(keys.begin(), keys.end());
  std::vector<uint128> out(keys.size());
  codecs::hash_keys_of(views, out.data());
  for (std::size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(out[i], codecs::hash_key_of(keys[i])) << i;
}

TEST(hash_key, decimal_conversion_round_trips_at_the_extremes)
{
  EXPECT_EQ(codecs::to_decimal(0), "0");
  EXPECT_EQ(codecs::to_decimal(codecs::max_hash_key), "340282366920938463463374607431768211455");
  EXPECT_EQ(*codecs::parse_hash_key("340282366920938463463374607431768211455"), codecs::max_hash_key);
  EXPECT_EQ(*codecs::parse_hash_key("0"), uint128{0});
  EXPECT_EQ(*codecs::parse_hash_key("000170141183460469231731687303715884105728"), uint128{1} << 127);
}

TEST(hash_key, rejects_values_above_2_to_the_128_and_non_digits)
{
  EXPECT_EQ(codecs::parse_hash_key("340282366920938463463374607431768211456").error(), errc::hash_key_out_of_range);
  EXPECT_EQ(codecs::parse_hash_key("9999999999999999999999999999999999999999").error(), errc::hash_key_out_of_range);
  EXPECT_EQ(codecs::parse_hash_key("").error(), errc::hash_key_syntax);
  auto r = codecs::parse_hash_key("12a4");
  EXPECT_EQ(r.error().code, errc::hash_key_syntax);
  EXPECT_EQ(r.error().offset, 2u);
  EXPECT_FALSE(codecs::parse_hash_key("-1"));
  EXPECT_FALSE(codecs::validate_explicit_hash_key("1.5"));
  EXPECT_TRUE(codecs::validate_explicit_hash_key("42"));
}

TEST(hash_key, range_contains_both_ends_and_refuses_inverted_ranges)
{
  auto r = codecs::parse_hash_key_range("100", "200");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->contains(100));
  EXPECT_TRUE(r->contains(200));
  EXPECT_FALSE(r->contains(99));
  EXPECT_FALSE(r->contains(201));
  EXPECT_EQ(codecs::parse_hash_key_range("2", "1").error(), errc::hash_key_range_inverted);
  EXPECT_EQ(codecs::parse_hash_key_range("x", "1").error().field, "StartingHashKey");
  codecs::hash_key_range all;
  EXPECT_TRUE(all.contains(codecs::hash_key_of("anything")));
}

TEST(hash_key, partition_keys_are_1_to_256_unicode_characters)
{
  EXPECT_EQ(codecs::validate_partition_key("").error(), errc::partition_key_empty);
  EXPECT_TRUE(codecs::validate_partition_key("k"));
  EXPECT_TRUE(codecs::validate_partition_key(std::string(256, 'a')));
  EXPECT_EQ(codecs::validate_partition_key(std::string(257, 'a')).error(), errc::partition_key_too_long);
  std::string euros;
  for (int i = 0; i < 256; ++i) euros += "€";  // 768 bytes, 256 characters
  EXPECT_TRUE(codecs::validate_partition_key(euros));
  EXPECT_EQ(codecs::validate_partition_key(euros + "a").error(), errc::partition_key_too_long);
  std::string emoji;
  for (int i = 0; i < 256; ++i) emoji += "😀";
  EXPECT_TRUE(codecs::validate_partition_key(emoji));
}

TEST(hash_key, partition_keys_must_be_valid_utf8)
{
  for (std::string bad : {std::string("\xff"), std::string("a\xc3"), std::string("\xc0\x80"), std::string("\xed\xa0\x80"),
                          std::string("\xf4\x90\x80\x80"), std::string("\x80")})
    EXPECT_EQ(codecs::validate_partition_key(bad).error(), errc::partition_key_bad_utf8);
}
