// kinesys-ingest's body parsers on any bytes, each parsed both as a single
// record and as a batch: a refusal is a 400 or 413 with a code and a
// message; a single record names a stream and a payload; every payload is
// a JSON object lying inside the body, exactly as the client spelt it
// (no surrounding whitespace); a batch holds 1..max entries. The first
// input byte picks the batch limit (1..64, or the default 500).
#include "json_object.hpp"
#include "envelope.hpp"
#include "ingest_service.hpp"

#include <simdjson.h>

#include <cstdlib>
#include <string>

namespace ingest = kinesys::ingest;

namespace fuzz = kinesys::fuzz;

namespace {

void check_payload(std::string const& body, std::string_view payload)
{
  if (payload.empty() || payload.data() < body.data() || payload.data() + payload.size() > body.data() + body.size())
    std::abort();
  if (payload.front() != '{' || payload.back() != '}' || !fuzz::is_json_object(payload)) std::abort();
}

void check_problem(ingest::body_problem const& p)
{
  if ((p.status != 400 && p.status != 413) || p.code.empty() || p.message.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  if (size == 0) return 0;
  std::size_t const max_entries = data[0] < 192 ? 1 + data[0] % 64 : ingest::ingest_settings{}.max_batch;
  std::string_view const raw(reinterpret_cast<char const*>(data + 1), size - 1);

  std::string single_body(raw);
  auto single = ingest::parse_single(single_body);
  if (!single) {
    check_problem(single.error());
  } else {
    if (single->stream.empty()) std::abort();
    check_payload(single_body, single->payload);
  }

  std::string batch_body(raw);
  std::vector<ingest::batch_entry> entries{{"stale", ""}};
  auto batch = ingest::parse_batch(batch_body, max_entries, entries);
  if (!batch) {
    check_problem(batch.error());
    if (batch.error().status == 413 && batch.error().code != "batch_too_large") std::abort();
  } else {
    if (entries.empty() || entries.size() > max_entries) std::abort();
    for (auto const& e : entries) {
      if (e.problem.empty()) check_payload(batch_body, e.payload);
      else if (!e.payload.empty()) std::abort();
    }
  }
  // The bodies are the client's bytes still (padding is spare capacity).
  if (single_body != raw || batch_body != raw) std::abort();
  return 0;
}
