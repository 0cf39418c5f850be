#include "aws/json_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kinesys::engine::aws::detail {

aws_error malformed(std::string_view operation, std::string_view field, simdjson::error_code e) {
  std::string message = "malformed ";
  message += operation;
  message += " response: field ";
  message += field;
  if (e != simdjson::SUCCESS) {
    message += " (";
    message += simdjson::error_message(e);
    message += ")";
  }
  return make_aws_error(errc::malformed_response, std::move(message));
}

aws_error invalid_request(std::string message) { return make_aws_error(errc::invalid_request, std::move(message)); }

bool read_string(simdjson::ondemand::value v, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s)) return false;
  out.assign(s);
  return true;
}

bool read_string_view(simdjson::ondemand::value v, std::string_view& out) { return !v.get_string().get(out); }

bool read_int(simdjson::ondemand::value v, std::int64_t& out) { return !v.get_int64().get(out); }

bool read_int(simdjson::ondemand::value v, int& out) {
  std::int64_t n = 0;
  if (v.get_int64().get(n)) return false;
  out = static_cast<int>(n);
  return true;
}

bool read_bool(simdjson::ondemand::value v, bool& out) { return !v.get_bool().get(out); }

bool read_timestamp(simdjson::ondemand::value v, timestamp& out) {
  double seconds = 0;
  if (v.get_double().get(seconds)) return false;
  out = timestamp(std::chrono::milliseconds(std::llround(seconds * 1000.0)));
  return true;
}

void write_timestamp(codecs::json_writer& w, timestamp t) {
  // Times before 1970 mean nothing to Kinesis; clamping keeps the text simple.
  long long const ms = std::max<long long>(0, t.time_since_epoch().count());
  char buffer[48];
  int const n = std::snprintf(buffer, sizeof buffer, "%lld.%03lld", ms / 1000, ms % 1000);
  w.raw_number(std::string_view(buffer, static_cast<std::size_t>(n)));
}

void write_stream_ref(codecs::json_writer& w, stream_ref const& s) {
  if (!s.name.empty()) w.member("StreamName", s.name);
  if (!s.arn.empty()) w.member("StreamARN", s.arn);
}

simdjson::error_code open_object(std::string& body, simdjson::ondemand::document& doc,
                                 simdjson::ondemand::object& object) {
  auto& parser = codecs::thread_json_parser();
  if (auto e = parser.iterate(codecs::padded(body)).get(doc)) return e;
  return doc.get_object().get(object);
}

}  // namespace kinesys::engine::aws::detail
