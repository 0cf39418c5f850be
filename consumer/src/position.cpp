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
  // Base 64 by repeated division of the decimal digits (at most 80 of
  // them: a few thousand steps, no big-integer type needed).
  std::array<std::uint8_t, max_digits> dec{};
  for (std::size_t i = 0; i < size_; ++i) dec[i] = static_cast<std::uint8_t>(digits_[i] - '0');
  char b64[48];
  int n = 0;
  std::size_t first = 0;
  do {
    unsigned rem = 0;
    for (std::size_t i = first; i < size_; ++i) {
      unsigned cur = rem * 10 + dec[i];
      dec[i] = static_cast<std::uint8_t>(cur / 64);
      rem = cur % 64;
    }
    b64[n++] = alphabet[rem];
    while (first < size_ && dec[first] == 0) ++first;
  } while (first < size_);
  out.push_back(alphabet[n]);  // the length first: more digits, larger number
  for (int i = n - 1; i >= 0; --i) out.push_back(b64[i]);
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
