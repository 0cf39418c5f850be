#pragma once
// The JSON bodies of the Kinesis calls, without any I/O: request encoders
// (which also enforce the API's limits, so a request AWS would refuse is
// never sent) and response decoders. kinesis_client uses them; they are
// public for benchmarks and for servers that speak the same shapes.
#include <kinesys/detail/engine/aws/call.hpp>
#include <kinesys/detail/engine/aws/kinesis_types.hpp>

#include <string>

namespace kinesys::engine::aws {

/// Kinesis limits the encoders enforce.
inline constexpr std::size_t max_put_records_entries = 500;
inline constexpr std::size_t max_put_records_bytes = 5u << 20;  ///< data + partition keys, whole request
inline constexpr std::size_t max_record_bytes = 1u << 20;       ///< data + partition key, one record
inline constexpr std::size_t max_partition_key_length = 256;

// Encoders: replace `out` with the request body (its capacity is reused).
void write_create_stream(std::string& out, create_stream_request const& r);
void write_delete_stream(std::string& out, delete_stream_request const& r);
void write_describe_stream_summary(std::string& out, stream_ref const& r);
void write_list_shards(std::string& out, list_shards_request const& r);
aws_result<void> write_put_record(std::string& out, put_record_request const& r);
/// Base64 is appended in place; nothing is copied per record.
aws_result<void> write_put_records(std::string& out, put_records_request const& r);
void write_get_shard_iterator(std::string& out, get_shard_iterator_request const& r);
void write_get_records(std::string& out, get_records_request const& r);
void write_split_shard(std::string& out, split_shard_request const& r);
void write_merge_shards(std::string& out, merge_shards_request const& r);
void write_update_shard_count(std::string& out, update_shard_count_request const& r);
void write_list_streams(std::string& out, list_streams_request const& r);

// Decoders of 2xx bodies. `body` is padded in place for simdjson.
aws_result<stream_summary> parse_describe_stream_summary(std::string& body);
aws_result<list_shards_result> parse_list_shards(std::string& body);
aws_result<put_record_result> parse_put_record(std::string& body);
/// Reuses `out`'s vectors and their strings' capacity.
aws_result<void> parse_put_records(std::string& body, put_records_result& out);
aws_result<std::string> parse_get_shard_iterator(std::string& body);
/// Decodes Data into out.arena (reserved once for the body's size); reuses
/// `out`'s capacity. The records' views point into out.arena.
aws_result<void> parse_get_records(std::string& body, get_records_result& out);
aws_result<update_shard_count_result> parse_update_shard_count(std::string& body);
aws_result<list_streams_result> parse_list_streams(std::string& body);

}  // namespace kinesys::engine::aws
