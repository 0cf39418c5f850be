#include "responses.hpp"

#include <kinesys/codecs.hpp>

namespace kinesys::ingest {

engine::http_response json_response(unsigned status, std::string body) {
  engine::http_response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}

void append_error(std::string& out, std::string_view code, std::string_view message) {
  codecs::json_writer w(out);
  w.begin_object().member("error", code).member("message", message).end_object();
}

engine::http_response error_response(http_error const& e) {
  std::string body;
  append_error(body, e.code, e.message);
  auto r = json_response(e.status, std::move(body));
  if (e.retry_after > 0) r.headers.push_back({"Retry-After", std::to_string(e.retry_after)});
  if (!e.allow.empty()) r.headers.push_back({"Allow", std::string(e.allow)});
  return r;
}

void append_put_result(std::string& out, producer::put_result const& r) {
  codecs::json_writer w(out);
  w.begin_object().member("shard_id", r.shard_id.view()).member("sequence_number", r.sequence_number.view()).end_object();
}

std::string quoted_input(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (text.size() > max) out += "...";
  return out;
}

http_error from_put_error(producer::put_error const& e) {
  using producer::errc;
  if (e.code.category() == producer::producer_category()) {
    switch (static_cast<errc>(e.code.value())) {
    case errc::record_too_large: return {400, "record_too_large", e.message};
    case errc::partition_key_empty:
    case errc::partition_key_too_long:
    case errc::partition_key_bad_utf8:
    case errc::explicit_hash_key_invalid: return {400, "invalid_partition_key", e.message};
    case errc::partition_key_field_missing: return {400, "missing_partition_key", e.message};
    case errc::stream_not_found: return {404, "stream_not_found", e.message};
    case errc::outstanding_limit: return {503, "overloaded", e.message + "; retry later", 1};
    case errc::producer_closed: return {503, "shutting_down", "the server is shutting down; retry on another instance", 1};
    case errc::ttl_expired: return {502, "upstream_timeout", e.message};
    case errc::access_denied: return {502, "upstream_access_denied", e.message};
    case errc::throttled: return {502, "upstream_throttled", e.message};
    case errc::rejected: return {502, "upstream_rejected", e.message};
    case errc::spool_failed:
    case errc::spool_corrupt: return {500, "spool_failed", e.message};
    case errc::config_invalid: break;
    }
    return {500, "internal_error", e.message};
  }
  // The engine's transport errors (after the producer's retries).
  return {502, "upstream_failed", e.message};
}

}  // namespace kinesys::ingest
