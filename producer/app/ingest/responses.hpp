#pragma once
// The JSON the ingest server answers with, and how a producer failure
// becomes an HTTP status. Every error body is
// {"error":"<code>","message":"<sentence naming the problem and the limit>"}.
#include <kinesys/engine.hpp>
#include <kinesys/producer.hpp>

#include <string>
#include <string_view>

namespace kinesys::ingest {

struct http_error {
  unsigned status = 500;
  std::string code;
  std::string message;
  /// Seconds for a Retry-After header (429, 503); 0 = none.
  unsigned retry_after = 0;
  /// For 405: the Allow header.
  std::string_view allow{};
};

engine::http_response json_response(unsigned status, std::string body);
engine::http_response error_response(http_error const& e);

/// {"shard_id":"...","sequence_number":"..."}
void append_put_result(std::string& out, producer::put_result const& r);
/// {"error":"<code>","message":"..."}
void append_error(std::string& out, std::string_view code, std::string_view message);

/// Client-supplied text quoted in a message: at most `max` bytes, anything
/// but printable ASCII as '?', so a reply or log line stays one valid line.
std::string quoted_input(std::string_view text, std::size_t max = 128);

/// The status, code and message for a put that failed:
///   record too large, bad partition / hash key  400
///   stream_not_found                            404
///   outstanding_limit, producer_closed          503 + Retry-After
///   ttl_expired, access_denied, throttled,
///   rejected, transport failures                502
///   spool_failed, spool_corrupt, anything else  500
http_error from_put_error(producer::put_error const& e);

}  // namespace kinesys::ingest
