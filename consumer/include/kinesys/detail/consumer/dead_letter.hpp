#pragma once
// Dead letters: records the consumer gave up on (seed 002's poison pills),
// with everything needed to understand and to replay them. One JSON object
// per line (NDJSON) in the file; the same JSON as the record data when the
// destination is a Kinesis stream, with the original partition key.
//
//   {"reason":"max_retries","error":"ValidationException: ...","stream":"s",
//    "shard":"shardId-000000000001","sequence":"4959...","sub_sequence":0,
//    "partition_key":"device-7","arrival_ms":1714564800123,"table":"readings",
//    "attempts":11,"time_ms":1714564801000,"data":"eyJkZXZpY2VfaWQiOi4uLn0="}
//
// A record counts as finished (the checkpoint may pass it) only after its
// dead letter is durably written.
#include <kinesys/detail/consumer/error.hpp>

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace kinesys::consumer {

/// Why a record was dead-lettered.
namespace dead_letter_reason {
inline constexpr std::string_view unmappable = "unmappable";          ///< payload/key/route problem
inline constexpr std::string_view write_rejected = "write_rejected";  ///< permanent write error, isolated by bisection
inline constexpr std::string_view max_retries = "max_retries";
inline constexpr std::string_view max_record_age = "max_record_age";
inline constexpr std::string_view undecodable = "undecodable";  ///< bad aggregate or compression envelope
}  // namespace dead_letter_reason

struct dead_letter {
  std::string reason;
  std::string error;
  std::string stream;
  std::string shard;
  std::string sequence;
  std::uint64_t sub_sequence = 0;
  std::string partition_key;
  std::int64_t arrival_ms = 0;
  std::string table;
  std::uint32_t attempts = 0;
  std::int64_t time_ms = 0;
  std::string data;  ///< raw bytes (base64 in JSON)

  friend bool operator==(dead_letter const&, dead_letter const&) = default;
};

/// One line of JSON, newline included.
void append_ndjson(std::string& out, dead_letter const& d);
std::string to_ndjson(dead_letter const& d);

/// Parses one line (without or with its trailing newline). Errors name the field.
boost::system::result<dead_letter> parse_dead_letter(std::string_view line, std::string* problem = nullptr);

}  // namespace kinesys::consumer
