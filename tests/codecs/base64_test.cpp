// Test that header file is self-contained.
#include <kinesys/detail/codecs/base64.hpp>

#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

#include <random>

namespace codecs = kinesys::codecs;
using codecs::errc;

TEST(base64, encodes_rfc4648_test_vectors)
{
  EXPECT_EQ(codecs::base64_encode(""), "");
  EXPECT_EQ(codecs::base64_encode("f"), "Zg==");
  EXPECT_EQ(codecs::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(codecs::base64_encode("foo"), "Zm9v");
  EXPECT_EQ(codecs::base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(codecs::base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(codecs::base64_encode("foobar"), "Zm9vYmFy");
}

TEST(base64, vectorised_and_scalar_paths_agree_and_round_trip_every_length)
{
  std::mt19937 rng(7);
  std::string data;
  for (std::size_t n = 0; n < 300; ++n) {
    std::string scalar, fast = "x";
    codecs::base64_encode_scalar(scalar, data);
    codecs::base64_encode(fast, data);
    ASSERT_EQ(fast, "x" + scalar) << n;
    auto back = codecs::base64_decode(scalar);
    ASSERT_TRUE(back) << n;
    ASSERT_EQ(*back, data) << n;
    data.push_back(static_cast<char>(rng()));
  }
}

TEST(base64, round_trips_a_1_mib_record_of_every_byte_value)
{
  std::string data(1 << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + (i >> 8));
  auto text = codecs::base64_encode(data);
  EXPECT_EQ(text.size(), codecs::base64_encoded_size(data.size()));
  std::string out = "keep";
  ASSERT_TRUE(codecs::base64_decode(out, text));
  EXPECT_EQ(out.substr(0, 4), "keep");
  EXPECT_TRUE(out.substr(4) == data);
}

TEST(base64, rejects_a_bad_character_and_names_its_offset)
{
  auto r = codecs::base64_decode("Zm9vYm*y");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::base64_bad_character);
  EXPECT_EQ(r.error().offset, 6u);
  auto last = codecs::base64_decode("Zm9vY-==");
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error(), errc::base64_bad_character);
  EXPECT_EQ(last.error().offset, 5u);
  EXPECT_FALSE(codecs::base64_decode("Zm9v\nYmFy"));
}

TEST(base64, padding_is_strict)
{
  EXPECT_EQ(codecs::base64_decode("Zg").error(), errc::base64_bad_length);
  EXPECT_EQ(codecs::base64_decode("Zg=").error(), errc::base64_bad_length);
  EXPECT_EQ(codecs::base64_decode("Z===").error(), errc::base64_bad_padding);
  EXPECT_EQ(codecs::base64_decode("Zg==Zg==").error(), errc::base64_bad_padding);
  EXPECT_EQ(codecs::base64_decode("Zm=v").error(), errc::base64_bad_padding);
  // Unused bits of the last character must be zero: "Zh==" is not canonical.
  EXPECT_EQ(codecs::base64_decode("Zh==").error(), errc::base64_bad_padding);
  EXPECT_EQ(codecs::base64_decode("Zm9=").error(), errc::base64_bad_padding);
  EXPECT_TRUE(codecs::base64_decode("Zm8="));
}

TEST(base64, leaves_output_untouched_on_error)
{
  std::string out = "abc";
  EXPECT_FALSE(codecs::base64_decode(out, "Zm9vYmFy!!!!"));
  EXPECT_EQ(out, "abc");
}

TEST(base64, error_message_names_offset_and_field)
{
  auto r = codecs::base64_decode("ab#d");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("at byte 2"), std::string::npos) << r.error().message();
  boost::system::error_code ec = r.error();
  EXPECT_EQ(ec, errc::base64_bad_character);
}
