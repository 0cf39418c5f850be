#include <kinesys/codecs.hpp>

#include <boost/throw_exception.hpp>

namespace kinesys::codecs {
namespace {

class category final : public boost::system::error_category {
public:
  // A fixed id keeps equality working when the library is linked twice.
  constexpr category() noexcept : error_category(0x6b696e6573797363ULL) {}
  char const* name() const noexcept override { return "kinesys.codecs"; }
  std::string message(int ev) const override { return describe(static_cast<errc>(ev)); }

  static char const* describe(errc e) noexcept
  {
    switch (e) {
      case errc::base64_bad_character: return "base64: character outside the standard alphabet";
      case errc::base64_bad_padding: return "base64: bad '=' padding";
      case errc::base64_bad_length: return "base64: length is not a multiple of 4";
      case errc::json_syntax: return "JSON: syntax error";
      case errc::json_wrong_type: return "JSON: value has the wrong type";
      case errc::json_too_deep: return "JSON: nested deeper than DynamoDB's 32 levels";
      case errc::attribute_value_bad_type: return "AttributeValue: needs exactly one known type key (S, N, B, BOOL, NULL, M, L, SS, NS, BS)";
      case errc::attribute_value_empty: return "AttributeValue: empty set";
      case errc::attribute_value_duplicate_set_member: return "AttributeValue: duplicate set member";
      case errc::number_syntax: return "number: not a decimal number";
      case errc::number_out_of_range: return "number: more than 38 significant digits or magnitude outside 1E-130..9.99E+125";
      case errc::hash_key_syntax: return "hash key: not a decimal integer";
      case errc::hash_key_out_of_range: return "hash key: above 2^128-1";
      case errc::hash_key_range_inverted: return "hash key range: starting key above ending key";
      case errc::partition_key_empty: return "partition key: empty (1 to 256 characters)";
      case errc::partition_key_too_long: return "partition key: more than 256 Unicode characters";
      case errc::partition_key_bad_utf8: return "partition key: not valid UTF-8";
      case errc::aggregated_truncated: return "KPL aggregated record: truncated";
      case errc::aggregated_bad_wire_type: return "KPL aggregated record: unexpected protobuf wire type";
      case errc::aggregated_varint_overflow: return "KPL aggregated record: varint longer than 10 bytes";
      case errc::aggregated_missing_field: return "KPL aggregated record: required field missing";
      case errc::aggregated_index_out_of_range: return "KPL aggregated record: table index out of range";
      case errc::aggregated_record_too_large: return "KPL aggregated record: user record exceeds the aggregate's size limit";
      case errc::envelope_truncated: return "compression envelope: truncated header";
      case errc::envelope_bad_version: return "compression envelope: unsupported version";
      case errc::envelope_unknown_codec: return "compression envelope: unknown codec id";
      case errc::envelope_too_large: return "compression envelope: uncompressed length above the configured maximum";
      case errc::envelope_length_mismatch: return "compression envelope: uncompressed length differs from the header";
      case errc::decompression_failed: return "decompression failed: corrupt data";
      case errc::compression_failed: return "compression failed";
    }
    return "kinesys.codecs: unknown error";
  }
};

category const the_category;

}  // namespace

boost::system::error_category const& codecs_category() noexcept { return the_category; }

std::string decode_error::message() const
{
  std::string m = category::describe(code);
  m += " at byte ";
  m += std::to_string(offset);
  if (!field.empty()) {
    m += " (";
    m += field;
    m += ')';
  }
  return m;
}

void throw_exception_from_error(decode_error const& e, boost::source_location const& loc)
{
  boost::throw_exception(boost::system::system_error(e.error_code(), e.message()), loc);
}

}  // namespace kinesys::codecs
