#pragma once
// 128-bit unsigned integers as Kinesis hash keys use them: MD5 of a
// partition key read big-endian, shard ranges as decimal strings.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kinesys::local {

using u128 = unsigned __int128;

inline constexpr u128 u128_max = ~static_cast<u128>(0);

/// Parses a decimal string of 1..39 digits without sign or leading zeros
/// beyond a lone "0"; nullopt if malformed or above 2^128-1.
std::optional<u128> parse_u128(std::string_view text) noexcept;
/// Decimal text of `v`.
std::string to_string_u128(u128 v);
void append_u128(std::string& out, u128 v);

/// The hash key Kinesis derives from a partition key: the MD5 digest of its
/// UTF-8 bytes as a big-endian 128-bit integer.
u128 partition_key_hash(std::string_view partition_key) noexcept;

/// The number of UTF-16 code units of a UTF-8 string: what AWS counts as
/// the "length" of a partition key (its service runs on Java strings).
std::size_t utf16_length(std::string_view utf8) noexcept;

}  // namespace kinesys::local
