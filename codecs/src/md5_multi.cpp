// Multi-buffer MD5: eight independent messages hashed in the eight 32-bit
// lanes of AVX2 registers. A single MD5 is latency-bound (each step waits
// for the previous one), so one core has room for several streams; the
// producer finishes all the aggregated records of a PutRecords request at
// once and gets them for little more than the cost of one.
#include <kinesys/codecs.hpp>

#include <immintrin.h>

#include <cstring>

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

constexpr int lanes = 8;

// Turns eight rows of eight words (one row per lane) into eight columns
// (one register per word index).
__attribute__((target("avx2"))) inline void transpose(__m256i r[8]) noexcept
{
  __m256i t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_epi32(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_epi32(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_unpacklo_epi64(t[i], t[i + 2]);
    u[i + 1] = _mm256_unpackhi_epi64(t[i], t[i + 2]);
    u[i + 2] = _mm256_unpacklo_epi64(t[i + 1], t[i + 3]);
    u[i + 3] = _mm256_unpackhi_epi64(t[i + 1], t[i + 3]);
  }
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x20);
    r[i + 4] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x31);
  }
}

// Hashes `blocks` 64-byte blocks of each lane's data into state[lane].
__attribute__((target("avx2"))) void blocks_x8(std::uint32_t state[lanes][4], unsigned char const* const p[lanes],
                                               std::size_t blocks) noexcept
{
  alignas(32) std::uint32_t in[4][lanes];
  for (int l = 0; l < lanes; ++l)
    for (int w = 0; w < 4; ++w) in[w][l] = state[l][w];
  __m256i a = _mm256_load_si256(reinterpret_cast<__m256i const*>(in[0]));
  __m256i b = _mm256_load_si256(reinterpret_cast<__m256i const*>(in[1]));
  __m256i c = _mm256_load_si256(reinterpret_cast<__m256i const*>(in[2]));
  __m256i d = _mm256_load_si256(reinterpret_cast<__m256i const*>(in[3]));
  __m256i const ones = _mm256_set1_epi32(-1);
  for (std::size_t blk = 0; blk < blocks; ++blk) {
    __m256i lo[lanes], hi[lanes];
    for (int l = 0; l < lanes; ++l) {
      lo[l] = _mm256_loadu_si256(reinterpret_cast<__m256i const*>(p[l] + blk * 64));
      hi[l] = _mm256_loadu_si256(reinterpret_cast<__m256i const*>(p[l] + blk * 64 + 32));
    }
    transpose(lo);
    transpose(hi);
    __m256i m[16];
    for (int i = 0; i < 8; ++i) {
      m[i] = lo[i];
      m[8 + i] = hi[i];
    }
    __m256i const a0 = a, b0 = b, c0 = c, d0 = d;
#define KINESYS_ROTL(x, s) _mm256_or_si256(_mm256_slli_epi32(x, s), _mm256_srli_epi32(x, 32 - (s)))
#define KINESYS_F1(x, y, z) _mm256_xor_si256(z, _mm256_and_si256(x, _mm256_xor_si256(y, z)))
#define KINESYS_F2(x, y, z) _mm256_or_si256(_mm256_and_si256(x, z), _mm256_andnot_si256(z, y))
#define KINESYS_F3(x, y, z) _mm256_xor_si256(_mm256_xor_si256(x, y), z)
#define KINESYS_F4(x, y, z) _mm256_xor_si256(y, _mm256_or_si256(x, _mm256_xor_si256(z, ones)))
#define KINESYS_STEP(f, w, x, y, z, i, k, s)                                                                        \
  w = _mm256_add_epi32(                                                                                             \
      KINESYS_ROTL(_mm256_add_epi32(_mm256_add_epi32(w, f(x, y, z)),                                                \
                                    _mm256_add_epi32(m[k], _mm256_set1_epi32(static_cast<int>(K[i])))), s), \
      x)
#define KINESYS_ROUND(f, i0, k0, k1, k2, k3, s0, s1, s2, s3) \
  KINESYS_STEP(f, a, b, c, d, i0, k0, s0);                  \
  KINESYS_STEP(f, d, a, b, c, i0 + 1, k1, s1);              \
  KINESYS_STEP(f, c, d, a, b, i0 + 2, k2, s2);              \
  KINESYS_STEP(f, b, c, d, a, i0 + 3, k3, s3)
    KINESYS_ROUND(KINESYS_F1, 0, 0, 1, 2, 3, 7, 12, 17, 22);
    KINESYS_ROUND(KINESYS_F1, 4, 4, 5, 6, 7, 7, 12, 17, 22);
    KINESYS_ROUND(KINESYS_F1, 8, 8, 9, 10, 11, 7, 12, 17, 22);
    KINESYS_ROUND(KINESYS_F1, 12, 12, 13, 14, 15, 7, 12, 17, 22);
    KINESYS_ROUND(KINESYS_F2, 16, 1, 6, 11, 0, 5, 9, 14, 20);
    KINESYS_ROUND(KINESYS_F2, 20, 5, 10, 15, 4, 5, 9, 14, 20);
    KINESYS_ROUND(KINESYS_F2, 24, 9, 14, 3, 8, 5, 9, 14, 20);
    KINESYS_ROUND(KINESYS_F2, 28, 13, 2, 7, 12, 5, 9, 14, 20);
    KINESYS_ROUND(KINESYS_F3, 32, 5, 8, 11, 14, 4, 11, 16, 23);
    KINESYS_ROUND(KINESYS_F3, 36, 1, 4, 7, 10, 4, 11, 16, 23);
    KINESYS_ROUND(KINESYS_F3, 40, 13, 0, 3, 6, 4, 11, 16, 23);
    KINESYS_ROUND(KINESYS_F3, 44, 9, 12, 15, 2, 4, 11, 16, 23);
    KINESYS_ROUND(KINESYS_F4, 48, 0, 7, 14, 5, 6, 10, 15, 21);
    KINESYS_ROUND(KINESYS_F4, 52, 12, 3, 10, 1, 6, 10, 15, 21);
    KINESYS_ROUND(KINESYS_F4, 56, 8, 15, 6, 13, 6, 10, 15, 21);
    KINESYS_ROUND(KINESYS_F4, 60, 4, 11, 2, 9, 6, 10, 15, 21);
#undef KINESYS_ROUND
#undef KINESYS_STEP
#undef KINESYS_F4
#undef KINESYS_F3
#undef KINESYS_F2
#undef KINESYS_F1
#undef KINESYS_ROTL
    a = _mm256_add_epi32(a, a0);
    b = _mm256_add_epi32(b, b0);
    c = _mm256_add_epi32(c, c0);
    d = _mm256_add_epi32(d, d0);
  }
  alignas(32) std::uint32_t out[4][lanes];
  _mm256_store_si256(reinterpret_cast<__m256i*>(out[0]), a);
  _mm256_store_si256(reinterpret_cast<__m256i*>(out[1]), b);
  _mm256_store_si256(reinterpret_cast<__m256i*>(out[2]), c);
  _mm256_store_si256(reinterpret_cast<__m256i*>(out[3]), d);
  for (int l = 0; l < lanes; ++l)
    for (int w = 0; w < 4; ++w) state[l][w] = out[w][l];
}

bool const have_avx2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}();

}  // namespace

void md5_many(std::span<std::string_view const> inputs, md5_digest* out) noexcept
{
  if (!have_avx2 || inputs.size() < 2) {
    for (std::size_t i = 0; i < inputs.size(); ++i) out[i] = md5(inputs[i]);
    return;
  }
  // Each lane hashes one input: first its whole 64-byte blocks in place,
  // then its padded tail (one or two blocks) from a scratch buffer, so even
  // short inputs such as partition keys share the vector work. All lanes
  // advance together by the smallest number of blocks any has left in its
  // current phase; a lane that is done takes the next input. An idle lane
  // reads another lane's data and its result is ignored.
  struct lane {
    std::size_t input = 0;
    unsigned char const* at = nullptr;
    std::size_t left = 0;  // blocks left in the current phase
    bool in_tail = false;
    bool busy = false;
  };
  lane ln[lanes];
  alignas(32) unsigned char tails[lanes][128];
  std::size_t tail_blocks[lanes];
  std::uint32_t state[lanes][4];
  unsigned char const* ptr[lanes];
  std::size_t next = 0;

  auto start = [&](int l) {
    if (next == inputs.size()) {
      ln[l].busy = false;
      return;
    }
    std::size_t i = next++;
    std::string_view in = inputs[i];
    std::size_t whole = in.size() / 64;
    std::size_t rest = in.size() % 64;
    tail_blocks[l] = rest < 56 ? 1 : 2;
    unsigned char* t = tails[l];
    std::memset(t, 0, 128);
    std::memcpy(t, in.data() + whole * 64, rest);
    t[rest] = 0x80;
    std::uint64_t bits = static_cast<std::uint64_t>(in.size()) * 8;
    for (int b = 0; b < 8; ++b) t[tail_blocks[l] * 64 - 8 + b] = static_cast<unsigned char>(bits >> (8 * b));
    state[l][0] = 0x67452301;
    state[l][1] = 0xefcdab89;
    state[l][2] = 0x98badcfe;
    state[l][3] = 0x10325476;
    if (whole > 0)
      ln[l] = {i, reinterpret_cast<unsigned char const*>(in.data()), whole, false, true};
    else
      ln[l] = {i, t, tail_blocks[l], true, true};
  };
  auto finish_phase = [&](int l) {
    if (!ln[l].in_tail) {
      ln[l].at = tails[l];
      ln[l].left = tail_blocks[l];
      ln[l].in_tail = true;
      return;
    }
    md5_digest& d = out[ln[l].input];
    for (int w = 0; w < 4; ++w)
      for (int b = 0; b < 4; ++b) d[w * 4 + b] = static_cast<std::uint8_t>(state[l][w] >> (8 * b));
    start(l);
  };
  for (int l = 0; l < lanes; ++l) start(l);

  for (;;) {
    int busy = 0, any = -1;
    std::size_t step = ~std::size_t{0};
    for (int l = 0; l < lanes; ++l) {
      if (!ln[l].busy) continue;
      ++busy;
      any = l;
      step = std::min(step, ln[l].left);
    }
    if (busy == 0) return;
    if (busy == 1) {
      // One stream left: the scalar code is faster than a single AVX2 lane.
      md5_blocks(state[any], ln[any].at, ln[any].left);
      ln[any].left = 0;
      finish_phase(any);
      continue;
    }
    for (int l = 0; l < lanes; ++l) ptr[l] = ln[l].busy ? ln[l].at : ln[any].at;
    blocks_x8(state, ptr, step);
    for (int l = 0; l < lanes; ++l) {
      if (!ln[l].busy) continue;
      ln[l].at += step * 64;
      ln[l].left -= step;
      if (ln[l].left == 0) finish_phase(l);
    }
  }
}

}  // namespace kinesys::codecs::detail
