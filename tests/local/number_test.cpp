#include "dynamo/number.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace kinesys::local::dynamo {
namespace {

std::string canon(std::string_view s)
{
  auto n = number::parse(s);
  return n ? n->to_string() : "error: " + n.error().message;
}

int cmp(std::string_view a, std::string_view b) { return compare(*number::parse(a), *number::parse(b)); }

std::string sum(std::string_view a, std::string_view b)
{
  auto r = number::add(*number::parse(a), *number::parse(b));
  return r ? r->to_string() : "error: " + r.error().message;
}

TEST(dynamo_number, prints_the_canonical_form_dynamodb_answers_with)
{
  EXPECT_EQ(canon("1.50"), "1.5");
  EXPECT_EQ(canon("1E+2"), "100");
  EXPECT_EQ(canon("+007"), "7");
  EXPECT_EQ(canon("-0"), "0");
  EXPECT_EQ(canon("0.000"), "0");
  EXPECT_EQ(canon(".5"), "0.5");
  EXPECT_EQ(canon("5."), "5");
  EXPECT_EQ(canon("-1.2e-3"), "-0.0012");
  EXPECT_EQ(canon("12345678901234567890123456789012345678"), "12345678901234567890123456789012345678");
}

TEST(dynamo_number, refuses_what_dynamodb_refuses)
{
  EXPECT_EQ(canon("abc"), "error: The parameter cannot be converted to a numeric value");
  EXPECT_EQ(canon(""), "error: The parameter cannot be converted to a numeric value");
  EXPECT_EQ(canon("1e"), "error: The parameter cannot be converted to a numeric value");
  EXPECT_EQ(canon("123456789012345678901234567890123456789"), "error: Attempting to store more than 38 significant digits in a Number");
  EXPECT_EQ(canon("1E126"), "error: Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(canon("1E-131"), "error: Number underflow. Attempting to store a number with magnitude smaller than supported range");
  EXPECT_EQ(canon("9.9999999999999999999999999999999999999E+125"), "99999999999999999999999999999999999999" + std::string(88, '0'));
  EXPECT_EQ(canon("1000000000000000000000000000000000000000000"), "1000000000000000000000000000000000000000000");
}

TEST(dynamo_number, compares_exactly_without_doubles)
{
  EXPECT_EQ(cmp("1", "1.0"), 0);
  EXPECT_LT(cmp("2", "10"), 0);
  EXPECT_GT(cmp("-2", "-10"), 0);
  EXPECT_LT(cmp("-1", "0"), 0);
  EXPECT_GT(cmp("0.1", "0"), 0);
  // These differ only in the 38th digit: a double could not tell them apart.
  EXPECT_LT(cmp("12345678901234567890123456789012345678", "12345678901234567890123456789012345679"), 0);
  EXPECT_LT(cmp("1.2", "1.23"), 0);
  EXPECT_GT(cmp("1E10", "9999999999"), 0);
}

TEST(dynamo_number, adds_and_subtracts_exactly)
{
  EXPECT_EQ(sum("0.1", "0.2"), "0.3");
  EXPECT_EQ(sum("1", "-1"), "0");
  EXPECT_EQ(sum("-5", "3"), "-2");
  EXPECT_EQ(sum("99999999999999999999999999999999999999", "-1"), "99999999999999999999999999999999999998");
  EXPECT_EQ(sum("1E40", "-1E40"), "0");
  EXPECT_EQ(sum("99999999999999999999999999999999999999", "1"), "100000000000000000000000000000000000000");
  EXPECT_EQ(sum("1E40", "0.1"), "error: Attempting to store more than 38 significant digits in a Number");
  auto d = number::subtract(*number::parse("10"), *number::parse("0.5"));
  EXPECT_EQ(d->to_string(), "9.5");
}

}  // namespace
}  // namespace kinesys::local::dynamo

namespace kinesys::local::dynamo {
namespace {

TEST(dynamo_number, the_canonical_fast_path_agrees_with_the_full_parse)
{
  for (std::string t : std::vector<std::string>{"0", "-0", "7", "-7", "10", "1.5", "-1.25", "0.001", "-0.5", "1.50", "007", "0.0", "12.",
                        "123456789012345678901234567890123456789", "12345678901234567890123456789012345678",
                        "0." + std::string(129, '0') + "1", "0." + std::string(130, '0') + "1", "1" + std::string(125, '0'),
                        "1" + std::string(126, '0'), "99.990", "5e3", "+5"}) {
    auto fast = canonical_number(t);
    auto full = number::parse(t);
    ASSERT_EQ(static_cast<bool>(fast), static_cast<bool>(full)) << t;
    if (full) EXPECT_EQ(*fast, full->to_string()) << t;
    else EXPECT_EQ(fast.error().message, full.error().message) << t;
  }
}

}  // namespace
}  // namespace kinesys::local::dynamo
