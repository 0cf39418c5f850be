#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>

namespace codecs = kinesys::codecs;

namespace {
codecs::md5_digest openssl_md5(std::string_view data)
{
  codecs::md5_digest d{};
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_md5(), nullptr);
  return d;
}
}  // namespace

TEST(md5_multi, many_at_once_equals_one_by_one_for_mixed_lengths_and_counts)
{
  std::mt19937 rng(17);
  for (std::size_t count : {0u, 1u, 2u, 3u, 7u, 8u, 9u, 17u, 40u}) {
    std::vector<std::string> data(count);
    for (auto& d : data) {
      std::size_t len = rng() % 4 == 0 ? rng() % 5000 : rng() % 130;
      d.resize(len);
      for (auto& c : d) c = static_cast<char>(rng());
    }
    std::vector<std::string_view> views(data.begin(), data.end());
    std::vector<codecs::md5_digest> out(count);
    codecs::detail::md5_many(views, out.data());
    for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(out[i], openssl_md5(data[i])) << count << " " << i << " len " << data[i].size();
  }
}

TEST(md5_multi, many_at_once_handles_every_tail_length)
{
  std::vector<std::string> data;
  for (std::size_t len = 0; len < 200; ++len) data.push_back(std::string(len, static_cast<char>('a' + len % 26)));
  std::vector<std::string_view> views(data.begin(), data.end());
  std::vector<codecs::md5_digest> out(data.size());
  codecs::detail::md5_many(views, out.data());
  for (std::size_t i = 0; i < data.size(); ++i) ASSERT_EQ(out[i], openssl_md5(data[i])) << i;
}
