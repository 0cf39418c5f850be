#include <kinesys/codecs.hpp>

#include <array>
#include <cstdint>
#include <cstring>

#include <immintrin.h>

namespace kinesys::codecs {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Two output characters per 12 input bits: one load replaces two shifts,
// masks and lookups, which is what makes the scalar path fast.
struct pair_table {
  std::array<std::uint16_t, 4096> v{};
  constexpr pair_table()
  {
    for (unsigned i = 0; i < 4096; ++i) {
      auto lo = static_cast<unsigned char>(alphabet[i >> 6]);
      auto hi = static_cast<unsigned char>(alphabet[i & 63]);
      // little-endian: the first character goes in the low byte
      v[i] = static_cast<std::uint16_t>(lo | (hi << 8));
    }
  }
};
constexpr pair_table pairs;

// Decoding tables: character -> its 6 bits already shifted into place for
// position 0..3 of a 4-character group (bytes in output order, little-endian
// word), or `bad` which no valid combination can produce.
constexpr std::uint32_t bad = 0x01000000;
struct decode_tables {
  std::array<std::uint32_t, 256> d[4]{};
  constexpr decode_tables()
  {
    for (auto& t : d) t.fill(bad);
    for (unsigned i = 0; i < 64; ++i) {
      auto c = static_cast<unsigned char>(alphabet[i]);
      // 24-bit group: aaaaaabb bbbbcccc ccdddddd, stored byte0 = first.
      d[0][c] = i << 2;
      d[1][c] = ((i >> 4) & 0x03) | ((i & 0x0f) << 12);
      d[2][c] = ((i >> 2) & 0x0f) << 8 | ((i & 0x03) << 22);
      d[3][c] = i << 16;
    }
  }
};
constexpr decode_tables dec;

inline void encode_tail(char* o, unsigned char const* p, std::size_t rest)
{
  if (rest == 1) {
    o[0] = alphabet[p[0] >> 2];
    o[1] = alphabet[(p[0] & 0x03) << 4];
    o[2] = '=';
    o[3] = '=';
  } else if (rest == 2) {
    o[0] = alphabet[p[0] >> 2];
    o[1] = alphabet[((p[0] & 0x03) << 4) | (p[1] >> 4)];
    o[2] = alphabet[(p[1] & 0x0f) << 2];
    o[3] = '=';
  }
}

// Encodes whole 3-byte groups; returns how many input bytes were consumed.
std::size_t encode_scalar_groups(char* o, unsigned char const* p, std::size_t n)
{
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3, o += 4) {
    std::uint32_t w = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    std::uint16_t a = pairs.v[w >> 12];
    std::uint16_t b = pairs.v[w & 0xfff];
    std::memcpy(o, &a, 2);
    std::memcpy(o + 2, &b, 2);
  }
  return i;
}

// AVX2 encoder (Muła's method): 24 input bytes -> 32 characters per step.
// Each 128-bit lane takes 12 bytes, spreads every 3-byte group over 4 bytes,
// isolates the four 6-bit fields with two multiplies, and maps 6-bit values
// to ASCII by adding a per-range offset chosen with a byte shuffle.
__attribute__((target("avx2"))) std::size_t encode_avx2_groups(char* o, unsigned char const* p, std::size_t n)
{
  std::size_t i = 0;
  const __m256i spread = _mm256_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,
                                          1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
  const __m256i offsets = _mm256_setr_epi8(
      'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
      '0' - 52, '+' - 62, '/' - 63, 'A', 0, 0,
      'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
      '0' - 52, '+' - 62, '/' - 63, 'A', 0, 0);
  // Two 16-byte loads read 28 bytes, of which 24 are used.
  for (; i + 28 <= n; i += 24, o += 32) {
    __m128i lo = _mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i));
    __m128i hi = _mm_loadu_si128(reinterpret_cast<__m128i const*>(p + i + 12));
    __m256i in = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    in = _mm256_shuffle_epi8(in, spread);
    __m256i ac = _mm256_mulhi_epu16(_mm256_and_si256(in, _mm256_set1_epi32(0x0fc0fc00)),
                                    _mm256_set1_epi32(0x04000040));
    __m256i bd = _mm256_mullo_epi16(_mm256_and_si256(in, _mm256_set1_epi32(0x003f03f0)),
                                    _mm256_set1_epi32(0x01000010));
    __m256i six = _mm256_or_si256(ac, bd);
    // Range index: 0 for 26..51, 1..12 for 52..63, 13 for 0..25.
    __m256i idx = _mm256_subs_epu8(six, _mm256_set1_epi8(51));
    __m256i upper = _mm256_cmpgt_epi8(_mm256_set1_epi8(26), six);
    idx = _mm256_or_si256(idx, _mm256_and_si256(upper, _mm256_set1_epi8(13)));
    __m256i chars = _mm256_add_epi8(six, _mm256_shuffle_epi8(offsets, idx));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), chars);
  }
  return i;
}

using groups_fn = std::size_t (*)(char*, unsigned char const*, std::size_t);

groups_fn pick_encoder() noexcept
{
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? encode_avx2_groups : encode_scalar_groups;
}
groups_fn const encoder = pick_encoder();

void encode_with(groups_fn groups, std::string& out, std::string_view bytes)
{
  std::size_t const old = out.size();
  out.resize(old + base64_encoded_size(bytes.size()));
  char* o = out.data() + old;
  auto const* p = reinterpret_cast<unsigned char const*>(bytes.data());
  std::size_t n = bytes.size();
  std::size_t done = groups(o, p, n);
  o += done / 3 * 4;
  done += encode_scalar_groups(o, p + done, n - done);
  o = out.data() + old + done / 3 * 4;
  encode_tail(o, p + done, n - done);
}

}  // namespace

void base64_encode(std::string& out, std::string_view bytes) { encode_with(encoder, out, bytes); }
void base64_encode_scalar(std::string& out, std::string_view bytes) { encode_with(encode_scalar_groups, out, bytes); }

std::string base64_encode(std::string_view bytes)
{
  std::string s;
  base64_encode(s, bytes);
  return s;
}

char const* base64_implementation() noexcept { return encoder == encode_avx2_groups ? "avx2" : "scalar"; }

decode_result<void> base64_decode(std::string& out, std::string_view text)
{
  std::size_t const n = text.size();
  if (n % 4 != 0) return decode_error{errc::base64_bad_length, n, "base64 length"};
  if (n == 0) return {};
  auto const* p = reinterpret_cast<unsigned char const*>(text.data());
  std::size_t pad = p[n - 1] == '=' ? (p[n - 2] == '=' ? 2 : 1) : 0;
  std::size_t const old = out.size();
  std::size_t const full = (n - 4) / 4;  // groups before the last one
  // One spare byte: every group stores 4 bytes and advances by 3.
  out.resize(old + full * 3 + 4);
  char* o = out.data() + old;

  auto fail = [&](std::size_t group, errc e) -> decode_error {
    out.resize(old);
    std::size_t at = group * 4;
    for (std::size_t k = 0; k < 4; ++k)
      if (dec.d[0][p[at + k]] == bad)
        return p[at + k] == '=' ? decode_error{errc::base64_bad_padding, at + k, "base64 '=' before the end"}
                                : decode_error{e, at + k, "base64 character"};
    return {e, at, "base64 character"};
  };

  for (std::size_t g = 0; g < full; ++g) {
    unsigned char const* q = p + g * 4;
    std::uint32_t w = dec.d[0][q[0]] | dec.d[1][q[1]] | dec.d[2][q[2]] | dec.d[3][q[3]];
    if (w >= bad) return fail(g, errc::base64_bad_character);
    std::memcpy(o, &w, 4);
    o += 3;
  }

  // Last group: may carry padding, whose bits must be unused.
  unsigned char const* q = p + full * 4;
  if (pad == 0) {
    std::uint32_t w = dec.d[0][q[0]] | dec.d[1][q[1]] | dec.d[2][q[2]] | dec.d[3][q[3]];
    if (w >= bad) return fail(full, errc::base64_bad_character);
    std::memcpy(o, &w, 4);
    out.resize(old + full * 3 + 3);
    return {};
  }
  std::uint32_t w = dec.d[0][q[0]] | dec.d[1][q[1]];
  if (pad == 1) w |= dec.d[2][q[2]];
  if (w >= bad) {
    out.resize(old);
    for (std::size_t k = 0; k < 4 - pad; ++k)
      if (dec.d[0][q[k]] == bad)
        return q[k] == '=' ? decode_error{errc::base64_bad_padding, full * 4 + k, "base64 '=' before the end"}
                           : decode_error{errc::base64_bad_character, full * 4 + k, "base64 character"};
    return decode_error{errc::base64_bad_character, full * 4, "base64 character"};
  }
  // Bits that fall past the last output byte must be zero (canonical form).
  std::size_t const bytes_out = 3 - pad;
  std::uint32_t const spill = pad == 2 ? (w & 0xff00u) : (w & 0xff0000u);
  if (spill != 0) {
    out.resize(old);
    return decode_error{errc::base64_bad_padding, full * 4 + 3 - pad, "base64 unused bits"};
  }
  std::memcpy(o, &w, 4);
  out.resize(old + full * 3 + bytes_out);
  return {};
}

decode_result<std::string> base64_decode(std::string_view text)
{
  std::string s;
  if (auto r = base64_decode(s, text); !r) return r.error();
  return s;
}

}  // namespace kinesys::codecs
