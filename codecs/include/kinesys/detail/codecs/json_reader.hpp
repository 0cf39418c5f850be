#pragma once
// Parsing JSON with simdjson's On Demand API. The helpers here cover what
// every caller needs: giving a response body simdjson's padding without a
// copy, a parser per thread, and turning simdjson errors into decode_error.
//
//   std::string body = ...;                       // e.g. an HTTP response body
//   auto& parser = codecs::thread_json_parser();
//   auto doc = parser.iterate(codecs::padded(body));
//   std::string_view seq;
//   if (auto e = doc["SequenceNumber"].get_string().get(seq)) ... // error
//
// On Demand reads lazily: fields must be consumed in document order, and
// string_views from get_string() stay valid only until the parser iterates
// the next document.
#include <kinesys/detail/codecs/error.hpp>

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace kinesys::codecs {

/// The spare capacity simdjson reads past a document's end. A buffer that
/// already has it (an HTTP server body sized for it) is parsed in place.
inline constexpr std::size_t json_padding = simdjson::SIMDJSON_PADDING;

/// Gives `s` the json_padding bytes of spare capacity simdjson reads past
/// the end (reserving if needed; usually free for a reused buffer) and
/// returns a view to iterate. Changing `s` afterwards invalidates the view.
simdjson::padded_string_view padded(std::string& s);

/// The calling thread's On Demand parser. A parser holds one live document:
/// finish with a document before iterating the next one on the same thread.
/// @locality any thread (one parser per thread)
simdjson::ondemand::parser& thread_json_parser();

/// A decode_error for a simdjson error; `field` names what was being read.
decode_error json_error(simdjson::error_code e, std::size_t offset, std::string_view field) noexcept;

/// The exact text of a JSON number token (no conversion to double), checked
/// against the strict JSON number grammar.
decode_result<std::string_view> json_number_text(simdjson::ondemand::value& v, std::string_view field);

/// True if `text` is a number in strict JSON syntax, e.g. "-0.5e+3".
bool is_json_number(std::string_view text) noexcept;

}  // namespace kinesys::codecs
