// DynamoDB number rules (Number data type): up to 38 digits of precision,
// positive and negative magnitudes from 1E-130 to 9.9999999999999999999999999999999999999E+125.
#include <kinesys/codecs.hpp>

#include <cstdint>

namespace kinesys::codecs {
namespace {

struct number_parts {
  std::string_view sign;      // "" or "-" (a '+' is dropped)
  std::string_view integer;   // digits before the point (may be empty)
  std::string_view fraction;  // digits after the point (may be empty)
  std::string_view exponent;  // "e..." including the letter, or empty
};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool split(std::string_view t, number_parts& p) noexcept
{
  std::size_t i = 0, n = t.size();
  if (i < n && (t[i] == '+' || t[i] == '-')) {
    if (t[i] == '-') p.sign = t.substr(0, 1);
    ++i;
  }
  std::size_t s = i;
  while (i < n && is_digit(t[i])) ++i;
  p.integer = t.substr(s, i - s);
  if (i < n && t[i] == '.') {
    s = ++i;
    while (i < n && is_digit(t[i])) ++i;
    p.fraction = t.substr(s, i - s);
  }
  if (p.integer.empty() && p.fraction.empty()) return false;
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    s = i++;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (i == n || !is_digit(t[i])) return false;
    while (i < n && is_digit(t[i])) ++i;
    p.exponent = t.substr(s, i - s);
  }
  return i == n;
}

}  // namespace

decode_result<void> validate_number(std::string_view text)
{
  number_parts p;
  if (!split(text, p)) return decode_error{errc::number_syntax, 0, "N"};

  // Significant digits: the mantissa without leading and trailing zeros.
  auto const total = p.integer.size() + p.fraction.size();
  auto at = [&](std::size_t k) { return k < p.integer.size() ? p.integer[k] : p.fraction[k - p.integer.size()]; };
  std::size_t first = 0;
  while (first < total && at(first) == '0') ++first;
  if (first == total) return {};  // zero, whatever its exponent
  std::size_t last = total;
  while (last > first && at(last - 1) == '0') --last;
  if (last - first > 38) return decode_error{errc::number_out_of_range, 0, "N: more than 38 significant digits"};

  // Decimal exponent of the leading digit: value = d.ddd x 10^e.
  std::int64_t exp = 0;
  if (!p.exponent.empty()) {
    std::size_t k = 1;
    bool negative = false;
    if (p.exponent[k] == '+' || p.exponent[k] == '-') negative = p.exponent[k++] == '-';
    for (; k < p.exponent.size(); ++k) {
      exp = exp * 10 + (p.exponent[k] - '0');
      if (exp > 100000) break;  // far outside the range either way
    }
    if (negative) exp = -exp;
  }
  std::int64_t lead = exp + static_cast<std::int64_t>(p.integer.size()) - 1 - static_cast<std::int64_t>(first);
  if (lead > 125) return decode_error{errc::number_out_of_range, 0, "N: magnitude above 9.99E+125"};
  if (lead < -130) return decode_error{errc::number_out_of_range, 0, "N: magnitude below 1E-130"};
  return {};
}

void append_number_as_json(std::string& out, std::string_view text)
{
  number_parts p;
  if (!split(text, p)) {  // not a number: keep the output valid JSON
    out += '0';
    return;
  }
  out += p.sign;
  std::size_t z = 0;
  while (z + 1 < p.integer.size() && p.integer[z] == '0') ++z;
  if (p.integer.empty())
    out += '0';
  else
    out += p.integer.substr(z);
  if (!p.fraction.empty()) {
    out += '.';
    out += p.fraction;
  }
  out += p.exponent;
}

}  // namespace kinesys::codecs
