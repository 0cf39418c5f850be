// Test that header file is self-contained.
#include "key_table.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace kinesys::producer::detail {
namespace {

TEST(key_table, inserts_finds_and_erases) {
  key_table<int> t;
  t[1] = 10;
  t[2] = 20;
  ASSERT_NE(t.find(1), nullptr);
  EXPECT_EQ(*t.find(1), 10);
  EXPECT_EQ(t.size(), 2u);
  t.erase(1);
  EXPECT_EQ(t.find(1), nullptr);
  EXPECT_EQ(*t.find(2), 20);
  t.erase(99);  // absent: no effect
  EXPECT_EQ(t.size(), 1u);
}

TEST(key_table, agrees_with_std_map_under_random_churn) {
  key_table<std::uint64_t> t(16);
  std::map<codecs::uint128, std::uint64_t> reference;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    // Few distinct keys with colliding low bits force long probe runs.
    codecs::uint128 key = static_cast<codecs::uint128>(rng() % 512) << 70;
    if (rng() % 3 == 0) {
      t.erase(key);
      reference.erase(key);
    } else {
      t[key] = static_cast<std::uint64_t>(i);
      reference[key] = static_cast<std::uint64_t>(i);
    }
  }
  ASSERT_EQ(t.size(), reference.size());
  for (auto const& [k, v] : reference) {
    ASSERT_NE(t.find(k), nullptr);
    EXPECT_EQ(*t.find(k), v);
  }
}

TEST(key_table, capacity_stops_growing_when_keys_churn_at_a_steady_count) {
  key_table<int> t(16);
  for (codecs::uint128 k = 0; k < 1000000; ++k) {
    t[k * 0x9E3779B97F4A7C15ULL] = 1;
    if (k >= 100) t.erase((k - 100) * 0x9E3779B97F4A7C15ULL);
  }
  EXPECT_EQ(t.size(), 100u);
  EXPECT_LE(t.capacity(), 256u);  // no tombstones piling up
}

}  // namespace
}  // namespace kinesys::producer::detail
