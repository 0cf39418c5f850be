#pragma once
// kinesys::codecs — pure functions with no I/O: JSON writing and parsing
// helpers, base64, DynamoDB AttributeValue JSON, Kinesis hash keys, the KPL
// aggregated record format and the compression envelope.
#include <kinesys/detail/codecs/error.hpp>
#include <kinesys/detail/codecs/json_writer.hpp>
#include <kinesys/detail/codecs/json_reader.hpp>
#include <kinesys/detail/codecs/base64.hpp>
#include <kinesys/detail/codecs/attribute_value.hpp>
#include <kinesys/detail/codecs/hash_key.hpp>
#include <kinesys/detail/codecs/kpl_aggregation.hpp>
#include <kinesys/detail/codecs/compression.hpp>

namespace kinesys::codecs {
char const* library_name() noexcept;
}  // namespace kinesys::codecs
