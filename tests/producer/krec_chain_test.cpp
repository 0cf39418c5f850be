// Test that header file is self-contained.
#include "krec_chain.hpp"

#include <gtest/gtest.h>

namespace kinesys::producer::detail {
namespace {

struct chain_fixture : ::testing::Test {
  slot_pool<kinesis_rec> pool;
  krec_chain chain{pool};
  std::vector<std::uint32_t> taken;

  std::uint32_t open() {
    std::uint32_t k = pool.acquire();
    chain.opened(k);
    return k;
  }
  void free(std::uint32_t k) {
    chain.freed(k);
    pool.release(k);
  }
};

TEST_F(chain_fixture, an_aggregate_follows_one_kinesis_record_until_it_is_answered) {
  auto a = open(), b = open(), c = open();
  ASSERT_TRUE(chain.can_follow(a, c));
  chain.follow(a, c);
  EXPECT_EQ(pool[c].blockers, 1u);
  // More records of keys bound to a: still the one edge.
  EXPECT_TRUE(chain.can_follow(a, c));
  chain.follow(a, c);
  EXPECT_EQ(pool[a].dependents.size(), 1u);
  // A key bound to b must wait elsewhere: c follows a already.
  EXPECT_FALSE(chain.can_follow(b, c));
  chain.answered(a);
  EXPECT_EQ(pool[c].blockers, 0u);
  EXPECT_TRUE(chain.can_follow(b, c));
}

TEST_F(chain_fixture, followers_come_transitively_in_the_order_they_were_opened) {
  auto k = open(), d = open(), e = open(), f = open(), other = open(), g = open();
  chain.follow(k, e);
  chain.follow(k, d);
  chain.follow(d, f);
  chain.follow(other, g);
  chain.with_followers(k, taken);
  EXPECT_EQ(taken, (std::vector<std::uint32_t>{k, d, e, f}));
}

TEST_F(chain_fixture, an_edge_to_a_freed_slot_matches_nothing_even_once_the_slot_is_reused) {
  // d follows k0 and is taken apart and freed when k0 comes back
  // misplaced. An edge that still names d's slot must neither count it
  // among k0's followers (freeing it twice would hand the slot out twice)
  // nor release whatever opens in the slot next.
  auto k0 = open(), d = open();
  chain.follow(k0, d);
  chain.with_followers(k0, taken);
  ASSERT_EQ(taken, (std::vector<std::uint32_t>{k0, d}));
  free(d);
  chain.with_followers(k0, taken);
  EXPECT_EQ(taken, (std::vector<std::uint32_t>{k0}));

  auto reused = open();
  ASSERT_EQ(reused, d);
  auto later = open();
  chain.follow(later, reused);
  chain.with_followers(k0, taken);
  EXPECT_EQ(taken, (std::vector<std::uint32_t>{k0}));
  chain.answered(k0);
  EXPECT_EQ(pool[reused].blockers, 1u);
}

}  // namespace
}  // namespace kinesys::producer::detail
