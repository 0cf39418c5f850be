#include "common/validation.hpp"

namespace kinesys::local {

void validation_errors::add(std::string_view value, std::string_view path, std::string_view constraint)
{
  // AWS reports at most ten violations per request.
  if (errors_.size() >= 10) return;
  std::string e = "Value ";
  e += value;
  e += " at '";
  e += path;
  e += "' failed to satisfy constraint: ";
  e += constraint;
  errors_.push_back(std::move(e));
}

api_error validation_errors::error() const
{
  std::string m = std::to_string(errors_.size()) + " validation error" + (errors_.size() > 1 ? "s" : "") + " detected: ";
  for (std::size_t i = 0; i < errors_.size(); ++i) {
    if (i) m += "; ";
    m += errors_[i];
  }
  return {errc::validation, std::move(m)};
}

std::string aws_quoted(std::string_view value)
{
  // Built by appending: GCC 12 at -O3 warns (-Wrestrict) on "'" + string + "'".
  std::string s;
  s.reserve(value.size() + 2);
  s.push_back('\'');
  s.append(value);
  s.push_back('\'');
  return s;
}

std::string aws_quoted(std::int64_t value) { return aws_quoted(std::to_string(value)); }

std::string lower_first(std::string_view s)
{
  std::string r(s);
  if (!r.empty() && r[0] >= 'A' && r[0] <= 'Z') r[0] = static_cast<char>(r[0] - 'A' + 'a');
  return r;
}

}  // namespace kinesys::local
