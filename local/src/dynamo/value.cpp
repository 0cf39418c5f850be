#include "dynamo/value.hpp"

#include "dynamo/number.hpp"

#include <kinesys/detail/codecs/base64.hpp>

#include <algorithm>

namespace kinesys::local::dynamo {

std::string_view type_name(av_type t) noexcept
{
  switch (t) {
    case av_type::s: return "S";
    case av_type::n: return "N";
    case av_type::b: return "B";
    case av_type::boolean: return "BOOL";
    case av_type::null: return "NULL";
    case av_type::m: return "M";
    case av_type::l: return "L";
    case av_type::ss: return "SS";
    case av_type::ns: return "NS";
    case av_type::bs: return "BS";
  }
  return "?";
}

bool equal(attribute_value const& a, attribute_value const& b)
{
  if (a.type != b.type) return false;
  switch (a.type) {
    case av_type::s:
    case av_type::n:  // canonical text: equal numbers have equal text
    case av_type::b: return a.scalar == b.scalar;
    case av_type::boolean: return a.boolean == b.boolean;
    case av_type::null: return true;
    case av_type::ss:
    case av_type::ns:
    case av_type::bs: {
      if (a.set.size() != b.set.size()) return false;
      for (auto const& m : a.set)
        if (std::find(b.set.begin(), b.set.end(), m) == b.set.end()) return false;
      return true;
    }
    case av_type::l: {
      if (a.list.size() != b.list.size()) return false;
      for (std::size_t i = 0; i < a.list.size(); ++i)
        if (!equal(a.list[i], b.list[i])) return false;
      return true;
    }
    case av_type::m: {
      if (a.map.size() != b.map.size()) return false;
      for (auto const& [k, v] : a.map) {
        auto const* o = find(b.map, k);
        if (!o || !equal(v, *o)) return false;
      }
      return true;
    }
  }
  return false;
}

attribute_value const* find(item const& it, std::string_view name) noexcept
{
  for (auto const& [k, v] : it)
    if (k == name) return &v;
  return nullptr;
}

attribute_value* find(item& it, std::string_view name) noexcept
{
  for (auto& [k, v] : it)
    if (k == name) return &v;
  return nullptr;
}

void put(item& it, std::string_view name, attribute_value v)
{
  if (auto* existing = find(it, name)) {
    *existing = std::move(v);
    return;
  }
  it.emplace_back(std::string(name), std::move(v));
}

bool remove_attribute(item& it, std::string_view name)
{
  auto pos = std::find_if(it.begin(), it.end(), [&](auto const& e) { return e.first == name; });
  if (pos == it.end()) return false;
  it.erase(pos);
  return true;
}

namespace {

std::size_t number_size(std::string_view canonical)
{
  // DynamoDB: about one byte per two significant digits, plus one.
  std::size_t digits = 0;
  for (char c : canonical)
    if (c >= '0' && c <= '9') ++digits;
  return (digits + 1) / 2 + 1;
}

}  // namespace

std::size_t value_size(attribute_value const& v) noexcept
{
  switch (v.type) {
    case av_type::s:
    case av_type::b: return v.scalar.size();
    case av_type::n: return number_size(v.scalar);
    case av_type::boolean:
    case av_type::null: return 1;
    case av_type::ss:
    case av_type::bs: {
      std::size_t n = 0;
      for (auto const& m : v.set) n += m.size();
      return n;
    }
    case av_type::ns: {
      std::size_t n = 0;
      for (auto const& m : v.set) n += number_size(m);
      return n;
    }
    case av_type::l: {
      std::size_t n = 3;
      for (auto const& e : v.list) n += value_size(e) + 1;
      return n;
    }
    case av_type::m: {
      std::size_t n = 3;
      for (auto const& [k, e] : v.map) n += k.size() + value_size(e) + 1;
      return n;
    }
  }
  return 0;
}

std::size_t item_size(item const& it) noexcept
{
  std::size_t n = 0;
  for (auto const& [k, v] : it) n += k.size() + value_size(v);
  return n;
}

// --- JSON --------------------------------------------------------------------------

namespace {

api_error invalid(std::string what) { return {errc::validation, "One or more parameter values were invalid: " + std::move(what)}; }

std::string set_text(std::vector<std::string> const& members)
{
  std::string s = "[";
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i) s += ", ";
    s += members[i];
  }
  return s + "]";
}

outcome<std::vector<std::string>> parse_set(json_in::value v, av_type type)
{
  std::vector<std::string> members;
  KINESYS_TRY(arr, json_in::get_array(v, type_name(type)));
  for (auto element : arr) {
    json_in::value e = element.value();
    KINESYS_TRY(s, json_in::get_string(e, type_name(type)));
    if (type == av_type::ns) {
      KINESYS_TRY(c, canonical_number(s));
      members.push_back(std::move(c));
    } else if (type == av_type::bs) {
      auto bytes = codecs::base64_decode(s);
      if (!bytes) return json_in::serialization("Base64 encoded value of a BS member is not valid base64");
      members.push_back(std::move(*bytes));
    } else {
      members.emplace_back(s);
    }
  }
  if (members.empty()) {
    if (type == av_type::ss) return invalid("An string set  may not be empty");
    if (type == av_type::ns) return invalid("An number set  may not be empty");
    return invalid("Binary sets should not be empty");
  }
  for (std::size_t i = 0; i < members.size(); ++i)
    for (std::size_t j = i + 1; j < members.size(); ++j)
      if (members[i] == members[j]) {
        if (type == av_type::bs) return invalid("Input collection contains duplicates.");
        return invalid("Input collection " + set_text(members) + " contains duplicates.");
      }
  return members;
}

}  // namespace

outcome<attribute_value> parse_value(json_in::value v, int depth)
{
  if (depth > 32) return api_error{errc::validation, "Nesting Levels have exceeded supported limits: Maximum nesting level is 32"};
  KINESYS_TRY(obj, json_in::get_object(v, "AttributeValue"));
  attribute_value out;
  int types = 0;
  for (auto field : obj) {
    std::string_view key = field.unescaped_key();
    json_in::value fv = field.value();
    if (fv.is_null()) continue;
    if (key == "S") {
      KINESYS_TRY(s, json_in::get_string(fv, key));
      out.type = av_type::s;
      out.scalar.assign(s);
    } else if (key == "N") {
      KINESYS_TRY(s, json_in::get_string(fv, key));
      KINESYS_TRY(c, canonical_number(s));
      out.type = av_type::n;
      out.scalar = std::move(c);
    } else if (key == "B") {
      KINESYS_TRY(s, json_in::get_string(fv, key));
      out.type = av_type::b;
      out.scalar.clear();
      if (!codecs::base64_decode(out.scalar, s)) return json_in::serialization("Base64 encoded value of B is not valid base64");
    } else if (key == "BOOL") {
      KINESYS_TRY(b, json_in::get_bool(fv, key));
      out.type = av_type::boolean;
      out.boolean = b;
    } else if (key == "NULL") {
      KINESYS_TRY(b, json_in::get_bool(fv, key));
      if (!b) return invalid("Null attribute value types must have the value of true");
      out.type = av_type::null;
    } else if (key == "SS" || key == "NS" || key == "BS") {
      av_type t = key == "SS" ? av_type::ss : key == "NS" ? av_type::ns : av_type::bs;
      KINESYS_TRY(members, parse_set(fv, t));
      out.type = t;
      out.set = std::move(members);
    } else if (key == "L") {
      KINESYS_TRY(arr, json_in::get_array(fv, key));
      out.type = av_type::l;
      for (auto element : arr) {
        KINESYS_TRY(e, parse_value(element.value(), depth + 1));
        out.list.push_back(std::move(e));
      }
    } else if (key == "M") {
      KINESYS_TRY(m, json_in::get_object(fv, key));
      out.type = av_type::m;
      for (auto member : m) {
        std::string_view name = member.unescaped_key();
        KINESYS_TRY(e, parse_value(member.value(), depth + 1));
        put(out.map, name, std::move(e));
      }
    } else {
      continue;
    }
    ++types;
  }
  if (types == 0) return api_error{errc::validation, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"};
  if (types > 1)
    return api_error{errc::validation, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"};
  return out;
}

outcome<item> parse_item(json_in::value v)
{
  KINESYS_TRY(obj, json_in::get_object(v, "Item"));
  item it;
  for (auto field : obj) {
    std::string_view name = field.unescaped_key();
    KINESYS_TRY(value, parse_value(field.value()));
    put(it, name, std::move(value));
  }
  return it;
}

void write_value(json_out& out, attribute_value const& v)
{
  out.begin_object();
  out.key(type_name(v.type));
  switch (v.type) {
    case av_type::s:
    case av_type::n: out.string(v.scalar); break;
    case av_type::b:
      out.begin_string();
      codecs::base64_encode(out.buffer(), v.scalar);
      out.end_string();
      break;
    case av_type::boolean:
    case av_type::null: out.boolean(v.boolean); break;
    case av_type::ss:
    case av_type::ns:
      out.begin_array();
      for (auto const& m : v.set) out.string(m);
      out.end_array();
      break;
    case av_type::bs:
      out.begin_array();
      for (auto const& m : v.set) {
        out.begin_string();
        codecs::base64_encode(out.buffer(), m);
        out.end_string();
      }
      out.end_array();
      break;
    case av_type::l:
      out.begin_array();
      for (auto const& e : v.list) write_value(out, e);
      out.end_array();
      break;
    case av_type::m: write_item(out, v.map); break;
  }
  out.end_object();
}

void write_item(json_out& out, item const& it)
{
  out.begin_object();
  for (auto const& [k, v] : it) {
    out.key(k);
    write_value(out, v);
  }
  out.end_object();
}

std::string describe(attribute_value const& v)
{
  std::string s = "{";
  s += type_name(v.type);
  s += ":";
  switch (v.type) {
    case av_type::s:
    case av_type::n: s += v.scalar; break;
    case av_type::b: s += codecs::base64_encode(v.scalar); break;
    case av_type::boolean: s += v.boolean ? "true" : "false"; break;
    case av_type::null: s += "true"; break;
    case av_type::ss:
    case av_type::ns:
    case av_type::bs: s += set_text(v.set); break;
    case av_type::l: {
      s += "[";
      for (std::size_t i = 0; i < v.list.size(); ++i) s += (i ? "," : "") + describe(v.list[i]);
      s += "]";
      break;
    }
    case av_type::m: {
      s += "{";
      for (std::size_t i = 0; i < v.map.size(); ++i) s += (i ? "," : "") + v.map[i].first + "=" + describe(v.map[i].second);
      s += "}";
      break;
    }
  }
  return s + "}";
}

std::string encode_key(attribute_value const& v)
{
  if (v.type != av_type::n) return v.scalar;
  // Order-preserving form of a number: a class byte (negative < zero <
  // positive), the decimal exponent, then the digits. For negatives the
  // exponent and digits are complemented and a terminator above every
  // digit ends them, so a longer negative (more negative) sorts first.
  auto n = number::parse(v.scalar);
  if (!n || n->is_zero()) return std::string(1, '\x02');
  std::string const text = n->to_string();
  std::string digits;
  int point = -1;
  for (char c : text) {
    if (c == '.') point = static_cast<int>(digits.size());
    else if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (point < 0) point = static_cast<int>(digits.size());
  auto const lead = digits.find_first_not_of('0');
  int const adjusted = point - static_cast<int>(lead) - 1;  // scientific exponent
  digits.erase(0, lead);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  unsigned const biased = static_cast<unsigned>(adjusted + 1000);
  std::string out;
  if (!n->negative()) {
    out.push_back('\x03');
    out.push_back(static_cast<char>(biased >> 8));
    out.push_back(static_cast<char>(biased & 0xff));
    out += digits;
  } else {
    unsigned const inv = 0xffffu - biased;
    out.push_back('\x01');
    out.push_back(static_cast<char>(inv >> 8));
    out.push_back(static_cast<char>(inv & 0xff));
    for (char c : digits) out.push_back(static_cast<char>('9' - c + '0'));
    out.push_back('~');
  }
  return out;
}

}  // namespace kinesys::local::dynamo
