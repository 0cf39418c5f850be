#include <kinesys/codecs.hpp>

#include "md5.hpp"

namespace kinesys::codecs {

namespace {
uint128 big_endian(md5_digest const& d) noexcept
{
  uint128 v = 0;
  for (auto b : d) v = (v << 8) | b;
  return v;
}
}  // namespace

uint128 hash_key_of(std::string_view partition_key) noexcept { return big_endian(detail::md5(partition_key)); }

void hash_keys_of(std::span<std::string_view const> keys, uint128* out) noexcept
{
  constexpr std::size_t chunk = 64;
  md5_digest digests[chunk];
  for (std::size_t first = 0; first < keys.size(); first += chunk) {
    std::size_t n = std::min(chunk, keys.size() - first);
    detail::md5_many(keys.subspan(first, n), digests);
    for (std::size_t i = 0; i < n; ++i) out[first + i] = big_endian(digests[i]);
  }
}

void append_decimal(std::string& out, uint128 v)
{
  char buf[40];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + static_cast<unsigned>(v % 10));
    v /= 10;
  } while (v != 0);
  out.append(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

std::string to_decimal(uint128 v)
{
  std::string s;
  append_decimal(s, v);
  return s;
}

decode_result<uint128> parse_hash_key(std::string_view decimal)
{
  if (decimal.empty()) return decode_error{errc::hash_key_syntax, 0, "hash key (empty)"};
  uint128 v = 0;
  for (std::size_t i = 0; i < decimal.size(); ++i) {
    char c = decimal[i];
    if (c < '0' || c > '9') return decode_error{errc::hash_key_syntax, i, "hash key digit"};
    unsigned d = static_cast<unsigned>(c - '0');
    if (v > (max_hash_key - d) / 10) return decode_error{errc::hash_key_out_of_range, i, "hash key above 2^128-1"};
    v = v * 10 + d;
  }
  return v;
}

decode_result<hash_key_range> parse_hash_key_range(std::string_view starting, std::string_view ending)
{
  auto s = parse_hash_key(starting);
  if (!s) return decode_error{s.error().code, s.error().offset, "StartingHashKey"};
  auto e = parse_hash_key(ending);
  if (!e) return decode_error{e.error().code, e.error().offset, "EndingHashKey"};
  if (*s > *e) return decode_error{errc::hash_key_range_inverted, 0, "StartingHashKey > EndingHashKey"};
  return hash_key_range{*s, *e};
}

decode_result<void> validate_partition_key(std::string_view key)
{
  if (key.empty()) return decode_error{errc::partition_key_empty, 0, "PartitionKey (1 to 256 characters)"};
  std::size_t chars = 0;
  auto const* p = reinterpret_cast<unsigned char const*>(key.data());
  std::size_t n = key.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    std::size_t len;
    std::uint32_t cp;
    if (c < 0x80) { len = 1; cp = c; }
    else if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
    else return decode_error{errc::partition_key_bad_utf8, i, "PartitionKey UTF-8"};
    if (i + len > n) return decode_error{errc::partition_key_bad_utf8, i, "PartitionKey UTF-8 (truncated)"};
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return decode_error{errc::partition_key_bad_utf8, i + k, "PartitionKey UTF-8"};
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return decode_error{errc::partition_key_bad_utf8, i, "PartitionKey UTF-8"};
    i += len;
    if (++chars > 256) return decode_error{errc::partition_key_too_long, i - len, "PartitionKey (max 256 characters)"};
  }
  return {};
}

decode_result<void> validate_explicit_hash_key(std::string_view key)
{
  auto r = parse_hash_key(key);
  if (!r) return decode_error{r.error().code, r.error().offset, "ExplicitHashKey"};
  return {};
}

}  // namespace kinesys::codecs
