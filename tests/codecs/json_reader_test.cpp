// Test that header file is self-contained.
#include <kinesys/detail/codecs/json_reader.hpp>

#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

namespace codecs = kinesys::codecs;

TEST(json_reader, padded_reserves_simdjson_padding_without_changing_content)
{
  std::string body = R"({"a":[1,2,3]})";
  auto view = codecs::padded(body);
  EXPECT_EQ(std::string_view(view), R"({"a":[1,2,3]})");
  EXPECT_GE(body.capacity(), body.size() + simdjson::SIMDJSON_PADDING);
}

TEST(json_reader, number_text_keeps_the_exact_digits)
{
  std::string body = R"({"big": 123456789012345678901234567890.000100 , "small":-1e-5})";
  auto doc = codecs::thread_json_parser().iterate(codecs::padded(body));
  simdjson::ondemand::value v;
  ASSERT_EQ(doc["big"].get(v), simdjson::SUCCESS);
  auto t = codecs::json_number_text(v, "big");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, "123456789012345678901234567890.000100");
  ASSERT_EQ(doc["small"].get(v), simdjson::SUCCESS);
  EXPECT_EQ(*codecs::json_number_text(v, "small"), "-1e-5");
}

TEST(json_reader, strict_json_number_grammar)
{
  for (auto ok : {"0", "-0", "1", "10", "0.5", "-1.25e+10", "1E5", "2e-0"}) EXPECT_TRUE(codecs::is_json_number(ok)) << ok;
  for (auto bad : {"", "-", "01", "+1", ".5", "5.", "1e", "1e+", "NaN", "1.2.3", "0x10", "1 "})
    EXPECT_FALSE(codecs::is_json_number(bad)) << bad;
}

TEST(json_reader, maps_simdjson_errors_to_codec_errors)
{
  EXPECT_EQ(codecs::json_error(simdjson::INCORRECT_TYPE, 3, "x").code, codecs::errc::json_wrong_type);
  EXPECT_EQ(codecs::json_error(simdjson::TAPE_ERROR, 3, "x").code, codecs::errc::json_syntax);
  EXPECT_EQ(codecs::json_error(simdjson::DEPTH_ERROR, 3, "x").code, codecs::errc::json_too_deep);
}
