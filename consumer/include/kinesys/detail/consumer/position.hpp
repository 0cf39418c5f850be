#pragma once
// A position in a shard: the Kinesis sequence number and, for a user record
// inside a KPL aggregated record, its sub-sequence number (its index there),
// as KCL's ExtendedSequenceNumber has it. Plain records have sub-sequence 0.
//
// Sequence numbers are decimal strings of up to ~56 digits: too long for an
// integer and for DynamoDB's 38-digit N type. Positions are kept inline (no
// heap allocation per record) and compared numerically; for DynamoDB they
// are encoded as a string whose byte order is the numeric order, so a
// ConditionExpression `#pos < :pos` compares positions correctly.
#include <kinesys/detail/consumer/error.hpp>

#include <boost/system/result.hpp>

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace kinesys::consumer {

class stream_position {
public:
  /// Longest sequence number kept; AWS's are 56 digits today.
  static constexpr std::size_t max_digits = 80;
  /// Sub-sequence numbers are encoded in 10 digits; a 1 MiB aggregated
  /// record cannot hold anywhere near 10^10 user records.
  static constexpr std::uint64_t max_sub_sequence = 9'999'999'999ULL;

  stream_position() = default;

  /// Parses a sequence number (decimal, leading zeros dropped).
  static boost::system::result<stream_position> make(std::string_view sequence, std::uint64_t sub_sequence = 0);

  std::string_view sequence() const noexcept { return {digits_.data(), size_}; }
  std::uint64_t sub_sequence() const noexcept { return sub_; }
  bool empty() const noexcept { return size_ == 0; }

  /// Numeric order of (sequence, sub_sequence).
  friend std::strong_ordering operator<=>(stream_position const& a, stream_position const& b) noexcept;
  friend bool operator==(stream_position const& a, stream_position const& b) noexcept;

  /// The sequence number in base 64 with an alphabet in ASCII order
  /// ("+/0-9A-Za-z"), led by one character giving the digit count, then the
  /// sub-sequence in 6 fixed digits: 38 characters for today's 56-digit
  /// sequence numbers (the decimal form would take 70, and every item
  /// carries one). A longer number is larger and its count character says
  /// so; equal lengths compare digit by digit.
  std::string encode() const;
  void encode_to(std::string& out) const;
  static boost::system::result<stream_position> decode(std::string_view encoded);

  /// "<sequence>/<sub_sequence>" for logs and dead letters.
  std::string to_string() const;

private:
  std::array<char, max_digits> digits_{};
  std::uint8_t size_ = 0;
  std::uint64_t sub_ = 0;
};

}  // namespace kinesys::consumer
