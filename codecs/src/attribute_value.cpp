#include <kinesys/codecs.hpp>

#include <algorithm>

namespace kinesys::codecs {
namespace {

template <class Set>
bool same_members(Set const& a, Set const& b)
{
  if (a.members.size() != b.members.size()) return false;
  std::vector<std::string_view> x(a.members.begin(), a.members.end());
  std::vector<std::string_view> y(b.members.begin(), b.members.end());
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

bool has_duplicates(std::vector<std::string> const& members)
{
  std::vector<std::string_view> v(members.begin(), members.end());
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

void write_members(json_writer& w, std::vector<std::string> const& members)
{
  w.begin_array();
  for (auto const& m : members) w.string(m);
  w.end_array();
}

// Locates a value for error offsets when the text's start is known.
struct parse_context {
  char const* base = nullptr;
  std::size_t offset_of(char const* p) const noexcept
  {
    return base && p >= base ? static_cast<std::size_t>(p - base) : 0;
  }
};

decode_result<attribute_value> parse_value(simdjson::ondemand::value v, std::string_view field, int depth,
                                           parse_context const& ctx);

decode_result<attribute_map> parse_map(simdjson::ondemand::object o, std::string_view field, int depth,
                                       parse_context const& ctx)
{
  if (depth > max_attribute_depth) return decode_error{errc::json_too_deep, 0, field};
  attribute_map m;
  for (auto member : o) {
    simdjson::ondemand::field f;
    if (auto e = std::move(member).get(f)) return json_error(e, 0, field);
    // key() is unusable once unescaped_key() has run: take the position first.
    char const* at = f.key().raw();
    std::string_view name;
    if (auto e = f.unescaped_key().get(name)) return json_error(e, ctx.offset_of(at), field);
    simdjson::ondemand::value value = f.value();
    auto parsed = parse_value(value, "M member", depth + 1, ctx);
    if (!parsed) return parsed.error();
    m.insert_or_assign(std::string(name), std::move(*parsed));
  }
  return m;
}

decode_result<std::vector<std::string>> parse_string_members(simdjson::ondemand::value v, std::string_view field,
                                                             parse_context const& ctx)
{
  simdjson::ondemand::array a;
  if (auto e = v.get_array().get(a)) return json_error(e, 0, field);
  std::vector<std::string> members;
  for (auto element : a) {
    std::string_view s;
    if (auto e = element.get_string().get(s)) return json_error(e, 0, field);
    members.emplace_back(s);
  }
  if (members.empty()) return decode_error{errc::attribute_value_empty, 0, field};
  if (has_duplicates(members)) return decode_error{errc::attribute_value_duplicate_set_member, 0, field};
  (void)ctx;
  return members;
}

decode_result<attribute_value> parse_typed(std::string_view key, char const* at, simdjson::ondemand::value v, int depth,
                                           parse_context const& ctx)
{
  if (key == "S") {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return json_error(e, 0, "S");
    return attribute_value(std::string(s));
  }
  if (key == "N") {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return json_error(e, 0, "N");
    if (auto r = validate_number(s); !r) return r.error();
    return attribute_value::number(std::string(s));
  }
  if (key == "B") {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return json_error(e, 0, "B");
    auto bytes = base64_decode(s);
    if (!bytes) return bytes.error();
    return attribute_value::binary(std::move(*bytes));
  }
  if (key == "BOOL") {
    bool b = false;
    if (auto e = v.get_bool().get(b)) return json_error(e, 0, "BOOL");
    return attribute_value(b);
  }
  if (key == "NULL") {
    bool b = false;
    if (auto e = v.get_bool().get(b)) return json_error(e, 0, "NULL");
    if (!b) return decode_error{errc::json_wrong_type, 0, "NULL must be true"};
    return attribute_value(null_value{});
  }
  if (key == "M") {
    simdjson::ondemand::object o;
    if (auto e = v.get_object().get(o)) return json_error(e, 0, "M");
    auto m = parse_map(o, "M", depth, ctx);
    if (!m) return m.error();
    return attribute_value(std::move(*m));
  }
  if (key == "L") {
    if (depth > max_attribute_depth) return decode_error{errc::json_too_deep, 0, "L"};
    simdjson::ondemand::array a;
    if (auto e = v.get_array().get(a)) return json_error(e, 0, "L");
    attribute_list l;
    for (auto element : a) {
      simdjson::ondemand::value ev;
      if (auto e = element.get(ev)) return json_error(e, 0, "L");
      auto parsed = parse_value(ev, "L element", depth + 1, ctx);
      if (!parsed) return parsed.error();
      l.push_back(std::move(*parsed));
    }
    return attribute_value(std::move(l));
  }
  if (key == "SS") {
    auto m = parse_string_members(v, "SS", ctx);
    if (!m) return m.error();
    return attribute_value(string_set{std::move(*m)});
  }
  if (key == "NS") {
    auto m = parse_string_members(v, "NS", ctx);
    if (!m) return m.error();
    for (auto const& n : *m)
      if (auto r = validate_number(n); !r) return r.error();
    return attribute_value(number_set{std::move(*m)});
  }
  if (key == "BS") {
    auto m = parse_string_members(v, "BS", ctx);
    if (!m) return m.error();
    for (auto& b : *m) {
      auto bytes = base64_decode(b);
      if (!bytes) return bytes.error();
      b = std::move(*bytes);
    }
    // Distinct base64 texts always decode to distinct bytes (strict decoding),
    // so the duplicate check above still holds.
    return attribute_value(binary_set{std::move(*m)});
  }
  return decode_error{errc::attribute_value_bad_type, ctx.offset_of(at), "AttributeValue type key"};
}

decode_result<attribute_value> parse_value(simdjson::ondemand::value v, std::string_view field, int depth,
                                           parse_context const& ctx)
{
  simdjson::ondemand::object o;
  if (auto e = v.get_object().get(o)) return json_error(e, 0, field);
  std::optional<attribute_value> result;
  for (auto member : o) {
    simdjson::ondemand::field f;
    if (auto e = std::move(member).get(f)) return json_error(e, 0, field);
    char const* at = f.key().raw();
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return json_error(e, ctx.offset_of(at), field);
    if (result) return decode_error{errc::attribute_value_bad_type, ctx.offset_of(at), "AttributeValue has more than one type key"};
    simdjson::ondemand::value value = f.value();
    auto parsed = parse_typed(key, at, value, depth, ctx);
    if (!parsed) return parsed.error();
    result = std::move(*parsed);
  }
  if (!result) return decode_error{errc::attribute_value_bad_type, 0, "AttributeValue has no type key"};
  return std::move(*result);
}

}  // namespace

bool operator==(string_set const& a, string_set const& b) { return same_members(a, b); }
bool operator==(number_set const& a, number_set const& b) { return same_members(a, b); }
bool operator==(binary_set const& a, binary_set const& b) { return same_members(a, b); }

std::string_view type_key(attribute_type t) noexcept
{
  static constexpr std::string_view keys[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
  return keys[static_cast<std::size_t>(t)];
}

void write_attribute_value(json_writer& w, attribute_value const& v)
{
  w.begin_object().key(type_key(v.type()));
  std::visit(
      [&w](auto const& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) w.string(x);
        else if constexpr (std::is_same_v<T, number_value>) w.string(x.text);
        else if constexpr (std::is_same_v<T, binary_value>) w.base64_string(x.bytes);
        else if constexpr (std::is_same_v<T, bool>) w.boolean(x);
        else if constexpr (std::is_same_v<T, null_value>) w.boolean(true);
        else if constexpr (std::is_same_v<T, attribute_map>) write_item(w, x);
        else if constexpr (std::is_same_v<T, attribute_list>) {
          w.begin_array();
          for (auto const& e : x) write_attribute_value(w, e);
          w.end_array();
        } else if constexpr (std::is_same_v<T, binary_set>) {
          w.begin_array();
          for (auto const& m : x.members) w.base64_string(m);
          w.end_array();
        } else write_members(w, x.members);  // SS, NS
      },
      v.value);
  w.end_object();
}

void write_item(json_writer& w, item const& it)
{
  w.begin_object();
  for (auto const& [name, value] : it) {
    w.key(name);
    write_attribute_value(w, value);
  }
  w.end_object();
}

std::string item_to_json(item const& it)
{
  std::string s;
  json_writer w(s);
  write_item(w, it);
  return s;
}

decode_result<attribute_value> parse_attribute_value(simdjson::ondemand::value v, std::string_view field)
{
  return parse_value(v, field, 1, parse_context{});
}

decode_result<item> parse_item(simdjson::ondemand::object o, std::string_view field)
{
  return parse_map(o, field, 1, parse_context{});
}

decode_result<item> parse_item_json(std::string_view json)
{
  // A parser of its own, so a caller may be iterating thread_json_parser()'s document.
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string buffer;
  buffer.assign(json);
  simdjson::ondemand::document doc;
  if (auto e = parser.iterate(padded(buffer)).get(doc)) return json_error(e, 0, "Item");
  simdjson::ondemand::object o;
  if (auto e = doc.get_object().get(o)) return json_error(e, 0, "Item");
  auto r = parse_map(o, "Item", 1, parse_context{buffer.data()});
  if (!r) return r.error();
  // Anything but whitespace after the root value is an error.
  if (auto at = doc.current_location(); at.error() != simdjson::OUT_OF_BOUNDS)
    return decode_error{errc::json_syntax, at.error() ? 0 : static_cast<std::size_t>(at.value_unsafe() - buffer.data()), "text after the Item"};
  return r;
}

}  // namespace kinesys::codecs
