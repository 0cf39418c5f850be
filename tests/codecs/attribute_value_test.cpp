// Test that header file is self-contained.
#include <kinesys/detail/codecs/attribute_value.hpp>

#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

namespace codecs = kinesys::codecs;
using codecs::attribute_value;
using codecs::errc;

namespace {
codecs::item every_type()
{
  return codecs::item{
      {"s", attribute_value("héllo \"quoted\"\n")},
      {"n", attribute_value::number("123456789012345678901234567890.12345678")},
      {"b", attribute_value::binary(std::string("\0\xff\x10", 3))},
      {"t", attribute_value(true)},
      {"z", attribute_value(codecs::null_value{})},
      {"m", attribute_value(codecs::attribute_map{{"inner", attribute_value("x")}, {"e", codecs::attribute_map{}}})},
      {"l", attribute_value(codecs::attribute_list{attribute_value::number("1"), attribute_value("two"), codecs::attribute_list{}})},
      {"ss", attribute_value(codecs::string_set{{"a", "b"}})},
      {"ns", attribute_value(codecs::number_set{{"1", "-2.5", "1E+10"}})},
      {"bs", attribute_value(codecs::binary_set{{std::string("\x01", 1), std::string("\x02\x03", 2)}})},
  };
}
}  // namespace

TEST(attribute_value, every_type_round_trips_through_dynamodb_json)
{
  auto it = every_type();
  auto json = codecs::item_to_json(it);
  auto back = codecs::parse_item_json(json);
  ASSERT_TRUE(back) << back.error().message() << "\n" << json;
  EXPECT_EQ(*back, it);
}

TEST(attribute_value, writes_the_dynamodb_wire_shapes)
{
  codecs::item it{{"b", attribute_value::binary("hi")},
                  {"n", attribute_value::number("7")},
                  {"z", attribute_value(codecs::null_value{})},
                  {"l", codecs::attribute_list{attribute_value(false)}}};
  EXPECT_EQ(codecs::item_to_json(it), R"({"b":{"B":"aGk="},"l":{"L":[{"BOOL":false}]},"n":{"N":"7"},"z":{"NULL":true}})");
}

TEST(attribute_value, numbers_keep_every_digit)
{
  auto r = codecs::parse_item_json(R"({"n":{"N":"0.1000000000000000000000000000000000001"}})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->at("n").get_if<codecs::number_value>()->text, "0.1000000000000000000000000000000000001");
}

TEST(attribute_value, rejects_unknown_missing_or_extra_type_keys)
{
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{"X":"1"}})").error(), errc::attribute_value_bad_type);
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{}})").error(), errc::attribute_value_bad_type);
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{"S":"1","N":"1"}})").error(), errc::attribute_value_bad_type);
}

TEST(attribute_value, rejects_wrong_json_types_and_bad_payloads)
{
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{"S":1}})").error(), errc::json_wrong_type);
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{"N":"1x"}})").error(), errc::number_syntax);
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{"B":"***="}})").error(), errc::base64_bad_character);
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{"NULL":false}})").error(), errc::json_wrong_type);
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{"SS":[]}})").error(), errc::attribute_value_empty);
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{"SS":["x","x"]}})").error(), errc::attribute_value_duplicate_set_member);
  EXPECT_EQ(codecs::parse_item_json(R"({"a":{"NS":["1","y"]}})").error(), errc::number_syntax);
  EXPECT_FALSE(codecs::parse_item_json(R"({"a":{"S":"x"}} trailing)"));
  EXPECT_FALSE(codecs::parse_item_json(R"({"a":{"S":"x")"));
  EXPECT_FALSE(codecs::parse_item_json(R"([])"));
}

TEST(attribute_value, refuses_nesting_deeper_than_dynamodb_allows)
{
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += R"({"L":[)";
  deep += R"({"S":"x"})";
  for (int i = 0; i < 40; ++i) deep += "]}";
  EXPECT_EQ(codecs::parse_item_json(R"({"a":)" + deep + "}").error(), errc::json_too_deep);
}

TEST(attribute_value, sets_compare_equal_regardless_of_order)
{
  EXPECT_EQ(attribute_value(codecs::string_set{{"a", "b"}}), attribute_value(codecs::string_set{{"b", "a"}}));
  EXPECT_NE(attribute_value(codecs::string_set{{"a", "b"}}), attribute_value(codecs::string_set{{"a", "c"}}));
  EXPECT_NE(attribute_value("1"), attribute_value::number("1"));
}

TEST(attribute_value, parses_an_attribute_value_inside_a_response_document)
{
  std::string body = R"({"Item":{"id":{"S":"d1"},"v":{"N":"76.1"}},"ConsumedCapacity":null})";
  auto doc = codecs::thread_json_parser().iterate(codecs::padded(body));
  simdjson::ondemand::object o;
  ASSERT_EQ(doc["Item"].get_object().get(o), simdjson::SUCCESS);
  auto it = codecs::parse_item(o);
  ASSERT_TRUE(it);
  EXPECT_EQ(*it->at("id").get_if<std::string>(), "d1");
  EXPECT_EQ(it->at("v").type(), codecs::attribute_type::n);
  EXPECT_EQ(codecs::type_key(it->at("v").type()), "N");
}

// Found by the attribute_value fuzz target: a key with a bad escape used to
// touch the key again after simdjson had consumed it.
TEST(attribute_value, a_key_with_an_invalid_escape_is_a_syntax_error)
{
  auto r = codecs::parse_item_json(R"({"k\nu\0000":{"S":"x"}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::json_syntax);
  EXPECT_EQ(r.error().offset, 2u);
  EXPECT_FALSE(codecs::parse_item_json(R"({"a":{"M":{"\q":{"S":"x"}}}})"));
  EXPECT_FALSE(codecs::document_to_item(R"({"k\0":1})"));
}

TEST(attribute_value, every_truncation_of_an_item_is_an_error)
{
  auto json = codecs::item_to_json(every_type());
  for (std::size_t n = 0; n < json.size(); ++n) EXPECT_FALSE(codecs::parse_item_json(json.substr(0, n))) << n;
  EXPECT_TRUE(codecs::parse_item_json(json));
}
