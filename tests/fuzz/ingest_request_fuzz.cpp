// kinesys-ingest's handling of a request up to the producer's put: the
// bytes go through the engine's HTTP parsing (server_parse.hpp, with the
// ingest server's body limit), then routing, method, API key, media type,
// body, stream name, tenant grant and partition key, in the order
// ingest_service::dispatch(), authenticate(), admit() and put_one() /
// put_batch() apply them (those are members of a service that needs a
// producer; the target composes the same public pieces without one).
// Every answer is one JSON object with a known status; an accepted record
// is a JSON object inside the body with a valid key under every partition
// key strategy. The first input byte picks the read split.
#include "json_object.hpp"
#include "server_parse.hpp"

#include "envelope.hpp"
#include "ingest_service.hpp"
#include "partition_keys.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "stream_name.hpp"
#include "tenant_keys.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>

namespace engine = kinesys::engine;
namespace fuzz = kinesys::fuzz;
namespace ingest = kinesys::ingest;
namespace producer = kinesys::producer;

namespace {

constexpr std::string_view prefix = "/prod";

struct fixture {
  ingest::ingest_settings settings;
  ingest::tenant_registry tenants;
  std::vector<ingest::key_router> routers;

  fixture()
  {
    settings.path_prefix = std::string(prefix);
    if (!tenants.add_env("demo:demo-key-1:events,logs:0;ops:ops-key-2:*:0")) std::abort();
    for (auto strategy : {ingest::key_strategy::field, ingest::key_strategy::fan_out, ingest::key_strategy::random,
                          ingest::key_strategy::explicit_hash_key}) {
      ingest::key_settings k = settings.keys;
      k.strategy = strategy;
      if (strategy == ingest::key_strategy::fan_out) k.fan_out_by = "user";
      routers.emplace_back(k);
    }
  }
};

fixture const& the_fixture()
{
  static fixture const f;
  return f;
}

std::string_view trim(std::string_view s) noexcept
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// A payload the service would hand to the producer: an object lying in
/// the body, keyed validly by every strategy or refused with a 400.
void route_payload(std::string const& body, std::string_view payload, std::string_view header_key)
{
  if (payload.data() < body.data() || payload.data() + payload.size() > body.data() + body.size()) std::abort();
  if (!fuzz::is_json_object(payload)) std::abort();
  for (auto const& router : the_fixture().routers) {
    producer::record_key key;
    auto routed = router.route(payload, header_key, key);
    if (!routed) {
      auto const e = ingest::from_put_error(routed.error());
      if (e.status != 400) std::abort();
      continue;
    }
    if (!producer::validate_partition_key(key.partition_key)) std::abort();
    if (!key.explicit_hash_key.empty() && !producer::validate_explicit_hash_key(key.explicit_hash_key)) std::abort();
  }
}

std::optional<ingest::http_error> admit(ingest::tenant const& t, std::string_view stream)
{
  if (!ingest::valid_stream_name(stream))
    return ingest::http_error{400, "invalid_stream_name", "stream \"" + ingest::quoted_input(stream) + "\""};
  if (!t.allows(stream)) return ingest::http_error{403, "stream_forbidden", "tenant \"" + t.name + "\""};
  return std::nullopt;
}

/// The answer, or nullopt where the service would put.
std::optional<ingest::http_error> handle(engine::http_request& request)
{
  auto const& f = the_fixture();
  auto const r = ingest::match_route(request.target, f.settings.path_prefix);
  if (r.kind == ingest::route_kind::unknown) return ingest::http_error{404, "not_found", "no endpoint at this path"};
  auto const allowed = ingest::allowed_method(r.kind);
  if (request.method != allowed) return ingest::http_error{405, "method_not_allowed", "", 0, allowed};
  if (r.kind == ingest::route_kind::health || r.kind == ingest::route_kind::metrics) return std::nullopt;
  if (r.kind == ingest::route_kind::put_batch && request.target.find(r.stream) == std::string::npos) std::abort();

  auto const key = request.header("x-api-key");
  if (key.empty()) return ingest::http_error{401, "missing_api_key", ""};
  auto const tenant = f.tenants.find(key);
  if (!tenant) return ingest::http_error{403, "invalid_api_key", ""};
  auto const content_type = request.header("content-type");
  if (!engine::iequals(trim(content_type.substr(0, content_type.find(';'))), "application/json"))
    return ingest::http_error{415, "unsupported_media_type",
                              "Content-Type must be application/json, got \"" +
                                  ingest::quoted_input(content_type, 100) + "\""};
  auto const& t = f.tenants.tenants()[*tenant];
  auto const header_key = request.header("x-partition-key");

  if (r.kind == ingest::route_kind::put_one) {
    auto parsed = ingest::parse_single(request.body);
    if (!parsed) return ingest::http_error{parsed.error().status, parsed.error().code, parsed.error().message};
    if (parsed->stream.empty()) std::abort();
    if (auto refused = admit(t, parsed->stream)) return refused;
    route_payload(request.body, parsed->payload, header_key);
    return std::nullopt;
  }
  std::vector<ingest::batch_entry> entries;
  auto parsed = ingest::parse_batch(request.body, f.settings.max_batch, entries);
  if (!parsed) return ingest::http_error{parsed.error().status, parsed.error().code, parsed.error().message};
  if (entries.empty() || entries.size() > f.settings.max_batch) std::abort();
  if (auto refused = admit(t, r.stream)) return refused;
  for (auto const& e : entries)
    if (e.problem.empty()) route_payload(request.body, e.payload, header_key);
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  if (size == 0) return 0;
  engine::http_server_options options;
  options.max_body_bytes = the_fixture().settings.max_body_bytes;
  std::string_view const bytes(reinterpret_cast<char const*>(data + 1), size - 1);
  auto connection = fuzz::parse_connection(bytes, fuzz::split_point(data[0], bytes.size()), options);
  for (auto& request : connection.requests) {
    auto const refused = handle(request);
    if (!refused) continue;
    static constexpr std::array<unsigned, 9> statuses = {400, 401, 403, 404, 405, 413, 415, 429, 503};
    if (std::find(statuses.begin(), statuses.end(), refused->status) == statuses.end()) std::abort();
    auto const answer = ingest::error_response(*refused);
    if (answer.status != refused->status || !fuzz::is_json_object(answer.body)) std::abort();
  }
  return 0;
}
