#include <kinesys/codecs.hpp>

namespace kinesys::codecs {

simdjson::padded_string_view padded(std::string& s)
{
  if (s.capacity() < s.size() + json_padding) s.reserve(s.size() + json_padding);
  return simdjson::padded_string_view(s.data(), s.size(), s.capacity());
}

simdjson::ondemand::parser& thread_json_parser()
{
  thread_local simdjson::ondemand::parser parser;
  return parser;
}

decode_error json_error(simdjson::error_code e, std::size_t offset, std::string_view field) noexcept
{
  errc code = errc::json_syntax;
  switch (e) {
    case simdjson::INCORRECT_TYPE:
    case simdjson::NUMBER_OUT_OF_RANGE:
    case simdjson::NO_SUCH_FIELD:
      code = errc::json_wrong_type;
      break;
    case simdjson::DEPTH_ERROR:
      code = errc::json_too_deep;
      break;
    default:
      break;
  }
  return {code, offset, field};
}

bool is_json_number(std::string_view t) noexcept
{
  std::size_t i = 0, n = t.size();
  auto digit = [&](std::size_t k) { return k < n && t[k] >= '0' && t[k] <= '9'; };
  if (i < n && t[i] == '-') ++i;
  if (!digit(i)) return false;
  if (t[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < n && t[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == n;
}

decode_result<std::string_view> json_number_text(simdjson::ondemand::value& v, std::string_view field)
{
  std::string_view raw = v.raw_json_token();
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t'))
    raw.remove_suffix(1);
  if (!is_json_number(raw)) return decode_error{errc::number_syntax, 0, field};
  return raw;
}

}  // namespace kinesys::codecs
