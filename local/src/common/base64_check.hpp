#pragma once
// Kinesis record data travels as base64 in both directions (PutRecords in,
// GetRecords out), so kinesys-local keeps it in that form: a put validates
// the text instead of decoding it, and a read copies it instead of
// encoding. Validation is strict, so the stored text is the one canonical
// encoding of its bytes (standard alphabet, '=' padding only at the end,
// unused bits of the last character zero), exactly what an encoder of the
// decoded bytes would produce.
#include <cstddef>
#include <optional>
#include <string_view>

namespace kinesys::local {

/// The number of bytes `text` encodes, or nullopt unless it is canonical base64.
std::optional<std::size_t> base64_decoded_length(std::string_view text) noexcept;

}  // namespace kinesys::local
