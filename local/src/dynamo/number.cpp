#include "dynamo/number.hpp"

#include <algorithm>
#include <charconv>

namespace kinesys::local::dynamo {
namespace {

api_error not_numeric() { return {errc::validation, "The parameter cannot be converted to a numeric value"}; }
api_error too_precise() { return {errc::validation, "Attempting to store more than 38 significant digits in a Number"}; }
api_error overflow()
{
  return {errc::validation, "Number overflow. Attempting to store a number with magnitude larger than supported range"};
}
api_error underflow()
{
  return {errc::validation, "Number underflow. Attempting to store a number with magnitude smaller than supported range"};
}

int count_digits(u128 v) noexcept
{
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

u128 pow10(int n) noexcept
{
  u128 v = 1;
  while (n-- > 0) v *= 10;
  return v;
}

}  // namespace

outcome<number> number::make(bool negative, std::string digits, int exponent)
{
  // Strip leading zeros, then trailing zeros into the exponent.
  std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return number{};
  digits.erase(0, first);
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (digits.size() > static_cast<std::size_t>(max_digits)) return too_precise();
  int const adjusted = exponent + static_cast<int>(digits.size()) - 1;
  if (adjusted > 125) return overflow();
  if (adjusted < -130) return underflow();
  number n;
  n.negative_ = negative;
  for (char c : digits) n.coefficient_ = n.coefficient_ * 10 + static_cast<unsigned>(c - '0');
  n.exponent_ = exponent;
  return n;
}

outcome<number> number::parse(std::string_view t)
{
  std::size_t i = 0;
  bool negative = false;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) negative = t[i++] == '-';
  std::string digits;
  int exponent = 0;
  bool any = false;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
    digits.push_back(t[i++]);
    any = true;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      digits.push_back(t[i++]);
      --exponent;
      any = true;
    }
  }
  if (!any) return not_numeric();
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) eneg = t[i++] == '-';
    if (i == t.size()) return not_numeric();
    long e = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      e = std::min(e * 10 + (t[i++] - '0'), 100000L);
    }
    exponent += static_cast<int>(eneg ? -e : e);
  }
  if (i != t.size()) return not_numeric();
  return make(negative, std::move(digits), exponent);
}

number number::from_int(std::int64_t v)
{
  number n;
  if (v == 0) return n;
  n.negative_ = v < 0;
  u128 c = v < 0 ? static_cast<u128>(-(v + 1)) + 1 : static_cast<u128>(v);
  while (c % 10 == 0) {
    c /= 10;
    ++n.exponent_;
  }
  n.coefficient_ = c;
  return n;
}

int number::digits() const noexcept { return count_digits(coefficient_); }

void number::append_to(std::string& out) const
{
  if (coefficient_ == 0) {
    out.push_back('0');
    return;
  }
  if (negative_) out.push_back('-');
  std::string d = to_string_u128(coefficient_);
  if (exponent_ >= 0) {
    out.append(d);
    out.append(static_cast<std::size_t>(exponent_), '0');
    return;
  }
  auto const frac = static_cast<std::size_t>(-exponent_);
  if (d.size() > frac) {
    out.append(d, 0, d.size() - frac);
    out.push_back('.');
    out.append(d, d.size() - frac, std::string::npos);
  } else {
    out.append("0.");
    out.append(frac - d.size(), '0');
    out.append(d);
  }
}

std::string number::to_string() const
{
  std::string s;
  append_to(s);
  return s;
}

int compare(number const& a, number const& b) noexcept
{
  if (a.coefficient_ == 0 || b.coefficient_ == 0) {
    if (a.coefficient_ == 0 && b.coefficient_ == 0) return 0;
    if (a.coefficient_ == 0) return b.negative_ ? 1 : -1;
    return a.negative_ ? -1 : 1;
  }
  if (a.negative_ != b.negative_) return a.negative_ ? -1 : 1;
  int const sign = a.negative_ ? -1 : 1;
  int const da = count_digits(a.coefficient_), db = count_digits(b.coefficient_);
  int const adj_a = a.exponent_ + da - 1, adj_b = b.exponent_ + db - 1;
  if (adj_a != adj_b) return adj_a < adj_b ? -sign : sign;
  // Same magnitude: align both to the same digit count (at most 38, fits).
  u128 ca = a.coefficient_, cb = b.coefficient_;
  if (da < db) ca *= pow10(db - da);
  if (db < da) cb *= pow10(da - db);
  if (ca == cb) return 0;
  return ca < cb ? -sign : sign;
}

outcome<number> number::add(number const& a, number const& b)
{
  if (a.is_zero()) return b;
  if (b.is_zero()) return a;
  // Exact schoolbook arithmetic on digit strings aligned to the smaller
  // exponent; the operands are small, and the result is checked afterwards.
  int const e = std::min(a.exponent_, b.exponent_);
  auto digits_of = [e](number const& n) {
    std::string d = to_string_u128(n.coefficient_);
    d.append(static_cast<std::size_t>(n.exponent_ - e), '0');
    return d;
  };
  std::string x = digits_of(a), y = digits_of(b);
  std::size_t const width = std::max(x.size(), y.size()) + 1;
  x.insert(0, width - x.size(), '0');
  y.insert(0, width - y.size(), '0');
  bool negative = a.negative_;
  std::string r(width, '0');
  if (a.negative_ == b.negative_) {
    int carry = 0;
    for (std::size_t i = width; i-- > 0;) {
      int s = (x[i] - '0') + (y[i] - '0') + carry;
      r[i] = static_cast<char>('0' + s % 10);
      carry = s / 10;
    }
  } else {
    // Subtract the smaller magnitude from the larger; the sign follows the larger.
    if (x < y) {
      std::swap(x, y);
      negative = b.negative_;
    }
    int borrow = 0;
    for (std::size_t i = width; i-- > 0;) {
      int s = (x[i] - '0') - (y[i] - '0') - borrow;
      borrow = s < 0;
      if (s < 0) s += 10;
      r[i] = static_cast<char>('0' + s);
    }
  }
  return make(negative, std::move(r), e);
}

outcome<number> number::subtract(number const& a, number const& b)
{
  number nb = b;
  if (!nb.is_zero()) nb.negative_ = !nb.negative_;
  return add(a, nb);
}

namespace {

// True when `t` is already what to_string() would print: an optional '-',
// an integer part without leading zeros, an optional fraction not ending
// in '0', at most 38 digits and no exponent. Most numbers clients send look
// like this, and they skip the full parse.
bool already_canonical(std::string_view t) noexcept
{
  std::size_t i = 0;
  if (i < t.size() && t[i] == '-') ++i;
  std::size_t const int_start = i;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  std::size_t const int_len = i - int_start;
  if (int_len == 0 || (int_len > 1 && t[int_start] == '0')) return false;
  std::size_t digits = int_len;
  bool const zero_int = int_len == 1 && t[int_start] == '0';
  if (i < t.size()) {
    if (t[i] != '.') return false;
    std::size_t const frac_start = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i != t.size() || i == frac_start || t[i - 1] == '0') return false;
    // "0.00012": leading fraction zeros are not significant digits.
    std::size_t lead = 0;
    if (zero_int)
      while (frac_start + lead < i && t[frac_start + lead] == '0') ++lead;
    digits = (zero_int ? 0 : int_len) + (i - frac_start - lead);
    if (zero_int && lead >= 130) return false;  // let the full parse judge the range
  } else if (zero_int && t[0] == '-') {
    return false;  // "-0" prints as "0"
  }
  return digits <= 38 && int_len <= 126;
}

}  // namespace

outcome<std::string> canonical_number(std::string_view text)
{
  if (already_canonical(text)) return std::string(text);
  auto n = number::parse(text);
  if (!n) return n.error();
  return n->to_string();
}

}  // namespace kinesys::local::dynamo
