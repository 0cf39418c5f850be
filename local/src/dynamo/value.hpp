#pragma once
// DynamoDB items as kinesys-local stores and evaluates them. Numbers are
// kept in canonical text (so equal numbers have equal text, and sets of
// numbers compare by text); binary values as raw bytes. Items are small
// vectors of (name, value): lookups are linear, which beats a tree for the
// dozen attributes an item usually has.
#include "common/json_in.hpp"
#include "common/json_out.hpp"
#include "common/outcome.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kinesys::local::dynamo {

enum class av_type : std::uint8_t { s, n, b, boolean, null, m, l, ss, ns, bs };

/// "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
std::string_view type_name(av_type t) noexcept;

struct attribute_value;
struct attribute_entry;
/// An M value or an item: (name, value) entries in insertion order.
using attribute_map = std::vector<attribute_entry>;

struct attribute_value {
  av_type type = av_type::null;
  bool boolean = true;                 // BOOL value; NULL is always true
  std::string scalar;                  // S text, N canonical text, B bytes
  std::vector<std::string> set;        // SS / NS (canonical) / BS members
  std::vector<attribute_value> list;   // L
  attribute_map map;                   // M

  // Defined below, once attribute_entry is complete.
  static attribute_value string(std::string s);
  static attribute_value number(std::string canonical);
  static attribute_value binary(std::string bytes);
  static attribute_value null_value();
  static attribute_value bool_value(bool b);

  bool is_set() const noexcept { return type == av_type::ss || type == av_type::ns || type == av_type::bs; }
  bool is_scalar_key_type() const noexcept { return type == av_type::s || type == av_type::n || type == av_type::b; }
};

/// One member of a map. A named struct rather than std::pair, because the
/// type is recursive and pair's traits want complete types (clang refuses).
struct attribute_entry {
  std::string first;
  attribute_value second;

  attribute_entry() = default;
  attribute_entry(std::string name, attribute_value value) : first(std::move(name)), second(std::move(value)) {}
};

using item = attribute_map;

inline attribute_value attribute_value::string(std::string s)
{
  attribute_value v;
  v.type = av_type::s;
  v.scalar = std::move(s);
  return v;
}
inline attribute_value attribute_value::number(std::string canonical)
{
  attribute_value v;
  v.type = av_type::n;
  v.scalar = std::move(canonical);
  return v;
}
inline attribute_value attribute_value::binary(std::string bytes)
{
  attribute_value v;
  v.type = av_type::b;
  v.scalar = std::move(bytes);
  return v;
}
inline attribute_value attribute_value::null_value() { return {}; }
inline attribute_value attribute_value::bool_value(bool b)
{
  attribute_value v;
  v.type = av_type::boolean;
  v.boolean = b;
  return v;
}

/// Deep equality as DynamoDB defines it (sets ignore order, maps ignore
/// member order, numbers compare by value).
bool equal(attribute_value const& a, attribute_value const& b);

/// The attribute named `name`, or nullptr.
attribute_value const* find(item const& it, std::string_view name) noexcept;
attribute_value* find(item& it, std::string_view name) noexcept;
/// Sets (adding or replacing) `name`.
void put(item& it, std::string_view name, attribute_value v);
/// Removes `name` if present; true if it was.
bool remove_attribute(item& it, std::string_view name);

/// DynamoDB's item size: names plus values (numbers by their digits), the
/// figure the 400 KB limit and capacity units are computed from.
std::size_t value_size(attribute_value const& v) noexcept;
std::size_t item_size(item const& it) noexcept;

/// Parses an AttributeValue object ({"S":"x"}) with DynamoDB's checks and
/// messages. `depth` guards nesting (32 levels).
outcome<attribute_value> parse_value(json_in::value v, int depth = 0);
/// Parses an item (object of AttributeValues).
outcome<item> parse_item(json_in::value v);

void write_value(json_out& out, attribute_value const& v);
void write_item(json_out& out, item const& it);

/// The AttributeValue as DynamoDB prints it in messages: "{S:abc}", "{N:5}".
std::string describe(attribute_value const& v);

/// Byte strings that sort like the key values they encode: S and B as
/// their bytes, N in an order-preserving form. Used as map keys.
std::string encode_key(attribute_value const& v);

}  // namespace kinesys::local::dynamo
