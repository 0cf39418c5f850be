#include "persist/frame.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace kinesys::local::persist {
namespace {

constexpr auto crc_table = [] {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;  // Castagnoli, reflected
    t[i] = c;
  }
  return t;
}();

std::uint32_t crc32c_table(std::string_view data, std::uint32_t crc) noexcept
{
  for (unsigned char b : data) crc = crc_table[(crc ^ b) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t crc32c_hw(std::string_view data, std::uint32_t crc) noexcept
{
  char const* p = data.data();
  std::size_t n = data.size();
  std::uint64_t c = crc;
  while (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  std::uint32_t c32 = static_cast<std::uint32_t>(c);
  while (n--) c32 = _mm_crc32_u8(c32, static_cast<unsigned char>(*p++));
  return c32;
}
#endif

}  // namespace

std::uint32_t crc32c(std::string_view data, std::uint32_t crc) noexcept
{
  crc = ~crc;
#if defined(__x86_64__)
  static bool const hw = __builtin_cpu_supports("sse4.2");
  crc = hw ? crc32c_hw(data, crc) : crc32c_table(data, crc);
#else
  crc = crc32c_table(data, crc);
#endif
  return ~crc;
}

void put_u16(std::string& out, std::uint16_t v)
{
  char b[2] = {static_cast<char>(v), static_cast<char>(v >> 8)};
  out.append(b, 2);
}

void put_u32(std::string& out, std::uint32_t v)
{
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 4);
}

void put_u64(std::string& out, std::uint64_t v)
{
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 8);
}

bool get_u16(std::string_view& in, std::uint16_t& v) noexcept
{
  if (in.size() < 2) return false;
  v = static_cast<std::uint16_t>(static_cast<unsigned char>(in[0]) | (static_cast<unsigned char>(in[1]) << 8));
  in.remove_prefix(2);
  return true;
}

bool get_u32(std::string_view& in, std::uint32_t& v) noexcept
{
  if (in.size() < 4) return false;
  v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
  in.remove_prefix(4);
  return true;
}

bool get_u64(std::string_view& in, std::uint64_t& v) noexcept
{
  if (in.size() < 8) return false;
  v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
  in.remove_prefix(8);
  return true;
}

bool get_bytes(std::string_view& in, std::size_t n, std::string_view& out) noexcept
{
  if (in.size() < n) return false;
  out = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

void append_frame(std::string& out, std::string_view payload)
{
  put_u32(out, static_cast<std::uint32_t>(payload.size()));
  put_u32(out, crc32c(payload));
  out.append(payload);
}

std::size_t read_frames(std::string_view data, std::function<void(std::string_view)> const& on_frame)
{
  std::size_t good = 0;
  std::string_view rest = data;
  for (;;) {
    std::string_view header = rest;
    std::uint32_t len = 0, crc = 0;
    if (!get_u32(header, len) || !get_u32(header, crc)) break;
    // No writer makes an empty frame, and eight zero bytes (what a power cut
    // leaves where a file grew but its data never reached the disk) would
    // otherwise pass: the CRC-32C of nothing is 0.
    if (len == 0 || len > max_frame_payload || header.size() < len) break;
    std::string_view payload = header.substr(0, len);
    if (crc32c(payload) != crc) break;
    on_frame(payload);
    good += frame_header_bytes + len;
    rest = header.substr(len);
  }
  return good;
}

}  // namespace kinesys::local::persist
