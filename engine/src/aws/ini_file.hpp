#pragma once
// The INI dialect of ~/.aws/credentials and ~/.aws/config: "[section]",
// "key = value", full-line comments with '#' or ';', and indented
// "sub_key = value" lines nested under a "key =" with an empty value (how the
// config file's `[services x]` sections name per-service settings).
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kinesys::engine::aws::detail {

using ini_section = std::map<std::string, std::string, std::less<>>;
using ini_sections = std::map<std::string, ini_section, std::less<>>;

/// Parses `text`; section names are kept with inner spaces collapsed to one
/// ("profile  dev" -> "profile dev"), keys lowercased, nested keys stored as
/// "parent.sub". Lines that fit no rule are ignored, as the AWS CLI does.
ini_sections parse_ini(std::string_view text);

/// Reads and parses a file; nullopt if it does not exist or cannot be read.
std::optional<ini_sections> read_ini_file(std::string const& path);

}  // namespace kinesys::engine::aws::detail
