// Test that header file is self-contained.
#include "checkpoint_tracker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace kinesys::producer::detail {
namespace {

TEST(checkpoint_tracker, checkpoint_is_the_end_of_the_acknowledged_prefix) {
  checkpoint_tracker t;
  auto src = t.source("file-a");
  auto a = t.add(src, 100);
  auto b = t.add(src, 200);
  auto c = t.add(src, 300);
  EXPECT_FALSE(t.checkpoint(src));
  t.acknowledge(c);  // out of order: nothing before it is done
  EXPECT_FALSE(t.checkpoint(src));
  t.acknowledge(a);
  EXPECT_EQ(t.checkpoint(src), 100u);
  t.acknowledge(b);
  EXPECT_EQ(t.checkpoint(src), 300u);
  EXPECT_EQ(t.pending(src), 0u);
}

TEST(checkpoint_tracker, sources_are_independent) {
  checkpoint_tracker t;
  auto s1 = t.source("a");
  auto s2 = t.source("b");
  EXPECT_EQ(t.source("a"), s1);
  auto x = t.add(s1, 1);
  t.add(s2, 5);
  t.acknowledge(x);
  EXPECT_EQ(t.checkpoint(s1), 1u);
  EXPECT_FALSE(t.checkpoint(s2));
}

TEST(checkpoint_tracker, a_failed_record_stops_the_checkpoint_until_it_is_put_again) {
  checkpoint_tracker t;
  auto src = t.source("q");
  auto a = t.add(src, 1);
  auto b = t.add(src, 2);
  auto c = t.add(src, 3);
  t.acknowledge(a);
  t.fail(b);
  t.acknowledge(c);
  EXPECT_EQ(t.checkpoint(src), 1u);
  auto b2 = t.add(src, 2);  // the application retries offset 2
  EXPECT_EQ(t.checkpoint(src), 1u);
  t.acknowledge(b2);
  EXPECT_EQ(t.checkpoint(src), 3u);
}

TEST(checkpoint_tracker, random_acknowledgement_order_never_passes_an_unacknowledged_offset) {
  checkpoint_tracker t;
  auto src = t.source("s");
  std::vector<checkpoint_ticket> tickets;
  for (std::uint64_t i = 0; i < 5000; ++i) tickets.push_back(t.add(src, i * 10));
  std::vector<std::size_t> order(tickets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(3));
  std::vector<bool> acked(tickets.size());
  for (std::size_t i : order) {
    t.acknowledge(tickets[i]);
    acked[i] = true;
    if (auto cp = t.checkpoint(src)) {
      for (std::size_t j = 0; j <= *cp / 10; ++j) ASSERT_TRUE(acked[j]);
    }
  }
  EXPECT_EQ(t.checkpoint(src), 49990u);
}

}  // namespace
}  // namespace kinesys::producer::detail
