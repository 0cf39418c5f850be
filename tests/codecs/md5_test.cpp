// Test that header file is self-contained.
#include <kinesys/detail/codecs/md5.hpp>

#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>

namespace codecs = kinesys::codecs;

namespace {
std::string hex(codecs::md5_digest const& d)
{
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (auto b : d) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

codecs::md5_digest openssl_md5(std::string_view data)
{
  codecs::md5_digest d{};
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_md5(), nullptr);
  return d;
}
}  // namespace

TEST(md5, matches_the_rfc1321_test_suite)
{
  EXPECT_EQ(hex(codecs::md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex(codecs::md5("a")), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(hex(codecs::md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex(codecs::md5("message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(hex(codecs::md5("abcdefghijklmnopqrstuvwxyz")), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(hex(codecs::md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890")),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(md5, agrees_with_openssl_for_every_length_around_the_block_boundaries)
{
  std::mt19937 rng(11);
  std::string data;
  for (std::size_t n = 0; n < 300; ++n) {
    ASSERT_EQ(codecs::md5(data), openssl_md5(data)) << n;
    data.push_back(static_cast<char>(rng()));
  }
}

TEST(md5, streaming_in_uneven_pieces_equals_one_shot)
{
  std::mt19937 rng(5);
  std::string data(100000, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  codecs::detail::md5_context ctx;
  std::size_t at = 0;
  while (at < data.size()) {
    std::size_t n = std::min<std::size_t>(rng() % 200, data.size() - at);
    ctx.update(std::string_view(data).substr(at, n));
    at += n;
    if (rng() % 50 == 0) {
      ASSERT_EQ(ctx.digest(), openssl_md5(std::string_view(data).substr(0, at)));
    }
  }
  EXPECT_EQ(ctx.digest(), openssl_md5(data));
  EXPECT_EQ(ctx.digest(), codecs::md5(data));  // digest() leaves the context usable
}
