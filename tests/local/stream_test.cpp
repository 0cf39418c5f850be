#include "kinesis/stream.hpp"

#include <gtest/gtest.h>

namespace kinesys::local::kinesis {
namespace {

void expect_tiling(stream& s)
{
  // Open shards cover 0 .. 2^128-1 without gaps or overlaps.
  std::vector<shard const*> open;
  for (auto const& sh : s.shards())
    if (sh.open()) open.push_back(&sh);
  std::sort(open.begin(), open.end(), [](auto* a, auto* b) { return a->start_hash < b->start_hash; });
  ASSERT_FALSE(open.empty());
  EXPECT_EQ(open.front()->start_hash, 0u);
  EXPECT_EQ(open.back()->end_hash, u128_max);
  for (std::size_t i = 1; i < open.size(); ++i) EXPECT_EQ(open[i - 1]->end_hash + 1, open[i]->start_hash);
}

TEST(stream, uniform_boundaries_match_aws)
{
  EXPECT_EQ(to_string_u128(uniform_start(1, 2)), "170141183460469231731687303715884105728");
  EXPECT_EQ(to_string_u128(uniform_start(1, 3)), "113427455640312821154458202477256070485");
  EXPECT_EQ(uniform_start(0, 7), 0u);
}

TEST(stream, routes_a_hash_to_the_open_shard_holding_it)
{
  stream s("s", 1, stream_mode::provisioned, {});
  s.create_uniform(4, 0, 0);
  EXPECT_EQ(s.route(0).ordinal, 0u);
  EXPECT_EQ(s.route(u128_max).ordinal, 3u);
  EXPECT_EQ(s.route(uniform_start(2, 4)).ordinal, 2u);
  EXPECT_EQ(s.route(uniform_start(2, 4) - 1).ordinal, 1u);
}

TEST(stream, split_and_merge_record_lineage)
{
  stream s("s", 1, stream_mode::provisioned, {});
  s.create_uniform(2, 0, 0);
  s.split(*s.find(0), 1000, 5, 5);
  EXPECT_FALSE(s.find(0)->open());
  EXPECT_EQ(s.find(2)->parent, 0u);
  EXPECT_EQ(s.find(3)->start_hash, 1000u);
  EXPECT_EQ(s.route(999).ordinal, 2u);
  s.merge(*s.find(3), *s.find(1), 6, 6);
  EXPECT_EQ(s.find(4)->parent, 3u);
  EXPECT_EQ(s.find(4)->adjacent_parent, 1u);
  EXPECT_EQ(s.children(3).size(), 1u);
  expect_tiling(s);
}

TEST(stream, uniform_rescaling_gives_every_child_at_most_two_parents)
{
  for (auto [from, to] : std::vector<std::pair<int, int>>{{3, 5}, {5, 3}, {4, 8}, {8, 4}, {7, 13}, {13, 7}, {1, 2}}) {
    stream s("s", 1, stream_mode::provisioned, {});
    s.create_uniform(static_cast<std::uint32_t>(from), 0, 0);
    s.scale_uniform(static_cast<std::uint32_t>(to), 1, 1);
    EXPECT_EQ(s.open_shard_count(), static_cast<std::size_t>(to)) << from << "->" << to;
    expect_tiling(s);
    for (int i = 0; i < to; ++i) EXPECT_EQ(s.route(uniform_start(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(to))).start_hash,
                                           uniform_start(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(to)));
    // Lineage is a DAG pointing backwards, each child naming one or two parents.
    for (auto const& sh : s.shards()) {
      if (sh.parent) { EXPECT_LT(*sh.parent, sh.ordinal); }
      if (sh.adjacent_parent) { EXPECT_LT(*sh.adjacent_parent, sh.ordinal); }
    }
  }
}

}  // namespace
}  // namespace kinesys::local::kinesis
