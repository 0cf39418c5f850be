#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

namespace codecs = kinesys::codecs;
using codecs::attribute_value;
using codecs::errc;

TEST(document, maps_a_telemetry_event_to_an_item_with_exact_numbers)
{
  auto it = codecs::document_to_item(
      R"({"device_id": 1, "time": "2022-01-01 00:01:00", "measurement": "temperature", "value": 76.10,
          "big": 123456789012345678901234567890, "ok": true, "none": null, "tags": ["a", 2, {"x": []}]})");
  ASSERT_TRUE(it) << it.error().message();
  EXPECT_EQ(it->at("device_id"), attribute_value::number("1"));
  EXPECT_EQ(it->at("value"), attribute_value::number("76.10"));
  EXPECT_EQ(it->at("big"), attribute_value::number("123456789012345678901234567890"));
  EXPECT_EQ(it->at("time"), attribute_value("2022-01-01 00:01:00"));
  EXPECT_EQ(it->at("ok"), attribute_value(true));
  EXPECT_EQ(it->at("none"), attribute_value(codecs::null_value{}));
  auto const* tags = it->at("tags").get_if<codecs::attribute_list>();
  ASSERT_NE(tags, nullptr);
  ASSERT_EQ(tags->size(), 3u);
  EXPECT_EQ((*tags)[1], attribute_value::number("2"));
  EXPECT_EQ((*tags)[2].type(), codecs::attribute_type::m);
}

TEST(document, item_back_to_document_round_trips)
{
  std::string text = R"({"a":"x\n\"y\"","arr":[1,-2.5e+3,null,false,{"deep":[]}],"n":0.1,"obj":{}})";
  auto it = codecs::document_to_item(text);
  ASSERT_TRUE(it);
  EXPECT_EQ(codecs::item_to_document(*it), text);
}

TEST(document, writes_lossy_types_as_plain_json)
{
  codecs::item it{{"b", attribute_value::binary("hi")},
                  {"ns", codecs::number_set{{"+1", ".5"}}},
                  {"ss", codecs::string_set{{"q"}}}};
  EXPECT_EQ(codecs::item_to_document(it), R"({"b":"aGk=","ns":[1,0.5],"ss":["q"]})");
}

TEST(document, rejects_non_objects_bad_syntax_and_out_of_range_numbers)
{
  EXPECT_EQ(codecs::document_to_item("[1]").error(), errc::json_wrong_type);
  EXPECT_FALSE(codecs::document_to_item(R"({"a":})"));
  EXPECT_FALSE(codecs::document_to_item(R"({"a":1} {})"));
  EXPECT_FALSE(codecs::document_to_item(R"({"a":01})"));
  auto r = codecs::document_to_item(R"({"a":1e999})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::number_out_of_range);
  EXPECT_EQ(r.error().offset, 5u);
}

TEST(document, refuses_documents_nested_deeper_than_dynamodb_allows)
{
  std::string deep = R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_EQ(codecs::document_to_item(deep).error(), errc::json_too_deep);
}

// Found by the attribute_value fuzz target: a malformed null used to throw
// out of simdjson instead of coming back as an error.
TEST(document, a_malformed_null_is_an_error_not_an_exception)
{
  EXPECT_FALSE(codecs::document_to_item(R"({"tags": ["a", null": 1]})"));
  EXPECT_FALSE(codecs::document_to_item(R"({"a": nul})"));
  EXPECT_FALSE(codecs::document_to_item(R"({"a": nullx})"));
  EXPECT_TRUE(codecs::document_to_item(R"({"a": null})"));
}

TEST(document, every_truncation_of_a_document_is_an_error)
{
  std::string text = R"({"device_id": 1, "time": "2022-01-01 00:01:00", "value": 76.1, "tags": ["a", null, {"x": true}]})";
  for (std::size_t n = 0; n < text.size(); ++n) EXPECT_FALSE(codecs::document_to_item(text.substr(0, n))) << n;
  EXPECT_TRUE(codecs::document_to_item(text));
}
