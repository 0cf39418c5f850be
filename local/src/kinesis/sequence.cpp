#include "kinesis/sequence.hpp"

#include <kinesys/detail/codecs/base64.hpp>

#include <charconv>
#include <cstdio>

namespace kinesys::local::kinesis {
namespace {

void append_padded(std::string& out, std::uint64_t v, int width)
{
  char buf[24];
  char* p = buf + sizeof buf;
  for (int i = 0; i < width; ++i) {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(p, static_cast<std::size_t>(width));
}

template <class T>
bool parse_digits(std::string_view s, T& out) noexcept
{
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

// FNV-1a: not a secret, only a guard against damaged or hand-made tokens.
std::uint64_t checksum(std::string_view s) noexcept
{
  std::uint64_t h = 0xcbf29ce484222325ull ^ 0x6b696e65737973ull;  // salted with "kinesys"
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

void append_sequence_number(std::string& out, sequence_parts const& p)
{
  out.append("49");
  append_padded(out, static_cast<std::uint64_t>(p.stream_epoch_ms), 13);
  append_padded(out, p.shard_ordinal, 10);
  append_padded(out, p.position, 20);
}

std::string sequence_prefix(std::int64_t stream_epoch_ms, std::uint32_t shard_ordinal)
{
  std::string s = "49";
  append_padded(s, static_cast<std::uint64_t>(stream_epoch_ms), 13);
  append_padded(s, shard_ordinal, 10);
  return s;
}

void append_sequence_number(std::string& out, std::string_view prefix, std::uint64_t position)
{
  char digits[20];
  auto end = std::to_chars(digits, digits + sizeof digits, position).ptr;
  auto const n = static_cast<std::size_t>(end - digits);
  out.append(prefix);
  out.append(20 - n, '0');
  out.append(digits, n);
}

std::string format_sequence_number(sequence_parts const& p)
{
  std::string s;
  s.reserve(sequence_number_digits);
  append_sequence_number(s, p);
  return s;
}

std::optional<sequence_parts> parse_sequence_number(std::string_view text) noexcept
{
  if (text.size() != sequence_number_digits || text.substr(0, 2) != "49") return std::nullopt;
  sequence_parts p;
  std::uint64_t epoch = 0, ordinal = 0;
  if (!parse_digits(text.substr(2, 13), epoch) || !parse_digits(text.substr(15, 10), ordinal) ||
      !parse_digits(text.substr(25, 20), p.position))
    return std::nullopt;
  if (ordinal > 0xffffffffu) return std::nullopt;
  p.stream_epoch_ms = static_cast<std::int64_t>(epoch);
  p.shard_ordinal = static_cast<std::uint32_t>(ordinal);
  return p;
}

std::string shard_id(std::uint32_t ordinal)
{
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "shardId-%012u", ordinal);
  return std::string(buf, static_cast<std::size_t>(n));
}

std::optional<std::uint32_t> parse_shard_id(std::string_view id) noexcept
{
  constexpr std::string_view prefix = "shardId-";
  if (id.substr(0, prefix.size()) == prefix) id.remove_prefix(prefix.size());
  if (id.empty() || id.size() > 12) return std::nullopt;
  std::uint64_t v = 0;
  if (!parse_digits(id, v) || v > 0x7fffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

std::string encode_token(std::string_view payload)
{
  std::string framed(payload);
  char buf[20];
  int n = std::snprintf(buf, sizeof buf, "/%016llx", static_cast<unsigned long long>(checksum(payload)));
  framed.append(buf, static_cast<std::size_t>(n));
  return codecs::base64_encode(framed);
}

std::optional<std::string> decode_token(std::string_view token)
{
  auto raw = codecs::base64_decode(token);
  if (!raw) return std::nullopt;
  std::string& s = *raw;
  if (s.size() < 17 || s[s.size() - 17] != '/') return std::nullopt;
  std::string_view payload(s.data(), s.size() - 17);
  std::uint64_t sum = 0;
  auto hex = std::string_view(s).substr(s.size() - 16);
  auto r = std::from_chars(hex.data(), hex.data() + hex.size(), sum, 16);
  if (r.ec != std::errc{} || r.ptr != hex.data() + hex.size() || sum != checksum(payload)) return std::nullopt;
  return std::string(payload);
}

std::string encode_iterator(iterator_parts const& p)
{
  // The stream name goes last: it may contain '.', '-' and '_' but never '/'.
  std::string payload = "i1/";
  payload += std::to_string(p.stream_epoch_ms);
  payload += '/';
  payload += std::to_string(p.shard_ordinal);
  payload += '/';
  payload += std::to_string(p.position);
  payload += '/';
  payload += std::to_string(p.created_ms);
  payload += '/';
  payload += p.stream_name;
  return encode_token(payload);
}

std::optional<iterator_parts> decode_iterator(std::string_view text)
{
  auto payload = decode_token(text);
  if (!payload) return std::nullopt;
  std::string_view s = *payload;
  if (s.substr(0, 3) != "i1/") return std::nullopt;
  s.remove_prefix(3);
  auto next = [&s](std::string_view& field) {
    auto slash = s.find('/');
    if (slash == std::string_view::npos) return false;
    field = s.substr(0, slash);
    s.remove_prefix(slash + 1);
    return true;
  };
  std::string_view epoch, ordinal, position, created;
  if (!next(epoch) || !next(ordinal) || !next(position) || !next(created) || s.empty()) return std::nullopt;
  iterator_parts p;
  std::uint64_t ord = 0;
  if (!parse_digits(epoch, p.stream_epoch_ms) || !parse_digits(ordinal, ord) || ord > 0xffffffffu ||
      !parse_digits(position, p.position) || !parse_digits(created, p.created_ms))
    return std::nullopt;
  p.shard_ordinal = static_cast<std::uint32_t>(ord);
  p.stream_name = std::string(s);
  return p;
}

}  // namespace kinesys::local::kinesis
