#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

namespace codecs = kinesys::codecs;
using codecs::errc;

TEST(number, accepts_dynamodb_number_syntax)
{
  for (auto ok : {"0", "-0", "+5", ".5", "5.", "007", "1e3", "1E+125", "9.9999999999999999999999999999999999999E+125",
                  "1E-130", "-1E-130", "0.000e-999999", "12345678901234567890123456789012345678",
                  "1234567890123456789012345678901234567800000"})
    EXPECT_TRUE(codecs::validate_number(ok)) << ok;
}

TEST(number, rejects_non_numbers)
{
  for (auto bad : {"", "-", ".", "e5", "1e", "1e+", "0x1", "1 ", " 1", "NaN", "Infinity", "1.2.3", "--1"})
    EXPECT_EQ(codecs::validate_number(bad).error(), errc::number_syntax) << bad;
}

TEST(number, enforces_38_digits_and_the_magnitude_range)
{
  EXPECT_EQ(codecs::validate_number("123456789012345678901234567890123456789").error(), errc::number_out_of_range);
  EXPECT_EQ(codecs::validate_number("1E+126").error(), errc::number_out_of_range);
  EXPECT_EQ(codecs::validate_number("10E+125").error(), errc::number_out_of_range);
  EXPECT_EQ(codecs::validate_number("1E-131").error(), errc::number_out_of_range);
  EXPECT_EQ(codecs::validate_number("0.01E-129").error(), errc::number_out_of_range);
  EXPECT_EQ(codecs::validate_number("1e99999999999999999999").error(), errc::number_out_of_range);
}

TEST(number, converts_dynamodb_numbers_to_strict_json_keeping_digits)
{
  auto json = [](std::string_view n) {
    std::string s;
    codecs::append_number_as_json(s, n);
    return s;
  };
  EXPECT_EQ(json("+.5"), "0.5");
  EXPECT_EQ(json("007"), "7");
  EXPECT_EQ(json("5."), "5");
  EXPECT_EQ(json("-00.10"), "-0.10");
  EXPECT_EQ(json("1E+3"), "1E+3");
  EXPECT_EQ(json("123456789012345678901234567890"), "123456789012345678901234567890");
  for (auto n : {"+.5", "007", "5.", "-00.10", "1E+3"}) EXPECT_TRUE(codecs::is_json_number(json(n))) << n;
}
