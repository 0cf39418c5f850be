// Test that header file is self-contained.
#include "kinesys/detail/producer/partition_key.hpp"

#include <gtest/gtest.h>

#include <set>

namespace kinesys::producer {
namespace {

TEST(partition_key_rules, empty_key_is_refused) {
  auto r = validate_partition_key("");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::partition_key_empty);
}

TEST(partition_key_rules, key_of_256_characters_passes_and_257_is_refused) {
  EXPECT_TRUE(validate_partition_key(std::string(256, 'k')));
  auto r = validate_partition_key(std::string(257, 'k'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::partition_key_too_long);
  EXPECT_NE(r.error().message.find("256"), std::string::npos);
}

TEST(partition_key_rules, characters_are_counted_not_bytes) {
  std::string key;
  for (int i = 0; i < 256; ++i) key += "\xC3\xA9";  // é: 2 bytes, 1 character
  EXPECT_TRUE(validate_partition_key(key));
  key += "\xC3\xA9";
  EXPECT_FALSE(validate_partition_key(key));
}

TEST(partition_key_rules, invalid_utf8_is_refused) {
  auto r = validate_partition_key("ab\xFF");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::partition_key_bad_utf8);
}

TEST(partition_key_rules, explicit_hash_key_must_be_a_128_bit_decimal) {
  EXPECT_TRUE(validate_explicit_hash_key("0"));
  EXPECT_TRUE(validate_explicit_hash_key("340282366920938463463374607431768211455"));
  EXPECT_FALSE(validate_explicit_hash_key("340282366920938463463374607431768211456"));
  EXPECT_FALSE(validate_explicit_hash_key("12a"));
  EXPECT_FALSE(validate_explicit_hash_key(""));
}

TEST(partition_key_strategy, given_uses_the_key_passed_to_put) {
  record_key k;
  ASSERT_TRUE(partition_key_strategy::given().apply("order-17", "{}", k));
  EXPECT_EQ(k.partition_key, "order-17");
  EXPECT_TRUE(k.explicit_hash_key.empty());
  auto r = partition_key_strategy::given().apply("", "{}", k);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::partition_key_empty);
}

TEST(partition_key_strategy, json_field_reads_a_string_or_number_field) {
  auto s = partition_key_strategy::json_field("device_id");
  record_key k;
  ASSERT_TRUE(s.apply("", R"({"time":"2022-01-01 00:01:00","device_id":"dev-7","value":76.1})", k));
  EXPECT_EQ(k.partition_key, "dev-7");
  ASSERT_TRUE(s.apply("", R"({"device_id":1234567890123,"value":1})", k));
  EXPECT_EQ(k.partition_key, "1234567890123");
}

TEST(partition_key_strategy, json_field_missing_or_unusable_names_the_field) {
  auto s = partition_key_strategy::json_field("device_id");
  record_key k;
  auto r = s.apply("", R"({"value":1})", k);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::partition_key_field_missing);
  EXPECT_NE(r.error().message.find("device_id"), std::string::npos);
  EXPECT_FALSE(s.apply("", "not json", k));
  EXPECT_FALSE(s.apply("", "[1,2]", k));
  EXPECT_FALSE(s.apply("", R"({"device_id":{"nested":1}})", k));
  EXPECT_FALSE(s.apply("", R"({"device_id":""})", k));  // empty key
}

TEST(partition_key_strategy, fan_out_by_field_is_stable_and_bounded) {
  auto s = partition_key_strategy::fan_out("tenant", 4, "device_id");
  record_key k1, k2;
  ASSERT_TRUE(s.apply("", R"({"tenant":"acme","device_id":"d1"})", k1));
  ASSERT_TRUE(s.apply("", R"({"tenant":"acme","device_id":"d1"})", k2));
  EXPECT_EQ(k1.partition_key, k2.partition_key);  // same sub-stream: order kept
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    record_key k;
    ASSERT_TRUE(s.apply("", R"({"tenant":"acme","device_id":"d)" + std::to_string(i) + R"("})", k));
    ASSERT_EQ(k.partition_key.rfind("acme-", 0), 0u) << k.partition_key;
    seen.insert(k.partition_key);
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(partition_key_strategy, fan_out_without_sub_field_cycles_through_the_suffixes) {
  auto s = partition_key_strategy::fan_out("", 3);
  std::vector<std::string> keys;
  for (int i = 0; i < 6; ++i) {
    record_key k;
    ASSERT_TRUE(s.apply("tenant", "x", k));
    keys.push_back(k.partition_key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"tenant-0", "tenant-1", "tenant-2", "tenant-0", "tenant-1", "tenant-2"}));
}

TEST(partition_key_strategy, random_suffix_spreads_and_does_not_claim_order) {
  auto s = partition_key_strategy::random_suffix(16);
  EXPECT_FALSE(s.preserves_order());
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    record_key k;
    ASSERT_TRUE(s.apply("hot", "x", k));
    seen.insert(k.partition_key);
  }
  EXPECT_GT(seen.size(), 8u);
  EXPECT_LE(seen.size(), 16u);
}

TEST(partition_key_strategy, explicit_hash_key_routes_by_the_given_decimal) {
  auto s = partition_key_strategy::explicit_hash_key();
  record_key k;
  ASSERT_TRUE(s.apply("170141183460469231731687303715884105728", "x", k));
  EXPECT_EQ(k.explicit_hash_key, "170141183460469231731687303715884105728");
  EXPECT_EQ(k.partition_key, k.explicit_hash_key);
  auto r = s.apply("not-a-number", "x", k);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::explicit_hash_key_invalid);

  auto from_field = partition_key_strategy::explicit_hash_key("slot");
  ASSERT_TRUE(from_field.apply("", R"({"slot":"42"})", k));
  EXPECT_EQ(k.explicit_hash_key, "42");
}

}  // namespace
}  // namespace kinesys::producer
