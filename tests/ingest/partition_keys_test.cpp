// Test that header file is self-contained.
#include "partition_keys.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace kinesys::ingest;
namespace kp = kinesys::producer;

namespace {
key_settings with(key_strategy s) {
  key_settings k;
  k.strategy = s;
  return k;
}
}  // namespace

TEST(partition_keys, the_field_gives_the_key_string_or_number) {
  key_router router(key_settings{});
  kp::record_key key;
  ASSERT_TRUE(router.route(R"({"device_id": "dev-17", "v": 1})", "", key));
  EXPECT_EQ(key.partition_key, "dev-17");
  EXPECT_TRUE(key.explicit_hash_key.empty());
  ASSERT_TRUE(router.route(R"({"device_id": 1234567890123})", "from-header", key));
  EXPECT_EQ(key.partition_key, "1234567890123");
}

TEST(partition_keys, the_header_is_used_only_when_the_field_is_absent) {
  key_router router(key_settings{});
  kp::record_key key;
  ASSERT_TRUE(router.route(R"({"energy_type": "nuclear"})", "meter-9", key));
  EXPECT_EQ(key.partition_key, "meter-9");
  auto missing = router.route(R"({"energy_type": "nuclear"})", "", key);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), kp::errc::partition_key_field_missing);
  EXPECT_NE(missing.error().message.find("\"device_id\""), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("x-partition-key"), std::string::npos) << missing.error().message;
}

TEST(partition_keys, a_key_breaking_the_kinesis_rules_names_the_limit) {
  key_router router(key_settings{});
  kp::record_key key;
  auto too_long = router.route(R"({})", std::string(300, 'k'), key);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error(), kp::errc::partition_key_too_long);
  EXPECT_NE(too_long.error().message.find("256"), std::string::npos) << too_long.error().message;
}

TEST(partition_keys, fan_out_spreads_one_key_over_sub_keys) {
  auto s = with(key_strategy::fan_out);
  s.field = "tenant";
  s.fan_out = 3;
  key_router router(s);
  std::set<std::string> seen;
  kp::record_key key;
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(router.route(R"({"tenant": "acme"})", "", key));
    seen.insert(key.partition_key);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"acme-0", "acme-1", "acme-2"}));
}

TEST(partition_keys, random_adds_a_suffix_to_the_field_or_header_key) {
  auto s = with(key_strategy::random);
  s.spread = 4;
  key_router router(s);
  kp::record_key key;
  ASSERT_TRUE(router.route(R"({"device_id": "hot"})", "", key));
  EXPECT_EQ(key.partition_key.rfind("hot-", 0), 0u) << key.partition_key;
  ASSERT_TRUE(router.route(R"({})", "hdr", key));
  EXPECT_EQ(key.partition_key.rfind("hdr-", 0), 0u) << key.partition_key;
}

TEST(partition_keys, explicit_hash_key_places_the_record_and_checks_the_range) {
  auto s = with(key_strategy::explicit_hash_key);
  s.field = "hash";
  key_router router(s);
  kp::record_key key;
  ASSERT_TRUE(router.route(R"({"hash": "170141183460469231731687303715884105728"})", "", key));
  EXPECT_EQ(key.explicit_hash_key, "170141183460469231731687303715884105728");
  auto bad = router.route(R"({"hash": "340282366920938463463374607431768211456"})", "", key);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), kp::errc::explicit_hash_key_invalid);
}
