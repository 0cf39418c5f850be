#include "partition_keys.hpp"

namespace kinesys::ingest {
namespace {

using producer::partition_key_strategy;

partition_key_strategy payload_strategy(key_settings const& s) {
  switch (s.strategy) {
  case key_strategy::fan_out: return partition_key_strategy::fan_out(s.field, s.fan_out, s.fan_out_by);
  case key_strategy::explicit_hash_key: return partition_key_strategy::explicit_hash_key(s.field);
  case key_strategy::field:
  case key_strategy::random: break;
  }
  return partition_key_strategy::json_field(s.field);
}

partition_key_strategy header_strategy(key_settings const& s) {
  switch (s.strategy) {
  case key_strategy::fan_out: return partition_key_strategy::fan_out("", s.fan_out, s.fan_out_by);
  case key_strategy::explicit_hash_key: return partition_key_strategy::explicit_hash_key();
  case key_strategy::field:
  case key_strategy::random: break;
  }
  return partition_key_strategy::given();
}

}  // namespace

std::optional<key_strategy> parse_key_strategy(std::string_view name) noexcept {
  if (name == "field") return key_strategy::field;
  if (name == "fan-out") return key_strategy::fan_out;
  if (name == "random") return key_strategy::random;
  if (name == "explicit-hash-key") return key_strategy::explicit_hash_key;
  return std::nullopt;
}

key_router::key_router(key_settings settings)
    : settings_(std::move(settings)),
      from_payload_(payload_strategy(settings_)),
      from_header_(header_strategy(settings_)) {
  if (settings_.strategy == key_strategy::random) suffix_.emplace(partition_key_strategy::random_suffix(settings_.spread));
}

boost::system::result<void, producer::put_error> key_router::route(std::string_view payload,
                                                                   std::string_view header_key,
                                                                   producer::record_key& out) const {
  auto routed = from_payload_.apply({}, payload, out);
  if (!routed && routed.error() == producer::errc::partition_key_field_missing) {
    if (header_key.empty()) {
      auto e = routed.error();
      e.message += "; put it in the payload or send an x-partition-key header";
      return e;
    }
    routed = from_header_.apply(header_key, payload, out);
  }
  if (!routed || !suffix_) return routed;
  // The random suffix goes after whichever key was found; the strategy
  // reads its given key before writing `out`, but a copy keeps that obvious.
  thread_local std::string base;
  base.assign(out.partition_key);
  return suffix_->apply(base, payload, out);
}

}  // namespace kinesys::ingest
