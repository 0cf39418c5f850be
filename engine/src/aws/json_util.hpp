#pragma once
// Small helpers shared by the Kinesis and DynamoDB JSON encoders and
// decoders: reading typed fields from simdjson On Demand values with errors
// that name the field, and writing the request shapes both services share.
#include <kinesys/detail/engine/aws/call.hpp>
#include <kinesys/detail/engine/aws/kinesis_types.hpp>

#include <kinesys/detail/codecs/json_reader.hpp>
#include <kinesys/detail/codecs/json_writer.hpp>

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace kinesys::engine::aws::detail {

/// An aws_error for a 2xx body that is not the expected JSON shape.
aws_error malformed(std::string_view operation, std::string_view field, simdjson::error_code e = simdjson::SUCCESS);
/// An aws_error for a request we refuse to send.
aws_error invalid_request(std::string message);

bool read_string(simdjson::ondemand::value v, std::string& out);
bool read_string_view(simdjson::ondemand::value v, std::string_view& out);
bool read_int(simdjson::ondemand::value v, std::int64_t& out);
bool read_int(simdjson::ondemand::value v, int& out);
bool read_bool(simdjson::ondemand::value v, bool& out);
/// Kinesis timestamps: epoch seconds as a JSON number (fractions allowed).
bool read_timestamp(simdjson::ondemand::value v, timestamp& out);

/// Epoch seconds with millisecond fraction, as a JSON number.
void write_timestamp(codecs::json_writer& w, timestamp t);
void write_stream_ref(codecs::json_writer& w, stream_ref const& s);

/// Starts iterating `body` (padded in place) as a JSON object.
simdjson::error_code open_object(std::string& body, simdjson::ondemand::document& doc,
                                 simdjson::ondemand::object& object);

}  // namespace kinesys::engine::aws::detail
