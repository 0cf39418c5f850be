#include <kinesys/detail/local/local_server.hpp>

#include "persist/store.hpp"
#include "server/faults.hpp"

#include <kinesys/engine.hpp>
#include <kinesys/detail/engine/aws/sigv4_verifier.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace kinesys::local {

namespace asio = boost::asio;

struct local_server::impl {
  explicit impl(local_options o)
      : options(std::move(o)), model(options), faults(options.faults, std::max<std::size_t>(1, options.cores))
  {
  }

  asio::awaitable<engine::server_reply> handle(engine::server_request& req);
  asio::awaitable<engine::server_reply> admin(engine::server_request& req);
  asio::awaitable<void> maintenance(std::size_t core);
  engine::server_reply make_reply(reply&& r, std::size_t core);

  local_options options;
  dispatcher model;
  fault_injector faults;
  std::unique_ptr<persist::store> store;
  std::unique_ptr<engine::core_set> cores;
  std::unique_ptr<engine::http_server> http;
  std::vector<std::unique_ptr<engine::aws::sigv4_verifier>> verifiers;  // one per core: they keep buffers
  std::vector<std::uint64_t> request_ids;                               // per core
  std::uint16_t port = 0;
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};
};

namespace {

std::string request_id(std::uint64_t& counter, std::size_t core)
{
  // Unique per process run: a random prefix, the core and a counter.
  static std::uint64_t const boot = std::random_device{}() | (static_cast<std::uint64_t>(std::random_device{}()) << 32);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08llx-%04zx-4%03llx-8000-%012llx", static_cast<unsigned long long>(boot >> 32), core,
                static_cast<unsigned long long>(boot & 0xfff), static_cast<unsigned long long>(++counter));
  return buf;
}

errc auth_errc(engine::aws::auth_failure f)
{
  switch (f) {
    case engine::aws::auth_failure::missing_authentication_token: return errc::missing_authentication_token;
    case engine::aws::auth_failure::incomplete_signature: return errc::incomplete_signature;
    case engine::aws::auth_failure::unrecognized_client: return errc::unrecognized_client;
    default: return errc::invalid_signature;
  }
}

}  // namespace

engine::server_reply local_server::impl::make_reply(reply&& r, std::size_t core)
{
  engine::server_reply out;
  out.response.status = r.status;
  out.response.headers.push_back({"Content-Type", std::string(r.content_type())});
  out.response.headers.push_back({"x-amzn-RequestId", request_id(request_ids[core], core)});
  if (r.which == api::dynamodb) {
    // DynamoDB clients (boto3, the SDKs) check this checksum when present.
    auto crc = crc32(0L, reinterpret_cast<Bytef const*>(r.body.data()), static_cast<uInt>(r.body.size()));
    out.response.headers.push_back({"x-amz-crc32", std::to_string(crc)});
  }
  if (!r.error_type.empty()) out.response.headers.push_back({"x-amzn-ErrorType", r.error_type});
  out.response.body = std::move(r.body);
  return out;
}

asio::awaitable<engine::server_reply> local_server::impl::admin(engine::server_request& req)
{
  engine::server_reply out;
  auto const& target = req.request.target;
  out.response.headers.push_back({"Content-Type", "application/json"});
  if (target == "/_kinesys/health") {
    out.response.status = 200;
    out.response.body = "ok";
  } else if (target == "/_kinesys/faults" && req.request.method == "GET") {
    out.response.status = 200;
    out.response.body = faults.to_json();
  } else if (target == "/_kinesys/faults" && req.request.method == "POST") {
    std::string err = faults.apply_json(req.request.body);
    out.response.status = err.empty() ? 200 : 400;
    out.response.body = err.empty() ? faults.to_json() : fault_injector::error_json(err);
  } else {
    out.response.status = 404;
    out.response.body = "{\"error\":\"no such admin resource\"}";
  }
  co_return out;
}

asio::awaitable<engine::server_reply> local_server::impl::handle(engine::server_request& req)
{
  std::size_t const core = cores->current_core().value_or(0);
  auto& request = req.request;
  if (request.target.rfind("/_kinesys/", 0) == 0) co_return co_await admin(req);

  std::string const target(request.header("X-Amz-Target"));
  if (request.method != "POST")
    co_return make_reply(dispatcher::error_reply(target, {errc::unknown_operation, ""}), core);

  if (options.auth.verify) {
    auto identity = verifiers[core]->verify(request, options.clock ? options.clock() : std::chrono::system_clock::now());
    if (!identity) {
      reply r = dispatcher::error_reply(target, {auth_errc(identity.error().reason), identity.error().message});
      r.status = identity.error().http_status();
      co_return make_reply(std::move(r), core);
    }
  }

  if (faults.any()) {
    if (faults.roll(core, fault_kind::latency) && faults.added_latency().count() > 0) {
      asio::steady_timer timer(co_await asio::this_coro::executor, faults.added_latency());
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (faults.roll(core, fault_kind::internal_failure))
      co_return make_reply(dispatcher::error_reply(target, {errc::internal_failure, ""}), core);
    // PutRecords shows throttling as failed entries (the dispatcher rolls
    // per entry); every other call is refused as a whole.
    if (target != "Kinesis_20131202.PutRecords" && faults.roll(core, fault_kind::throttle)) {
      api_error e{errc::provisioned_throughput_exceeded, "Rate exceeded (injected fault)"};
      co_return make_reply(dispatcher::error_reply(target, e), core);
    }
  }

  std::size_t const owner = model.owner(target, request.body);
  auto run = [this, owner, &target, &request]() -> asio::awaitable<reply> {
    reply r = model.handle_on(owner, target, request.body);
    // Acknowledge only what is on disk (or in the page cache, per policy).
    if (store && r.status == 200) {
      if (auto ec = co_await store->commit(owner); ec) {
        std::fprintf(stderr, "kinesys-local: data file write failed: %s\n", ec.message().c_str());
        co_return dispatcher::error_reply(
            target, {errc::internal_failure, "the data directory refused a write (" + ec.message() +
                                                 "); writes are refused until kinesys-local restarts with room"});
      }
    }
    co_return r;
  };
  // (Not a conditional expression: GCC 12 miscompiles co_await inside ?:.)
  reply r;
  if (owner == core) r = co_await run();
  else r = co_await asio::co_spawn(cores->executor(owner), run, asio::use_awaitable);

  if (options.log_requests)
    std::fprintf(stderr, "kinesys-local: %s %s -> %u %s\n", req.remote_address.c_str(), target.c_str(), r.status,
                 r.error_type.c_str());
  engine::server_reply out = make_reply(std::move(r), core);
  if (faults.any()) {
    if (faults.roll(core, fault_kind::reset_before_response)) out.fault = engine::server_reply::fault::reset_before_response;
    else if (faults.roll(core, fault_kind::reset_mid_response)) out.fault = engine::server_reply::fault::reset_mid_response;
  }
  co_return out;
}

asio::awaitable<void> local_server::impl::maintenance(std::size_t core)
{
  // Retention and in-memory caps once a second; persistence housekeeping
  // (segment trimming, table snapshots) rides along.
  for (;;) {
    auto [ec] = co_await engine::async_sleep(std::chrono::seconds(1), asio::as_tuple(asio::use_awaitable));
    if (ec || cores->stop_requested()) co_return;
    model.maintain(core);
    if (store) co_await store->housekeeping(core);
  }
}

local_server::local_server(local_options options) : impl_(std::make_unique<impl>(std::move(options)))
{
  auto& o = impl_->options;
  if (o.auth.verify && o.auth.keys.empty())
    throw std::invalid_argument("signature verification is on but no access keys are configured");
}

local_server::~local_server()
{
  stop();
  wait();
}

boost::system::result<std::uint16_t> local_server::start()
{
  auto& s = *impl_;
  if (s.started.exchange(true)) return s.port;
  std::size_t const n = s.model.cores();
  s.cores = std::make_unique<engine::core_set>(engine::core_set_options{.cores = n, .handle_signals = s.options.handle_signals});
  auto keys = s.options.auth.keys;
  engine::aws::sigv4_verifier::options vo;
  vo.max_skew = s.options.auth.max_clock_skew;
  for (std::size_t i = 0; i < n; ++i) {
    s.verifiers.push_back(std::make_unique<engine::aws::sigv4_verifier>(
        [keys](std::string_view id) -> std::optional<std::string> {
          for (auto const& [k, secret] : keys)
            if (k == id) return secret;
          return std::nullopt;
        },
        vo));
    s.request_ids.push_back(0);
  }
  for (std::size_t i = 0; i < n; ++i) {
    s.model.set_entry_throttle(i, [this, i] { return impl_->faults.roll(i, fault_kind::throttle); });
  }
  if (!s.options.persistence.data_dir.empty()) {
    std::vector<asio::any_io_executor> executors;
    for (std::size_t i = 0; i < n; ++i) executors.push_back(s.cores->executor(i));
    auto store = persist::store::open(s.options.persistence, s.model, std::move(executors));
    if (!store) return store.error();
    s.store = std::move(*store);
  }
  engine::http_server_options ho;
  ho.address = s.options.address;
  ho.port = s.options.port;
  // A PutRecords body is at most 5 MiB of data, base64-encoded, plus keys.
  ho.max_body_bytes = 8u << 20;
  ho.header_timeout = s.options.connections.header_timeout;
  ho.idle_timeout = s.options.connections.idle_timeout;
  ho.max_connections = s.options.connections.max_connections;
  ho.max_header_bytes = s.options.connections.max_header_bytes;
  s.http = std::make_unique<engine::http_server>(*s.cores, ho, [this](engine::server_request& req) { return impl_->handle(req); });
  auto port = s.http->start();
  if (!port) return port.error();
  s.port = *port;
  s.cores->on_stop([this] {
    impl_->http->stop();
    if (impl_->store) {
      for (std::size_t i = 0; i < impl_->model.cores(); ++i)
        impl_->cores->spawn(i, [this, i]() -> asio::awaitable<void> { co_await impl_->store->close(i); });
    }
  });
  for (std::size_t i = 0; i < n; ++i) s.cores->spawn(i, [this, i] { return impl_->maintenance(i); });
  s.cores->start();
  return s.port;
}

void local_server::stop()
{
  if (!impl_->started.load() || impl_->stopped.exchange(true)) return;
  impl_->cores->stop();
}

void local_server::wait()
{
  if (!impl_->started.load() || !impl_->cores) return;
  impl_->cores->join();
}

std::uint16_t local_server::port() const noexcept { return impl_->port; }
std::string local_server::endpoint() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }
void local_server::set_faults(fault_options const& f) { impl_->faults.set(f); }
fault_options local_server::faults() const { return impl_->faults.get(); }
dispatcher& local_server::model() noexcept { return impl_->model; }

}  // namespace kinesys::local
