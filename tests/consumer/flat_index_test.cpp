// Test that header file is self-contained.
#include <kinesys/detail/consumer/flat_index.hpp>

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace kc = kinesys::consumer;

TEST(flat_index, behaves_like_a_map_under_random_inserts_and_erases)
{
  std::mt19937_64 rng(11);
  kc::flat_index idx(4);
  std::unordered_map<std::uint64_t, std::uint32_t> ref;
  for (int i = 0; i < 200000; ++i) {
    std::uint64_t key = rng() % 5000;
    if (rng() % 3 == 0) {
      EXPECT_EQ(idx.erase(key), ref.erase(key) == 1);
    } else {
      auto v = static_cast<std::uint32_t>(rng());
      idx.insert(key, v);
      ref[key] = v;
    }
    if (i % 1000 == 0) {
      ASSERT_EQ(idx.size(), ref.size());
      for (std::uint64_t k = 0; k < 5000; k += 7) {
        auto it = ref.find(k);
        auto got = idx.find(k);
        ASSERT_EQ(got.has_value(), it != ref.end());
        if (got) {
          ASSERT_EQ(*got, it->second);
        }
      }
    }
  }
}
