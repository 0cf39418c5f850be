#include "md5.hpp"

#include <kinesys/codecs.hpp>

#include <bit>
#include <cstring>

static_assert(std::endian::native == std::endian::little, "MD5 words are read as little-endian integers");

namespace kinesys::codecs::detail {
namespace {

constexpr std::uint32_t K[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

inline std::uint32_t rotl(std::uint32_t x, int s) noexcept { return (x << s) | (x >> (32 - s)); }
inline std::uint32_t f1(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept { return z ^ (x & (y ^ z)); }
// The two terms never share a set bit, so '+' equals '|' and lets the
// compiler fold it into the additions of the step.
inline std::uint32_t f2(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept { return (x & z) + (y & ~z); }
inline std::uint32_t f3(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept { return x ^ y ^ z; }
inline std::uint32_t f4(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept { return y ^ (x | ~z); }

}  // namespace

void md5_blocks(std::uint32_t h[4], unsigned char const* p, std::size_t blocks) noexcept
{
  for (; blocks > 0; --blocks, p += 64) {
    std::uint32_t m[16];
    std::memcpy(m, p, 64);  // MD5 words are little-endian, as is x86-64
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
#define KINESYS_MD5_STEP(f, w, x, y, z, i, k, s) w = rotl(w + f(x, y, z) + m[k] + K[i], s) + x
#define KINESYS_MD5_ROUND(f, i0, k0, k1, k2, k3, s0, s1, s2, s3) \
  KINESYS_MD5_STEP(f, a, b, c, d, i0, k0, s0);                  \
  KINESYS_MD5_STEP(f, d, a, b, c, i0 + 1, k1, s1);              \
  KINESYS_MD5_STEP(f, c, d, a, b, i0 + 2, k2, s2);              \
  KINESYS_MD5_STEP(f, b, c, d, a, i0 + 3, k3, s3)
    KINESYS_MD5_ROUND(f1, 0, 0, 1, 2, 3, 7, 12, 17, 22);
    KINESYS_MD5_ROUND(f1, 4, 4, 5, 6, 7, 7, 12, 17, 22);
    KINESYS_MD5_ROUND(f1, 8, 8, 9, 10, 11, 7, 12, 17, 22);
    KINESYS_MD5_ROUND(f1, 12, 12, 13, 14, 15, 7, 12, 17, 22);
    KINESYS_MD5_ROUND(f2, 16, 1, 6, 11, 0, 5, 9, 14, 20);
    KINESYS_MD5_ROUND(f2, 20, 5, 10, 15, 4, 5, 9, 14, 20);
    KINESYS_MD5_ROUND(f2, 24, 9, 14, 3, 8, 5, 9, 14, 20);
    KINESYS_MD5_ROUND(f2, 28, 13, 2, 7, 12, 5, 9, 14, 20);
    KINESYS_MD5_ROUND(f3, 32, 5, 8, 11, 14, 4, 11, 16, 23);
    KINESYS_MD5_ROUND(f3, 36, 1, 4, 7, 10, 4, 11, 16, 23);
    KINESYS_MD5_ROUND(f3, 40, 13, 0, 3, 6, 4, 11, 16, 23);
    KINESYS_MD5_ROUND(f3, 44, 9, 12, 15, 2, 4, 11, 16, 23);
    KINESYS_MD5_ROUND(f4, 48, 0, 7, 14, 5, 6, 10, 15, 21);
    KINESYS_MD5_ROUND(f4, 52, 12, 3, 10, 1, 6, 10, 15, 21);
    KINESYS_MD5_ROUND(f4, 56, 8, 15, 6, 13, 6, 10, 15, 21);
    KINESYS_MD5_ROUND(f4, 60, 4, 11, 2, 9, 6, 10, 15, 21);
#undef KINESYS_MD5_ROUND
#undef KINESYS_MD5_STEP
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
  }
}

md5_digest md5_tail(std::uint32_t const h[4], std::string_view tail, std::uint64_t total_length) noexcept
{
  md5_context c;
  for (int i = 0; i < 4; ++i) c.h_[i] = h[i];
  c.length_ = total_length - tail.size();
  c.update(tail);
  return c.digest();
}

void md5_context::reset() noexcept
{
  h_[0] = 0x67452301;
  h_[1] = 0xefcdab89;
  h_[2] = 0x98badcfe;
  h_[3] = 0x10325476;
  length_ = 0;
  buffered_ = 0;
}

void md5_context::update(std::string_view data) noexcept
{
  // An empty input may come with a null data(), which memcpy must not see.
  if (data.empty()) return;
  auto const* p = reinterpret_cast<unsigned char const*>(data.data());
  std::size_t n = data.size();
  length_ += n;
  if (buffered_ > 0) {
    std::size_t take = std::min(n, 64 - buffered_);
    std::memcpy(buffer_ + buffered_, p, take);
    buffered_ += take;
    p += take;
    n -= take;
    if (buffered_ < 64) return;
    md5_blocks(h_, buffer_, 1);
    buffered_ = 0;
  }
  md5_blocks(h_, p, n / 64);
  p += n / 64 * 64;
  n %= 64;
  std::memcpy(buffer_, p, n);
  buffered_ = n;
}

void md5_context::finish_in_place() noexcept
{
  std::uint64_t bits = length_ * 8;
  unsigned char pad[72] = {0x80};
  std::size_t pad_len = (buffered_ < 56 ? 56 : 120) - buffered_;
  update(std::string_view(reinterpret_cast<char const*>(pad), pad_len));
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(bits >> (8 * i));
  update(std::string_view(reinterpret_cast<char const*>(len), 8));
}

md5_digest md5_context::digest() const noexcept
{
  md5_context c = *this;
  c.finish_in_place();
  md5_digest out;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) out[i * 4 + j] = static_cast<std::uint8_t>(c.h_[i] >> (8 * j));
  return out;
}

md5_digest md5(std::string_view data) noexcept
{
  md5_context c;
  c.update(data);
  return c.digest();
}

}  // namespace kinesys::codecs::detail

namespace kinesys::codecs {
md5_digest md5(std::string_view data) noexcept { return detail::md5(data); }
}  // namespace kinesys::codecs
