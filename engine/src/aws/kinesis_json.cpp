#include <kinesys/detail/engine/aws/kinesis_json.hpp>

#include "aws/json_util.hpp"

#include <kinesys/detail/codecs/base64.hpp>
#include <kinesys/detail/codecs/json_writer.hpp>

#include <algorithm>

namespace kinesys::engine::aws {
namespace {

using codecs::json_writer;
using simdjson::ondemand::array;
using simdjson::ondemand::document;
using simdjson::ondemand::json_type;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

std::string_view iterator_type_name(shard_iterator_type t) {
  switch (t) {
    case shard_iterator_type::trim_horizon: return "TRIM_HORIZON";
    case shard_iterator_type::latest: return "LATEST";
    case shard_iterator_type::at_sequence_number: return "AT_SEQUENCE_NUMBER";
    case shard_iterator_type::after_sequence_number: return "AFTER_SEQUENCE_NUMBER";
    case shard_iterator_type::at_timestamp: return "AT_TIMESTAMP";
  }
  return "TRIM_HORIZON";
}

std::string_view filter_type_name(shard_filter_type t) {
  switch (t) {
    case shard_filter_type::after_shard_id: return "AFTER_SHARD_ID";
    case shard_filter_type::at_trim_horizon: return "AT_TRIM_HORIZON";
    case shard_filter_type::from_trim_horizon: return "FROM_TRIM_HORIZON";
    case shard_filter_type::at_latest: return "AT_LATEST";
    case shard_filter_type::at_timestamp: return "AT_TIMESTAMP";
    case shard_filter_type::from_timestamp: return "FROM_TIMESTAMP";
  }
  return "FROM_TRIM_HORIZON";
}

encryption_type encryption_of(std::string_view s) { return s == "KMS" ? encryption_type::kms : encryption_type::none; }

stream_status status_of(std::string_view s) {
  if (s == "ACTIVE") return stream_status::active;
  if (s == "CREATING") return stream_status::creating;
  if (s == "DELETING") return stream_status::deleting;
  if (s == "UPDATING") return stream_status::updating;
  return stream_status::unknown;
}

// Limits that Kinesis enforces with a ValidationException; checking them
// here names the offending entry, which the service's message does not.
aws_result<void> check_record(std::size_t index, std::string_view data, std::string_view key, std::string_view hash_key) {
  std::string const where = index == static_cast<std::size_t>(-1) ? std::string("record") : "record " + std::to_string(index);
  if (key.empty() || key.size() > 4 * max_partition_key_length)
    return detail::invalid_request(where + ": PartitionKey must be 1 to 256 characters");
  if (auto v = codecs::validate_partition_key(key); !v)
    return detail::invalid_request(where + ": PartitionKey: " + v.error().message());
  if (data.size() + key.size() > max_record_bytes)
    return detail::invalid_request(where + ": Data + PartitionKey is " + std::to_string(data.size() + key.size()) +
                                   " bytes, over the 1 MiB record limit");
  if (!hash_key.empty())
    if (auto v = codecs::validate_explicit_hash_key(hash_key); !v)
      return detail::invalid_request(where + ": ExplicitHashKey: " + v.error().message());
  return {};
}

aws_result<codecs::hash_key_range> parse_hash_range(std::string_view op, object range) {
  std::string_view starting, ending;
  for (auto f : range) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "HashKeyRange", e);
    std::string_view text;
    if (key == "StartingHashKey" || key == "EndingHashKey") {
      if (!detail::read_string_view(f.value(), text)) return detail::malformed(op, "HashKeyRange." + std::string(key));
      // The view lives in the parser's string buffer until the next
      // document, so both ends are still valid below.
      (key == "StartingHashKey" ? starting : ending) = text;
    }
  }
  auto parsed = codecs::parse_hash_key_range(starting, ending);
  if (!parsed) return detail::malformed(op, "HashKeyRange: " + parsed.error().message());
  return *parsed;
}

aws_result<shard> parse_shard(std::string_view op, object o) {
  shard s;
  for (auto f : o) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "Shards[]", e);
    value v;
    if (auto e = f.value().get(v)) return detail::malformed(op, "Shards[]", e);
    if (key == "ShardId") {
      if (!detail::read_string(v, s.shard_id)) return detail::malformed(op, "Shards[].ShardId");
    } else if (key == "ParentShardId") {
      if (!detail::read_string(v, s.parent_shard_id)) return detail::malformed(op, "Shards[].ParentShardId");
    } else if (key == "AdjacentParentShardId") {
      if (!detail::read_string(v, s.adjacent_parent_shard_id))
        return detail::malformed(op, "Shards[].AdjacentParentShardId");
    } else if (key == "HashKeyRange") {
      object range;
      if (auto e = v.get_object().get(range)) return detail::malformed(op, "Shards[].HashKeyRange", e);
      auto parsed = parse_hash_range(op, range);
      if (!parsed) return parsed.error();
      s.hash_key_range = *parsed;
    } else if (key == "SequenceNumberRange") {
      object range;
      if (auto e = v.get_object().get(range)) return detail::malformed(op, "Shards[].SequenceNumberRange", e);
      for (auto rf : range) {
        std::string_view rkey;
        if (auto e = rf.unescaped_key().get(rkey)) return detail::malformed(op, "SequenceNumberRange", e);
        value rv;
        if (auto e = rf.value().get(rv)) return detail::malformed(op, "SequenceNumberRange", e);
        json_type t;
        if (!rv.type().get(t) && t == json_type::null) continue;
        if (rkey == "StartingSequenceNumber" && !detail::read_string(rv, s.sequence_numbers.starting))
          return detail::malformed(op, "SequenceNumberRange.StartingSequenceNumber");
        if (rkey == "EndingSequenceNumber" && !detail::read_string(rv, s.sequence_numbers.ending))
          return detail::malformed(op, "SequenceNumberRange.EndingSequenceNumber");
      }
    }
  }
  if (s.shard_id.empty()) return detail::malformed(op, "Shards[].ShardId (missing)");
  return s;
}

aws_result<child_shard> parse_child_shard(std::string_view op, object o) {
  child_shard c;
  for (auto f : o) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "ChildShards[]", e);
    value v;
    if (auto e = f.value().get(v)) return detail::malformed(op, "ChildShards[]", e);
    if (key == "ShardId") {
      if (!detail::read_string(v, c.shard_id)) return detail::malformed(op, "ChildShards[].ShardId");
    } else if (key == "ParentShards") {
      array parents;
      if (auto e = v.get_array().get(parents)) return detail::malformed(op, "ChildShards[].ParentShards", e);
      for (auto p : parents) {
        std::string_view id;
        if (auto e = p.get_string().get(id)) return detail::malformed(op, "ChildShards[].ParentShards[]", e);
        c.parent_shards.emplace_back(id);
      }
    } else if (key == "HashKeyRange") {
      object range;
      if (auto e = v.get_object().get(range)) return detail::malformed(op, "ChildShards[].HashKeyRange", e);
      auto parsed = parse_hash_range(op, range);
      if (!parsed) return parsed.error();
      c.hash_key_range = *parsed;
    }
  }
  return c;
}

}  // namespace

std::string_view to_string(stream_status s) noexcept {
  switch (s) {
    case stream_status::creating: return "CREATING";
    case stream_status::deleting: return "DELETING";
    case stream_status::active: return "ACTIVE";
    case stream_status::updating: return "UPDATING";
    case stream_status::unknown: break;
  }
  return "UNKNOWN";
}

std::string_view to_string(shard_iterator_type t) noexcept { return iterator_type_name(t); }

// --- encoders ------------------------------------------------------------------

void write_create_stream(std::string& out, create_stream_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object().member("StreamName", r.stream_name);
  if (r.mode == stream_mode::on_demand) {
    w.key("StreamModeDetails").begin_object().member("StreamMode", "ON_DEMAND").end_object();
  } else {
    w.member("ShardCount", r.shard_count.value_or(1));
  }
  w.end_object();
}

void write_delete_stream(std::string& out, delete_stream_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object();
  detail::write_stream_ref(w, r.stream);
  if (r.enforce_consumer_deletion) w.member("EnforceConsumerDeletion", true);
  w.end_object();
}

void write_describe_stream_summary(std::string& out, stream_ref const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object();
  detail::write_stream_ref(w, r);
  w.end_object();
}

void write_list_shards(std::string& out, list_shards_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object();
  if (!r.next_token.empty()) {
    // ListShards refuses StreamName together with NextToken (the token
    // already names the stream); MaxResults may accompany it.
    w.member("NextToken", r.next_token);
  } else {
    detail::write_stream_ref(w, r.stream);
    if (!r.exclusive_start_shard_id.empty()) w.member("ExclusiveStartShardId", r.exclusive_start_shard_id);
    if (r.filter) {
      w.key("ShardFilter").begin_object().member("Type", filter_type_name(r.filter->type));
      if (!r.filter->shard_id.empty()) w.member("ShardId", r.filter->shard_id);
      if (r.filter->time) {
        w.key("Timestamp");
        detail::write_timestamp(w, *r.filter->time);
      }
      w.end_object();
    }
  }
  if (r.max_results) w.member("MaxResults", *r.max_results);
  w.end_object();
}

aws_result<void> write_put_record(std::string& out, put_record_request const& r) {
  if (auto checked = check_record(static_cast<std::size_t>(-1), r.data, r.partition_key, r.explicit_hash_key); !checked)
    return checked;
  out.clear();
  out.reserve(codecs::base64_encoded_size(r.data.size()) + r.partition_key.size() + 256);
  json_writer w(out);
  w.begin_object();
  detail::write_stream_ref(w, r.stream);
  w.key("Data").base64_string(r.data);
  w.member("PartitionKey", r.partition_key);
  if (!r.explicit_hash_key.empty()) w.member("ExplicitHashKey", r.explicit_hash_key);
  if (!r.sequence_number_for_ordering.empty()) w.member("SequenceNumberForOrdering", r.sequence_number_for_ordering);
  w.end_object();
  return {};
}

aws_result<void> write_put_records(std::string& out, put_records_request const& r) {
  if (r.records.empty()) return detail::invalid_request("PutRecords needs at least one record");
  if (r.records.size() > max_put_records_entries)
    return detail::invalid_request("PutRecords takes at most 500 records, got " + std::to_string(r.records.size()));
  std::size_t payload = 0;
  std::size_t encoded = 0;
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    auto const& e = r.records[i];
    if (auto checked = check_record(i, e.data, e.partition_key, e.explicit_hash_key); !checked) return checked;
    payload += e.data.size() + e.partition_key.size();
    encoded += codecs::base64_encoded_size(e.data.size()) + e.partition_key.size() + e.explicit_hash_key.size() + 64;
  }
  if (payload > max_put_records_bytes)
    return detail::invalid_request("PutRecords payload (Data + PartitionKey) is " + std::to_string(payload) +
                                   " bytes, over the 5 MiB request limit");

  // One reservation for the whole body: the writer then appends each
  // record's base64 in place without growing the buffer.
  out.clear();
  out.reserve(encoded + r.stream.name.size() + r.stream.arn.size() + 64);
  json_writer w(out);
  w.begin_object();
  detail::write_stream_ref(w, r.stream);
  w.key("Records").begin_array();
  for (auto const& e : r.records) {
    w.begin_object();
    w.key("Data").base64_string(e.data);
    w.member("PartitionKey", e.partition_key);
    if (!e.explicit_hash_key.empty()) w.member("ExplicitHashKey", e.explicit_hash_key);
    w.end_object();
  }
  w.end_array().end_object();
  return {};
}

void write_get_shard_iterator(std::string& out, get_shard_iterator_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object();
  detail::write_stream_ref(w, r.stream);
  w.member("ShardId", r.shard_id);
  w.member("ShardIteratorType", iterator_type_name(r.type));
  if (!r.starting_sequence_number.empty()) w.member("StartingSequenceNumber", r.starting_sequence_number);
  if (r.time) {
    w.key("Timestamp");
    detail::write_timestamp(w, *r.time);
  }
  w.end_object();
}

void write_get_records(std::string& out, get_records_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object().member("ShardIterator", r.shard_iterator);
  if (r.limit) w.member("Limit", *r.limit);
  if (!r.stream_arn.empty()) w.member("StreamARN", r.stream_arn);
  w.end_object();
}

void write_split_shard(std::string& out, split_shard_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object();
  detail::write_stream_ref(w, r.stream);
  w.member("ShardToSplit", r.shard_to_split).member("NewStartingHashKey", r.new_starting_hash_key).end_object();
}

void write_merge_shards(std::string& out, merge_shards_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object();
  detail::write_stream_ref(w, r.stream);
  w.member("ShardToMerge", r.shard_to_merge).member("AdjacentShardToMerge", r.adjacent_shard_to_merge).end_object();
}

void write_update_shard_count(std::string& out, update_shard_count_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object();
  detail::write_stream_ref(w, r.stream);
  w.member("TargetShardCount", r.target_shard_count).member("ScalingType", "UNIFORM_SCALING").end_object();
}

void write_list_streams(std::string& out, list_streams_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object();
  if (r.limit) w.member("Limit", *r.limit);
  if (!r.exclusive_start_stream_name.empty()) w.member("ExclusiveStartStreamName", r.exclusive_start_stream_name);
  if (!r.next_token.empty()) w.member("NextToken", r.next_token);
  w.end_object();
}

// --- decoders ------------------------------------------------------------------

aws_result<stream_summary> parse_describe_stream_summary(std::string& body) {
  constexpr std::string_view op = "DescribeStreamSummary";
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  stream_summary s;
  bool found = false;
  for (auto top : root) {
    std::string_view top_key;
    if (auto e = top.unescaped_key().get(top_key)) return detail::malformed(op, "(key)", e);
    if (top_key != "StreamDescriptionSummary") continue;
    object o;
    if (auto e = top.value().get_object().get(o)) return detail::malformed(op, "StreamDescriptionSummary", e);
    found = true;
    for (auto f : o) {
      std::string_view key;
      if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "StreamDescriptionSummary", e);
      value v;
      if (auto e = f.value().get(v)) return detail::malformed(op, key, e);
      std::string_view text;
      bool ok = true;
      if (key == "StreamName") ok = detail::read_string(v, s.stream_name);
      else if (key == "StreamARN") ok = detail::read_string(v, s.stream_arn);
      else if (key == "StreamStatus") ok = detail::read_string_view(v, text) && ((s.status = status_of(text)), true);
      else if (key == "RetentionPeriodHours") ok = detail::read_int(v, s.retention_period_hours);
      else if (key == "StreamCreationTimestamp") ok = detail::read_timestamp(v, s.creation);
      else if (key == "EncryptionType") ok = detail::read_string_view(v, text) && ((s.encryption = encryption_of(text)), true);
      else if (key == "KeyId") ok = detail::read_string(v, s.key_id);
      else if (key == "OpenShardCount") ok = detail::read_int(v, s.open_shard_count);
      else if (key == "ConsumerCount") ok = detail::read_int(v, s.consumer_count);
      else if (key == "StreamModeDetails") {
        object mode;
        ok = !v.get_object().get(mode);
        if (ok) {
          std::string_view m;
          if (!mode["StreamMode"].get_string().get(m))
            s.mode = m == "ON_DEMAND" ? stream_mode::on_demand : stream_mode::provisioned;
        }
      }
      if (!ok) return detail::malformed(op, "StreamDescriptionSummary." + std::string(key));
    }
  }
  if (!found) return detail::malformed(op, "StreamDescriptionSummary (missing)");
  return s;
}

aws_result<list_shards_result> parse_list_shards(std::string& body) {
  constexpr std::string_view op = "ListShards";
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  list_shards_result result;
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    value v;
    if (auto e = f.value().get(v)) return detail::malformed(op, key, e);
    if (key == "Shards") {
      array shards;
      if (auto e = v.get_array().get(shards)) return detail::malformed(op, "Shards", e);
      for (auto element : shards) {
        object o;
        if (auto e = element.get_object().get(o)) return detail::malformed(op, "Shards[]", e);
        auto s = parse_shard(op, o);
        if (!s) return s.error();
        result.shards.push_back(std::move(*s));
      }
    } else if (key == "NextToken") {
      json_type t;
      if (!v.type().get(t) && t == json_type::null) continue;
      if (!detail::read_string(v, result.next_token)) return detail::malformed(op, "NextToken");
    }
  }
  return result;
}

aws_result<put_record_result> parse_put_record(std::string& body) {
  constexpr std::string_view op = "PutRecord";
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  put_record_result r;
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    std::string_view text;
    if (key == "ShardId") {
      if (!detail::read_string(f.value(), r.shard_id)) return detail::malformed(op, "ShardId");
    } else if (key == "SequenceNumber") {
      if (!detail::read_string(f.value(), r.sequence_number)) return detail::malformed(op, "SequenceNumber");
    } else if (key == "EncryptionType") {
      if (!detail::read_string_view(f.value(), text)) return detail::malformed(op, "EncryptionType");
      r.encryption = encryption_of(text);
    }
  }
  if (r.sequence_number.empty()) return detail::malformed(op, "SequenceNumber (missing)");
  return r;
}

aws_result<void> parse_put_records(std::string& body, put_records_result& out) {
  constexpr std::string_view op = "PutRecords";
  out.failed_record_count = 0;
  out.encryption = encryption_type::none;
  std::size_t count = 0;
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    value v;
    if (auto e = f.value().get(v)) return detail::malformed(op, key, e);
    if (key == "FailedRecordCount") {
      std::int64_t n = 0;
      if (!detail::read_int(v, n) || n < 0) return detail::malformed(op, "FailedRecordCount");
      out.failed_record_count = static_cast<unsigned>(n);
    } else if (key == "EncryptionType") {
      std::string_view text;
      if (!detail::read_string_view(v, text)) return detail::malformed(op, "EncryptionType");
      out.encryption = encryption_of(text);
    } else if (key == "Records") {
      array records;
      if (auto e = v.get_array().get(records)) return detail::malformed(op, "Records", e);
      for (auto element : records) {
        object o;
        if (auto e = element.get_object().get(o)) return detail::malformed(op, "Records[]", e);
        // Entries are reused from the previous call: assign() keeps their
        // strings' capacity, so steady state allocates nothing here.
        if (count == out.records.size()) out.records.emplace_back();
        auto& entry = out.records[count++];
        entry.sequence_number.clear();
        entry.shard_id.clear();
        entry.error_code.clear();
        entry.error_message.clear();
        for (auto rf : o) {
          std::string_view rkey;
          if (auto e = rf.unescaped_key().get(rkey)) return detail::malformed(op, "Records[]", e);
          value rv;
          if (auto e = rf.value().get(rv)) return detail::malformed(op, "Records[]", e);
          json_type t;
          if (!rv.type().get(t) && t == json_type::null) continue;
          bool ok = true;
          if (rkey == "SequenceNumber") ok = detail::read_string(rv, entry.sequence_number);
          else if (rkey == "ShardId") ok = detail::read_string(rv, entry.shard_id);
          else if (rkey == "ErrorCode") ok = detail::read_string(rv, entry.error_code);
          else if (rkey == "ErrorMessage") ok = detail::read_string(rv, entry.error_message);
          if (!ok) return detail::malformed(op, "Records[]." + std::string(rkey));
        }
        if (entry.error_code.empty() && entry.sequence_number.empty())
          return detail::malformed(op, "Records[" + std::to_string(count - 1) + "] has neither SequenceNumber nor ErrorCode");
      }
    }
  }
  out.records.resize(count);
  return {};
}

aws_result<std::string> parse_get_shard_iterator(std::string& body) {
  constexpr std::string_view op = "GetShardIterator";
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  std::string iterator;
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    if (key == "ShardIterator" && !detail::read_string(f.value(), iterator)) return detail::malformed(op, "ShardIterator");
  }
  if (iterator.empty()) return detail::malformed(op, "ShardIterator (missing)");
  return iterator;
}

aws_result<void> parse_get_records(std::string& body, get_records_result& out) {
  constexpr std::string_view op = "GetRecords";
  out.records.clear();
  out.child_shards.clear();
  out.next_shard_iterator.clear();
  out.millis_behind_latest = 0;
  // Everything copied into the arena comes from a disjoint part of the body
  // and never grows when decoded (base64 4->3, JSON unescaping), so the
  // body's size bounds it. At least 64 bytes keeps the arena on the heap.
  out.arena.clear();
  out.arena.reserve(std::max<std::size_t>(body.size(), 64));
  std::size_t const capacity = out.arena.capacity();
  auto append = [&](std::string_view s) -> std::string_view {
    std::size_t const start = out.arena.size();
    out.arena.append(s);
    return {out.arena.data() + start, s.size()};
  };

  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    value v;
    if (auto e = f.value().get(v)) return detail::malformed(op, key, e);
    if (key == "Records") {
      array records;
      if (auto e = v.get_array().get(records)) return detail::malformed(op, "Records", e);
      for (auto element : records) {
        object o;
        if (auto e = element.get_object().get(o)) return detail::malformed(op, "Records[]", e);
        kinesis_record record;
        for (auto rf : o) {
          std::string_view rkey;
          if (auto e = rf.unescaped_key().get(rkey)) return detail::malformed(op, "Records[]", e);
          value rv;
          if (auto e = rf.value().get(rv)) return detail::malformed(op, "Records[]", e);
          std::string_view text;
          if (rkey == "Data") {
            if (!detail::read_string_view(rv, text)) return detail::malformed(op, "Records[].Data");
            std::size_t const start = out.arena.size();
            if (start + codecs::base64_decoded_max_size(text.size()) > capacity)
              return detail::malformed(op, "Records[].Data (larger than the response)");
            if (auto decoded = codecs::base64_decode(out.arena, text); !decoded)
              return detail::malformed(op, "Records[" + std::to_string(out.records.size()) +
                                               "].Data: " + decoded.error().message());
            record.data = {out.arena.data() + start, out.arena.size() - start};
          } else if (rkey == "PartitionKey" || rkey == "SequenceNumber") {
            if (!detail::read_string_view(rv, text) || out.arena.size() + text.size() > capacity)
              return detail::malformed(op, "Records[]." + std::string(rkey));
            (rkey == "PartitionKey" ? record.partition_key : record.sequence_number) = append(text);
          } else if (rkey == "ApproximateArrivalTimestamp") {
            if (!detail::read_timestamp(rv, record.approximate_arrival))
              return detail::malformed(op, "Records[].ApproximateArrivalTimestamp");
          } else if (rkey == "EncryptionType") {
            if (!detail::read_string_view(rv, text)) return detail::malformed(op, "Records[].EncryptionType");
            record.encryption = encryption_of(text);
          }
        }
        if (record.sequence_number.empty()) return detail::malformed(op, "Records[].SequenceNumber (missing)");
        out.records.push_back(record);
      }
    } else if (key == "NextShardIterator") {
      json_type t;
      if (!v.type().get(t) && t == json_type::null) continue;
      if (!detail::read_string(v, out.next_shard_iterator)) return detail::malformed(op, "NextShardIterator");
    } else if (key == "MillisBehindLatest") {
      if (!detail::read_int(v, out.millis_behind_latest)) return detail::malformed(op, "MillisBehindLatest");
    } else if (key == "ChildShards") {
      array children;
      if (auto e = v.get_array().get(children)) return detail::malformed(op, "ChildShards", e);
      for (auto element : children) {
        object o;
        if (auto e = element.get_object().get(o)) return detail::malformed(op, "ChildShards[]", e);
        auto child = parse_child_shard(op, o);
        if (!child) return child.error();
        out.child_shards.push_back(std::move(*child));
      }
    }
  }
  return {};
}

aws_result<update_shard_count_result> parse_update_shard_count(std::string& body) {
  constexpr std::string_view op = "UpdateShardCount";
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  update_shard_count_result r;
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    bool ok = true;
    if (key == "StreamName") ok = detail::read_string(f.value(), r.stream_name);
    else if (key == "CurrentShardCount") ok = detail::read_int(f.value(), r.current_shard_count);
    else if (key == "TargetShardCount") ok = detail::read_int(f.value(), r.target_shard_count);
    if (!ok) return detail::malformed(op, key);
  }
  return r;
}

aws_result<list_streams_result> parse_list_streams(std::string& body) {
  constexpr std::string_view op = "ListStreams";
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  list_streams_result r;
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    value v;
    if (auto e = f.value().get(v)) return detail::malformed(op, key, e);
    if (key == "StreamNames") {
      array names;
      if (auto e = v.get_array().get(names)) return detail::malformed(op, "StreamNames", e);
      for (auto n : names) {
        std::string_view name;
        if (auto e = n.get_string().get(name)) return detail::malformed(op, "StreamNames[]", e);
        r.stream_names.emplace_back(name);
      }
    } else if (key == "HasMoreStreams") {
      if (!detail::read_bool(v, r.has_more_streams)) return detail::malformed(op, "HasMoreStreams");
    } else if (key == "NextToken") {
      json_type t;
      if (!v.type().get(t) && t == json_type::null) continue;
      if (!detail::read_string(v, r.next_token)) return detail::malformed(op, "NextToken");
    }
  }
  return r;
}

}  // namespace kinesys::engine::aws
