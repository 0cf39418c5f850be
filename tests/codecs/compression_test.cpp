// Test that header file is self-contained.
#include <kinesys/detail/codecs/compression.hpp>

#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

#include <random>

namespace codecs = kinesys::codecs;
using codecs::compression_codec;
using codecs::errc;

namespace {

std::string telemetry(std::size_t bytes)
{
  std::string s;
  for (int i = 0; s.size() < bytes; ++i)
    s += R"({"device_id":)" + std::to_string(i % 100) + R"(,"time":"2022-01-01 00:)" + std::to_string(i % 60) +
         R"(:00","measurement":"temperature","value":)" + std::to_string(70 + i % 13) + ".1}\n";
  s.resize(bytes);
  return s;
}

std::string envelope(std::string_view data, compression_codec codec, int level = 3)
{
  std::string out;
  EXPECT_TRUE(codecs::compress(out, data, {codec, level}));
  return out;
}

}  // namespace

TEST(compression, round_trips_with_zstd_and_gzip_at_several_sizes)
{
  std::mt19937 rng(3);
  std::string random(100000, '\0');
  for (auto& c : random) c = static_cast<char>(rng());
  for (auto codec : {compression_codec::zstd, compression_codec::gzip}) {
    for (std::string const& data : {std::string(), std::string("x"), telemetry(64 * 1024), telemetry(1024 * 1024), random}) {
      auto env = envelope(data, codec);
      auto h = codecs::read_envelope_header(env);
      ASSERT_TRUE(h);
      EXPECT_EQ(h->codec, codec);
      EXPECT_EQ(h->uncompressed_size, data.size());
      std::string out = "pre";
      auto r = codecs::decompress(out, env);
      ASSERT_TRUE(r) << r.error().message();
      EXPECT_TRUE(out == "pre" + data);
    }
  }
}

TEST(compression, header_layout_is_magic_version_codec_and_little_endian_length)
{
  auto env = envelope(std::string(0x010203, 'a'), compression_codec::zstd);
  EXPECT_EQ(env.substr(0, 9), std::string_view("\xF5KZ\x01\x01\x03\x02\x01\x00", 9));
  auto gz = envelope("abc", compression_codec::gzip);
  EXPECT_EQ(gz[4], 2);
  // The payload of a gzip envelope is a plain gzip member.
  EXPECT_TRUE(codecs::is_gzip(std::string_view(gz).substr(9)));
}

TEST(compression, the_magic_is_distinct_from_kpl_json_gzip_and_zstd)
{
  EXPECT_FALSE(codecs::is_envelope("\xF3\x89\x9A\xC2"));
  EXPECT_FALSE(codecs::is_envelope("{\"a\":1}"));
  EXPECT_FALSE(codecs::is_envelope("\xEF\xBB\xBF{}"));
  EXPECT_FALSE(codecs::is_envelope("\x1f\x8b\x08"));
  EXPECT_FALSE(codecs::is_envelope("\x28\xb5\x2f\xfd"));
  EXPECT_FALSE(codecs::is_envelope(""));
  auto env = envelope("data", compression_codec::zstd);
  EXPECT_TRUE(codecs::is_envelope(env));
  EXPECT_FALSE(codecs::is_aggregated(env));
}

TEST(compression, zstd_levels_trade_size_for_speed)
{
  auto data = telemetry(256 * 1024);
  auto fast = envelope(data, compression_codec::zstd, 1);
  auto strong = envelope(data, compression_codec::zstd, 19);
  EXPECT_LT(strong.size(), fast.size());
  EXPECT_LT(fast.size(), data.size() / 4);
}

TEST(compression, refuses_a_declared_length_above_the_limit_before_decompressing)
{
  auto env = envelope(std::string(2 * 1024 * 1024, 'a'), compression_codec::zstd);
  std::string out;
  auto r = codecs::decompress(out, env, {.max_uncompressed = 1024 * 1024});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::envelope_too_large);
  EXPECT_TRUE(out.empty());
}

TEST(compression, a_header_that_lies_about_the_length_is_an_error_not_a_bomb)
{
  for (auto codec : {compression_codec::zstd, compression_codec::gzip}) {
    auto env = envelope(std::string(1 << 20, 'a'), codec);
    auto small = env;
    small[5] = 0x10, small[6] = 0, small[7] = 0, small[8] = 0;  // claims 16 bytes
    std::string out;
    auto r = codecs::decompress(out, small);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::envelope_length_mismatch);
    EXPECT_TRUE(out.empty());
    auto big = env;
    big[7] = 0x11;  // claims more than there is
    r = codecs::decompress(out, big);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::envelope_length_mismatch);
  }
}

TEST(compression, rejects_bad_version_codec_and_corrupt_payloads)
{
  auto env = envelope("some data that compresses", compression_codec::zstd);
  std::string out;
  auto v = env;
  v[3] = 2;
  EXPECT_EQ(codecs::decompress(out, v).error(), errc::envelope_bad_version);
  auto c = env;
  c[4] = 9;
  EXPECT_EQ(codecs::decompress(out, c).error(), errc::envelope_unknown_codec);
  EXPECT_EQ(codecs::decompress(out, env.substr(0, 5)).error(), errc::envelope_truncated);
  auto corrupt = env;
  corrupt[corrupt.size() - 3] ^= 0x55;
  EXPECT_FALSE(codecs::decompress(out, corrupt));
  std::string unknown;
  EXPECT_EQ(codecs::compress(unknown, "x", {static_cast<compression_codec>(7), 1}).error(), errc::envelope_unknown_codec);
  EXPECT_TRUE(out.empty());
}

TEST(compression, truncation_at_every_offset_is_an_error)
{
  for (auto codec : {compression_codec::zstd, compression_codec::gzip}) {
    auto env = envelope(telemetry(3000), codec);
    for (std::size_t n = 0; n < env.size(); ++n) {
      std::string out;
      auto r = codecs::decompress(out, std::string_view(env).substr(0, n));
      EXPECT_FALSE(r) << n;
      EXPECT_TRUE(out.empty());
    }
  }
}

TEST(compression, gunzips_raw_gzip_records_and_stops_at_the_limit)
{
  auto data = telemetry(500000);
  std::string gz;
  ASSERT_TRUE(codecs::gzip(gz, data));
  ASSERT_TRUE(codecs::is_gzip(gz));
  std::string out;
  ASSERT_TRUE(codecs::gunzip(out, gz));
  EXPECT_TRUE(out == data);
  out.clear();
  auto r = codecs::gunzip(out, gz, {.max_uncompressed = 100000});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::envelope_too_large);
  EXPECT_TRUE(out.empty());
  // Exactly at the limit is fine.
  EXPECT_TRUE(codecs::gunzip(out, gz, {.max_uncompressed = data.size()}));
  // Two concatenated members decode as one stream.
  std::string two;
  ASSERT_TRUE(codecs::gzip(two, "ab"));
  ASSERT_TRUE(codecs::gzip(two, "cd"));
  out.clear();
  ASSERT_TRUE(codecs::gunzip(out, two));
  EXPECT_EQ(out, "abcd");
  for (std::size_t n = 0; n < two.size() / 2; ++n) EXPECT_FALSE(codecs::gunzip(out, std::string_view(two).substr(0, n))) << n;
}

TEST(compression, unwrap_passes_plain_data_through_and_opens_envelopes)
{
  std::string scratch;
  auto plain = codecs::unwrap("{\"a\":1}", scratch);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, "{\"a\":1}");
  auto env = envelope("{\"b\":2}", compression_codec::gzip);
  auto opened = codecs::unwrap(env, scratch);
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "{\"b\":2}");
  std::string gz;
  ASSERT_TRUE(codecs::gzip(gz, "raw"));
  EXPECT_EQ(*codecs::unwrap(gz, scratch), gz);
  EXPECT_EQ(*codecs::unwrap(gz, scratch, {}, true), "raw");
}
