#include <kinesys/detail/consumer/record_mapper.hpp>

#include <kinesys/detail/consumer/decimal.hpp>
#include <kinesys/detail/consumer/hash.hpp>

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

namespace kinesys::consumer {

void throw_exception_from_error(mapping_error const& e, boost::source_location const& loc)
{
  boost::throw_exception(boost::system::system_error(e.code, e.detail), loc);
}

record_mapper::record_mapper(consumer_config const& c) : mode_(c.routing.mode), field_(c.routing.field)
{
  for (auto const& [name, t] : c.tables) tables_.push_back(t);
  default_table_ = table_index(c.routing.table);
  for (auto const& [shard, table] : c.routing.shards) shard_tables_.emplace(shard, table_index(table));
  for (auto const& [value, table] : c.routing.values) value_tables_.emplace(value, table_index(table));
}

int record_mapper::table_index(std::string_view name) const noexcept
{
  for (std::size_t i = 0; i < tables_.size(); ++i)
    if (tables_[i].name == name) return static_cast<int>(i);
  return -1;
}

int record_mapper::fixed_table(std::string_view shard_id) const noexcept
{
  switch (mode_) {
    case routing_mode::all: return default_table_;
    case routing_mode::shard: {
      auto f = shard_tables_.find(shard_id);
      return f != shard_tables_.end() ? f->second : default_table_;
    }
    case routing_mode::field: return -1;
  }
  return -1;
}

namespace {

// The key attribute's bytes with a type tag, so "1" (S) and 1 (N) differ.
bool append_key_bytes(std::string& out, codecs::attribute_value const& v)
{
  if (auto const* s = v.get_if<std::string>()) {
    out.push_back('S');
    out += *s;
  } else if (auto const* n = v.get_if<codecs::number_value>()) {
    // DynamoDB compares numbers by value: 1, 1.0 and 1e0 are one key, so
    // they must hash alike or two writes for one item could run at once.
    out.push_back('N');
    auto d = decimal::parse(n->text);
    out += d ? d->to_string() : n->text;
  } else if (auto const* b = v.get_if<codecs::binary_value>()) {
    out.push_back('B');
    out += b->bytes;
  } else {
    return false;
  }
  out.push_back('\0');
  return true;
}

}  // namespace

boost::system::result<mapped_record, mapping_error> record_mapper::map(std::string_view shard_id,
                                                                       std::string_view data) const
{
  auto doc = codecs::document_to_item(data);
  if (!doc) return mapping_error{make_error_code(errc::payload_not_json), doc.error().message()};
  mapped_record m;
  m.item = std::move(*doc);

  int table = -1;
  if (mode_ == routing_mode::field) {
    auto f = m.item.find(field_);
    std::string_view value;
    if (f != m.item.end()) {
      if (auto const* s = f->second.get_if<std::string>())
        value = *s;
      else if (auto const* n = f->second.get_if<codecs::number_value>())
        value = n->text;
    }
    auto route = value_tables_.find(value);
    table = route != value_tables_.end() ? route->second : default_table_;
    if (table < 0)
      return mapping_error{make_error_code(errc::no_route),
                           f == m.item.end() ? "routing field \"" + field_ + "\" is missing"
                                             : "no table for " + field_ + " = \"" + std::string(value) + "\""};
  } else {
    table = fixed_table(shard_id);
    if (table < 0) return mapping_error{make_error_code(errc::no_route), "no table for shard " + std::string(shard_id)};
  }
  m.table = static_cast<std::size_t>(table);
  auto const& t = tables_[m.table];

  std::string key_bytes;
  for (auto const* key : {&t.hash_key, &t.range_key}) {
    if (key->empty()) continue;
    auto f = m.item.find(*key);
    if (f == m.item.end())
      return mapping_error{make_error_code(errc::missing_key_field), "key field \"" + *key + "\" is missing"};
    if (!append_key_bytes(key_bytes, f->second))
      return mapping_error{make_error_code(errc::bad_key_field),
                           "key field \"" + *key + "\" must be a string or a number"};
  }
  for (auto const& c : t.counters) {
    auto f = m.item.find(c);
    if (f != m.item.end() && !f->second.get_if<codecs::number_value>())
      return mapping_error{make_error_code(errc::bad_counter_field), "counter field \"" + c + "\" is not a number"};
  }
  m.key_hash = hash64(key_bytes, m.table + 1);
  return m;
}

}  // namespace kinesys::consumer
