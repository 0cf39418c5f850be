#pragma once
// DynamoDB items: the AttributeValue model, its DynamoDB JSON form
// ({"S":"x"}, {"N":"1.5"}, ...) and the mapping between a plain JSON
// document (an event payload) and an item.
#include <kinesys/detail/codecs/error.hpp>
#include <kinesys/detail/codecs/json_reader.hpp>
#include <kinesys/detail/codecs/json_writer.hpp>

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace kinesys::codecs {

/// N: the decimal text exactly as given, never converted to a double, since
/// DynamoDB numbers carry 38 significant digits.
struct number_value {
  std::string text;
  friend bool operator==(number_value const&, number_value const&) = default;
};
/// B: raw bytes (base64 only on the wire).
struct binary_value {
  std::string bytes;
  friend bool operator==(binary_value const&, binary_value const&) = default;
};
struct null_value {
  friend bool operator==(null_value, null_value) = default;
};
/// SS, NS, BS: members in the order given. DynamoDB requires them non-empty
/// and without duplicates; the parser enforces both, equality ignores order.
struct string_set { std::vector<std::string> members; };
struct number_set { std::vector<std::string> members; };
struct binary_set { std::vector<std::string> members; };
bool operator==(string_set const&, string_set const&);
bool operator==(number_set const&, number_set const&);
bool operator==(binary_set const&, binary_set const&);

enum class attribute_type : std::uint8_t { s, n, b, boolean, null, m, l, ss, ns, bs };
/// The DynamoDB JSON type key: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
std::string_view type_key(attribute_type t) noexcept;

struct attribute_value;
using attribute_map = std::map<std::string, attribute_value, std::less<>>;
using attribute_list = std::vector<attribute_value>;
/// A DynamoDB item: attribute name -> value.
using item = attribute_map;

/// DynamoDB nests M and L at most 32 levels deep; deeper input is refused.
inline constexpr int max_attribute_depth = 32;

struct attribute_value {
  // Alternative order matches attribute_type.
  using variant_type = std::variant<std::string, number_value, binary_value, bool, null_value, attribute_map,
                                    attribute_list, string_set, number_set, binary_set>;
  variant_type value{null_value{}};

  attribute_value() = default;
  attribute_value(std::string s) : value(std::move(s)) {}
  attribute_value(std::string_view s) : value(std::string(s)) {}
  attribute_value(char const* s) : value(std::string(s)) {}
  attribute_value(number_value n) : value(std::move(n)) {}
  attribute_value(binary_value b) : value(std::move(b)) {}
  attribute_value(bool b) : value(b) {}
  // An integer would otherwise silently become a BOOL; use number(...).
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  attribute_value(T) = delete;
  attribute_value(null_value n) : value(n) {}
  attribute_value(attribute_map m) : value(std::move(m)) {}
  attribute_value(attribute_list l) : value(std::move(l)) {}
  attribute_value(string_set s) : value(std::move(s)) {}
  attribute_value(number_set s) : value(std::move(s)) {}
  attribute_value(binary_set s) : value(std::move(s)) {}

  static attribute_value number(std::string text) { return number_value{std::move(text)}; }
  static attribute_value number(std::int64_t v) { return number_value{std::to_string(v)}; }
  static attribute_value binary(std::string bytes) { return binary_value{std::move(bytes)}; }

  attribute_type type() const noexcept { return static_cast<attribute_type>(value.index()); }
  /// Pointer to the alternative, or nullptr: `if (auto* s = v.get_if<std::string>())`.
  template <class T> T const* get_if() const noexcept { return std::get_if<T>(&value); }
  template <class T> T* get_if() noexcept { return std::get_if<T>(&value); }

  friend bool operator==(attribute_value const& a, attribute_value const& b) { return a.value == b.value; }
};

// --- numbers ---------------------------------------------------------------

/// Checks a DynamoDB number: decimal syntax ([+-] digits [. digits] [e[+-]digits]),
/// at most 38 significant digits, magnitude 1E-130 .. 9.99...E+125 (or zero).
decode_result<void> validate_number(std::string_view text);
/// Appends a valid DynamoDB number as a strict JSON number, keeping every
/// digit ("+.5" -> "0.5", "007" -> "7", "5." -> "5").
void append_number_as_json(std::string& out, std::string_view text);

// --- DynamoDB JSON ---------------------------------------------------------

/// Writes {"S":"..."} etc.
void write_attribute_value(json_writer& w, attribute_value const& v);
/// Writes {"name":{"S":"..."},...}.
void write_item(json_writer& w, item const& it);
std::string item_to_json(item const& it);

/// Parses one DynamoDB JSON AttributeValue; `field` names it in errors.
decode_result<attribute_value> parse_attribute_value(simdjson::ondemand::value v, std::string_view field = "AttributeValue");
/// Parses a DynamoDB JSON item (an object of AttributeValues), e.g. GetItem's "Item".
decode_result<item> parse_item(simdjson::ondemand::object o, std::string_view field = "Item");
/// Parses a whole JSON text holding an item, using the thread's parser.
decode_result<item> parse_item_json(std::string_view json);

// --- plain JSON documents (event payloads) ---------------------------------

/// JSON value -> AttributeValue: string -> S, number -> N (exact text),
/// true/false -> BOOL, null -> NULL, array -> L, object -> M.
decode_result<attribute_value> document_to_attribute_value(simdjson::ondemand::value v, std::string_view field = "document");
/// A JSON object text -> item (anything else is json_wrong_type).
decode_result<item> document_to_item(std::string_view json);
/// The reverse mapping: S -> string, N -> number, BOOL, NULL, M -> object,
/// L -> array, and the lossy ones: B -> base64 string, SS/NS/BS -> arrays.
void write_document(json_writer& w, attribute_value const& v);
void write_item_document(json_writer& w, item const& it);
std::string item_to_document(item const& it);

}  // namespace kinesys::codecs
