#include "kinesis/sequence.hpp"

#include <gtest/gtest.h>

namespace kinesys::local::kinesis {
namespace {

TEST(sequence, numbers_round_trip_and_sort_as_strings)
{
  sequence_parts p{1'700'000'000'123, 7, 12345};
  auto text = format_sequence_number(p);
  EXPECT_EQ(text.size(), sequence_number_digits);
  EXPECT_EQ(parse_sequence_number(text), p);
  // Fixed width: string order is numeric order, and a child (higher
  // ordinal) is above any position of its parent.
  EXPECT_LT(format_sequence_number({1, 7, 5}), format_sequence_number({1, 7, 6}));
  EXPECT_LT(format_sequence_number({1, 7, 99999999}), format_sequence_number({1, 8, 0}));
}

TEST(sequence, refuses_malformed_numbers)
{
  EXPECT_FALSE(parse_sequence_number("123"));
  EXPECT_FALSE(parse_sequence_number(std::string(45, '1')));  // wrong prefix
  auto text = format_sequence_number({1, 1, 1});
  text[20] = 'x';
  EXPECT_FALSE(parse_sequence_number(text));
}

TEST(sequence, shard_ids_have_twelve_digits)
{
  EXPECT_EQ(shard_id(3), "shardId-000000000003");
  EXPECT_EQ(parse_shard_id("shardId-000000000003"), 3u);
  EXPECT_EQ(parse_shard_id("3"), 3u);
  EXPECT_FALSE(parse_shard_id("shardId-abc"));
  EXPECT_FALSE(parse_shard_id(""));
}

TEST(sequence, iterators_round_trip_and_detect_damage)
{
  iterator_parts p{"my-stream.v1", 1'700'000'000'000, 2, 77, 1'700'000'001'000};
  auto text = encode_iterator(p);
  EXPECT_EQ(decode_iterator(text), p);
  std::string damaged = text;
  damaged[5] = damaged[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(decode_iterator(damaged));
  EXPECT_FALSE(decode_iterator("not base64 at all"));
}

}  // namespace
}  // namespace kinesys::local::kinesis
