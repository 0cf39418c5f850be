// Partition-key strategies and the Kinesis key rules. The JSON strategies
// parse only as far as the field they need (simdjson On Demand), on the
// calling thread, so the owning core never pays for key extraction.
#include "kinesys/detail/producer/partition_key.hpp"

#include <kinesys/codecs.hpp>

#include <random>

namespace kinesys::producer {
namespace {

using void_result = boost::system::result<void, put_error>;

put_error from_codecs(codecs::decode_error const& e, std::string_view key) {
  switch (e.code) {
  case codecs::errc::partition_key_empty: return {errc::partition_key_empty};
  case codecs::errc::partition_key_too_long:
    return {errc::partition_key_too_long,
            "partition key too long: limit 256 Unicode characters (key starts \"" +
                std::string(key.substr(0, 32)) + "\")"};
  case codecs::errc::partition_key_bad_utf8:
    return {errc::partition_key_bad_utf8, "partition key is not valid UTF-8 at byte " + std::to_string(e.offset)};
  default: return {errc::explicit_hash_key_invalid, e.message()};
  }
}

// The field's text: a string's characters, or a number's literal. Anything
// else (object, array, bool, null, absent) has no sensible key.
void_result read_field(std::string_view event, std::string_view field, std::string& out) {
  thread_local std::string buffer;
  buffer.assign(event);
  auto& parser = codecs::thread_json_parser();
  auto missing = [&](std::string_view why) {
    return put_error{errc::partition_key_field_missing,
                     "partition key field \"" + std::string(field) + "\": " + std::string(why)};
  };
  simdjson::ondemand::document doc;
  if (parser.iterate(codecs::padded(buffer)).get(doc)) return missing("the event is not JSON");
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return missing("the event is not a JSON object");
  simdjson::ondemand::value value;
  if (object.find_field_unordered(field).get(value)) return missing("absent from the event");
  simdjson::ondemand::json_type type;
  if (value.type().get(type)) return missing("unreadable value");
  if (type == simdjson::ondemand::json_type::string) {
    std::string_view s;
    if (value.get_string().get(s)) return missing("unreadable string");
    out.assign(s);
    return {};
  }
  if (type == simdjson::ondemand::json_type::number) {
    auto text = codecs::json_number_text(value, field);
    if (!text) return missing("unreadable number");
    out.assign(*text);
    return {};
  }
  return missing("not a string or a number");
}

std::uint64_t fnv1a(std::string_view s) noexcept {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::uint64_t thread_random() noexcept {
  thread_local std::uint64_t state = [] {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32 | rd()) | 1;
  }();
  // xorshift64*: cheap and plenty for spreading keys.
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 2685821657736338717ULL;
}

void append_suffix(std::string& key, std::uint64_t n) {
  key.push_back('-');
  key.append(std::to_string(n));
}

}  // namespace

void_result validate_partition_key(std::string_view key) {
  if (auto r = codecs::validate_partition_key(key); !r) return from_codecs(r.error(), key);
  return {};
}

void_result validate_explicit_hash_key(std::string_view key) {
  if (auto r = codecs::validate_explicit_hash_key(key); !r)
    return put_error{errc::explicit_hash_key_invalid,
                     "explicit hash key \"" + std::string(key.substr(0, 48)) + "\": " + r.error().message()};
  return {};
}

partition_key_strategy partition_key_strategy::given() { return {kind::given}; }

partition_key_strategy partition_key_strategy::json_field(std::string field) {
  partition_key_strategy s{kind::json_field};
  s.field_ = std::move(field);
  return s;
}

partition_key_strategy partition_key_strategy::fan_out(std::string base_field, std::uint32_t fan_out,
                                                       std::string by_field) {
  if (fan_out == 0) throw std::invalid_argument("partition_key_strategy::fan_out: fan_out must be at least 1");
  partition_key_strategy s{kind::fan_out};
  s.field_ = std::move(base_field);
  s.by_field_ = std::move(by_field);
  s.fan_out_ = fan_out;
  s.round_robin_ = std::make_shared<std::atomic<std::uint64_t>>(0);
  return s;
}

partition_key_strategy partition_key_strategy::random_suffix(std::uint32_t spread) {
  if (spread == 0) throw std::invalid_argument("partition_key_strategy::random_suffix: spread must be at least 1");
  partition_key_strategy s{kind::random_suffix};
  s.fan_out_ = spread;
  return s;
}

partition_key_strategy partition_key_strategy::explicit_hash_key(std::string field) {
  partition_key_strategy s{kind::explicit_hash_key};
  s.field_ = std::move(field);
  return s;
}

void_result partition_key_strategy::apply(std::string_view given_key, std::string_view event,
                                          record_key& out) const {
  out.explicit_hash_key.clear();
  switch (kind_) {
  case kind::given: out.partition_key.assign(given_key); break;
  case kind::json_field:
    if (auto r = read_field(event, field_, out.partition_key); !r) return r;
    break;
  case kind::fan_out: {
    if (field_.empty()) out.partition_key.assign(given_key);
    else if (auto r = read_field(event, field_, out.partition_key); !r) return r;
    std::uint64_t suffix = 0;
    if (by_field_.empty()) {
      suffix = round_robin_->fetch_add(1, std::memory_order_relaxed) % fan_out_;
    } else {
      thread_local std::string by;
      if (auto r = read_field(event, by_field_, by); !r) return r;
      suffix = fnv1a(by) % fan_out_;
    }
    append_suffix(out.partition_key, suffix);
    break;
  }
  case kind::random_suffix:
    out.partition_key.assign(given_key);
    append_suffix(out.partition_key, thread_random() % fan_out_);
    break;
  case kind::explicit_hash_key:
    if (field_.empty()) out.explicit_hash_key.assign(given_key);
    else if (auto r = read_field(event, field_, out.explicit_hash_key); !r) return r;
    if (auto r = validate_explicit_hash_key(out.explicit_hash_key); !r) return r;
    out.partition_key.assign(out.explicit_hash_key);
    break;
  }
  return validate_partition_key(out.partition_key);
}

}  // namespace kinesys::producer
