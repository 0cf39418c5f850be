// Test that header file is self-contained.
#include <kinesys/detail/consumer/position.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace kc = kinesys::consumer;

namespace {
kc::stream_position pos(std::string_view seq, std::uint64_t sub = 0) { return kc::stream_position::make(seq, sub).value(); }
}  // namespace

TEST(stream_position, compares_sequence_numbers_numerically_not_as_text)
{
  EXPECT_LT(pos("9"), pos("10"));
  EXPECT_LT(pos("49590338271490256608559692538361571095921575989136588898"),
            pos("49590338271490256608559692538361571095921575989136588899"));
  EXPECT_LT(pos("99"), pos("100"));
  EXPECT_EQ(pos("007"), pos("7"));
}

TEST(stream_position, orders_sub_sequence_within_one_sequence_number)
{
  EXPECT_LT(pos("5", 0), pos("5", 1));
  EXPECT_LT(pos("5", 99), pos("6", 0));
}

TEST(stream_position, rejects_non_decimal_and_overlong_sequence_numbers)
{
  EXPECT_FALSE(kc::stream_position::make(""));
  EXPECT_FALSE(kc::stream_position::make("12a"));
  EXPECT_FALSE(kc::stream_position::make("-1"));
  EXPECT_FALSE(kc::stream_position::make(std::string(81, '1')));
  EXPECT_TRUE(kc::stream_position::make(std::string(80, '1')));
  EXPECT_FALSE(kc::stream_position::make("1", kc::stream_position::max_sub_sequence + 1));
}

TEST(stream_position, encoding_orders_bytewise_like_positions)
{
  std::mt19937_64 rng(7);
  std::vector<kc::stream_position> ps;
  for (int i = 0; i < 2000; ++i) {
    auto len = 1 + rng() % 60;
    std::string s(1, char('1' + rng() % 9));
    while (s.size() < len) s.push_back(char('0' + rng() % 10));
    ps.push_back(pos(s, rng() % 5));
  }
  for (std::size_t i = 1; i < ps.size(); ++i) {
    auto a = ps[i - 1].encode(), b = ps[i].encode();
    EXPECT_EQ(ps[i - 1] < ps[i], a < b) << ps[i - 1].to_string() << " vs " << ps[i].to_string();
    EXPECT_EQ(ps[i - 1] == ps[i], a == b);
  }
}

TEST(stream_position, decode_inverts_encode)
{
  for (auto const* seq : {"0", "1", "63", "64", "4095", "49590338271490256608559692538361571095921575989136588898",
                          "99999999999999999999999999999999999999999999999999999999999999999999999999999999"})
    for (std::uint64_t sub : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{17}, kc::stream_position::max_sub_sequence}) {
      auto p = pos(seq, sub);
      EXPECT_EQ(kc::stream_position::decode(p.encode()).value(), p) << seq << "/" << sub;
    }
}

TEST(stream_position, the_encoding_is_compact)
{
  // Every item carries one: 38 characters for a 56-digit sequence number.
  EXPECT_EQ(pos("49590338271490256608559692538361571095921575989136588898", 2).encode().size(), 38u);
  EXPECT_EQ(pos("0").encode(), "/+" "++++++");  // one digit, zero; sub-sequence zero
}

TEST(stream_position, decode_rejects_malformed_text)
{
  EXPECT_FALSE(kc::stream_position::decode(""));
  EXPECT_FALSE(kc::stream_position::decode("0A"));          // two digits, no sub-sequence
  EXPECT_FALSE(kc::stream_position::decode("0+A++++++"));   // a leading zero digit would break the order
  EXPECT_FALSE(kc::stream_position::decode("0A!++++++"));   // not in the alphabet
  EXPECT_FALSE(kc::stream_position::decode("+++++++"));     // zero digits
  EXPECT_TRUE(kc::stream_position::decode("0A+++++++"));
}
