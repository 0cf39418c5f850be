// PUT /stream and PUT /streams/<name>/records: bodies become producer puts,
// answered once Kinesis acknowledged them, or in spool mode once they are
// durable in the spool.
#include "ingest_service.hpp"

#include "log.hpp"
#include "stream_name.hpp"

#include <kinesys/codecs.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kinesys::ingest {

namespace asio = boost::asio;

namespace {

constexpr std::string_view partition_key_header = "x-partition-key";

/// Set while hand_over() runs on this thread: a completion that arrives
/// inside put_async is the producer refusing the record at once (a producer
/// core never runs hand_over, so there it stays null).
thread_local std::optional<producer::put_error>* refused_now = nullptr;

http_error from_problem(body_problem const& p) { return {p.status, p.code, p.message}; }

/// Failures about the stream or the server rather than one entry: when
/// every entry of a batch failed with the same one, the batch is answered
/// with its status (404, 503, 502) instead of 207.
bool concerns_whole_request(std::string_view code) noexcept {
  return code == "stream_not_found" || code == "overloaded" || code == "shutting_down" ||
         code == "upstream_access_denied";
}

}  // namespace

asio::awaitable<engine::http_response> ingest_service::put_one(engine::server_request& request,
                                                               request_context& ctx) {
  auto parsed = parse_single(request.request.body);
  if (!parsed) co_return error_response(from_problem(parsed.error()));
  single_record const& record = *parsed;
  if (auto refused = admit(ctx, record.stream, 1)) co_return error_response(*refused);
  producer::record_key key;
  auto routed = router_.route(record.payload, request.request.header(partition_key_header), key);
  if (!routed) co_return error_response(from_put_error(routed.error()));

  std::size_t const tenant = *ctx.tenant;
  if (syncer_ && confirmed(ctx.core, record.stream)) {
    if (auto refused = hand_over(record.stream, key, record.payload, tenant))
      co_return error_response(from_put_error(*refused));
    auto const synced = co_await syncer_->sync(ctx.core);
    if (synced)
      co_return error_response(
          {500, "spool_failed", "the record could not be made durable in the spool: " + synced.message()});
    metrics_.records(ctx.core, tenant, 1);
    co_return json_response(202, R"({"status":"spooled"})");
  }
  auto const outcome = co_await producer_.put(record.stream, key, record.payload);
  if (!outcome) co_return error_response(from_put_error(outcome.error()));
  if (syncer_) confirm(ctx.core, record.stream);
  metrics_.records(ctx.core, tenant, 1);
  std::string body;
  append_put_result(body, *outcome);
  co_return json_response(200, std::move(body));
}

asio::awaitable<engine::http_response> ingest_service::put_batch(engine::server_request& request,
                                                                 std::string_view stream, request_context& ctx) {
  std::vector<batch_entry> entries;
  auto parsed = parse_batch(request.request.body, settings_.max_batch, entries);
  if (!parsed) co_return error_response(from_problem(parsed.error()));
  if (auto refused = admit(ctx, stream, entries.size())) co_return error_response(*refused);

  std::size_t const n = entries.size();
  std::string_view const header_key = request.request.header(partition_key_header);
  std::vector<producer::record_key> keys(n);
  std::vector<std::optional<http_error>> errors(n);
  std::vector<producer::put_result> results(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!entries[i].problem.empty()) {
      errors[i] = http_error{400, "invalid_payload", entries[i].problem};
      continue;
    }
    auto routed_entry = router_.route(entries[i].payload, header_key, keys[i]);
    if (!routed_entry) errors[i] = from_put_error(routed_entry.error());
  }

  std::size_t const tenant = *ctx.tenant;
  bool const spooling = syncer_ && confirmed(ctx.core, stream);
  if (spooling) {
    std::size_t handed = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (errors[i]) continue;
      if (auto refused = hand_over(stream, keys[i], entries[i].payload, tenant)) errors[i] = from_put_error(*refused);
      else ++handed;
    }
    boost::system::error_code synced;
    if (handed > 0) synced = co_await syncer_->sync(ctx.core);
    if (synced)
      for (auto& e : errors)
        if (!e) e = http_error{500, "spool_failed", "the record could not be made durable in the spool: " + synced.message()};
  } else {
    // Every entry is put at once, in order, so the producer aggregates them
    // into few Kinesis records; the answer waits for the last one.
    auto const executor = co_await asio::this_coro::executor;
    asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
    std::size_t remaining = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (errors[i]) continue;
      ++remaining;
      auto on_done = [&errors, &results, &remaining, &all_done, i](std::exception_ptr e, producer::put_outcome o) {
        if (e) errors[i] = http_error{500, "internal_error", "the put failed inside the server"};
        else if (!o) errors[i] = from_put_error(o.error());
        else results[i] = *o;
        if (--remaining == 0) all_done.cancel();
      };
      asio::co_spawn(executor, producer_.put(stream, keys[i], entries[i].payload), std::move(on_done));
    }
    if (remaining > 0) co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
  }

  std::size_t failed = 0;
  for (auto const& e : errors) failed += e ? 1 : 0;
  if (failed < n) {
    metrics_.records(ctx.core, tenant, n - failed);
    if (syncer_ && !spooling) confirm(ctx.core, stream);
  }
  if (failed == n && concerns_whole_request(errors[0]->code)) {
    bool same = true;
    for (auto const& e : errors) same = same && e->code == errors[0]->code;
    if (same) co_return error_response(*errors[0]);
  }
  std::string body;
  codecs::json_writer w(body);
  w.begin_object().key("results").begin_array();
  for (std::size_t i = 0; i < n; ++i) {
    if (errors[i]) w.begin_object().member("error", errors[i]->code).member("message", errors[i]->message).end_object();
    else if (spooling) w.begin_object().member("status", "spooled").end_object();
    else
      w.begin_object()
          .member("shard_id", results[i].shard_id.view())
          .member("sequence_number", results[i].sequence_number.view())
          .end_object();
  }
  w.end_array().member("failed", static_cast<std::uint64_t>(failed)).end_object();
  co_return json_response(failed == 0 ? (spooling ? 202u : 200u) : 207u, std::move(body));
}

bool ingest_service::confirmed(std::size_t core, std::string_view stream) const {
  return confirmed_[core].find(stream) != confirmed_[core].end();
}

void ingest_service::confirm(std::size_t core, std::string_view stream) {
  if (confirmed(core, stream)) return;
  confirmed_[core].emplace(stream);
  // Each core keeps its own set (no lock on the request path); the others
  // learn of the stream by message. This happens once per stream.
  for (std::size_t c = 0; c < cores_.size(); ++c)
    if (c != core) cores_.post(c, [this, c, name = std::string(stream)] { confirmed_[c].emplace(name); });
}

void ingest_service::forget_streams() {
  for (std::size_t c = 0; c < cores_.size(); ++c) cores_.post(c, [this, c] { confirmed_[c].clear(); });
}

std::optional<producer::put_error> ingest_service::hand_over(std::string_view stream, producer::record_key const& key,
                                                             std::string_view payload, std::size_t tenant) {
  std::optional<producer::put_error> refused;
  refused_now = &refused;
  producer::put_options options;
  options.explicit_hash_key = key.explicit_hash_key;
  // Spool mode runs the producer with BackpressureMode=fail, so this never
  // blocks the core: a full backlog is refused at once (503).
  producer_.put_async(
      stream, key.partition_key, payload,
      [this, tenant](producer::put_outcome outcome) { on_spooled_outcome(tenant, outcome); }, options);
  refused_now = nullptr;
  return refused;
}

void ingest_service::on_spooled_outcome(std::size_t tenant, producer::put_outcome const& outcome) {
  if (outcome) return;
  if (refused_now) {
    *refused_now = outcome.error();
    return;
  }
  // Answered 202 already: all that is left is to say so loudly.
  metrics_.spooled_failure();
  log_error("spooled record of tenant \"", tenants_.tenants()[tenant].name,
            "\" failed after it was accepted: ", outcome.error().message);
  if (outcome.error() == producer::errc::stream_not_found) forget_streams();
}

}  // namespace kinesys::ingest
