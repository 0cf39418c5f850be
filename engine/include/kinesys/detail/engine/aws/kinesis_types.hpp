#pragma once
// Request and result shapes of the Kinesis Data Streams calls kinesys makes,
// named after the API's fields. Requests hold views where the caller already
// owns the bytes (record data, partition keys): they must outlive the call.
#include <kinesys/detail/codecs/hash_key.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::engine::aws {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// A stream is named by StreamName or StreamARN (set one).
struct stream_ref {
  std::string name;
  std::string arn;
};

enum class stream_mode { provisioned, on_demand };
enum class stream_status { creating, deleting, active, updating, unknown };
enum class encryption_type { none, kms };

struct create_stream_request {
  std::string stream_name;
  /// Required for provisioned streams; ignored for on-demand.
  std::optional<int> shard_count;
  stream_mode mode = stream_mode::provisioned;
};

struct delete_stream_request {
  stream_ref stream;
  bool enforce_consumer_deletion = false;
};

struct stream_summary {
  std::string stream_name;
  std::string stream_arn;
  stream_status status = stream_status::unknown;
  stream_mode mode = stream_mode::provisioned;
  int retention_period_hours = 0;
  timestamp creation{};
  encryption_type encryption = encryption_type::none;
  std::string key_id;
  int open_shard_count = 0;
  int consumer_count = 0;
};

struct sequence_number_range {
  std::string starting;
  std::string ending;  ///< empty while the shard is open
};

struct shard {
  std::string shard_id;
  std::string parent_shard_id;           ///< empty if none
  std::string adjacent_parent_shard_id;  ///< empty if none (set for merged shards)
  codecs::hash_key_range hash_key_range;
  sequence_number_range sequence_numbers;

  bool open() const noexcept { return sequence_numbers.ending.empty(); }
};

enum class shard_filter_type {
  after_shard_id,
  at_trim_horizon,
  from_trim_horizon,
  at_latest,
  at_timestamp,
  from_timestamp,
};

struct shard_filter {
  shard_filter_type type = shard_filter_type::from_trim_horizon;
  std::string shard_id;            ///< for after_shard_id
  std::optional<timestamp> time;   ///< for at_timestamp / from_timestamp
};

struct list_shards_request {
  stream_ref stream;                ///< omitted (as the API demands) when next_token is set
  std::string next_token;
  std::string exclusive_start_shard_id;
  std::optional<int> max_results;   ///< 1..10000
  std::optional<shard_filter> filter;
};

struct list_shards_result {
  std::vector<shard> shards;
  std::string next_token;  ///< empty on the last page
};

struct put_record_request {
  stream_ref stream;
  std::string_view data;
  std::string_view partition_key;
  std::string_view explicit_hash_key;          ///< optional
  std::string_view sequence_number_for_ordering;  ///< optional
};

struct put_record_result {
  std::string shard_id;
  std::string sequence_number;
  encryption_type encryption = encryption_type::none;
};

struct put_records_entry {
  std::string_view data;
  std::string_view partition_key;
  std::string_view explicit_hash_key;  ///< optional
};

struct put_records_request {
  stream_ref stream;
  std::span<put_records_entry const> records;  ///< 1..500 entries, 5 MiB in all
};

/// One entry of PutRecords' answer, in request order: either a sequence
/// number and shard, or an error (ProvisionedThroughputExceededException,
/// InternalFailure, KMS...).
struct put_records_result_entry {
  std::string sequence_number;
  std::string shard_id;
  std::string error_code;
  std::string error_message;
  bool ok() const noexcept { return error_code.empty(); }
};

struct put_records_result {
  unsigned failed_record_count = 0;
  std::vector<put_records_result_entry> records;
  encryption_type encryption = encryption_type::none;
};

enum class shard_iterator_type {
  trim_horizon,
  latest,
  at_sequence_number,
  after_sequence_number,
  at_timestamp,
};

struct get_shard_iterator_request {
  stream_ref stream;
  std::string shard_id;
  shard_iterator_type type = shard_iterator_type::trim_horizon;
  std::string starting_sequence_number;  ///< for at_/after_sequence_number
  std::optional<timestamp> time;         ///< for at_timestamp
};

struct get_records_request {
  std::string shard_iterator;
  std::optional<int> limit;  ///< 1..10000
  std::string stream_arn;    ///< optional
};

/// One record of GetRecords. The views point into the get_records_result
/// that holds it and stay valid as long as that result is neither destroyed
/// nor reused for another call (moving the result keeps them valid).
struct kinesis_record {
  std::string_view data;  ///< decoded bytes
  std::string_view partition_key;
  std::string_view sequence_number;
  timestamp approximate_arrival{};
  encryption_type encryption = encryption_type::none;
};

struct child_shard {
  std::string shard_id;
  std::vector<std::string> parent_shards;
  codecs::hash_key_range hash_key_range;
};

struct get_records_result {
  std::vector<kinesis_record> records;
  /// Empty once a closed shard has been read to its end.
  std::string next_shard_iterator;
  std::int64_t millis_behind_latest = 0;
  /// Set when the shard is closed and read to its end (resharding).
  std::vector<child_shard> child_shards;

  /// Backing store of the records' views: decoded data, partition keys and
  /// sequence numbers back to back. Reserved up front for the whole response
  /// (always on the heap, so moving the result keeps the views valid) and
  /// never reallocated while records point into it; reusing a result for the
  /// next call reuses its capacity.
  std::string arena;
};

struct split_shard_request {
  stream_ref stream;
  std::string shard_to_split;
  std::string new_starting_hash_key;  ///< decimal
};

struct merge_shards_request {
  stream_ref stream;
  std::string shard_to_merge;
  std::string adjacent_shard_to_merge;
};

struct update_shard_count_request {
  stream_ref stream;
  int target_shard_count = 1;
};

struct update_shard_count_result {
  std::string stream_name;
  int current_shard_count = 0;
  int target_shard_count = 0;
};

struct list_streams_request {
  std::optional<int> limit;
  std::string exclusive_start_stream_name;
  std::string next_token;
};

struct list_streams_result {
  std::vector<std::string> stream_names;
  bool has_more_streams = false;
  std::string next_token;
};

std::string_view to_string(stream_status s) noexcept;
std::string_view to_string(shard_iterator_type t) noexcept;

}  // namespace kinesys::engine::aws
