#include "common/json_in.hpp"

#include <kinesys/detail/codecs/json_reader.hpp>

#include <charconv>
#include <cstdlib>
#include <ctime>

namespace kinesys::local::json_in {

simdjson::ondemand::parser& parser()
{
  thread_local simdjson::ondemand::parser p;
  return p;
}

api_error serialization(std::string message) { return {errc::serialization, std::move(message)}; }

api_error type_error(std::string_view field, std::string_view expected)
{
  return serialization("Unexpected value type for '" + std::string(field) + "': expected " + std::string(expected));
}

outcome<document> parse(std::string& body)
{
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) body = "{}";
  auto doc = parser().iterate(codecs::padded(body));
  if (doc.error()) return serialization("The request body is not valid JSON");
  return std::move(doc).value_unsafe();
}

outcome<object> root_object(document& doc)
{
  object o;
  if (doc.get_object().get(o)) return serialization("The request body must be a JSON object");
  return o;
}

outcome<std::string_view> get_string(value v, std::string_view field)
{
  std::string_view s;
  if (v.get_string().get(s)) return type_error(field, "a string");
  return s;
}

outcome<std::int64_t> get_int(value v, std::string_view field)
{
  std::int64_t i = 0;
  if (v.get_int64().get(i)) {
    // AWS coerces numeric strings for integer members; so do we.
    std::string_view s;
    if (!v.get_string().get(s)) {
      auto r = std::from_chars(s.data(), s.data() + s.size(), i);
      if (r.ec == std::errc{} && r.ptr == s.data() + s.size()) return i;
    }
    return type_error(field, "an integer");
  }
  return i;
}

outcome<bool> get_bool(value v, std::string_view field)
{
  bool b = false;
  if (v.get_bool().get(b)) return type_error(field, "a boolean");
  return b;
}

outcome<double> get_epoch_seconds(value v, std::string_view field)
{
  double d = 0;
  if (!v.get_double().get(d)) return d;
  std::string_view s;
  if (v.get_string().get(s)) return type_error(field, "a timestamp");
  // Numeric string, or ISO 8601 "2024-01-02T03:04:05[.123]Z".
  char* end = nullptr;
  std::string tmp(s);
  d = std::strtod(tmp.c_str(), &end);
  if (end && *end == '\0' && !tmp.empty()) return d;
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(tmp.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec) == 6) {
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    auto dot = tmp.find('.');
    if (dot != std::string::npos) {
      std::string frac = tmp.substr(dot + 1, 3);
      while (frac.size() < 3) frac.push_back('0');
      ms = std::atoi(frac.c_str());
    }
    return static_cast<double>(timegm(&tm)) + ms / 1000.0;
  }
  return type_error(field, "a timestamp");
}

outcome<object> get_object(value v, std::string_view field)
{
  object o;
  if (v.get_object().get(o)) return type_error(field, "an object");
  return o;
}

outcome<array> get_array(value v, std::string_view field)
{
  array a;
  if (v.get_array().get(a)) return type_error(field, "a list");
  return a;
}

}  // namespace kinesys::local::json_in
