#pragma once
// Kinesis hash keys. A record goes to the shard whose [StartingHashKey,
// EndingHashKey] holds its hash key: the explicit hash key if given, else the
// MD5 of the partition key's UTF-8 bytes read as a big-endian 128-bit
// unsigned integer. The API carries hash keys as decimal strings.
#include <kinesys/detail/codecs/error.hpp>

#include <span>
#include <string>
#include <string_view>

namespace kinesys::codecs {

using uint128 = unsigned __int128;
inline constexpr uint128 max_hash_key = ~uint128{0};

/// MD5(partition_key) as a big-endian integer.
/// @locality any thread
uint128 hash_key_of(std::string_view partition_key) noexcept;
/// hash_key_of() for many keys at once (MD5s side by side, several times
/// faster per key). `out` has keys.size() entries.
void hash_keys_of(std::span<std::string_view const> keys, uint128* out) noexcept;

/// Decimal text, no leading zeros ("0" for zero).
void append_decimal(std::string& out, uint128 v);
std::string to_decimal(uint128 v);

/// Parses a decimal hash key (digits only, 1..39 of them, value <= 2^128-1).
/// Leading zeros are accepted.
decode_result<uint128> parse_hash_key(std::string_view decimal);

/// A shard's hash key range, both ends inclusive.
struct hash_key_range {
  uint128 starting = 0;
  uint128 ending = max_hash_key;
  bool contains(uint128 key) const noexcept { return starting <= key && key <= ending; }
  friend bool operator==(hash_key_range const&, hash_key_range const&) = default;
};
/// From ListShards' HashKeyRange; refuses starting > ending.
decode_result<hash_key_range> parse_hash_key_range(std::string_view starting, std::string_view ending);

/// Kinesis partition keys are 1 to 256 Unicode characters; counted here as
/// code points of valid UTF-8.
decode_result<void> validate_partition_key(std::string_view key);
/// An explicit hash key must be a decimal in [0, 2^128-1].
decode_result<void> validate_explicit_hash_key(std::string_view key);

}  // namespace kinesys::codecs
