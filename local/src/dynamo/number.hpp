#pragma once
// DynamoDB numbers, exactly: up to 38 significant digits, magnitudes from
// 1E-130 to 9.99..E+125, compared and added without ever becoming a
// double (a consumer's version counter must compare exactly).
#include "common/outcome.hpp"
#include "common/u128.hpp"

#include <string>
#include <string_view>

namespace kinesys::local::dynamo {

class number {
public:
  static constexpr int max_digits = 38;

  number() = default;
  /// Parses "[-+]digits[.digits][e[-+]digits]" and checks DynamoDB's range
  /// and precision, with its error messages.
  static outcome<number> parse(std::string_view text);
  static number from_int(std::int64_t v);

  bool is_zero() const noexcept { return coefficient_ == 0; }
  bool negative() const noexcept { return negative_; }

  /// Plain decimal notation without exponent, trailing zeros or "+"; the
  /// form DynamoDB answers with ("1.50" -> "1.5", "1E+2" -> "100").
  std::string to_string() const;
  void append_to(std::string& out) const;

  friend int compare(number const& a, number const& b) noexcept;
  friend bool operator==(number const& a, number const& b) noexcept { return compare(a, b) == 0; }

  /// Exact sum / difference; a result needing more than 38 digits or out of
  /// range is a ValidationException, as DynamoDB answers.
  static outcome<number> add(number const& a, number const& b);
  static outcome<number> subtract(number const& a, number const& b);

  /// Significant digits (1 for zero); DynamoDB sizes a number by them.
  int digits() const noexcept;

private:
  // value = (-1)^negative * coefficient * 10^exponent, coefficient without
  // trailing zeros (zero is coefficient 0, exponent 0, not negative).
  bool negative_ = false;
  u128 coefficient_ = 0;
  int exponent_ = 0;

  static outcome<number> make(bool negative, std::string digits, int exponent);
};

/// Canonical text of a number string (parse + to_string); the error if invalid.
outcome<std::string> canonical_number(std::string_view text);

}  // namespace kinesys::local::dynamo
