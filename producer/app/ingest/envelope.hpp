#pragma once
// Reading request bodies: {"stream": "...", "payload": {...}} for PUT
// /stream, and a JSON array of payload objects for PUT
// /streams/<name>/records. A payload is forwarded as the exact bytes the
// client sent (simdjson's raw_json of the value), never re-serialised, so
// number spellings, key order and whitespace survive. The whole body is
// also validated in full (simdjson DOM), since On Demand only checks the
// parts it reads and a malformed payload must not reach the stream.
#include <boost/system/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::ingest {

/// A body the ingest server refuses: an error code for the JSON reply
/// ("malformed_json", "missing_field", ...), its HTTP status and a sentence
/// that names the field, the offset or the limit.
struct body_problem {
  unsigned status = 400;
  std::string code;
  std::string message;
};

struct single_record {
  std::string stream;        ///< unescaped
  std::string_view payload;  ///< raw bytes inside the body
};

/// One entry of a batch: its raw bytes, or why it cannot be put.
struct batch_entry {
  std::string_view payload;
  std::string problem;  ///< empty when the entry is usable
};

/// Parses a single-record body. `body` gains simdjson's padding (spare
/// capacity only); the payload view points into it.
/// @locality any thread (per-thread parsers)
boost::system::result<single_record, body_problem> parse_single(std::string& body);

/// Parses a batch body into `out` (cleared first). More than `max_entries`
/// entries is a 413 naming the limit; zero entries a 400.
boost::system::result<void, body_problem> parse_batch(std::string& body, std::size_t max_entries,
                                                      std::vector<batch_entry>& out);

}  // namespace kinesys::ingest
