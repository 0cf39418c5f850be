#pragma once
// Collects the schema violations of one request and words them the way AWS
// does: "2 validation errors detected: Value 'x' at 'streamName' failed to
// satisfy constraint: Member must ...; Value null at ...".
#include "common/outcome.hpp"

#include <string>
#include <string_view>
#include <vector>
#include <cstdint>

namespace kinesys::local {

/// "'value'", as AWS quotes values in these messages.
std::string aws_quoted(std::string_view value);
/// "'42'".
std::string aws_quoted(std::int64_t value);

class validation_errors {
public:
  /// `value` is the offending value as AWS prints it (already quoted or
  /// "null"); `path` the lower-camel member path ("records.1.member.data").
  void add(std::string_view value, std::string_view path, std::string_view constraint);
  void add_string(std::string_view value, std::string_view path, std::string_view constraint)
  {
    add(aws_quoted(value), path, constraint);
  }
  void add_null(std::string_view path) { add("null", path, "Member must not be null"); }

  bool empty() const noexcept { return errors_.empty(); }
  api_error error() const;

private:
  std::vector<std::string> errors_;
};

/// "streamName" from "StreamName", as AWS names members in these messages.
std::string lower_first(std::string_view s);

}  // namespace kinesys::local
