#include <kinesys/detail/consumer/decimal.hpp>

#include <kinesys/detail/consumer/error.hpp>

#include <algorithm>

namespace kinesys::consumer {
namespace {

constexpr int max_digits = 38;

__int128 pow10(int n) noexcept
{
  __int128 r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

// 10^38 - 1: the largest 38-digit magnitude.
__int128 const limit = pow10(max_digits) - 1;

}  // namespace

boost::system::result<decimal> decimal::parse(std::string_view s)
{
  auto bad = make_error_code(errc::bad_counter_field);
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  __int128 m = 0;
  int digits = 0, scale = 0;
  bool any = false, dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (m == 0 && c == '0') {  // leading zeros carry no precision
      if (dot) ++scale;
      continue;
    }
    if (++digits > max_digits) return bad;
    m = m * 10 + (c - '0');
    if (dot) ++scale;
  }
  if (!any) return bad;
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    if (i >= s.size()) return bad;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return bad;
      exponent = exponent * 10 + (s[i] - '0');
      if (exponent > 1000) return bad;
    }
    if (eneg) exponent = -exponent;
  }
  if (i != s.size()) return bad;
  long sc = scale - exponent;
  if (m == 0) sc = 0;
  // A negative scale multiplies the mantissa up; it must stay within 38 digits.
  while (sc < 0) {
    if (m > limit / 10) return bad;
    m *= 10;
    ++sc;
  }
  if (sc > max_digits) return bad;
  while (sc > 0 && m % 10 == 0) {  // canonical: 1.50 and 1.5 are one number
    m /= 10;
    --sc;
  }
  decimal d;
  d.mantissa_ = negative ? -m : m;
  d.scale_ = static_cast<int>(sc);
  return d;
}

bool decimal::add(decimal const& other) noexcept
{
  __int128 a = mantissa_, b = other.mantissa_;
  int scale = std::max(scale_, other.scale_);
  auto rescale = [&](__int128& v, int from) {
    for (int k = from; k < scale; ++k) {
      if (v > limit / 10 || v < -limit / 10) return false;
      v *= 10;
    }
    return true;
  };
  if (!rescale(a, scale_) || !rescale(b, other.scale_)) return false;
  __int128 sum = a + b;
  if (sum > limit || sum < -limit) return false;
  // Drop trailing fractional zeros so the scale stays small.
  while (scale > 0 && sum % 10 == 0) {
    sum /= 10;
    --scale;
  }
  mantissa_ = sum;
  scale_ = sum == 0 ? 0 : scale;
  return true;
}

std::string decimal::to_string() const
{
  __int128 m = mantissa_ < 0 ? -mantissa_ : mantissa_;
  std::string digits;
  do {
    digits.push_back(char('0' + int(m % 10)));
    m /= 10;
  } while (m > 0);
  while (static_cast<int>(digits.size()) <= scale_) digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  std::string out;
  if (mantissa_ < 0) out.push_back('-');
  auto int_len = digits.size() - static_cast<std::size_t>(scale_);
  out.append(digits, 0, int_len);
  if (scale_ > 0) {
    out.push_back('.');
    out.append(digits, int_len, std::string::npos);
  }
  return out;
}

}  // namespace kinesys::consumer
