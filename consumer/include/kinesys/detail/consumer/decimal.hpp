#pragma once
// Exact sums of DynamoDB numbers for merged ADD updates. Counters summed in
// a double would drift (0.1 + 0.2); DynamoDB itself adds exactly with 38
// significant digits, so the merged sum must equal what one ADD per record
// would have produced.
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace kinesys::consumer {

class decimal {
public:
  decimal() = default;

  /// Parses a JSON/DynamoDB number ("-12.5", "3e2", "0.001"). Fails on bad
  /// syntax or when the value does not fit 38 digits at a scale <= 38.
  static boost::system::result<decimal> parse(std::string_view text);

  /// this += other, exactly; false (and unchanged) if the result would need
  /// more than 38 significant digits.
  bool add(decimal const& other) noexcept;

  /// Canonical decimal text without exponent ("12.5", "-3", "0").
  std::string to_string() const;

  bool is_zero() const noexcept { return mantissa_ == 0; }

private:
  __int128 mantissa_ = 0;
  int scale_ = 0;  // value = mantissa / 10^scale
};

}  // namespace kinesys::consumer
