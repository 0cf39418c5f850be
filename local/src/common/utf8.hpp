#pragma once
// Error messages quote what a client sent (an unknown Authorization part,
// an unknown fault name). A JSON answer must be valid UTF-8 whatever those
// bytes were, so a message is repaired before it is written.
#include <string>
#include <string_view>

namespace kinesys::local {

/// `text` itself when it is valid UTF-8; otherwise a copy with each byte
/// that starts no valid sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

}  // namespace kinesys::local
