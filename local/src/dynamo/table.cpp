#include "dynamo/table.hpp"

#include <algorithm>
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

stored_item const* table::get(item_key const& k) const noexcept
{
  auto p = partitions_.find(k.hash);
  if (p == partitions_.end()) return nullptr;
  auto it = p->second.find(k.range);
  return it == p->second.end() ? nullptr : &it->second;
}

std::optional<stored_item> table::put(item_key const& k, item attributes)
{
  auto [p, inserted_partition] = partitions_.try_emplace(k.hash);
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
  auto p = partitions_.find(k.hash);
  if (p == partitions_.end()) return std::nullopt;
  auto it = p->second.find(k.range);
  if (it == p->second.end()) return std::nullopt;
  std::optional<stored_item> previous = std::move(it->second);
  size_bytes_ -= previous->size;
  --item_count_;
  p->second.erase(it);
  if (p->second.empty()) {
    partitions_.erase(p);
    scan_order_valid_ = false;
  }
  return previous;
}

table::partition const* table::find_partition(std::string const& hash) const noexcept
{
  auto p = partitions_.find(hash);
  return p == partitions_.end() ? nullptr : &p->second;
}

std::vector<std::string const*> const& table::scan_order() const
{
  if (!scan_order_valid_) {
    scan_order_.clear();
    scan_order_.reserve(partitions_.size());
    for (auto const& [hash, part] : partitions_) scan_order_.push_back(&hash);
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
