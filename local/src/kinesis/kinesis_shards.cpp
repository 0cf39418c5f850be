// Shard listing and resharding: ListShards, SplitShard, MergeShards,
// UpdateShardCount.
#include "kinesis/kinesis_service.hpp"
#include "kinesis/sequence.hpp"

#include <charconv>
#include <cmath>

namespace kinesys::local::kinesis {
namespace {

std::string stream_from(std::string_view key, std::string_view value)
{
  return key == "StreamARN" ? std::string(value.substr(value.rfind('/') + 1)) : std::string(value);
}

struct shard_filter {
  std::string type;      // empty = none
  std::string shard;     // AFTER_SHARD_ID
  std::int64_t time_ms = 0;
  std::int64_t horizon_ms = 0;  // now - retention: shards closed before it hold nothing readable
};

// A shard is listed under a filter when a reader starting from that point
// would need it.
bool passes(shard_filter const& f, stream const& s, shard const& sh)
{
  auto expired = [&](shard const& x) { return !x.open() && *x.closed_ms < f.horizon_ms; };
  if (f.type.empty()) return true;
  if (f.type == "FROM_TRIM_HORIZON") return !expired(sh);
  if (f.type == "AT_LATEST") return sh.open();
  if (f.type == "AFTER_SHARD_ID") {
    auto o = parse_shard_id(f.shard);
    return !o || sh.ordinal > *o;
  }
  if (f.type == "AT_TRIM_HORIZON") {
    // The oldest generation still retained: shards without a retained parent.
    auto retained = [&](std::optional<std::uint32_t> p) { return p && *p < s.shards().size() && !expired(s.shards()[*p]); };
    return !expired(sh) && !retained(sh.parent) && !retained(sh.adjacent_parent);
  }
  if (f.type == "AT_TIMESTAMP") return sh.created_ms <= f.time_ms && (sh.open() || *sh.closed_ms > f.time_ms);
  if (f.type == "FROM_TIMESTAMP") return sh.open() || *sh.closed_ms >= f.time_ms;
  return true;
}

}  // namespace

outcome<void> kinesis_service::list_shards(json_in::object& req, json_out& out)
{
  std::string name, next_token, exclusive_start;
  bool has_name = false, has_token = false;
  std::int64_t max_results = 1000;
  bool has_max = false;
  shard_filter filter;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName" || key == "StreamARN") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = stream_from(key, s);
      has_name = true;
    } else if (key == "NextToken") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      next_token = std::string(s);
      has_token = true;
    } else if (key == "ExclusiveStartShardId") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      exclusive_start = std::string(s);
    } else if (key == "MaxResults") {
      KINESYS_TRY(m, json_in::get_int(v, key));
      max_results = m;
      has_max = true;
    } else if (key == "ShardFilter") {
      KINESYS_TRY(o, json_in::get_object(v, key));
      for (auto f : o) {
        std::string_view k = f.unescaped_key();
        json_in::value fv = f.value();
        if (json_in::is_null(fv)) continue;
        if (k == "Type") {
          KINESYS_TRY(t, json_in::get_string(fv, "ShardFilter.Type"));
          filter.type = std::string(t);
        } else if (k == "ShardId") {
          KINESYS_TRY(t, json_in::get_string(fv, "ShardFilter.ShardId"));
          filter.shard = std::string(t);
        } else if (k == "Timestamp") {
          KINESYS_TRY(t, json_in::get_epoch_seconds(fv, "ShardFilter.Timestamp"));
          filter.time_ms = static_cast<std::int64_t>(std::llround(t * 1000));
        }
      }
    }
  }
  validation_errors errors;
  if (has_max && (max_results < 1 || max_results > 10000))
    errors.add(aws_quoted(static_cast<std::int64_t>(max_results)), "maxResults",
               max_results < 1 ? "Member must have value greater than or equal to 1"
                               : "Member must have value less than or equal to 10000");
  if (has_name) validate_stream_name(name, true, "streamName", errors);
  static constexpr std::string_view filter_types[] = {"AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON",
                                                      "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP"};
  if (!filter.type.empty() &&
      std::find(std::begin(filter_types), std::end(filter_types), filter.type) == std::end(filter_types))
    errors.add_string(filter.type, "shardFilter.type",
                      "Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, "
                      "AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]");
  if (!errors.empty()) return errors.error();
  if (!has_name && !has_token)
    return api_error{errc::invalid_argument, "Either NextToken or StreamName should be provided."};
  if (has_name && has_token)
    return api_error{errc::invalid_argument, "NextToken and StreamName cannot be provided together."};

  std::int64_t const now = ctx_.now_ms();
  std::uint32_t first = 0;
  if (has_token) {
    // Payload: "ls1/<expiry>/<first ordinal>/<filter time>/<filter type>/<filter shard>/<stream>".
    auto payload = decode_token(next_token);
    std::string_view p = payload ? std::string_view(*payload) : std::string_view();
    std::string_view parts[7];
    int n = 0;
    while (n < 6 && !p.empty()) {
      auto slash = p.find('/');
      if (slash == std::string_view::npos) break;
      parts[n++] = p.substr(0, slash);
      p.remove_prefix(slash + 1);
    }
    parts[6] = p;
    std::int64_t expiry = 0;
    if (!payload || n != 6 || parts[0] != "ls1" || parts[6].empty() ||
        std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), expiry).ec != std::errc{} ||
        std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), first).ec != std::errc{} ||
        std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), filter.time_ms).ec != std::errc{})
      return api_error{errc::invalid_argument, "Invalid NextToken."};
    if (now > expiry)
      return api_error{errc::expired_next_token, "The timestamp of the NextToken has expired."};
    filter.type = std::string(parts[4]);
    filter.shard = std::string(parts[5]);
    name = std::string(parts[6]);
  } else if (!exclusive_start.empty()) {
    auto o = parse_shard_id(exclusive_start);
    first = o ? *o + 1 : 0;
  }
  if (filter.type == "AFTER_SHARD_ID" && filter.shard.empty())
    return api_error{errc::invalid_argument, "ShardId must be specified for the AFTER_SHARD_ID ShardFilter type."};
  if ((filter.type == "AT_TIMESTAMP" || filter.type == "FROM_TIMESTAMP") && filter.time_ms == 0)
    return api_error{errc::invalid_argument, "Timestamp must be specified for the " + filter.type + " ShardFilter type."};
  KINESYS_TRY(s, require_stream(name));
  filter.horizon_ms = now - static_cast<std::int64_t>(s->retention_hours()) * 3'600'000;

  out.begin_object().key("Shards").begin_array();
  auto const& shards = s->shards();
  std::int64_t written = 0;
  std::uint32_t i = first;
  for (; i < shards.size(); ++i) {
    if (!passes(filter, *s, shards[i])) continue;
    if (written == max_results) break;
    write_shard(out, *s, shards[i]);
    ++written;
  }
  out.end_array();
  if (i < shards.size()) {
    std::string payload = "ls1/" + std::to_string(now + limits().next_token_ttl.count()) + "/" + std::to_string(i) +
                          "/" + std::to_string(filter.time_ms) + "/" + filter.type + "/" + filter.shard + "/" + name;
    out.key("NextToken").string(encode_token(payload));
  }
  out.end_object();
  return {};
}

// --- SplitShard / MergeShards / UpdateShardCount -------------------------------------

namespace {

api_error shard_not_found(std::string_view shard, std::string_view stream, std::string const& account)
{
  return {errc::resource_not_found, "Could not find shard " + std::string(shard) + " in stream " +
                                        std::string(stream) + " under account " + account + "."};
}

api_error not_eligible(std::uint32_t ordinal, std::string_view stream, std::string const& account)
{
  return {errc::resource_in_use, "Shard " + shard_id(ordinal) + " in stream " + std::string(stream) +
                                     " under account " + account +
                                     " has already been merged or split, and thus is not eligible for merging or "
                                     "splitting."};
}

}  // namespace

outcome<void> kinesis_service::split_shard(json_in::object& req, json_out& out)
{
  std::string name, shard_text, new_start;
  bool has_name = false, has_shard = false, has_start = false;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName" || key == "StreamARN") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = stream_from(key, s);
      has_name = true;
    } else if (key == "ShardToSplit") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      shard_text = std::string(s);
      has_shard = true;
    } else if (key == "NewStartingHashKey") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      new_start = std::string(s);
      has_start = true;
    }
  }
  validation_errors errors;
  if (!has_start)
    errors.add_null("newStartingHashKey");
  else if (!parse_u128(new_start) && new_start.find_first_not_of("0123456789") != std::string::npos)
    errors.add_string(new_start, "newStartingHashKey", "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})");
  if (!has_shard) errors.add_null("shardToSplit");
  validate_stream_name(name, has_name, "streamName", errors);
  if (!errors.empty()) return errors.error();
  auto ordinal = parse_shard_id(shard_text);
  if (!ordinal) return shard_not_found(shard_text, name, account());
  KINESYS_TRY(s, require_stream(name));
  shard* sh = s->find(*ordinal);
  if (!sh) return shard_not_found(shard_id(*ordinal), name, account());
  if (!sh->open()) return not_eligible(sh->ordinal, name, account());
  auto key = parse_u128(new_start);
  if (!key || *key <= sh->start_hash + 1 || *key >= sh->end_hash)
    return api_error{errc::invalid_argument,
                     "NewStartingHashKey " + new_start + " used in SplitShard() on shard " + shard_id(sh->ordinal) +
                         " in stream " + name + " under account " + account() +
                         " is not both greater than one plus the shard's StartingHashKey " +
                         to_string_u128(sh->start_hash) + " and less than the shard's EndingHashKey " +
                         to_string_u128(sh->end_hash) + "."};
  if (auto r = reserve_shards(1); !r) return r.error();
  s->split(*sh, *key, ctx_.now_ms(), ctx_.now_ns());
  notify_changed(*s);
  out.begin_object().end_object();
  return {};
}

outcome<void> kinesis_service::merge_shards(json_in::object& req, json_out& out)
{
  std::string name, first_text, second_text;
  bool has_name = false, has_first = false, has_second = false;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName" || key == "StreamARN") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = stream_from(key, s);
      has_name = true;
    } else if (key == "ShardToMerge") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      first_text = std::string(s);
      has_first = true;
    } else if (key == "AdjacentShardToMerge") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      second_text = std::string(s);
      has_second = true;
    }
  }
  validation_errors errors;
  if (!has_second) errors.add_null("adjacentShardToMerge");
  if (!has_first) errors.add_null("shardToMerge");
  validate_stream_name(name, has_name, "streamName", errors);
  if (!errors.empty()) return errors.error();
  auto a_ord = parse_shard_id(first_text);
  if (!a_ord) return shard_not_found(first_text, name, account());
  auto b_ord = parse_shard_id(second_text);
  if (!b_ord) return shard_not_found(second_text, name, account());
  KINESYS_TRY(s, require_stream(name));
  shard* a = s->find(*a_ord);
  if (!a) return shard_not_found(shard_id(*a_ord), name, account());
  shard* b = s->find(*b_ord);
  if (!b) return shard_not_found(shard_id(*b_ord), name, account());
  if (!a->open()) return not_eligible(a->ordinal, name, account());
  if (!b->open()) return not_eligible(b->ordinal, name, account());
  bool const adjacent = (a->end_hash != u128_max && a->end_hash + 1 == b->start_hash) ||
                        (b->end_hash != u128_max && b->end_hash + 1 == a->start_hash);
  if (!adjacent || a == b)
    return api_error{errc::invalid_argument, "Shards " + shard_id(a->ordinal) + " and " + shard_id(b->ordinal) +
                                                 " in stream " + name + " under account " + account() +
                                                 " are not an adjacent pair of shards eligible for merging"};
  s->merge(*a, *b, ctx_.now_ms(), ctx_.now_ns());
  release_shards(1);
  notify_changed(*s);
  out.begin_object().end_object();
  return {};
}

outcome<void> kinesis_service::update_shard_count(json_in::object& req, json_out& out)
{
  std::string name, scaling;
  bool has_name = false, has_scaling = false, has_target = false;
  std::int64_t target = 0;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName" || key == "StreamARN") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = stream_from(key, s);
      has_name = true;
    } else if (key == "TargetShardCount") {
      KINESYS_TRY(t, json_in::get_int(v, key));
      target = t;
      has_target = true;
    } else if (key == "ScalingType") {
      KINESYS_TRY(t, json_in::get_string(v, key));
      scaling = std::string(t);
      has_scaling = true;
    }
  }
  validation_errors errors;
  if (!has_scaling)
    errors.add_null("scalingType");
  else if (scaling != "UNIFORM_SCALING")
    errors.add_string(scaling, "scalingType", "Member must satisfy enum value set: [UNIFORM_SCALING]");
  if (!has_target)
    errors.add_null("targetShardCount");
  else if (target < 1 || target > 100000)
    errors.add(aws_quoted(static_cast<std::int64_t>(target)), "targetShardCount",
               target < 1 ? "Member must have value greater than or equal to 1"
                          : "Member must have value less than or equal to 100000");
  validate_stream_name(name, has_name, "streamName", errors);
  if (!errors.empty()) return errors.error();
  KINESYS_TRY(s, require_stream(name));
  auto const current = static_cast<std::int64_t>(s->open_shard_count());
  // AWS allows one call to at most double or halve the open shard count.
  if (target > 2 * current)
    return api_error{errc::invalid_argument, "UpdateShardCount cannot scale up over double your current open shard "
                                             "count. Current open shard count: " + std::to_string(current) +
                                                 " Target shard count: " + std::to_string(target)};
  if (target * 2 < current)
    return api_error{errc::invalid_argument, "UpdateShardCount cannot scale down below half your current open shard "
                                             "count. Current open shard count: " + std::to_string(current) +
                                                 " Target shard count: " + std::to_string(target)};
  if (target > current) {
    if (auto r = reserve_shards(target - current); !r) return r.error();
  } else {
    release_shards(current - target);
  }
  if (target != current) {
    s->scale_uniform(static_cast<std::uint32_t>(target), ctx_.now_ms(), ctx_.now_ns());
    notify_changed(*s);
  }
  out.begin_object();
  out.key("StreamName").string(name);
  out.key("CurrentShardCount").number(current);
  out.key("TargetShardCount").number(target);
  out.key("StreamARN").string(arn(name));
  out.end_object();
  return {};
}

}  // namespace kinesys::local::kinesis
