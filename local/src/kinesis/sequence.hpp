#pragma once
// Sequence numbers and shard iterators.
//
// A sequence number is a 45-digit decimal string:
//   "49" | stream epoch (13 digits, creation time in ms) | shard ordinal (10) | position (20)
// Fixed width, so comparing the strings compares the numbers. Within a
// shard they increase with the position; a child shard has a higher
// ordinal than its parents, so all its numbers are above theirs, as AWS
// promises. The number names its shard and stream, so a number used on the
// wrong shard or a recreated stream is refused.
//
// A shard iterator is opaque to clients: base64 of the stream, shard,
// position and creation time, with a checksum so a damaged or invented
// iterator is refused instead of misread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kinesys::local::kinesis {

struct sequence_parts {
  std::int64_t stream_epoch_ms = 0;
  std::uint32_t shard_ordinal = 0;
  std::uint64_t position = 0;
  friend bool operator==(sequence_parts const&, sequence_parts const&) = default;
};

inline constexpr std::size_t sequence_number_digits = 45;

std::string format_sequence_number(sequence_parts const& p);
/// The first 25 digits (prefix, epoch, ordinal): the same for every record
/// of a shard, so answers listing many records compute it once.
std::string sequence_prefix(std::int64_t stream_epoch_ms, std::uint32_t shard_ordinal);
/// Appends prefix + the 20-digit position.
void append_sequence_number(std::string& out, std::string_view prefix, std::uint64_t position);
void append_sequence_number(std::string& out, sequence_parts const& p);
std::optional<sequence_parts> parse_sequence_number(std::string_view text) noexcept;

/// "shardId-000000000007".
std::string shard_id(std::uint32_t ordinal);
/// Accepts "shardId-000000000007" (and, as AWS does, a bare "7").
std::optional<std::uint32_t> parse_shard_id(std::string_view id) noexcept;

struct iterator_parts {
  std::string stream_name;
  std::int64_t stream_epoch_ms = 0;
  std::uint32_t shard_ordinal = 0;
  std::uint64_t position = 0;
  std::int64_t created_ms = 0;
  friend bool operator==(iterator_parts const&, iterator_parts const&) = default;
};

std::string encode_iterator(iterator_parts const& p);
std::optional<iterator_parts> decode_iterator(std::string_view text);

/// Base64 tokens (ListShards NextToken) use the same checksummed framing.
std::string encode_token(std::string_view payload);
std::optional<std::string> decode_token(std::string_view token);

}  // namespace kinesys::local::kinesis
