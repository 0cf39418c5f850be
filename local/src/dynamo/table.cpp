#include "dynamo/table.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace kinesys::local::dynamo {

double write_units(std::size_t bytes) noexcept
{
  return std::max(1.0, std::ceil(static_cast<double>(bytes) / 1024.0));
}

double read_units(std::size_t bytes, bool consistent) noexcept
{
  double const units = std::max(1.0, std::ceil(static_cast<double>(bytes) / 4096.0));
  return consistent ? units : units / 2;
}

namespace {

// Which of the partition maps a hash goes to, by the top 12 bits of the
// hash. Not uniform: map i gets a share proportional to 2^(i / count), so
// the maps' sizes span a factor of two at any moment and each reaches its
// next rehash at a different table size. With equal shares all of them
// would rehash within the same few hundred milliseconds of a growing
// table, and the core would stall for as long as one big map's rehash.
struct map_choice {
  static constexpr int bits = 12;
  std::array<std::uint16_t, 1u << bits> index{};
  explicit map_choice(std::size_t count) {
    for (std::size_t u = 0; u < index.size(); ++u) {
      // u uniform in [0, 1): the inverse of the cumulative share, count * log2(1 + u).
      double const x = (static_cast<double>(u) + 0.5) / static_cast<double>(index.size());
      auto const i = static_cast<std::size_t>(static_cast<double>(count) * std::log2(1.0 + x));
      index[u] = static_cast<std::uint16_t>(std::min(i, count - 1));
    }
  }
};

}  // namespace

table::partition_map& table::partitions_of(std::string_view hash) noexcept
{
  static map_choice const choice(partition_map_count);
  // The top bits of a multiplicative mix: the maps themselves use the
  // hash's other bits, so a map's keys are not clustered inside it.
  auto const mixed = static_cast<std::uint64_t>(string_hash{}(hash)) * 0x9E3779B97F4A7C15ull;
  return partitions_[choice.index[static_cast<std::size_t>(mixed >> (64 - map_choice::bits))]];
}

table::partition_map const& table::partitions_of(std::string_view hash) const noexcept
{
  return const_cast<table*>(this)->partitions_of(hash);
}

stored_item const* table::get(item_key const& k) const noexcept
{
  auto const& partitions = partitions_of(k.hash);
  auto p = partitions.find(k.hash);
  if (p == partitions.end()) return nullptr;
  auto it = p->second.find(k.range);
  return it == p->second.end() ? nullptr : &it->second;
}

std::optional<stored_item> table::put(item_key const& k, item attributes)
{
  auto [p, inserted_partition] = partitions_of(k.hash).try_emplace(k.hash);
  if (inserted_partition) scan_order_valid_ = false;
  auto const size = static_cast<std::uint32_t>(item_size(attributes));
  auto [slot, inserted] = p->second.try_emplace(k.range);
  std::optional<stored_item> previous;
  if (!inserted) {
    size_bytes_ -= slot->second.size;
    previous = std::move(slot->second);
  } else {
    ++item_count_;
  }
  slot->second.attributes = std::move(attributes);
  slot->second.size = size;
  size_bytes_ += size;
  return previous;
}

std::optional<stored_item> table::erase(item_key const& k)
{
  auto& partitions = partitions_of(k.hash);
  auto p = partitions.find(k.hash);
  if (p == partitions.end()) return std::nullopt;
  auto it = p->second.find(k.range);
  if (it == p->second.end()) return std::nullopt;
  std::optional<stored_item> previous = std::move(it->second);
  size_bytes_ -= previous->size;
  --item_count_;
  p->second.erase(it);
  if (p->second.empty()) {
    partitions.erase(p);
    scan_order_valid_ = false;
  }
  return previous;
}

table::partition const* table::find_partition(std::string const& hash) const noexcept
{
  auto const& partitions = partitions_of(hash);
  auto p = partitions.find(hash);
  return p == partitions.end() ? nullptr : &p->second;
}

std::vector<std::string const*> const& table::scan_order() const
{
  if (!scan_order_valid_) {
    scan_order_.clear();
    std::size_t count = 0;
    for (auto const& partitions : partitions_) count += partitions.size();
    scan_order_.reserve(count);
    for (auto const& partitions : partitions_)
      for (auto const& [hash, part] : partitions) scan_order_.push_back(&hash);
    std::sort(scan_order_.begin(), scan_order_.end(), [](auto* a, auto* b) { return *a < *b; });
    scan_order_valid_ = true;
  }
  return scan_order_;
}

outcome<item_key> table::key_of(item const& it, bool exact) const
{
  auto check = [&](key_attribute const& k) -> outcome<std::string> {
    auto const* v = find(it, k.name);
    if (!v) {
      if (exact) return api_error{errc::validation, "The provided key element does not match the schema"};
      return api_error{errc::validation, "One or more parameter values were invalid: Missing the key " + k.name + " in the item"};
    }
    if (v->type != k.type) {
      if (exact) return api_error{errc::validation, "The provided key element does not match the schema"};
      return api_error{errc::validation, "One or more parameter values were invalid: Type mismatch for key " + k.name +
                                             " expected: " + std::string(type_name(k.type)) +
                                             " actual: " + std::string(type_name(v->type))};
    }
    if (v->scalar.empty() && k.type != av_type::n)
      return api_error{errc::validation, "One or more parameter values are not valid. The AttributeValue for a key "
                                         "attribute cannot contain an empty " +
                                             std::string(k.type == av_type::s ? "string" : "binary") +
                                             " value. Key: " + k.name};
    return encode_key(*v);
  };
  if (exact && it.size() != (range_key ? 2u : 1u))
    return api_error{errc::validation, "The provided key element does not match the schema"};
  auto h = check(hash_key);
  if (!h) return h.error();
  item_key k{std::move(*h), {}};
  if (range_key) {
    auto r = check(*range_key);
    if (!r) return r.error();
    k.range = std::move(*r);
  }
  return k;
}

item table::key_item(item const& it) const
{
  item k;
  if (auto const* v = find(it, hash_key.name)) k.emplace_back(hash_key.name, *v);
  if (range_key)
    if (auto const* v = find(it, range_key->name)) k.emplace_back(range_key->name, *v);
  return k;
}

void table::configure_capacity(double burst_seconds, std::int64_t now_ns)
{
  // A provisioned table refills at its units per second and keeps up to
  // `burst_seconds` of unused capacity; a new one starts with one second.
  auto const r = static_cast<double>(read_capacity), w = static_cast<double>(write_capacity);
  read_bucket = token_bucket(r, std::max(r, r * burst_seconds), r, now_ns);
  write_bucket = token_bucket(w, std::max(w, w * burst_seconds), w, now_ns);
}

}  // namespace kinesys::local::dynamo
