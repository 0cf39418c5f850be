#include "envelope.hpp"

#include <kinesys/codecs.hpp>

#include <simdjson.h>

namespace kinesys::ingest {
namespace {

namespace od = simdjson::ondemand;

// Separate from codecs::thread_json_parser(): the partition-key strategies
// use that one while views into this one's document are still needed.
od::parser& envelope_parser() {
  thread_local od::parser parser;
  return parser;
}

body_problem malformed(std::string_view what) { return {400, "malformed_json", "malformed JSON: " + std::string(what)}; }

body_problem malformed_at(simdjson::error_code e, od::document& doc, std::string const& body) {
  std::string message = "malformed JSON";
  char const* at = nullptr;
  if (!doc.current_location().get(at) && at >= body.data() && at <= body.data() + body.size())
    message += " at byte " + std::to_string(at - body.data());
  return {400, "malformed_json", message + ": " + simdjson::error_message(e)};
}

// raw_json() runs to the next structural character, so it ends with any
// whitespace that followed the value; that whitespace is not the client's
// payload.
std::string_view without_trailing_space(std::string_view raw) noexcept {
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t'))
    raw.remove_suffix(1);
  return raw;
}

std::string_view type_name(od::json_type t) {
  switch (t) {
  case od::json_type::array: return "an array";
  case od::json_type::object: return "an object";
  case od::json_type::number: return "a number";
  case od::json_type::string: return "a string";
  case od::json_type::boolean: return "a boolean";
  case od::json_type::null: return "null";
  }
  return "unknown";
}

// On Demand reads only what it is asked for; the DOM parser checks every
// byte of the body (trailing content included), at several GB/s.
boost::system::result<void, body_problem> validate_fully(std::string const& body) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element ignored;
  // The body already has SIMDJSON_PADDING bytes of capacity: no copy.
  if (auto e = parser.parse(body.data(), body.size(), false).get(ignored)) return malformed(simdjson::error_message(e));
  return {};
}

}  // namespace

boost::system::result<single_record, body_problem> parse_single(std::string& body) {
  auto& parser = envelope_parser();
  od::document doc;
  if (auto e = parser.iterate(codecs::padded(body)).get(doc)) return malformed(simdjson::error_message(e));
  od::object root;
  if (auto e = doc.get_object().get(root)) {
    if (e == simdjson::INCORRECT_TYPE)
      return body_problem{400, "malformed_json", "the body must be a JSON object {\"stream\": ..., \"payload\": {...}}"};
    return malformed_at(e, doc, body);
  }
  single_record out;
  bool has_stream = false, has_payload = false;
  for (auto field : root) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return malformed_at(e, doc, body);
    if (key == "stream") {
      od::json_type type;
      if (auto e = field.value().type().get(type)) return malformed_at(e, doc, body);
      if (type != od::json_type::string)
        return body_problem{400, "invalid_field", "field \"stream\" must be a string, got " + std::string(type_name(type))};
      std::string_view s;
      if (auto e = field.value().get_string().get(s)) return malformed_at(e, doc, body);
      out.stream.assign(s);
      has_stream = true;
    } else if (key == "payload") {
      od::json_type type;
      if (auto e = field.value().type().get(type)) return malformed_at(e, doc, body);
      if (type == od::json_type::null) continue;  // same as absent
      if (type != od::json_type::object)
        return body_problem{400, "invalid_payload",
                            "field \"payload\" must be a JSON object, got " + std::string(type_name(type))};
      od::object payload;
      if (auto e = field.value().get_object().get(payload)) return malformed_at(e, doc, body);
      if (auto e = payload.raw_json().get(out.payload)) return malformed_at(e, doc, body);
      out.payload = without_trailing_space(out.payload);
      has_payload = true;
    }
    // Other fields are ignored, as the service this replaces ignored them.
  }
  if (auto r = validate_fully(body); !r) return r.error();
  if (!has_stream || out.stream.empty())
    return body_problem{400, "missing_field", "field \"stream\" is missing or empty: name the stream to put to"};
  if (!has_payload)
    return body_problem{400, "missing_field", "field \"payload\" is missing: the JSON object to put on the stream"};
  return out;
}

boost::system::result<void, body_problem> parse_batch(std::string& body, std::size_t max_entries,
                                                      std::vector<batch_entry>& out) {
  out.clear();
  auto& parser = envelope_parser();
  od::document doc;
  if (auto e = parser.iterate(codecs::padded(body)).get(doc)) return malformed(simdjson::error_message(e));
  od::array root;
  if (auto e = doc.get_array().get(root)) {
    if (e == simdjson::INCORRECT_TYPE)
      return body_problem{400, "malformed_json", "the body must be a JSON array of payload objects"};
    return malformed_at(e, doc, body);
  }
  for (auto element : root) {
    od::value value;
    if (auto e = element.get(value)) return malformed_at(e, doc, body);
    if (out.size() == max_entries)
      return body_problem{413, "batch_too_large",
                          "batch has more than " + std::to_string(max_entries) +
                              " entries, the limit (--max-batch); split it into several requests"};
    od::json_type type;
    if (auto e = value.type().get(type)) return malformed_at(e, doc, body);
    batch_entry entry;
    if (type == od::json_type::object) {
      od::object object;
      if (auto e = value.get_object().get(object)) return malformed_at(e, doc, body);
      if (auto e = object.raw_json().get(entry.payload)) return malformed_at(e, doc, body);
      entry.payload = without_trailing_space(entry.payload);
    } else {
      entry.problem = "entry must be a JSON object, got " + std::string(type_name(type));
    }
    out.push_back(std::move(entry));
  }
  if (auto r = validate_fully(body); !r) return r.error();
  if (out.empty()) return body_problem{400, "empty_batch", "the batch is empty: send 1 to " + std::to_string(max_entries) + " payload objects"};
  return {};
}

}  // namespace kinesys::ingest
