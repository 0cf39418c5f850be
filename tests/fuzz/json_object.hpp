#pragma once
// What the request targets check of every answer body: one JSON object
// (simdjson also refuses text that is not valid UTF-8).
#include <simdjson.h>

#include <string_view>

namespace kinesys::fuzz {

inline bool is_json_object(std::string_view text)
{
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element e;
  return !parser.parse(padded).get(e) && e.is_object();
}

}  // namespace kinesys::fuzz
