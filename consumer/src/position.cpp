#include <kinesys/detail/consumer/position.hpp>

#include <algorithm>
#include <cstring>

namespace kinesys::consumer {

boost::system::result<stream_position> stream_position::make(std::string_view sequence, std::uint64_t sub_sequence)
{
  if (sequence.empty() || sub_sequence > max_sub_sequence)
    return make_error_code(errc::bad_sequence_number);
  for (char c : sequence)
    if (c < '0' || c > '9') return make_error_code(errc::bad_sequence_number);
  auto first = sequence.find_first_not_of('0');
  sequence = first == std::string_view::npos ? std::string_view("0") : sequence.substr(first);
  if (sequence.size() > max_digits) return make_error_code(errc::bad_sequence_number);
  stream_position p;
  std::memcpy(p.digits_.data(), sequence.data(), sequence.size());
  p.size_ = static_cast<std::uint8_t>(sequence.size());
  p.sub_ = sub_sequence;
  return p;
}

std::strong_ordering operator<=>(stream_position const& a, stream_position const& b) noexcept
{
  // Without leading zeros, more digits means a larger number.
  if (a.size_ != b.size_) return a.size_ <=> b.size_;
  int c = std::memcmp(a.digits_.data(), b.digits_.data(), a.size_);
  if (c != 0) return c <=> 0;
  return a.sub_ <=> b.sub_;
}

bool operator==(stream_position const& a, stream_position const& b) noexcept
{
  return a.size_ == b.size_ && a.sub_ == b.sub_ && std::memcmp(a.digits_.data(), b.digits_.data(), a.size_) == 0;
}

namespace {

// An alphabet in ASCII order, so that byte-wise comparison of digit strings
// of equal length is numeric comparison.
constexpr char alphabet[] = "+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int sub_digits = 6;  // 36 bits: max_sub_sequence needs 34

int digit_value(char c) noexcept
{
  if (c == '+') return 0;
  if (c == '/') return 1;
  if (c >= '0' && c <= '9') return 2 + (c - '0');
  if (c >= 'A' && c <= 'Z') return 12 + (c - 'A');
  if (c >= 'a' && c <= 'z') return 38 + (c - 'a');
  return -1;
}

}  // namespace

void stream_position::encode_to(std::string& out) const
{
  // The decimal digits into 64-bit limbs (19 digits at a time), then 6 bits
  // per output digit: a few hundred nanoseconds for a 56-digit number.
  constexpr int limbs = 5;  // 80 decimal digits < 2^266 < 2^320
  std::uint64_t v[limbs] = {};
  for (std::size_t at = 0; at < size_;) {
    std::size_t len = std::min<std::size_t>(19, size_ - at);
    std::uint64_t chunk = 0, scale = 1;
    for (std::size_t i = 0; i < len; ++i) {
      chunk = chunk * 10 + static_cast<std::uint64_t>(digits_[at + i] - '0');
      scale *= 10;
    }
    at += len;
    unsigned __int128 carry = chunk;
    for (auto& limb : v) {
      unsigned __int128 cur = static_cast<unsigned __int128>(limb) * scale + carry;
      limb = static_cast<std::uint64_t>(cur);
      carry = cur >> 64;
    }
  }
  int top = limbs - 1;
  while (top > 0 && v[top] == 0) --top;
  int bits = v[top] == 0 ? 0 : 64 * top + (64 - __builtin_clzll(v[top]));
  int n = std::max(1, (bits + 5) / 6);
  auto six_bits = [&](int index) {  // index-th group of 6 bits from the least significant
    int bit = index * 6, limb = bit / 64, off = bit % 64;
    std::uint64_t x = v[limb] >> off;
    if (off > 58 && limb + 1 < limbs) x |= v[limb + 1] << (64 - off);
    return static_cast<int>(x & 63);
  };
  out.push_back(alphabet[n]);  // the length first: more digits, larger number
  for (int i = n - 1; i >= 0; --i) out.push_back(alphabet[six_bits(i)]);
  for (int i = sub_digits - 1; i >= 0; --i) out.push_back(alphabet[(sub_ >> (6 * i)) & 63]);
}

std::string stream_position::encode() const
{
  std::string out;
  out.reserve(1 + 45 + sub_digits);
  encode_to(out);
  return out;
}

boost::system::result<stream_position> stream_position::decode(std::string_view s)
{
  auto bad = make_error_code(errc::bad_position);
  if (s.empty()) return bad;
  int n = digit_value(s[0]);
  if (n < 1 || s.size() != 1 + static_cast<std::size_t>(n) + sub_digits) return bad;
  if (n > 1 && s[1] == alphabet[0]) return bad;  // a leading zero digit breaks the order
  // Base 64 back to decimal: multiply-and-add on a little-endian digit array.
  std::array<std::uint8_t, max_digits + 2> dec{};
  std::size_t len = 1;
  for (int i = 1; i <= n; ++i) {
    int v = digit_value(s[i]);
    if (v < 0) return bad;
    unsigned carry = static_cast<unsigned>(v);
    for (std::size_t k = 0; k < len; ++k) {
      unsigned cur = dec[k] * 64u + carry;
      dec[k] = static_cast<std::uint8_t>(cur % 10);
      carry = cur / 10;
    }
    while (carry > 0) {
      if (len == dec.size()) return bad;
      dec[len++] = static_cast<std::uint8_t>(carry % 10);
      carry /= 10;
    }
  }
  while (len > 1 && dec[len - 1] == 0) --len;
  if (len > max_digits) return bad;
  char text[max_digits];
  for (std::size_t k = 0; k < len; ++k) text[k] = static_cast<char>('0' + dec[len - 1 - k]);
  std::uint64_t sub = 0;
  for (auto c : s.substr(1 + static_cast<std::size_t>(n))) {
    int v = digit_value(c);
    if (v < 0) return bad;
    sub = sub * 64 + static_cast<std::uint64_t>(v);
  }
  auto p = make(std::string_view(text, len), sub);
  if (!p) return bad;
  return p;
}

std::string stream_position::to_string() const
{
  std::string out(sequence());
  out.push_back('/');
  out += std::to_string(sub_);
  return out;
}

}  // namespace kinesys::consumer
