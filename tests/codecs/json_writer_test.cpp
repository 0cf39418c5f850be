// Test that header file is self-contained.
#include <kinesys/detail/codecs/json_writer.hpp>

#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

#include <limits>

namespace codecs = kinesys::codecs;
using namespace std::string_literals;

TEST(json_writer, writes_nested_objects_and_arrays_with_commas_in_the_right_places)
{
  std::string out;
  codecs::json_writer w(out);
  w.begin_object()
      .member("StreamName", "s1")
      .key("Records")
      .begin_array()
      .begin_object()
      .member("PartitionKey", "k")
      .key("Data")
      .base64_string("hi")
      .end_object()
      .begin_object()
      .end_object()
      .end_array()
      .member("Limit", 500)
      .key("Empty")
      .begin_array()
      .end_array()
      .key("flag")
      .boolean(false)
      .key("nothing")
      .null()
      .end_object();
  EXPECT_EQ(out, R"({"StreamName":"s1","Records":[{"PartitionKey":"k","Data":"aGk="},{}],"Limit":500,"Empty":[],"flag":false,"nothing":null})");
}

TEST(json_writer, escapes_quotes_backslashes_and_every_control_character)
{
  std::string out;
  codecs::append_json_string(out, "a\"b\\c\b\f\n\r\t"s + '\0' + "\x01\x1f\x7f");
  EXPECT_EQ(out, R"("a\"b\\c\b\f\n\r\t\u0000\u0001\u001f)" "\x7f\"");
}

TEST(json_writer, passes_utf8_through_unchanged)
{
  std::string out;
  codecs::append_json_string(out, "température 😀 /slash");
  EXPECT_EQ(out, "\"température 😀 /slash\"");
}

TEST(json_writer, writes_integer_extremes_and_raw_numbers)
{
  std::string out;
  codecs::json_writer w(out);
  w.begin_array()
      .number(std::numeric_limits<std::int64_t>::min())
      .number(std::numeric_limits<std::uint64_t>::max())
      .raw_number("76.1")
      .raw_value(R"({"x":1})")
      .end_array();
  EXPECT_EQ(out, R"([-9223372036854775808,18446744073709551615,76.1,{"x":1}])");
}

TEST(json_writer, appends_to_existing_content_and_output_parses_with_simdjson)
{
  std::string out = "prefix:";
  codecs::json_writer w(out);
  w.begin_object().member("k\n", "v\x01").end_object();
  EXPECT_EQ(out.substr(0, 7), "prefix:");
  std::string body = out.substr(7);
  auto& parser = codecs::thread_json_parser();
  auto doc = parser.iterate(codecs::padded(body));
  // simdjson's operator[] compares escaped keys, so read the member instead.
  simdjson::ondemand::object o;
  ASSERT_EQ(doc.get_object().get(o), simdjson::SUCCESS);
  for (auto member : o) {
    simdjson::ondemand::field f;
    ASSERT_EQ(std::move(member).get(f), simdjson::SUCCESS);
    EXPECT_EQ(std::string_view(f.unescaped_key()), "k\n");
    EXPECT_EQ(std::string_view(f.value().get_string()), "v\x01");
  }
}
