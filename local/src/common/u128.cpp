#include "common/u128.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace kinesys::local {

std::optional<u128> parse_u128(std::string_view text) noexcept
{
  if (text.empty() || text.size() > 39) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  u128 v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    unsigned d = static_cast<unsigned>(c - '0');
    if (v > (u128_max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

void append_u128(std::string& out, u128 v)
{
  char buf[40];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + static_cast<unsigned>(v % 10));
    v /= 10;
  } while (v != 0);
  out.append(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

std::string to_string_u128(u128 v)
{
  std::string s;
  append_u128(s, v);
  return s;
}

u128 partition_key_hash(std::string_view partition_key) noexcept
{
  unsigned char digest[16];
  unsigned int len = 0;
  EVP_Digest(partition_key.data(), partition_key.size(), digest, &len, EVP_md5(), nullptr);
  u128 v = 0;
  for (unsigned char b : digest) v = (v << 8) | b;
  return v;
}

std::size_t utf16_length(std::string_view utf8) noexcept
{
  // Every byte that is not a continuation byte starts a code point; code
  // points above U+FFFF (4-byte sequences) take two UTF-16 units.
  std::size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;
  }
  return n;
}

}  // namespace kinesys::local
