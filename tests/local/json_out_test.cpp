#include "common/json_out.hpp"

#include <gtest/gtest.h>

namespace kinesys::local {
namespace {

TEST(json_out, places_commas_and_nests)
{
  std::string s;
  json_out w(s);
  w.begin_object().key("a").number(1).key("b").begin_array().string("x").boolean(true).null().begin_object().end_object();
  w.end_array().key("c").begin_object().key("d").number(std::uint64_t{2}).end_object().end_object();
  EXPECT_EQ(s, R"({"a":1,"b":["x",true,null,{}],"c":{"d":2}})");
}

TEST(json_out, escapes_control_characters_quotes_and_backslashes_but_not_utf8)
{
  std::string s;
  json_out(s).string(std::string("q\"b\\n\n\t\x01 é", 11));
  EXPECT_EQ(s, "\"q\\\"b\\\\n\\n\\t\\u0001 \xC3\xA9\"");
}

TEST(json_out, writes_epoch_seconds_with_milliseconds)
{
  std::string s;
  json_out w(s);
  w.begin_array().epoch_seconds(1700000000123).epoch_seconds(1700000000000).epoch_seconds(1700000000500).end_array();
  EXPECT_EQ(s, "[1700000000.123,1700000000,1700000000.5]");
}

}  // namespace
}  // namespace kinesys::local
