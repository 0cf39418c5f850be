#pragma once
// Standard base64 (RFC 4648 §4, alphabet A-Z a-z 0-9 + /, '=' padding), as
// Kinesis Data and DynamoDB B travel in JSON. Encoding uses AVX2 when the CPU
// has it (runtime check) and a 12-bit table otherwise.
#include <kinesys/detail/codecs/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace kinesys::codecs {

constexpr std::size_t base64_encoded_size(std::size_t n) noexcept { return (n + 2) / 3 * 4; }
/// Upper bound of the decoded size of `n` base64 characters.
constexpr std::size_t base64_decoded_max_size(std::size_t n) noexcept { return n / 4 * 3; }

/// Appends the base64 form of `bytes` to `out`.
/// @locality any thread
void base64_encode(std::string& out, std::string_view bytes);
std::string base64_encode(std::string_view bytes);

/// Appends the bytes that `text` encodes to `out`. Strict: the length must be
/// a multiple of 4, '=' only as one or two final characters, the unused bits
/// of the last character zero, no whitespace. On error `out` is left as it
/// was and the error gives the offset of the offending character.
decode_result<void> base64_decode(std::string& out, std::string_view text);
decode_result<std::string> base64_decode(std::string_view text);

/// Names the code path in use ("avx2" or "scalar"), for benchmarks and logs.
char const* base64_implementation() noexcept;
/// Forces the scalar path (tests compare both paths).
void base64_encode_scalar(std::string& out, std::string_view bytes);

}  // namespace kinesys::codecs
