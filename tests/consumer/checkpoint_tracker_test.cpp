// Test that header file is self-contained.
#include <kinesys/detail/consumer/checkpoint_tracker.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace kc = kinesys::consumer;

namespace {
kc::stream_position pos(std::uint64_t seq, std::uint64_t sub = 0)
{
  return kc::stream_position::make(std::to_string(seq), sub).value();
}
}  // namespace

TEST(checkpoint_tracker, has_no_checkpoint_until_the_first_record_finishes)
{
  kc::checkpoint_tracker t;
  t.add(pos(10));
  EXPECT_FALSE(t.finished_through());
}

TEST(checkpoint_tracker, does_not_pass_an_unfinished_record)
{
  kc::checkpoint_tracker t;
  auto a = t.add(pos(10)), b = t.add(pos(20)), c = t.add(pos(30));
  t.finish(c);
  t.finish(b);
  EXPECT_FALSE(t.finished_through());  // 10 is still in flight
  t.finish(a);
  EXPECT_EQ(t.finished_through(), pos(30));
  EXPECT_TRUE(t.idle());
}

TEST(checkpoint_tracker, stops_at_the_first_gap)
{
  kc::checkpoint_tracker t;
  auto a = t.add(pos(1, 0)), b = t.add(pos(1, 1)), c = t.add(pos(1, 2)), d = t.add(pos(2));
  t.finish(a);
  t.finish(c);
  t.finish(d);
  EXPECT_EQ(t.finished_through(), pos(1, 0));
  EXPECT_EQ(t.outstanding(), 3u);
  t.finish(b);
  EXPECT_EQ(t.finished_through(), pos(2));
}

TEST(checkpoint_tracker, random_completion_order_never_passes_an_unfinished_record)
{
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    kc::checkpoint_tracker t;
    std::vector<kc::checkpoint_tracker::ticket> tickets;
    for (std::uint64_t i = 0; i < 1000; ++i) tickets.push_back(t.add(pos(100 + i * 3, 0)));
    std::vector<bool> done(tickets.size());
    std::shuffle(tickets.begin(), tickets.end(), rng);
    for (auto tk : tickets) {
      t.finish(tk);
      done[tk] = true;
      auto first_unfinished = std::find(done.begin(), done.end(), false) - done.begin();
      if (first_unfinished == 0)
        ASSERT_FALSE(t.finished_through());
      else
        ASSERT_EQ(t.finished_through(), pos(100 + std::uint64_t(first_unfinished - 1) * 3));
    }
  }
}

TEST(checkpoint_tracker, grows_past_its_initial_ring)
{
  kc::checkpoint_tracker t;
  std::vector<kc::checkpoint_tracker::ticket> ts;
  for (std::uint64_t i = 1; i <= 10000; ++i) ts.push_back(t.add(pos(i)));
  for (auto it = ts.rbegin(); it != ts.rend(); ++it) t.finish(*it);
  EXPECT_EQ(t.finished_through(), pos(10000));
}

TEST(checkpoint_tracker, misuse_is_a_programmer_error)
{
  kc::checkpoint_tracker t;
  auto a = t.add(pos(5));
  EXPECT_THROW(t.add(pos(5)), std::logic_error);
  EXPECT_THROW(t.add(pos(4)), std::logic_error);
  t.finish(a);
  EXPECT_THROW(t.finish(a), std::logic_error);
  EXPECT_THROW(t.finish(99), std::logic_error);
}
