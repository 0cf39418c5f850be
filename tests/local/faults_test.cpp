#include "server/faults.hpp"

#include <gtest/gtest.h>

namespace kinesys::local {
namespace {

TEST(fault_injector, the_same_seed_fails_the_same_requests)
{
  fault_options o;
  o.internal_failure = 0.3;
  o.seed = 42;
  fault_injector a(o, 1), b(o, 1);
  int hits = 0;
  for (int i = 0; i < 1000; ++i) {
    bool x = a.roll(0, fault_kind::internal_failure);
    EXPECT_EQ(x, b.roll(0, fault_kind::internal_failure));
    hits += x;
  }
  EXPECT_GT(hits, 230);
  EXPECT_LT(hits, 370);
}

TEST(fault_injector, applies_json_changes_and_refuses_bad_ones)
{
  fault_injector f(fault_options{}, 2);
  EXPECT_FALSE(f.any());
  EXPECT_EQ(f.apply_json(R"({"throttle":1,"added_latency_ms":5})"), "");
  EXPECT_TRUE(f.any());
  EXPECT_TRUE(f.roll(1, fault_kind::throttle));
  EXPECT_FALSE(f.roll(1, fault_kind::internal_failure));
  EXPECT_EQ(f.added_latency().count(), 5);
  EXPECT_NE(f.apply_json(R"({"throttle":1.5})"), "");
  EXPECT_NE(f.apply_json(R"({"explode":1})"), "");
  EXPECT_NE(f.apply_json("not json"), "");
  EXPECT_NE(f.to_json().find("\"throttle\":1"), std::string::npos);
}

}  // namespace
}  // namespace kinesys::local
