// Test that header file is self-contained.
#include <kinesys/detail/consumer/decimal.hpp>

#include <gtest/gtest.h>

namespace kc = kinesys::consumer;

namespace {
std::string sum(std::initializer_list<char const*> values)
{
  kc::decimal total;
  for (auto const* v : values) {
    auto d = kc::decimal::parse(v);
    EXPECT_TRUE(d) << v;
    EXPECT_TRUE(total.add(*d)) << v;
  }
  return total.to_string();
}
}  // namespace

TEST(decimal, adds_exactly_where_a_double_would_not)
{
  EXPECT_EQ(sum({"0.1", "0.2"}), "0.3");
  EXPECT_EQ(sum({"1", "2", "3"}), "6");
  EXPECT_EQ(sum({"-5", "2.50"}), "-2.5");
  EXPECT_EQ(sum({"1e3", "1E-2"}), "1000.01");
  EXPECT_EQ(sum({"12345678901234567890123456789012345678", "1"}), "12345678901234567890123456789012345679");
}

TEST(decimal, zero_has_one_spelling)
{
  EXPECT_EQ(sum({}), "0");
  EXPECT_EQ(sum({"1.5", "-1.50"}), "0");
  EXPECT_EQ(kc::decimal::parse("-0.000").value().to_string(), "0");
}

TEST(decimal, parse_canonicalises_equal_numbers)
{
  EXPECT_EQ(kc::decimal::parse("1.0").value().to_string(), "1");
  EXPECT_EQ(kc::decimal::parse("1e0").value().to_string(), "1");
  EXPECT_EQ(kc::decimal::parse("0010").value().to_string(), "10");
  EXPECT_EQ(kc::decimal::parse("0.0100").value().to_string(), "0.01");
}

TEST(decimal, refuses_what_38_digits_cannot_hold)
{
  EXPECT_FALSE(kc::decimal::parse("123456789012345678901234567890123456789"));
  EXPECT_FALSE(kc::decimal::parse("1e40"));
  auto big = kc::decimal::parse("99999999999999999999999999999999999999").value();
  auto one = kc::decimal::parse("1").value();
  auto before = big.to_string();
  EXPECT_FALSE(big.add(one));
  EXPECT_EQ(big.to_string(), before);  // unchanged on overflow
}

TEST(decimal, refuses_malformed_text)
{
  for (auto const* s : {"", "-", "abc", "1.2.3", "1e", "1x", "--1", "."}) EXPECT_FALSE(kc::decimal::parse(s)) << s;
}
