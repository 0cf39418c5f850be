#include "dynamo/value.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace kinesys::local::dynamo {
namespace {

TEST(attribute_value, sets_compare_without_order_and_numbers_by_value)
{
  attribute_value a, b;
  a.type = b.type = av_type::ns;
  a.set = {"1", "2.5"};
  b.set = {"2.5", "1"};
  EXPECT_TRUE(equal(a, b));
  EXPECT_TRUE(equal(attribute_value::number("1.5"), attribute_value::number("1.5")));
  EXPECT_FALSE(equal(attribute_value::number("1"), attribute_value::string("1")));
}

TEST(attribute_value, encoded_number_keys_sort_numerically)
{
  std::vector<std::string> texts = {"-100", "-2.5", "-2", "-0.001", "0", "0.001", "1", "1.5", "2", "10", "100", "1E+30"};
  std::vector<std::string> keys;
  for (auto const& t : texts) keys.push_back(encode_key(attribute_value::number(t == "1E+30" ? std::string("1") + std::string(30, '0') : t)));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end())) << "encoded keys out of order";
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

TEST(attribute_value, item_size_counts_names_and_values)
{
  item it;
  put(it, "pk", attribute_value::string("abc"));
  put(it, "n", attribute_value::number("12345"));
  EXPECT_EQ(item_size(it), 2u + 3 + 1 + 4);
  put(it, "pk", attribute_value::string("x"));
  EXPECT_EQ(it.size(), 2u);
  EXPECT_TRUE(remove_attribute(it, "n"));
  EXPECT_FALSE(remove_attribute(it, "n"));
}

TEST(attribute_value, describes_values_like_dynamodb_messages)
{
  EXPECT_EQ(describe(attribute_value::number("5")), "{N:5}");
  EXPECT_EQ(describe(attribute_value::string("a")), "{S:a}");
}

}  // namespace
}  // namespace kinesys::local::dynamo
