// Test that header file is self-contained.
#include "ordering_tracker.hpp"

#include <gtest/gtest.h>

namespace kinesys::producer::detail {
namespace {

struct fixture : ::testing::Test {
  std::vector<std::uint32_t> links = std::vector<std::uint32_t>(64, no_index);
  ordering_tracker tracker{links};
  std::vector<std::uint32_t> refed;
  auto refeed() {
    return [this](std::uint32_t r) { refed.push_back(r); };
  }
};

TEST_F(fixture, records_of_one_key_share_the_open_kinesis_record) {
  EXPECT_TRUE(tracker.can_join(7, /*open*/ 1));
  tracker.bind(7, 1);
  EXPECT_TRUE(tracker.can_join(7, 1));
  EXPECT_TRUE(tracker.can_join(8, 1));
}

TEST_F(fixture, a_key_bound_to_a_sealed_kinesis_record_is_held_until_it_completes) {
  tracker.bind(7, 1);
  // Kinesis record 1 sealed; 2 is now open.
  EXPECT_FALSE(tracker.can_join(7, 2));
  tracker.hold(7, 10);
  tracker.hold(7, 11);
  EXPECT_EQ(tracker.held_records(), 2u);
  // Another key is not affected.
  EXPECT_TRUE(tracker.can_join(8, 2));
  tracker.release(7, 1, refeed());
  EXPECT_EQ(refed, (std::vector<std::uint32_t>{10, 11}));
  EXPECT_EQ(tracker.held_records(), 0u);
  EXPECT_FALSE(tracker.busy(7));
}

TEST_F(fixture, a_later_record_queues_behind_held_ones_even_if_the_key_is_free_of_sealed_records) {
  tracker.bind(7, 1);
  tracker.hold(7, 10);
  // Nothing new may jump the queue of held records.
  EXPECT_FALSE(tracker.can_join(7, 1));
}

TEST_F(fixture, release_by_a_kinesis_record_the_key_is_not_bound_to_changes_nothing) {
  tracker.bind(7, 1);
  tracker.hold(7, 10);
  tracker.release(7, 5, refeed());
  EXPECT_TRUE(refed.empty());
  EXPECT_EQ(tracker.held_records(), 1u);
}

TEST_F(fixture, refeed_may_bind_again_and_hold_the_rest_in_order) {
  tracker.bind(7, 1);
  tracker.hold(7, 10);
  tracker.hold(7, 11);
  tracker.hold(7, 12);
  // The refeed puts the first record into open Kinesis record 2, which then
  // fills and is sealed (3 opens): the rest must wait behind 2.
  std::uint32_t open = 2;
  int joined = 0;
  tracker.release(7, 1, [&](std::uint32_t r) {
    if (tracker.can_join(7, open)) {
      tracker.bind(7, open);
      ++joined;
      open = 3;  // sealed after one record
    } else {
      tracker.hold(7, r);
    }
  });
  EXPECT_EQ(joined, 1);
  EXPECT_EQ(tracker.held_records(), 2u);
  refed.clear();
  tracker.release(7, 2, refeed());
  EXPECT_EQ(refed, (std::vector<std::uint32_t>{11, 12}));
}

}  // namespace
}  // namespace kinesys::producer::detail
