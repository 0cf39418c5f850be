// The data plane: PutRecord(s), GetShardIterator, GetRecords.
#include "kinesis/kinesis_service.hpp"
#include "kinesis/sequence.hpp"
#include "common/base64_check.hpp"


#include <algorithm>
#include <cmath>
#include <ctime>

namespace kinesys::local::kinesis {
namespace {

struct put_entry {
  std::string_view data_b64;
  std::string_view partition_key;
  std::string_view explicit_hash_key;
  bool has_data = false, has_key = false, has_ehk = false;
};

// The decoded size of valid base64 text, without decoding it.
std::size_t decoded_size(std::string_view b64) noexcept
{
  std::size_t n = b64.size() / 4 * 3;
  if (!b64.empty() && b64.back() == '=') --n;
  if (b64.size() > 1 && b64[b64.size() - 2] == '=') --n;
  return n;
}

std::string heap_buffer(std::size_t n)
{
  return "'java.nio.HeapByteBuffer[pos=0 lim=" + std::to_string(n) + " cap=" + std::to_string(n) + "]'";
}

bool is_hash_key_text(std::string_view s) noexcept
{
  // 0|([1-9]\d{0,38})
  if (s.empty() || s.size() > 39) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Validates one entry's members; `path` is e.g. "records.3.member" or "".
void validate_entry(put_entry const& e, std::string const& path, kinesis_limits const& limits,
                    validation_errors& errors)
{
  auto at = [&](char const* member) { return path.empty() ? std::string(member) : path + "." + member; };
  if (!e.has_data)
    errors.add_null(at("data"));
  else if (decoded_size(e.data_b64) > limits.max_record_bytes)
    errors.add(heap_buffer(decoded_size(e.data_b64)), at("data"),
               "Member must have length less than or equal to " + std::to_string(limits.max_record_bytes));
  if (!e.has_key) {
    errors.add_null(at("partitionKey"));
  } else {
    auto len = utf16_length(e.partition_key);
    if (len < 1) errors.add_string(e.partition_key, at("partitionKey"), "Member must have length greater than or equal to 1");
    if (len > 256) errors.add_string(e.partition_key, at("partitionKey"), "Member must have length less than or equal to 256");
  }
  if (e.has_ehk && !is_hash_key_text(e.explicit_hash_key))
    errors.add_string(e.explicit_hash_key, at("explicitHashKey"),
                      "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})");
}

outcome<put_entry> read_entry(json_in::object o)
{
  put_entry e;
  for (auto field : o) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "Data") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      e.data_b64 = s;
      e.has_data = true;
    } else if (key == "PartitionKey") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      e.partition_key = s;
      e.has_key = true;
    } else if (key == "ExplicitHashKey") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      e.explicit_hash_key = s;
      e.has_ehk = true;
    }
  }
  return e;
}

api_error rate_exceeded(std::string_view shard, std::string_view stream, std::string const& account)
{
  return {errc::provisioned_throughput_exceeded, "Rate exceeded for shard " + std::string(shard) + " in stream " +
                                                     std::string(stream) + " under account " + account + "."};
}

std::string amz_utc(std::int64_t ms)
{
  // "Thu Jan 22 01:22:02 UTC 2015", as the ExpiredIteratorException message words it.
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S UTC %Y", &tm);
  return std::string(buf, n);
}

}  // namespace

// --- PutRecord / PutRecords ------------------------------------------------------

namespace {

// What the two put calls share once an entry is valid: hash, route, meter, append.
struct put_outcome {
  shard* target = nullptr;
  std::uint64_t position = 0;
  bool throttled = false;
  bool bad_hash_key = false;
};

}  // namespace

outcome<void> kinesis_service::put_record(json_in::object& req, json_out& out)
{
  put_entry e;
  std::string name;
  bool has_name = false;
  std::string_view ordering;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName" || key == "StreamARN") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = key == "StreamARN" ? std::string(s.substr(s.rfind('/') + 1)) : std::string(s);
      has_name = true;
    } else if (key == "Data") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      e.data_b64 = s;
      e.has_data = true;
    } else if (key == "PartitionKey") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      e.partition_key = s;
      e.has_key = true;
    } else if (key == "ExplicitHashKey") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      e.explicit_hash_key = s;
      e.has_ehk = true;
    } else if (key == "SequenceNumberForOrdering") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      ordering = s;
    }
  }
  validation_errors errors;
  validate_entry(e, "", limits(), errors);
  validate_stream_name(name, has_name, "streamName", errors);
  if (!errors.empty()) return errors.error();
  KINESYS_TRY(s, require_stream(name));
  if (!ordering.empty() && !parse_sequence_number(ordering))
    return api_error{errc::invalid_argument, "ExclusiveMinimumSequenceNumber " + std::string(ordering) +
                                                 " used in PutRecord on stream " + name + " under account " +
                                                 account() + " is invalid."};
  std::size_t const size = decoded_size(e.data_b64) + e.partition_key.size();
  if (size > limits().max_record_bytes)
    return api_error{errc::invalid_argument, "Record size " + std::to_string(size) +
                                                 " including the partition key exceeds the limit of " +
                                                 std::to_string(limits().max_record_bytes) + " bytes."};
  u128 hash = 0;
  if (e.has_ehk) {
    auto h = parse_u128(e.explicit_hash_key);
    if (!h)
      return api_error{errc::invalid_argument,
                       "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was " +
                           std::string(e.explicit_hash_key)};
    hash = *h;
  } else {
    hash = partition_key_hash(e.partition_key);
  }
  if (!base64_decoded_length(e.data_b64))
    return json_in::serialization("Base64 encoded value of 'Data' is not valid base64");
  shard& sh = s->route(hash);
  std::int64_t const now_ns = ctx_.now_ns();
  if (limits().throttle) {
    if (sh.write_records.available(now_ns) < 1 || sh.write_bytes.available(now_ns) < static_cast<double>(size))
      return rate_exceeded(shard_id(sh.ordinal), name, account());
    sh.write_records.try_take(1, now_ns);
    sh.write_bytes.try_take(static_cast<double>(size), now_ns);
  }
  std::uint64_t pos = sh.records.append(e.partition_key, e.data_b64, ctx_.now_ms());
  if (observer_) observer_->record_appended(*s, sh, sh.records.at(pos));
  out.begin_object();
  out.key("ShardId").string(shard_id(sh.ordinal));
  out.key("SequenceNumber").begin_string();
  append_sequence_number(out.buffer(), {s->epoch_ms(), sh.ordinal, pos});
  out.end_string();
  out.key("EncryptionType").string("NONE");
  out.end_object();
  return {};
}

outcome<void> kinesis_service::put_records(json_in::object& req, json_out& out)
{
  thread_local std::vector<put_entry> entries;
  entries.clear();
  std::string name;
  bool has_name = false, has_records = false;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName" || key == "StreamARN") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = key == "StreamARN" ? std::string(s.substr(s.rfind('/') + 1)) : std::string(s);
      has_name = true;
    } else if (key == "Records") {
      KINESYS_TRY(a, json_in::get_array(v, key));
      has_records = true;
      for (auto element : a) {
        KINESYS_TRY(o, json_in::get_object(element.value(), "Records.member"));
        KINESYS_TRY(e, read_entry(o));
        entries.push_back(e);
      }
    }
  }
  auto const& lim = limits();
  validation_errors errors;
  if (!has_records) {
    errors.add_null("records");
  } else if (entries.empty() || entries.size() > lim.max_records_per_request) {
    std::string list = "'[";
    for (std::size_t i = 0; i < entries.size(); ++i) list += i ? ", PutRecordsRequestEntry" : "PutRecordsRequestEntry";
    list += "]'";
    errors.add(list, "records",
               entries.empty() ? "Member must have length greater than or equal to 1"
                               : "Member must have length less than or equal to " +
                                     std::to_string(lim.max_records_per_request));
  }
  for (std::size_t i = 0; i < entries.size(); ++i)
    validate_entry(entries[i], "records." + std::to_string(i + 1) + ".member", lim, errors);
  validate_stream_name(name, has_name, "streamName", errors);
  if (!errors.empty()) return errors.error();
  KINESYS_TRY(s, require_stream(name));

  std::size_t total = 0;
  for (auto const& e : entries) {
    std::size_t const size = decoded_size(e.data_b64) + e.partition_key.size();
    if (size > lim.max_record_bytes)
      return api_error{errc::invalid_argument, "Record size " + std::to_string(size) +
                                                   " including the partition key exceeds the limit of " +
                                                   std::to_string(lim.max_record_bytes) + " bytes."};
    total += size;
  }
  if (total > lim.max_request_bytes)
    return api_error{errc::invalid_argument, "Records size " + std::to_string(total) + " exceeds the limit of " +
                                                 std::to_string(lim.max_request_bytes) + " bytes for a PutRecords request."};
  // Everything that can refuse the whole request is checked before the
  // first record is written: hash keys (AWS refuses the request for one
  // out-of-range ExplicitHashKey) and the base64 of every Data.
  thread_local std::vector<u128> hashes;
  hashes.clear();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    put_entry& e = entries[i];
    if (!base64_decoded_length(e.data_b64))
      return json_in::serialization("Base64 encoded value of 'Records." + std::to_string(i + 1) +
                                    ".Data' is not valid base64");
    if (e.has_ehk) {
      auto h = parse_u128(e.explicit_hash_key);
      if (!h)
        return api_error{errc::invalid_argument,
                         "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was " +
                             std::string(e.explicit_hash_key)};
      hashes.push_back(*h);
    } else {
      hashes.push_back(partition_key_hash(e.partition_key));
    }
  }

  std::int64_t const now_ns = ctx_.now_ns();
  std::int64_t const now_ms = ctx_.now_ms();
  bool const throttle = lim.throttle;
  std::size_t failed = 0;
  std::string& buf = out.buffer();
  buf.reserve(buf.size() + entries.size() * 96 + 64);
  out.begin_object();
  out.key("Records").begin_array();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    put_entry const& e = entries[i];
    shard& sh = s->route(hashes[i]);
    double const size = static_cast<double>(decoded_size(e.data_b64) + e.partition_key.size());
    bool rejected = ctx_.throttle_entry && ctx_.throttle_entry();
    if (throttle && !rejected) {
      // Both budgets must cover the entry; a rejected entry consumes neither.
      if (sh.write_records.available(now_ns) < 1 || sh.write_bytes.available(now_ns) < size) {
        rejected = true;
      } else {
        sh.write_records.try_take(1, now_ns);
        sh.write_bytes.try_take(size, now_ns);
      }
    }
    if (rejected) {
      ++failed;
      out.begin_object();
      out.key("ErrorCode").string("ProvisionedThroughputExceededException");
      out.key("ErrorMessage").string(rate_exceeded(shard_id(sh.ordinal), name, account()).message);
      out.end_object();
      continue;
    }
    // Stored as the (validated, canonical) base64 text it arrived as.
    std::uint64_t pos = sh.records.append(e.partition_key, e.data_b64, now_ms);
    if (observer_) observer_->record_appended(*s, sh, sh.records.at(pos));
    out.begin_object();
    out.key("SequenceNumber").begin_string();
    append_sequence_number(buf, {s->epoch_ms(), sh.ordinal, pos});
    out.end_string();
    out.key("ShardId").begin_string();
    buf.append("shardId-");
    {
      char digits[13];
      std::uint32_t v = sh.ordinal;
      for (int d = 11; d >= 0; --d) { digits[d] = static_cast<char>('0' + v % 10); v /= 10; }
      buf.append(digits, 12);
    }
    out.end_string();
    out.end_object();
  }
  out.end_array();
  out.key("FailedRecordCount").number(static_cast<std::uint64_t>(failed));
  out.key("EncryptionType").string("NONE");
  out.end_object();
  return {};
}

// --- GetShardIterator ---------------------------------------------------------------

outcome<void> kinesis_service::get_shard_iterator(json_in::object& req, json_out& out)
{
  std::string name, shard_text, type, starting;
  bool has_name = false, has_shard = false, has_type = false, has_starting = false, has_timestamp = false;
  double timestamp = 0;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "StreamName" || key == "StreamARN") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = key == "StreamARN" ? std::string(s.substr(s.rfind('/') + 1)) : std::string(s);
      has_name = true;
    } else if (key == "ShardId") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      shard_text = std::string(s);
      has_shard = true;
    } else if (key == "ShardIteratorType") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      type = std::string(s);
      has_type = true;
    } else if (key == "StartingSequenceNumber") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      starting = std::string(s);
      has_starting = true;
    } else if (key == "Timestamp") {
      KINESYS_TRY(t, json_in::get_epoch_seconds(v, key));
      timestamp = t;
      has_timestamp = true;
    }
  }
  validation_errors errors;
  static constexpr std::string_view types[] = {"AFTER_SEQUENCE_NUMBER", "LATEST", "AT_TIMESTAMP",
                                               "AT_SEQUENCE_NUMBER", "TRIM_HORIZON"};
  if (!has_type)
    errors.add_null("shardIteratorType");
  else if (std::find(std::begin(types), std::end(types), type) == std::end(types))
    errors.add_string(type, "shardIteratorType",
                      "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, "
                      "AT_SEQUENCE_NUMBER, TRIM_HORIZON]");
  if (!has_shard)
    errors.add_null("shardId");
  else if (shard_text.empty() || shard_text.size() > 128)
    errors.add_string(shard_text, "shardId",
                      shard_text.empty() ? "Member must have length greater than or equal to 1"
                                         : "Member must have length less than or equal to 128");
  if (has_starting && (starting.empty() || starting.find_first_not_of("0123456789") != std::string::npos))
    errors.add_string(starting, "startingSequenceNumber", "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})");
  validate_stream_name(name, has_name, "streamName", errors);
  if (!errors.empty()) return errors.error();

  auto ordinal = parse_shard_id(shard_text);
  if (!ordinal)
    return api_error{errc::resource_not_found, "Could not find shard " + shard_text + " in stream " + name +
                                                   " under account " + account() + "."};
  stream* s = find_stream(name);
  if (!s || !s->find(*ordinal))
    return api_error{errc::resource_not_found, "Shard " + shard_id(*ordinal) + " in stream " + name +
                                                   " under account " + account() + " does not exist"};
  shard& sh = *s->find(*ordinal);
  std::int64_t const now = ctx_.now_ms();
  std::uint64_t position = 0;
  bool const by_sequence = type == "AT_SEQUENCE_NUMBER" || type == "AFTER_SEQUENCE_NUMBER";
  if (by_sequence != has_starting)
    return api_error{errc::invalid_argument,
                     "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber "
                     "or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified " +
                         type + (has_starting ? " and also a StartingSequenceNumber." : " and no StartingSequenceNumber.")};
  if (by_sequence) {
    auto p = parse_sequence_number(starting);
    if (!p || p->stream_epoch_ms != s->epoch_ms())
      return api_error{errc::invalid_argument, "StartingSequenceNumber " + starting +
                                                   " used in GetShardIterator on shard " + shard_id(sh.ordinal) +
                                                   " in stream " + name + " under account " + account() +
                                                   " is invalid" +
                                                   (p ? " because it did not come from this stream." : ".")};
    if (p->shard_ordinal != sh.ordinal)
      return api_error{errc::invalid_argument, "Invalid StartingSequenceNumber. It encodes " +
                                                   shard_id(p->shard_ordinal) +
                                                   ", while it was used in a call to a shard with " +
                                                   shard_id(sh.ordinal)};
    if (p->position > sh.records.end())
      return api_error{errc::invalid_argument, "StartingSequenceNumber " + starting +
                                                   " used in GetShardIterator on shard " + shard_id(sh.ordinal) +
                                                   " in stream " + name + " under account " + account() +
                                                   " is invalid."};
    position = type == "AT_SEQUENCE_NUMBER" ? p->position : p->position + 1;
  } else if (type == "TRIM_HORIZON") {
    position = sh.records.begin();
  } else if (type == "LATEST") {
    position = sh.records.end();
  } else {  // AT_TIMESTAMP
    if (!has_timestamp)
      return api_error{errc::invalid_argument, "Must specify timestampInMillis parameter for iterator of type "
                                               "AT_TIMESTAMP. Current request has no timestamp parameter."};
    auto const ts_ms = static_cast<std::int64_t>(std::llround(timestamp * 1000.0));
    if (ts_ms > now)
      return api_error{errc::invalid_argument,
                       "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. "
                       "timestampInMillis: " + std::to_string(ts_ms) + ", currentTimestampInMillis: " + std::to_string(now)};
    position = sh.records.lower_bound_time(ts_ms);
  }
  out.begin_object();
  out.key("ShardIterator").string(encode_iterator({name, s->epoch_ms(), sh.ordinal, position, now}));
  out.end_object();
  return {};
}

// --- GetRecords -------------------------------------------------------------------

outcome<void> kinesis_service::get_records(json_in::object& req, json_out& out)
{
  std::string_view iterator_text;
  bool has_iterator = false;
  std::int64_t limit = static_cast<std::int64_t>(limits().max_get_records);
  bool has_limit = false;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "ShardIterator") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      iterator_text = s;
      has_iterator = true;
    } else if (key == "Limit") {
      KINESYS_TRY(l, json_in::get_int(v, key));
      limit = l;
      has_limit = true;
    }
  }
  validation_errors errors;
  auto const max = static_cast<std::int64_t>(limits().max_get_records);
  if (has_limit && (limit < 1 || limit > max))
    errors.add(aws_quoted(static_cast<std::int64_t>(limit)), "limit",
               limit < 1 ? "Member must have value greater than or equal to 1"
                         : "Member must have value less than or equal to " + std::to_string(max));
  if (!has_iterator)
    errors.add_null("shardIterator");
  else if (iterator_text.empty() || iterator_text.size() > 512)
    errors.add_string(iterator_text, "shardIterator",
                      iterator_text.empty() ? "Member must have length greater than or equal to 1"
                                            : "Member must have length less than or equal to 512");
  if (!errors.empty()) return errors.error();

  auto it = decode_iterator(iterator_text);
  if (!it) return api_error{errc::invalid_argument, "Invalid ShardIterator."};
  std::int64_t const now = ctx_.now_ms();
  if (it->created_ms > now + 1000) return api_error{errc::invalid_argument, "Invalid ShardIterator."};
  auto const ttl = limits().iterator_ttl.count();
  if (now - it->created_ms > ttl)
    return api_error{errc::expired_iterator,
                     "Iterator expired. The iterator was created at time " + amz_utc(it->created_ms) +
                         " while right now it is " + amz_utc(now) +
                         " which is further in the future than the tolerated delay of " + std::to_string(ttl) +
                         " milliseconds."};
  stream* s = find_stream(it->stream_name);
  if (!s || s->epoch_ms() != it->stream_epoch_ms || !s->find(it->shard_ordinal))
    return api_error{errc::resource_not_found, "Shard " + shard_id(it->shard_ordinal) + " in stream " +
                                                   it->stream_name + " under account " + account() +
                                                   " does not exist"};
  shard& sh = *s->find(it->shard_ordinal);
  std::int64_t const now_ns = ctx_.now_ns();
  if (limits().throttle) {
    // Five calls per second, and a read that returned more than the
    // per-second byte budget blocks the shard until the debt is repaid.
    if (!sh.read_bytes.positive(now_ns) || !sh.read_calls.try_take(1, now_ns))
      return api_error{errc::provisioned_throughput_exceeded,
                       "Rate exceeded for Shard - " + shard_id(sh.ordinal) + " in stream " + s->name() +
                           " under account " + account() + "."};
  }

  record_store const& records = sh.records;
  std::uint64_t const first = std::max(it->position, records.begin());
  std::uint64_t const end = records.end();
  std::size_t const byte_cap = limits().max_get_records_bytes;
  // First pass over the index only: how many records fit, and how much
  // answer they make, so the answer is allocated once.
  std::size_t bytes = 0, stored = 0;
  std::uint64_t last = first;
  for (std::int64_t count = 0; last < end && count < limit; ++last, ++count) {
    record_view r = records.at(last);
    std::size_t const size = decoded_size(r.data) + r.partition_key.size();
    if (count > 0 && bytes + size > byte_cap) break;
    bytes += size;
    stored += r.data.size() + r.partition_key.size();
  }
  std::string& buf = out.buffer();
  buf.reserve(buf.size() + stored + static_cast<std::size_t>(last - first) * 160 + 1024);
  std::string const prefix = sequence_prefix(s->epoch_ms(), sh.ordinal);
  out.begin_object();
  out.key("Records").begin_array();
  std::uint64_t pos = first;
  for (; pos < last; ++pos) {
    record_view r = records.at(pos);
    out.begin_object();
    out.key("SequenceNumber").begin_string();
    append_sequence_number(buf, prefix, pos);
    out.end_string();
    out.key("ApproximateArrivalTimestamp").epoch_seconds(r.arrival_ms);
    out.key("Data").begin_string();
    buf.append(r.data);  // kept in base64, the form it travels in
    out.end_string();
    out.key("PartitionKey").string(r.partition_key);
    out.end_object();
  }
  out.end_array();
  if (limits().throttle) sh.read_bytes.force_take(static_cast<double>(bytes), now_ns);

  bool const at_end = pos >= end;
  if (at_end && !sh.open()) {
    // The end of a closed shard: no next iterator; the children to read next.
    out.key("MillisBehindLatest").number(0);
    out.key("ChildShards").begin_array();
    for (shard const* child : s->children(sh.ordinal)) {
      out.begin_object();
      out.key("ShardId").string(shard_id(child->ordinal));
      out.key("ParentShards").begin_array();
      if (child->parent) out.string(shard_id(*child->parent));
      if (child->adjacent_parent) out.string(shard_id(*child->adjacent_parent));
      out.end_array();
      out.key("HashKeyRange").begin_object();
      out.key("StartingHashKey").begin_string();
      append_u128(buf, child->start_hash);
      out.end_string();
      out.key("EndingHashKey").begin_string();
      append_u128(buf, child->end_hash);
      out.end_string();
      out.end_object();
      out.end_object();
    }
    out.end_array();
  } else {
    std::int64_t behind = at_end ? 0 : std::max<std::int64_t>(0, now - records.at(pos).arrival_ms);
    out.key("NextShardIterator").string(encode_iterator({s->name(), s->epoch_ms(), sh.ordinal, pos, now}));
    out.key("MillisBehindLatest").number(behind);
  }
  out.end_object();
  return {};
}

}  // namespace kinesys::local::kinesis
