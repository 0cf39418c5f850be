#include "kinesis/kinesis_service.hpp"

#include "kinesis/sequence.hpp"

#include <algorithm>

namespace kinesys::local::kinesis {

kinesis_service::kinesis_service(service_context ctx, std::shared_ptr<stream_catalog> catalog)
    : ctx_(std::move(ctx)), catalog_(std::move(catalog))
{
}

shard_rates kinesis_service::rates() const noexcept
{
  auto const& l = limits();
  return {static_cast<double>(l.shard_write_bytes_per_second), static_cast<double>(l.shard_write_records_per_second),
          static_cast<double>(l.shard_read_calls_per_second), static_cast<double>(l.shard_read_bytes_per_second)};
}

outcome<void> kinesis_service::handle(std::string_view op, json_in::object& req, json_out& out)
{
  // Ordered by how often they are called.
  if (op == "PutRecords") return put_records(req, out);
  if (op == "GetRecords") return get_records(req, out);
  if (op == "PutRecord") return put_record(req, out);
  if (op == "GetShardIterator") return get_shard_iterator(req, out);
  if (op == "ListShards") return list_shards(req, out);
  if (op == "DescribeStreamSummary") return describe_stream_summary(req, out);
  if (op == "DescribeStream") return describe_stream(req, out);
  if (op == "CreateStream") return create_stream(req, out);
  if (op == "DeleteStream") return delete_stream(req, out);
  if (op == "ListStreams") return list_streams(req, out);
  if (op == "SplitShard") return split_shard(req, out);
  if (op == "MergeShards") return merge_shards(req, out);
  if (op == "UpdateShardCount") return update_shard_count(req, out);
  if (op == "IncreaseStreamRetentionPeriod") return retention_change(req, out, true);
  if (op == "DecreaseStreamRetentionPeriod") return retention_change(req, out, false);
  return api_error{errc::unknown_operation, ""};
}

void validate_stream_name(std::string_view name, bool present, std::string_view path, validation_errors& errors)
{
  if (!present) {
    errors.add_null(path);
    return;
  }
  if (name.empty() || name.size() > 128)
    errors.add_string(name, path,
                      name.empty() ? "Member must have length greater than or equal to 1"
                                   : "Member must have length less than or equal to 128");
  else if (!std::all_of(name.begin(), name.end(), [](char c) {
             return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
           }))
    errors.add_string(name, path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

api_error kinesis_service::stream_not_found(std::string_view name) const
{
  return {errc::resource_not_found, "Stream " + std::string(name) + " under account " + account() + " not found."};
}

outcome<stream*> kinesis_service::require_stream(std::string_view name)
{
  if (stream* s = find_stream(name)) return s;
  return stream_not_found(name);
}

stream* kinesis_service::find_stream(std::string_view name) noexcept
{
  auto it = streams_.find(name);
  return it == streams_.end() ? nullptr : it->second.get();
}

stream& kinesis_service::restore_stream(std::unique_ptr<stream> s)
{
  ctx_.account->open_shards.fetch_add(static_cast<std::int64_t>(s->open_shard_count()));
  catalog_->set(s->name(), {s->epoch_ms(), s->mode()});
  auto& slot = streams_[s->name()];
  slot = std::move(s);
  return *slot;
}

std::vector<std::string> kinesis_service::stream_names() const
{
  std::vector<std::string> names;
  names.reserve(streams_.size());
  for (auto const& [name, s] : streams_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

std::string kinesis_service::arn(std::string_view name) const
{
  return "arn:aws:kinesis:" + ctx_.options->region + ":" + account() + ":stream/" + std::string(name);
}

outcome<void> kinesis_service::reserve_shards(std::int64_t additional)
{
  std::int64_t const limit = limits().shard_limit;
  std::int64_t current = ctx_.account->open_shards.load();
  do {
    if (current + additional > limit)
      return api_error{errc::limit_exceeded,
                       "This request would exceed the shard limit for the account " + account() + " in " +
                           ctx_.options->region + ". Current shard count for the account: " + std::to_string(current) +
                           ". Limit: " + std::to_string(limit) +
                           ". Number of additional shards that would have resulted from this request: " +
                           std::to_string(additional) +
                           ". Refer to the AWS Service Limits page "
                           "(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits "
                           "and how to request higher limits."};
  } while (!ctx_.account->open_shards.compare_exchange_weak(current, current + additional));
  return {};
}

void kinesis_service::release_shards(std::int64_t n) { ctx_.account->open_shards.fetch_sub(n); }

void kinesis_service::trim(std::int64_t now_ms)
{
  auto const cap = limits().max_shard_bytes_in_memory;
  for (auto& [name, s] : streams_) {
    std::int64_t const cutoff = now_ms - static_cast<std::int64_t>(s->retention_hours()) * 3'600'000;
    for (shard& sh : s->shards()) {
      sh.records.trim_older_than(cutoff);
      if (cap) sh.records.trim_to_bytes(cap);
    }
  }
}

void kinesis_service::write_shard(json_out& out, stream const& s, shard const& sh) const
{
  out.begin_object();
  out.key("ShardId").string(shard_id(sh.ordinal));
  if (sh.parent) out.key("ParentShardId").string(shard_id(*sh.parent));
  if (sh.adjacent_parent) out.key("AdjacentParentShardId").string(shard_id(*sh.adjacent_parent));
  out.key("HashKeyRange").begin_object();
  out.key("StartingHashKey").begin_string();
  append_u128(out.buffer(), sh.start_hash);
  out.end_string();
  out.key("EndingHashKey").begin_string();
  append_u128(out.buffer(), sh.end_hash);
  out.end_string();
  out.end_object();
  out.key("SequenceNumberRange").begin_object();
  out.key("StartingSequenceNumber").begin_string();
  append_sequence_number(out.buffer(), {s.epoch_ms(), sh.ordinal, 0});
  out.end_string();
  if (!sh.open()) {
    // Above every record of the shard, below every record of its children.
    out.key("EndingSequenceNumber").begin_string();
    append_sequence_number(out.buffer(), {s.epoch_ms(), sh.ordinal, sh.records.end()});
    out.end_string();
  }
  out.end_object();
  out.end_object();
}

// --- CreateStream / DeleteStream ---------------------------------------------

outcome<void> kinesis_service::create_stream(json_in::object& req, json_out& out)
{
  std::string_view name;
  bool has_name = false, has_count = false;
  std::int64_t count = 0;
  std::string_view mode_text;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = s;
      has_name = true;
    } else if (key == "ShardCount") {
      KINESYS_TRY(c, json_in::get_int(v, key));
      count = c;
      has_count = true;
    } else if (key == "StreamModeDetails") {
      KINESYS_TRY(o, json_in::get_object(v, key));
      for (auto f : o) {
        if (f.unescaped_key().value_unsafe() != "StreamMode") continue;
        KINESYS_TRY(m, json_in::get_string(f.value(), "StreamMode"));
        mode_text = m;
      }
    }
  }
  std::string const name_copy(name);
  validation_errors errors;
  if (has_count && count < 1)
    errors.add(aws_quoted(static_cast<std::int64_t>(count)), "shardCount", "Member must have value greater than or equal to 1");
  if (has_count && count > 1'000'000)
    errors.add(aws_quoted(static_cast<std::int64_t>(count)), "shardCount", "Member must have value less than or equal to 1000000");
  validate_stream_name(name_copy, has_name, "streamName", errors);
  if (!mode_text.empty() && mode_text != "PROVISIONED" && mode_text != "ON_DEMAND")
    errors.add_string(mode_text, "streamModeDetails.streamMode",
                      "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]");
  if (!errors.empty()) return errors.error();

  stream_mode mode = mode_text == "ON_DEMAND" ? stream_mode::on_demand : stream_mode::provisioned;
  if (mode == stream_mode::provisioned && !has_count)
    return api_error{errc::validation, "1 validation error detected: Value null at 'shardCount' failed to satisfy "
                                       "constraint: Member must not be null"};
  if (streams_.contains(name_copy))
    return api_error{errc::resource_in_use, "Stream " + name_copy + " under account " + account() + " already exists."};
  std::uint32_t shards = mode == stream_mode::on_demand && !has_count ? limits().on_demand_shard_count
                                                                       : static_cast<std::uint32_t>(count);
  if (auto r = reserve_shards(shards); !r) return r.error();

  auto s = std::make_unique<stream>(name_copy, ctx_.now_ms(), mode, rates());
  s->set_retention_hours(static_cast<std::uint32_t>(limits().retention.count()));
  s->create_uniform(shards, ctx_.now_ms(), ctx_.now_ns());
  stream& created = *s;
  streams_.emplace(name_copy, std::move(s));
  catalog_->set(name_copy, {created.epoch_ms(), created.mode()});
  notify_changed(created);
  out.begin_object().end_object();
  return {};
}

outcome<void> kinesis_service::delete_stream(json_in::object& req, json_out& out)
{
  std::string name;
  bool has_name = false;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName" || key == "StreamARN") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = key == "StreamARN" ? std::string(s.substr(s.rfind('/') + 1)) : std::string(s);
      has_name = true;
    }
  }
  validation_errors errors;
  validate_stream_name(name, has_name, "streamName", errors);
  if (!errors.empty()) return errors.error();
  auto it = streams_.find(name);
  if (it == streams_.end()) return stream_not_found(name);
  release_shards(static_cast<std::int64_t>(it->second->open_shard_count()));
  streams_.erase(it);
  catalog_->remove(name);
  if (observer_) observer_->stream_deleted(name);
  out.begin_object().end_object();
  return {};
}

// --- Describe / List -----------------------------------------------------------

namespace {

// Reads StreamName (or StreamARN) and nothing else; most read-only calls need only that.
outcome<std::string> read_stream_name(json_in::object& req, std::int64_t* limit = nullptr,
                                      std::string* exclusive_start = nullptr)
{
  std::string name;
  bool has_name = false;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName" || key == "StreamARN") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = key == "StreamARN" ? std::string(s.substr(s.rfind('/') + 1)) : std::string(s);
      has_name = true;
    } else if (key == "Limit" && limit) {
      KINESYS_TRY(l, json_in::get_int(v, key));
      *limit = l;
    } else if (key == "ExclusiveStartShardId" && exclusive_start) {
      KINESYS_TRY(s, json_in::get_string(v, key));
      *exclusive_start = std::string(s);
    }
  }
  validation_errors errors;
  if (limit && (*limit < 1 || *limit > 10000))
    errors.add(aws_quoted(static_cast<std::int64_t>(*limit)), "limit",
               *limit < 1 ? "Member must have value greater than or equal to 1"
                          : "Member must have value less than or equal to 10000");
  validate_stream_name(name, has_name, "streamName", errors);
  if (!errors.empty()) return errors.error();
  return name;
}

void write_mode(json_out& out, stream const& s)
{
  out.key("StreamModeDetails").begin_object();
  out.key("StreamMode").string(s.mode() == stream_mode::on_demand ? "ON_DEMAND" : "PROVISIONED");
  out.end_object();
}

}  // namespace

outcome<void> kinesis_service::describe_stream(json_in::object& req, json_out& out)
{
  std::int64_t limit = 100;
  std::string exclusive_start;
  KINESYS_TRY(name, read_stream_name(req, &limit, &exclusive_start));
  KINESYS_TRY(s, require_stream(name));
  std::uint32_t first = 0;
  if (!exclusive_start.empty()) {
    auto o = parse_shard_id(exclusive_start);
    first = o ? *o + 1 : 0;
  }
  out.begin_object().key("StreamDescription").begin_object();
  out.key("StreamName").string(s->name());
  out.key("StreamARN").string(arn(s->name()));
  out.key("StreamStatus").string("ACTIVE");
  write_mode(out, *s);
  out.key("Shards").begin_array();
  std::size_t written = 0;
  auto const& shards = s->shards();
  std::size_t i = first;
  for (; i < shards.size() && written < static_cast<std::size_t>(limit); ++i, ++written)
    write_shard(out, *s, shards[i]);
  out.end_array();
  out.key("HasMoreShards").boolean(i < shards.size());
  out.key("RetentionPeriodHours").number(s->retention_hours());
  out.key("StreamCreationTimestamp").epoch_seconds(s->epoch_ms() / 1000 * 1000);
  out.key("EnhancedMonitoring").begin_array().begin_object().key("ShardLevelMetrics").begin_array().end_array();
  out.end_object().end_array();
  out.key("EncryptionType").string("NONE");
  out.end_object().end_object();
  return {};
}

outcome<void> kinesis_service::describe_stream_summary(json_in::object& req, json_out& out)
{
  KINESYS_TRY(name, read_stream_name(req));
  KINESYS_TRY(s, require_stream(name));
  out.begin_object().key("StreamDescriptionSummary").begin_object();
  out.key("StreamName").string(s->name());
  out.key("StreamARN").string(arn(s->name()));
  out.key("StreamStatus").string("ACTIVE");
  write_mode(out, *s);
  out.key("RetentionPeriodHours").number(s->retention_hours());
  out.key("StreamCreationTimestamp").epoch_seconds(s->epoch_ms() / 1000 * 1000);
  out.key("EnhancedMonitoring").begin_array().begin_object().key("ShardLevelMetrics").begin_array().end_array();
  out.end_object().end_array();
  out.key("EncryptionType").string("NONE");
  out.key("OpenShardCount").number(static_cast<std::uint64_t>(s->open_shard_count()));
  out.key("ConsumerCount").number(0);
  out.end_object().end_object();
  return {};
}

outcome<void> kinesis_service::list_streams(json_in::object& req, json_out& out)
{
  std::int64_t limit = 100;
  std::string start;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "Limit") {
      KINESYS_TRY(l, json_in::get_int(v, key));
      limit = l;
    } else if (key == "ExclusiveStartStreamName" || key == "NextToken") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      start = std::string(s);
    }
  }
  validation_errors errors;
  if (limit < 1 || limit > 10000)
    errors.add(aws_quoted(static_cast<std::int64_t>(limit)), "limit",
               limit < 1 ? "Member must have value greater than or equal to 1"
                         : "Member must have value less than or equal to 10000");
  if (!errors.empty()) return errors.error();
  // Streams of every core, from the account-wide catalog.
  auto entries = catalog_->snapshot();
  auto it = start.empty() ? entries.begin()
                          : std::upper_bound(entries.begin(), entries.end(), start,
                                             [](std::string const& s, auto const& e) { return s < e.first; });
  out.begin_object().key("StreamNames").begin_array();
  std::int64_t n = 0;
  auto first = it;
  for (; it != entries.end() && n < limit; ++it, ++n) out.string(it->first);
  out.end_array();
  bool const more = it != entries.end();
  out.key("HasMoreStreams").boolean(more);
  if (more) out.key("NextToken").string((it - 1)->first);
  out.key("StreamSummaries").begin_array();
  for (auto j = first; j != it; ++j) {
    out.begin_object();
    out.key("StreamName").string(j->first);
    out.key("StreamARN").string(arn(j->first));
    out.key("StreamStatus").string("ACTIVE");
    out.key("StreamModeDetails").begin_object();
    out.key("StreamMode").string(j->second.mode == stream_mode::on_demand ? "ON_DEMAND" : "PROVISIONED");
    out.end_object();
    out.key("StreamCreationTimestamp").epoch_seconds(j->second.epoch_ms / 1000 * 1000);
    out.end_object();
  }
  out.end_array();
  out.end_object();
  return {};
}

outcome<void> kinesis_service::retention_change(json_in::object& req, json_out& out, bool increase)
{
  std::string name;
  bool has_name = false;
  std::int64_t hours = -1;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = std::string(s);
      has_name = true;
    } else if (key == "RetentionPeriodHours") {
      KINESYS_TRY(h, json_in::get_int(v, key));
      hours = h;
    }
  }
  validation_errors errors;
  if (hours == -1)
    errors.add_null("retentionPeriodHours");
  else if (hours < 24 || hours > 8760)
    errors.add(aws_quoted(static_cast<std::int64_t>(hours)), "retentionPeriodHours",
               hours < 24 ? "Member must have value greater than or equal to 24"
                          : "Member must have value less than or equal to 8760");
  validate_stream_name(name, has_name, "streamName", errors);
  if (!errors.empty()) return errors.error();
  KINESYS_TRY(s, require_stream(name));
  auto const current = static_cast<std::int64_t>(s->retention_hours());
  if (increase && hours < current)
    return api_error{errc::invalid_argument, "Requested retention period (" + std::to_string(hours) +
                                                 " hours) for stream " + name +
                                                 " can not be shorter than existing retention period (" +
                                                 std::to_string(current) +
                                                 " hours). Use DecreaseRetentionPeriod API."};
  if (!increase && hours > current)
    return api_error{errc::invalid_argument, "Requested retention period (" + std::to_string(hours) +
                                                 " hours) for stream " + name +
                                                 " can not be longer than existing retention period (" +
                                                 std::to_string(current) +
                                                 " hours). Use IncreaseRetentionPeriod API."};
  s->set_retention_hours(static_cast<std::uint32_t>(hours));
  notify_changed(*s);
  out.begin_object().end_object();
  return {};
}

}  // namespace kinesys::local::kinesis
