#pragma once
// Errors of kinesys::codecs. Every decoder of outside bytes returns
// decode_result<T>: on failure a decode_error that says what was wrong (errc),
// where (byte offset into the input) and which field or limit was involved.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <boost/system/system_error.hpp>
#include <boost/assert/source_location.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace kinesys::codecs {

enum class errc {
  // base64
  base64_bad_character = 1,
  base64_bad_padding,
  base64_bad_length,
  // JSON and DynamoDB AttributeValue
  json_syntax,
  json_wrong_type,
  json_too_deep,
  attribute_value_bad_type,
  attribute_value_empty,
  attribute_value_duplicate_set_member,
  number_syntax,
  number_out_of_range,
  // hash keys and partition keys
  hash_key_syntax,
  hash_key_out_of_range,
  hash_key_range_inverted,
  partition_key_empty,
  partition_key_too_long,
  partition_key_bad_utf8,
  // KPL aggregated records
  aggregated_truncated,
  aggregated_bad_wire_type,
  aggregated_varint_overflow,
  aggregated_missing_field,
  aggregated_index_out_of_range,
  aggregated_record_too_large,
  // compression envelope
  envelope_truncated,
  envelope_bad_version,
  envelope_unknown_codec,
  envelope_too_large,
  envelope_length_mismatch,
  decompression_failed,
  compression_failed,
};

boost::system::error_category const& codecs_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
  return {static_cast<int>(e), codecs_category()};
}

/// What a decoder of outside bytes reports: the kind of error, the byte
/// offset in the input where it was detected, and the field or limit
/// involved (a static string, e.g. "Record.data" or "max_uncompressed 1048576").
struct decode_error {
  errc code{};
  std::size_t offset = 0;
  std::string_view field{};

  boost::system::error_code error_code() const noexcept { return make_error_code(code); }
  operator boost::system::error_code() const noexcept { return error_code(); }
  /// e.g. "KPL aggregated record truncated at byte 17 (Record.data)".
  std::string message() const;

  friend bool operator==(decode_error const& a, errc b) noexcept { return a.code == b; }
  friend bool operator==(decode_error const& a, decode_error const& b) noexcept = default;
};

/// Used by boost::system::result<T, decode_error>::value() when it holds an error.
[[noreturn]] void throw_exception_from_error(decode_error const& e, boost::source_location const& loc);

template <class T>
using decode_result = boost::system::result<T, decode_error>;

}  // namespace kinesys::codecs

namespace boost::system {
template <>
struct is_error_code_enum<kinesys::codecs::errc> : std::true_type {};
}  // namespace boost::system
