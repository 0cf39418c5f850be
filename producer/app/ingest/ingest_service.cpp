// Routing, authentication, admission and the endpoints that do not put.
#include "ingest_service.hpp"

#include "log.hpp"
#include "routes.hpp"
#include "stream_name.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <cstdio>

namespace kinesys::ingest {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view api_key_header = "x-api-key";

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// "application/json", with any parameters ("; charset=utf-8").
bool is_json_media_type(std::string_view content_type) noexcept {
  return engine::iequals(trim(content_type.substr(0, content_type.find(';'))), "application/json");
}

unsigned retry_after_seconds(clock::duration wait) noexcept {
  auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
  return static_cast<unsigned>(std::max<long long>(1, (ms + 999) / 1000));
}

std::vector<std::string> names_of(tenant_registry const& tenants) {
  std::vector<std::string> names;
  for (auto const& t : tenants.tenants()) names.push_back(t.name);
  return names;
}

}  // namespace

ingest_service::ingest_service(ingest_settings settings, tenant_registry tenants, producer::producer& producer,
                               engine::core_set& cores)
    : settings_(std::move(settings)),
      tenants_(std::move(tenants)),
      router_(settings_.keys),
      producer_(producer),
      cores_(cores),
      metrics_(cores.size(), names_of(tenants_)),
      confirmed_(cores.size()) {
  for (auto const& t : tenants_.tenants()) rates_.push_back(std::make_unique<tenant_rate>(t.rate_limit));
  if (settings_.spool) syncer_ = std::make_unique<spool_syncer>(producer_, cores_);
}

ingest_service::~ingest_service() = default;

asio::awaitable<engine::server_reply> ingest_service::handle(engine::server_request& request) {
  auto const started = clock::now();
  // A graceful stop lets a core's context run out of work; a request
  // waiting on the producer (whose completion comes from another thread)
  // holds none of its own, so this keeps the core alive until it answered.
  auto const executor = co_await asio::this_coro::executor;
  auto work = asio::make_work_guard(executor);
  request_context ctx{cores_.current_core().value_or(0), std::nullopt};
  std::optional<engine::http_response> response;
  std::string failure;
  try {
    response = co_await dispatch(request, ctx);
  } catch (std::exception const& e) {
    failure = e.what();
  }
  if (!response) {
    log_error("request ", request.request.method, " failed inside the server: ", failure);
    response = error_response({500, "internal_error", "the server failed to handle the request: " + failure});
  }
  auto const elapsed = clock::now() - started;
  metrics_.request(ctx.core, ctx.tenant, response->status, elapsed);
  // Failures on our side or upstream are events worth a line; everything
  // else only at debug. The path only: a query string is the client's and
  // could hold anything. The body is ours and names no key.
  bool const failed = response->status >= 500;
  if (failed || log_enabled(log_level::debug)) {
    std::string_view target = request.request.target;
    log_at(failed ? log_level::warn : log_level::debug, quoted_input(request.request.method, 16), " ",
           quoted_input(target.substr(0, target.find('?')), 200), " -> ", response->status,
           " tenant=", ctx.tenant ? tenants_.tenants()[*ctx.tenant].name : std::string("-"), " ",
           std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count(), "us",
           failed ? " " + response->body.substr(0, 400) : std::string());
  }
  engine::server_reply reply;
  reply.response = std::move(*response);
  co_return reply;
}

asio::awaitable<engine::http_response> ingest_service::dispatch(engine::server_request& request,
                                                                request_context& ctx) {
  auto const r = match_route(request.request.target, settings_.path_prefix);
  if (r.kind == route_kind::unknown)
    co_return error_response({404, "not_found",
                              "no endpoint at this path: PUT " + settings_.path_prefix + "/stream, PUT " +
                                  settings_.path_prefix + "/streams/<name>/records, GET /health, GET /metrics"});
  auto const allowed = allowed_method(r.kind);
  if (request.request.method != allowed)
    co_return error_response(
        {405, "method_not_allowed", "this endpoint answers " + std::string(allowed) + " only", 0, allowed});
  if (r.kind == route_kind::health) co_return json_response(200, R"({"status":"ok"})");
  if (r.kind == route_kind::metrics) co_return metrics_page();

  if (auto refused = authenticate(request.request, ctx)) co_return error_response(*refused);
  metrics_.begin_put(ctx.core);
  std::optional<engine::http_response> answer;
  try {
    if (r.kind == route_kind::put_one) answer = co_await put_one(request, ctx);
    else answer = co_await put_batch(request, r.stream, ctx);
  } catch (...) {
    metrics_.end_put(ctx.core);
    throw;
  }
  metrics_.end_put(ctx.core);
  co_return std::move(*answer);
}

std::optional<http_error> ingest_service::authenticate(engine::http_request const& request,
                                                       request_context& ctx) const {
  auto const key = request.header(api_key_header);
  if (key.empty()) return http_error{401, "missing_api_key", "the x-api-key header is required"};
  ctx.tenant = tenants_.find(key);
  if (!ctx.tenant) return http_error{403, "invalid_api_key", "the x-api-key is not valid"};
  auto const content_type = request.header("content-type");
  if (!is_json_media_type(content_type))
    return http_error{415, "unsupported_media_type",
                      "Content-Type must be application/json, got \"" +
                          quoted_input(content_type, 100) + "\""};
  return std::nullopt;
}

std::optional<http_error> ingest_service::admit(request_context const& ctx, std::string_view stream,
                                                std::uint64_t records) {
  auto const& t = tenants_.tenants()[*ctx.tenant];
  if (!valid_stream_name(stream))
    return http_error{400, "invalid_stream_name",
                      "stream \"" + quoted_input(stream) + "\" (" + std::to_string(stream.size()) +
                          " bytes) is not a stream name: 1 to 128 characters of a-z A-Z 0-9 _ . -"};
  if (!t.allows(stream))
    return http_error{403, "stream_forbidden",
                      "tenant \"" + t.name + "\" may not write to stream \"" + std::string(stream) + "\""};
  if (auto wait = rates_[*ctx.tenant]->try_take(records); wait > clock::duration::zero()) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", t.rate_limit);
    return http_error{429, "rate_limited",
                      "tenant \"" + t.name + "\" is over its rate limit of " + rate + " records per second",
                      retry_after_seconds(wait)};
  }
  return std::nullopt;
}

engine::http_response ingest_service::metrics_page() const {
  engine::http_response r;
  r.status = 200;
  r.headers.push_back({"Content-Type", "text/plain; version=0.0.4; charset=utf-8"});
  r.body = metrics_.prometheus();
  r.body += producer_.prometheus_text();
  return r;
}

engine::http_response ingest_service::refused_by_server(unsigned status) {
  http_error e{status, "bad_request", "the request is not valid HTTP/1.1"};
  switch (status) {
  case 408:
    e = {408, "request_timeout",
         "the request header did not arrive within " + std::to_string(settings_.header_timeout.count()) +
             " ms (--header-timeout-ms), or its body within " + std::to_string(settings_.idle_timeout.count()) +
             " ms (--idle-timeout-ms)"};
    break;
  case 413:
    e = {413, "body_too_large",
         "the request body exceeds the limit of " + std::to_string(settings_.max_body_bytes) +
             " bytes (--max-body-bytes)"};
    break;
  case 431:
    e = {431, "header_too_large",
         "the request line and header fields exceed the limit of " + std::to_string(settings_.max_header_bytes) +
             " bytes"};
    break;
  default: break;
  }
  metrics_.request(cores_.current_core().value_or(0), std::nullopt, status, clock::duration::zero());
  return error_response(e);
}

}  // namespace kinesys::ingest
