#pragma once
// The request handler of kinesys-ingest: routing, API keys, per-tenant
// rates, and turning PUT bodies into producer puts. One instance serves
// every core; what it changes per request lives in per-core blocks
// (metrics, the spool mode's confirmed streams), so cores share nothing
// but the tenants' rate words.
#include "envelope.hpp"
#include "metrics.hpp"
#include "partition_keys.hpp"
#include "responses.hpp"
#include "spool_syncer.hpp"
#include "tenant_keys.hpp"
#include "tenant_rate.hpp"

#include <kinesys/engine.hpp>
#include <kinesys/producer.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace kinesys::ingest {

struct ingest_settings {
  std::string path_prefix;  ///< normalized: "" or "/prod"
  std::size_t max_batch = 500;
  /// For the messages of refusals the HTTP server makes itself.
  std::size_t max_body_bytes = (1u << 20) + (64u << 10);
  std::size_t max_header_bytes = 16384;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  /// --spool-dir given: answer 202 once records are durable in the spool.
  bool spool = false;
  key_settings keys;
};

class ingest_service {
public:
  ingest_service(ingest_settings settings, tenant_registry tenants, producer::producer& producer,
                 engine::core_set& cores);
  ~ingest_service();
  ingest_service(ingest_service const&) = delete;
  ingest_service& operator=(ingest_service const&) = delete;

  /// The http_server handler. @locality the core that accepted the connection
  boost::asio::awaitable<engine::server_reply> handle(engine::server_request& request);
  /// http_server_options::error_response: the JSON answer to a request the
  /// server refused itself (408, 413, 431, 400), counted under tenant "-".
  /// @locality the connection's core
  engine::http_response refused_by_server(unsigned status);

  ingest_metrics& metrics() noexcept { return metrics_; }

private:
  struct request_context {
    std::size_t core = 0;
    std::optional<std::size_t> tenant;
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using stream_set = std::unordered_set<std::string, string_hash, std::equal_to<>>;

  boost::asio::awaitable<engine::http_response> dispatch(engine::server_request& request, request_context& ctx);
  boost::asio::awaitable<engine::http_response> put_one(engine::server_request& request, request_context& ctx);
  boost::asio::awaitable<engine::http_response> put_batch(engine::server_request& request, std::string_view stream,
                                                          request_context& ctx);
  /// 401/403/415 before the body is read, or nothing.
  std::optional<http_error> authenticate(engine::http_request const& request, request_context& ctx) const;
  /// 403 for a stream the tenant may not write, 429 over its rate.
  std::optional<http_error> admit(request_context const& ctx, std::string_view stream, std::uint64_t records);
  engine::http_response metrics_page() const;

  // Spool mode: a stream is "confirmed" once a put to it was acknowledged;
  // only then are its records answered 202 from the spool, so a misspelt
  // stream is answered 404 instead of being spooled and lost. Every core
  // holds its own copy of the set. @locality core `core`
  bool confirmed(std::size_t core, std::string_view stream) const;
  void confirm(std::size_t core, std::string_view stream);
  /// A spooled record's stream vanished: every core asks Kinesis again.
  void forget_streams();
  /// Hands one record to the producer without waiting for Kinesis; the
  /// error if the producer refused it at once (limit, bad input).
  std::optional<producer::put_error> hand_over(std::string_view stream, producer::record_key const& key,
                                               std::string_view payload, std::size_t tenant);
  void on_spooled_outcome(std::size_t tenant, producer::put_outcome const& outcome);

  ingest_settings settings_;
  tenant_registry tenants_;
  std::vector<std::unique_ptr<tenant_rate>> rates_;  // one per tenant
  key_router router_;
  producer::producer& producer_;
  engine::core_set& cores_;
  ingest_metrics metrics_;
  std::unique_ptr<spool_syncer> syncer_;  // spool mode only
  std::vector<stream_set> confirmed_;     // per core
};

}  // namespace kinesys::ingest
