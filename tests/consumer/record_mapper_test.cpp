// Test that header file is self-contained.
#include <kinesys/detail/consumer/record_mapper.hpp>

#include <gtest/gtest.h>

namespace kc = kinesys::consumer;

namespace {
kc::consumer_config config(std::string const& extra_top, std::string const& extra)
{
  return kc::parse_config(extra_top + "\nstream = \"s\"\n" + extra).value();
}
}  // namespace

TEST(record_mapper, maps_a_json_payload_to_an_item_of_the_only_table)
{
  kc::record_mapper m(config("", "[tables.readings]\nhash_key = \"device_id\"\n"));
  auto r = m.map("shardId-0", R"({"device_id":"d1","value":21.5,"tags":["a"]})").value();
  EXPECT_EQ(r.table, 0u);
  EXPECT_EQ(*r.item.at("device_id").get_if<std::string>(), "d1");
  EXPECT_EQ(r.item.at("value").get_if<kinesys::codecs::number_value>()->text, "21.5");
}

TEST(record_mapper, equal_keys_hash_alike_and_numbers_by_value)
{
  kc::record_mapper m(config("", "[tables.readings]\nhash_key = \"id\"\n"));
  auto a = m.map("s", R"({"id":1,"v":1})").value();
  auto b = m.map("s", R"({"id":1.0,"v":2})").value();
  auto c = m.map("s", R"({"id":"1","v":3})").value();
  EXPECT_EQ(a.key_hash, b.key_hash);
  EXPECT_NE(a.key_hash, c.key_hash);
}

TEST(record_mapper, unmappable_payloads_are_errors_with_the_reason)
{
  kc::record_mapper m(config("", "[tables.readings]\nhash_key = \"device_id\"\nrange_key = \"time\"\n"));
  EXPECT_EQ(m.map("s", "not json").error().code, kc::errc::payload_not_json);
  EXPECT_EQ(m.map("s", "[1,2]").error().code, kc::errc::payload_not_json);
  auto missing = m.map("s", R"({"device_id":"d1"})").error();
  EXPECT_EQ(missing.code, kc::errc::missing_key_field);
  EXPECT_EQ(missing.detail, "key field \"time\" is missing");
  EXPECT_EQ(m.map("s", R"({"device_id":{"x":1},"time":1})").error().code, kc::errc::bad_key_field);
}

TEST(record_mapper, routes_by_shard)
{
  kc::record_mapper m(config("", R"(
[routing]
mode = "shard"
shards = { "shardId-000000000000" = "aaa", "shardId-000000000001" = "bbb" }
[tables.aaa]
hash_key = "id"
[tables.bbb]
hash_key = "id"
)"));
  EXPECT_EQ(m.tables()[m.map("shardId-000000000001", R"({"id":"x"})").value().table].name, "bbb");
  EXPECT_EQ(m.map("shardId-000000000009", R"({"id":"x"})").error().code, kc::errc::no_route);
}

TEST(record_mapper, routes_by_a_payload_field_with_a_default)
{
  kc::record_mapper m(config("", R"(
[routing]
mode = "field"
field = "measurement"
table = "other"
values = { temperature = "temps" }
[tables.temps]
hash_key = "id"
[tables.other]
hash_key = "id"
)"));
  EXPECT_EQ(m.tables()[m.map("s", R"({"id":"x","measurement":"temperature"})").value().table].name, "temps");
  EXPECT_EQ(m.tables()[m.map("s", R"({"id":"x","measurement":"humidity"})").value().table].name, "other");
  EXPECT_EQ(m.tables()[m.map("s", R"({"id":"x"})").value().table].name, "other");
}

TEST(record_mapper, a_non_numeric_counter_is_caught_before_it_can_fail_a_merge)
{
  kc::record_mapper m(config("", "[write]\nmode = \"merge\"\n[tables.readings]\nhash_key = \"id\"\ncounters = [\"n\"]\n"));
  EXPECT_TRUE(m.map("s", R"({"id":"x","n":2})"));
  EXPECT_TRUE(m.map("s", R"({"id":"x"})"));  // absent counts as 0
  EXPECT_EQ(m.map("s", R"({"id":"x","n":"two"})").error().code, kc::errc::bad_counter_field);
}
