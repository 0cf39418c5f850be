// kinesys-local from the wire up: the bytes go through the engine's HTTP
// parsing (server_parse.hpp, with kinesys-local's limits), then through the
// steps of local_server's request handler in its order: the admin paths
// (/_kinesys/health, faults), POST only, SigV4 (against a fixed clock, so a
// signed seed verifies), injected faults, then X-Amz-Target and the JSON
// body into the model. The handler itself is a coroutine member of the
// server's private state, so the target composes the same public and
// detail pieces; the model is in memory, as kinesys-local runs without a
// data directory. Any answer is a status below 500 (unless a fault was
// injected) with a JSON object body. Input byte 0: bit 0 turns signature
// checking off (as --no-auth), the other bits pick the read split.
#include "json_object.hpp"
#include "server_parse.hpp"

#include "server/faults.hpp"

#include <kinesys/detail/engine/aws/sigv4_verifier.hpp>
#include <kinesys/local.hpp>

#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace engine = kinesys::engine;
namespace fuzz = kinesys::fuzz;
namespace local = kinesys::local;

namespace {

local::errc auth_errc(engine::aws::auth_failure f)
{
  switch (f) {
    case engine::aws::auth_failure::missing_authentication_token: return local::errc::missing_authentication_token;
    case engine::aws::auth_failure::incomplete_signature: return local::errc::incomplete_signature;
    case engine::aws::auth_failure::unrecognized_client: return local::errc::unrecognized_client;
    default: return local::errc::invalid_signature;
  }
}

struct server_model {
  local::local_options options;
  std::shared_ptr<local::manual_clock> clock = std::make_shared<local::manual_clock>();
  std::optional<local::dispatcher> model;
  std::optional<local::fault_injector> faults;
  std::optional<engine::aws::sigv4_verifier> verifier;

  explicit server_model(bool verify)
  {
    options.clock = local::manual_clock::as_clock(clock);
    options.auth.verify = verify;
    options.dynamodb.throttle = false;
    model.emplace(options);
    faults.emplace(options.faults, model->cores());
    auto keys = options.auth.keys;
    engine::aws::sigv4_verifier::options vo;
    vo.max_skew = options.auth.max_clock_skew;
    verifier.emplace(
        [keys](std::string_view id) -> std::optional<std::string> {
          for (auto const& [k, secret] : keys)
            if (k == id) return secret;
          return std::nullopt;
        },
        vo);
    std::string setup = R"({"StreamName":"s","ShardCount":2})";
    if (model->handle("Kinesis_20131202.CreateStream", setup).status != 200) std::abort();
    setup = R"({"TableName":"tbl","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],)"
            R"("KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})";
    if (model->handle("DynamoDB_20120810.CreateTable", setup).status != 200) std::abort();
  }

  /// local_server::impl::admin(): every answer is one JSON object.
  void admin(engine::http_request& request)
  {
    std::string error;
    if (request.target == "/_kinesys/faults" && request.method == "POST") error = faults->apply_json(request.body);
    std::string const body = error.empty() ? faults->to_json() : local::fault_injector::error_json(error);
    if (!fuzz::is_json_object(body)) std::abort();
  }

  /// local_server::impl::handle() without the server around it.
  void handle(engine::http_request& request)
  {
    if (request.target.rfind("/_kinesys/", 0) == 0) return admin(request);
    std::string const target(request.header("X-Amz-Target"));
    if (request.method != "POST") return check(local::dispatcher::error_reply(target, {local::errc::unknown_operation, ""}), false);
    if (options.auth.verify) {
      auto identity = verifier->verify(request, options.clock());
      if (!identity) {
        auto r = local::dispatcher::error_reply(target, {auth_errc(identity.error().reason), identity.error().message});
        r.status = identity.error().http_status();
        return check(std::move(r), false);
      }
    }
    if (faults->any()) {
      // Added latency only delays the answer; it is left out here.
      if (faults->roll(0, local::fault_kind::internal_failure))
        return check(local::dispatcher::error_reply(target, {local::errc::internal_failure, ""}), true);
      if (target != "Kinesis_20131202.PutRecords" && faults->roll(0, local::fault_kind::throttle))
        return check(local::dispatcher::error_reply(target, {local::errc::provisioned_throughput_exceeded, ""}), true);
    }
    std::size_t const owner = model->owner(target, request.body);
    if (owner >= model->cores()) std::abort();
    check(model->handle_on(owner, target, request.body), false);
  }

  static void check(local::reply const& r, bool fault_injected)
  {
    if (r.status >= 500 && !fault_injected) std::abort();
    if (r.status != 200 && r.error_type.empty()) std::abort();
    if (r.status != 200 && r.body.empty()) std::abort();
    if (!r.body.empty() && !fuzz::is_json_object(r.body)) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  if (size == 0) return 0;
  server_model server((data[0] & 1) == 0);
  // As local_server::start() configures the engine's server.
  engine::http_server_options options;
  options.max_body_bytes = 8u << 20;
  options.max_header_bytes = server.options.connections.max_header_bytes;
  std::string_view const bytes(reinterpret_cast<char const*>(data + 1), size - 1);
  auto connection = fuzz::parse_connection(bytes, fuzz::split_point(data[0] & 0xfe, bytes.size()), options);
  for (auto& request : connection.requests) server.handle(request);
  return 0;
}
