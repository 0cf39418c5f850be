// Test that header file is self-contained.
#include "shard_map.hpp"

#include <gtest/gtest.h>

namespace kinesys::producer::detail {
namespace {

using codecs::uint128;
constexpr uint128 half = static_cast<uint128>(1) << 127;

std::vector<shard_range> two_shards() {
  return {{"shardId-000000000001", {half, codecs::max_hash_key}, true},
          {"shardId-000000000000", {0, half - 1}, true}};
}

TEST(shard_map, predicts_the_shard_whose_range_holds_the_hash_key) {
  shard_map m(two_shards());
  ASSERT_EQ(m.size(), 2u);
  EXPECT_TRUE(m.complete());
  EXPECT_EQ(m[*m.find(0)].shard_id, "shardId-000000000000");
  EXPECT_EQ(m[*m.find(half - 1)].shard_id, "shardId-000000000000");
  EXPECT_EQ(m[*m.find(half)].shard_id, "shardId-000000000001");
  EXPECT_EQ(m[*m.find(codecs::max_hash_key)].shard_id, "shardId-000000000001");
  EXPECT_EQ(m[*m.find(codecs::hash_key_of("some key"))].shard_id,
            codecs::hash_key_of("some key") < half ? "shardId-000000000000" : "shardId-000000000001");
}

TEST(shard_map, closed_parents_are_ignored) {
  auto shards = two_shards();
  shards.push_back({"shardId-parent", {0, codecs::max_hash_key}, false});
  shard_map m(shards);
  EXPECT_EQ(m.size(), 2u);
  EXPECT_FALSE(m.index_of("shardId-parent"));
  EXPECT_TRUE(m.complete());
}

TEST(shard_map, a_gap_predicts_nothing_and_marks_the_map_incomplete) {
  shard_map m({{"a", {0, 100}, true}, {"b", {200, codecs::max_hash_key}, true}});
  EXPECT_FALSE(m.complete());
  EXPECT_FALSE(m.find(150));
  EXPECT_EQ(m[*m.find(100)].shard_id, "a");
  shard_map empty(std::vector<shard_range>{});
  EXPECT_FALSE(empty.find(5));
}

TEST(shard_map, agrees_with_a_scan_of_the_ranges_for_crowded_and_gapped_maps) {
  // Many shards inside one lookup bucket (split after split of one range),
  // a gap, and a first shard that starts above zero: every probe must find
  // what a plain scan of the ranges finds.
  std::vector<shard_range> shards;
  uint128 const narrow = static_cast<uint128>(1) << 100;
  uint128 start = static_cast<uint128>(5) << 110;
  for (int i = 0; i < 40; ++i, start += narrow) shards.push_back({"crowded-" + std::to_string(i), {start, start + narrow - 1}, true});
  shards.push_back({"after-gap", {start + 7, half - 1}, true});
  shards.push_back({"upper", {half, codecs::max_hash_key}, true});
  shard_map m(shards);
  EXPECT_FALSE(m.complete());

  auto scan = [&](uint128 key) -> std::optional<std::string> {
    for (auto const& s : shards)
      if (s.range.contains(key)) return s.shard_id;
    return std::nullopt;
  };
  std::vector<uint128> probes{0, shards[0].range.starting - 1, start, start + 6, start + 7, half - 1, half,
                              codecs::max_hash_key};
  for (auto const& s : shards) {
    probes.push_back(s.range.starting);
    probes.push_back(s.range.ending);
    probes.push_back(s.range.starting + (s.range.ending - s.range.starting) / 2);
  }
  for (int i = 0; i < 2000; ++i) probes.push_back(codecs::hash_key_of("key-" + std::to_string(i)));
  for (uint128 key : probes) {
    auto found = m.find(key);
    auto expected = scan(key);
    ASSERT_EQ(found.has_value(), expected.has_value());
    if (found) {
      ASSERT_EQ(m[*found].shard_id, *expected);
    }
  }
}

TEST(shard_map, share_of_is_the_fraction_of_the_range_inside_a_slice) {
  shard_map m(two_shards());
  auto lower = *m.index_of("shardId-000000000000");
  EXPECT_DOUBLE_EQ(m.share_of(lower, 0, codecs::max_hash_key), 1.0);
  EXPECT_NEAR(m.share_of(lower, 0, half / 2 - 1), 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(m.share_of(lower, half, codecs::max_hash_key), 0.0);
}

TEST(core_slices, tile_the_hash_key_space_and_agree_with_core_of) {
  for (std::size_t n : {1u, 2u, 3u, 7u, 64u}) {
    uint128 expected_lo = 0;
    for (std::size_t c = 0; c < n; ++c) {
      auto s = slice_of_core(c, n);
      EXPECT_EQ(s.lo, expected_lo) << n << " " << c;
      EXPECT_EQ(core_of(s.lo, n), c);
      EXPECT_EQ(core_of(s.hi, n), c);
      if (c + 1 < n) expected_lo = s.hi + 1;
      else {
        EXPECT_EQ(s.hi, codecs::max_hash_key);
      }
    }
  }
}

TEST(shard_map_refresh, first_map_is_wanted_then_refreshes_are_spaced) {
  using namespace std::chrono_literals;
  shard_map_refresh r(1000ms);
  auto t0 = shard_map_refresh::clock::time_point{} + 10h;
  EXPECT_TRUE(r.start(t0));
  EXPECT_FALSE(r.start(t0));  // in progress
  r.finished(t0);
  r.note_landed("a", "a");
  EXPECT_FALSE(r.wanted());
  r.note_landed("a", "b");
  EXPECT_TRUE(r.wanted());
  EXPECT_FALSE(r.start(t0 + 500ms));  // too soon
  EXPECT_TRUE(r.start(t0 + 1000ms));
}

}  // namespace
}  // namespace kinesys::producer::detail
