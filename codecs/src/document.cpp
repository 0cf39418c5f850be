// Event payloads (plain JSON) <-> DynamoDB items. Numbers travel as their
// exact text both ways, so 0.1 stays "0.1" and 2^70 keeps every digit.
#include <kinesys/codecs.hpp>

namespace kinesys::codecs {
namespace {

decode_result<attribute_value> from_json(simdjson::ondemand::value v, std::string_view field, int depth,
                                         char const* base);

std::size_t offset_in(char const* base, char const* p) noexcept
{
  return base && p >= base ? static_cast<std::size_t>(p - base) : 0;
}

decode_result<attribute_map> object_from_json(simdjson::ondemand::object o, std::string_view field, int depth,
                                              char const* base)
{
  if (depth > max_attribute_depth) return decode_error{errc::json_too_deep, 0, field};
  attribute_map m;
  for (auto member : o) {
    simdjson::ondemand::field f;
    if (auto e = std::move(member).get(f)) return json_error(e, 0, field);
    // key() is unusable once unescaped_key() has run: take the position first.
    char const* at = f.key().raw();
    std::string_view name;
    if (auto e = f.unescaped_key().get(name)) return json_error(e, offset_in(base, at), field);
    auto parsed = from_json(f.value(), "object member", depth + 1, base);
    if (!parsed) return parsed.error();
    // JSON allows repeated names; like most parsers, the last one wins.
    m.insert_or_assign(std::string(name), std::move(*parsed));
  }
  return m;
}

decode_result<attribute_value> from_json(simdjson::ondemand::value v, std::string_view field, int depth,
                                         char const* base)
{
  simdjson::ondemand::json_type type;
  if (auto e = v.type().get(type)) return json_error(e, 0, field);
  switch (type) {
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object o;
      if (auto e = v.get_object().get(o)) return json_error(e, 0, field);
      auto m = object_from_json(o, field, depth, base);
      if (!m) return m.error();
      return attribute_value(std::move(*m));
    }
    case simdjson::ondemand::json_type::array: {
      if (depth > max_attribute_depth) return decode_error{errc::json_too_deep, 0, field};
      simdjson::ondemand::array a;
      if (auto e = v.get_array().get(a)) return json_error(e, 0, field);
      attribute_list l;
      for (auto element : a) {
        simdjson::ondemand::value ev;
        if (auto e = element.get(ev)) return json_error(e, 0, "array element");
        auto parsed = from_json(ev, "array element", depth + 1, base);
        if (!parsed) return parsed.error();
        l.push_back(std::move(*parsed));
      }
      return attribute_value(std::move(l));
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return json_error(e, 0, field);
      return attribute_value(std::string(s));
    }
    case simdjson::ondemand::json_type::number: {
      auto text = json_number_text(v, field);
      if (!text) return text.error();
      if (auto r = validate_number(*text); !r) return decode_error{r.error().code, offset_in(base, text->data()), r.error().field};
      return attribute_value::number(std::string(*text));
    }
    case simdjson::ondemand::json_type::boolean: {
      bool b = false;
      if (auto e = v.get_bool().get(b)) return json_error(e, 0, field);
      return attribute_value(b);
    }
    case simdjson::ondemand::json_type::null: {
      // The type is guessed from the first byte: "nul" or "nullx" is not null.
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return json_error(e, 0, field);
      if (!is_null) return decode_error{errc::json_syntax, 0, field};
      return attribute_value(null_value{});
    }
  }
  return decode_error{errc::json_syntax, 0, field};
}

}  // namespace

decode_result<attribute_value> document_to_attribute_value(simdjson::ondemand::value v, std::string_view field)
{
  return from_json(v, field, 1, nullptr);
}

decode_result<item> document_to_item(std::string_view json)
{
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string buffer;
  buffer.assign(json);
  simdjson::ondemand::document doc;
  if (auto e = parser.iterate(padded(buffer)).get(doc)) return json_error(e, 0, "document");
  simdjson::ondemand::object o;
  if (auto e = doc.get_object().get(o)) return json_error(e, 0, "document (must be an object)");
  auto m = object_from_json(o, "document", 1, buffer.data());
  if (!m) return m.error();
  // Anything but whitespace after the root value is an error.
  if (auto at = doc.current_location(); at.error() != simdjson::OUT_OF_BOUNDS)
    return decode_error{errc::json_syntax, at.error() ? 0 : static_cast<std::size_t>(at.value_unsafe() - buffer.data()), "text after the document"};
  return m;
}

void write_document(json_writer& w, attribute_value const& v)
{
  std::visit(
      [&w](auto const& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) w.string(x);
        else if constexpr (std::is_same_v<T, number_value>) {
          std::string& out = w.raw_value({}).buffer();  // places the comma
          append_number_as_json(out, x.text);
        } else if constexpr (std::is_same_v<T, binary_value>) w.base64_string(x.bytes);
        else if constexpr (std::is_same_v<T, bool>) w.boolean(x);
        else if constexpr (std::is_same_v<T, null_value>) w.null();
        else if constexpr (std::is_same_v<T, attribute_map>) write_item_document(w, x);
        else if constexpr (std::is_same_v<T, attribute_list>) {
          w.begin_array();
          for (auto const& e : x) write_document(w, e);
          w.end_array();
        } else if constexpr (std::is_same_v<T, number_set>) {
          w.begin_array();
          for (auto const& m : x.members) {
            std::string& out = w.raw_value({}).buffer();
            append_number_as_json(out, m);
          }
          w.end_array();
        } else if constexpr (std::is_same_v<T, binary_set>) {
          w.begin_array();
          for (auto const& m : x.members) w.base64_string(m);
          w.end_array();
        } else {  // string_set
          w.begin_array();
          for (auto const& m : x.members) w.string(m);
          w.end_array();
        }
      },
      v.value);
}

void write_item_document(json_writer& w, item const& it)
{
  w.begin_object();
  for (auto const& [name, value] : it) {
    w.key(name);
    write_document(w, value);
  }
  w.end_object();
}

std::string item_to_document(item const& it)
{
  std::string s;
  json_writer w(s);
  write_item_document(w, it);
  return s;
}

}  // namespace kinesys::codecs
