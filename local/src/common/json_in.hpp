#pragma once
// Reading request bodies with simdjson On Demand. A request is one JSON
// object whose members are read in document order by a loop that switches
// on the key; these helpers turn type mismatches into the
// SerializationException AWS answers with.
#include "common/outcome.hpp"

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace kinesys::local::json_in {

using simdjson::ondemand::array;
using simdjson::ondemand::document;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

/// The calling core's parser. One request document is live per thread at a
/// time: a handler finishes with its body before the next one is parsed.
/// @locality any thread (one parser per thread)
simdjson::ondemand::parser& parser();

/// Gives `body` simdjson's padding (usually free: capacity is spare) and
/// parses it. An empty body counts as "{}".
outcome<document> parse(std::string& body);
/// The top-level object of a document; SerializationException if not one.
outcome<object> root_object(document& doc);

api_error serialization(std::string message);
api_error type_error(std::string_view field, std::string_view expected);

/// True if the value is JSON null (AWS treats a null member as absent).
inline bool is_null(value& v) { return v.is_null(); }

outcome<std::string_view> get_string(value v, std::string_view field);
outcome<std::int64_t> get_int(value v, std::string_view field);
outcome<bool> get_bool(value v, std::string_view field);
/// A JSON number, or a numeric string (boto3 and some SDKs send timestamps
/// as numbers, others as ISO strings; Kinesis accepts epoch seconds).
outcome<double> get_epoch_seconds(value v, std::string_view field);
outcome<object> get_object(value v, std::string_view field);
outcome<array> get_array(value v, std::string_view field);

}  // namespace kinesys::local::json_in

/// Unwraps an outcome into `var` or returns its error from the enclosing
/// function (which returns an outcome or an api_error-convertible result).
#define KINESYS_TRY(var, expr)              \
  auto var##_result_ = (expr);              \
  if (!var##_result_) return var##_result_.error(); \
  auto var = std::move(*var##_result_)
