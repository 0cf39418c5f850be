#include <kinesys/detail/consumer/service.hpp>

#include "async_event.hpp"
#include "log.hpp"
#include "shard_worker.hpp"

#include <kinesys/detail/consumer/hash.hpp>
#include <kinesys/detail/engine/core_set.hpp>
#include <kinesys/detail/engine/http_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>
#include <mutex>
#include <unistd.h>

namespace kinesys::consumer {

namespace asio = boost::asio;
namespace aws = engine::aws;
using clock = std::chrono::steady_clock;

std::string default_worker_id()
{
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  return std::string(host) + ":" + std::to_string(::getpid());
}

struct service::impl {
  consumer_config config;
  service_options options;
  std::string worker_id;
  std::unique_ptr<engine::core_set> cores;
  std::vector<std::unique_ptr<detail::core_context>> contexts;
  std::unique_ptr<record_mapper> mapper;
  std::vector<std::unique_ptr<pacer>> pacers;
  std::unique_ptr<metrics_registry> metrics;
  std::optional<dead_letter_sink> sink;
  std::unique_ptr<lease_manager> leases;
  std::unique_ptr<detail::shared_context> shared;
  // workers[c] is touched only on core c.
  std::vector<std::map<std::string, std::shared_ptr<detail::shard_worker>, std::less<>>> workers;
  std::size_t live_workers = 0;  // core 0 only
  std::unique_ptr<engine::http_server> http;
  std::unique_ptr<asio::signal_set> signals;
  std::unique_ptr<detail::async_event> wake;  // core 0
  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> healthy{false};
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> running{false};
  std::atomic<bool> finished{false};
  std::atomic<metrics_registry const*> published_metrics{nullptr};  // close_all ran: the stop was orderly
  mutable std::mutex error_mutex;
  std::string error;

  bool clean_exit = true;

  ~impl()
  {
    // (service::~service does not destroy an impl whose cores were stopped
    // by force.) Nothing runs any more (the cores ran out of work): I/O objects go
    // while their contexts still exist, the contexts last.
    signals.reset();
    http.reset();
    sink.reset();
    leases.reset();
    workers.clear();
    contexts.clear();
    cores.reset();
  }

  void fail(std::string message)
  {
    log_error(message);
    std::lock_guard lock(error_mutex);
    if (error.empty()) error = std::move(message);
  }

  std::size_t owner_core(std::string_view shard) const { return hash64(shard) % contexts.size(); }

  void on_acquired(acquired_lease acquired)
  {
    auto core = owner_core(acquired.state.key);
    ++live_workers;
    cores->post(core, [this, core, acquired = std::move(acquired)]() mutable {
      auto key = acquired.state.key;
      auto w = std::make_shared<detail::shard_worker>(*shared, *contexts[core], std::move(acquired));
      workers[core][key] = w;
      if (stop_requested.load()) w->stop(true);
      asio::co_spawn(
          contexts[core]->ex,
          [this, core, w]() -> asio::awaitable<void> {
            try {
              co_await w->run();
            } catch (std::exception const& e) {
              log_error("shard ", w->shard_id(), ": worker failed: ", e.what());
            }
            if (auto f = workers[core].find(w->shard_id()); f != workers[core].end() && f->second == w)
              workers[core].erase(f);
            cores->post(0, [this] {
              --live_workers;
              wake->notify();
            });
          },
          asio::detached);
    });
  }

  void on_lost(std::string const& key)
  {
    auto core = owner_core(key);
    cores->post(core, [this, core, key] {
      if (auto f = workers[core].find(key); f != workers[core].end()) f->second->stop(false);
    });
  }

  void stop_workers(bool drain)
  {
    for (std::size_t c = 0; c < contexts.size(); ++c)
      cores->post(c, [this, c, drain] {
        for (auto& [k, w] : workers[c]) w->stop(drain);
      });
  }

  asio::awaitable<engine::server_reply> handle(engine::server_request& req)
  {
    engine::server_reply reply;
    auto& res = reply.response;
    auto path = std::string_view(req.request.target).substr(0, req.request.target.find('?'));
    if (path == "/metrics") {
      res.status = 200;
      res.headers.push_back({"Content-Type", "text/plain; version=0.0.4"});
      res.body = metrics->render();
    } else if (path == "/health") {
      bool ok = healthy.load();
      res.status = ok ? 200 : 503;
      res.headers.push_back({"Content-Type", "text/plain"});
      res.body = ok ? "ok\n" : "not ready\n";
    } else {
      res.status = 404;
      res.body = "not found\n";
    }
    co_return reply;
  }

  asio::awaitable<void> main_loop()
  {
    for (auto const& t : mapper->tables()) {
      if (!t.create_if_missing) continue;
      key_schema schema{t.hash_key, t.hash_key_type, t.range_key, t.range_key_type};
      auto r = co_await contexts[0]->admin.ensure_table(t.name, schema);
      if (!r) {
        fail("table " + t.name + ": " + r.error().describe());
        co_return finish_now();
      }
    }
    auto started = co_await leases->start();
    if (!started) {
      fail("lease table " + config.lease_table() + ": " + started.error().describe());
      co_return finish_now();
    }
    healthy = true;
    log_info("worker ", worker_id, " consuming ", config.stream, " (lease table ", config.lease_table(), ", ",
             contexts.size(), " cores)");
    asio::co_spawn(contexts[0]->ex, leases->run(), asio::detached);
    while (!stop_requested.load()) co_await wake->wait();

    log_info("stopping: draining in-flight writes");
    healthy = false;
    leases->stop();
    stop_workers(true);
    auto deadline = clock::now() + config.shutdown_timeout;
    while (live_workers > 0 && clock::now() < deadline) co_await wake->wait_until(deadline);
    if (live_workers > 0) {
      log_warn("drain timed out with ", live_workers, " shards busy; their leases will expire");
      stop_workers(false);
    }
    leases->abandon();
    co_return finish_now();
  }

  void finish_now()
  {
    healthy = false;
    if (http) http->stop();
    if (signals) signals->cancel();
    asio::co_spawn(contexts[0]->ex, close_all(), asio::detached);
  }

  asio::awaitable<void> close_all()
  {
    if (sink) co_await sink->close();
    finished = true;
    cores->stop();
  }

  void wait_signal()
  {
    signals->async_wait([this](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (!stop_requested.load()) {
        log_info("signal ", sig, ": stopping");
        request_stop();
        wait_signal();
      } else {
        log_warn("second signal: stopping at once");
        cores->stop();
      }
    });
  }

  void request_stop()
  {
    stop_requested = true;
    if (running.load()) cores->post(0, [this] { wake->notify(); });
  }
};

service::service(consumer_config config, service_options options) : impl_(std::make_unique<impl>())
{
  impl_->config = std::move(config);
  impl_->options = std::move(options);
  impl_->worker_id = impl_->config.worker_id.empty() ? default_worker_id() : impl_->config.worker_id;
}

service::~service()
{
  // Cores stopped by force leave suspended coroutines that refer to
  // everything the service owns; destroying it would touch freed memory.
  // Only a process on its way out gets here: let it reclaim the memory.
  if (!impl_->clean_exit) (void)impl_.release();
}

int service::run()
{
  auto& m = *impl_;
  auto const& c = m.config;
  // The configuration admits only the four names (config.cpp).
  if (engine::log_level level; engine::parse_log_level(c.log_level, level)) engine::set_log_level(level);
  auto env = m.options.environment ? *m.options.environment : aws::environment::process();
  auto resolved = aws::resolve_aws_config(env);
  if (!resolved) {
    m.fail("AWS configuration: " + resolved.error().message);
    return 1;
  }
  auto aws_config = *resolved;
  if (!c.aws.region.empty()) aws_config.region = c.aws.region;
  for (auto [url, target, key] : {std::tuple{&c.aws.kinesis_endpoint, &aws_config.kinesis, "aws.kinesis_endpoint"},
                                  std::tuple{&c.aws.dynamodb_endpoint, &aws_config.dynamodb, "aws.dynamodb_endpoint"}}) {
    if (url->empty()) continue;
    auto ep = engine::endpoint::parse(*url);
    if (!ep) {
      m.fail(std::string(key) + ": \"" + *url + "\" is not an endpoint URL: " + ep.error().message());
      return 1;
    }
    *target = *ep;
  }

  try {
    m.cores = std::make_unique<engine::core_set>(engine::core_set_options{
        .cores = c.cores, .handle_signals = false, .shutdown_grace = c.shutdown_timeout + std::chrono::seconds(5)});
    engine::http_client_options http;
    http.connect_timeout = c.aws.connect_timeout;
    http.request_timeout = c.aws.request_timeout;
    http.max_connections_per_endpoint = c.aws.max_connections;
    engine::retry_options retry;
    retry.base = c.write.retry_base;
    retry.max_delay = c.write.retry_max_delay;
    for (std::size_t i = 0; i < m.cores->size(); ++i)
      m.contexts.push_back(std::make_unique<detail::core_context>(m.cores->executor(i), http, aws_config,
                                                                  c.write.concurrency, retry));
  } catch (std::exception const& e) {
    m.fail(std::string("startup: ") + e.what());
    return 1;
  }
  m.workers.resize(m.contexts.size());
  m.mapper = std::make_unique<record_mapper>(c);
  std::vector<std::string> names;
  std::vector<double> rates;
  bool needs_high_water = false;
  for (auto const& t : m.mapper->tables()) {
    names.push_back(t.name);
    rates.push_back(t.rate_limit);
    m.pacers.push_back(std::make_unique<pacer>(t.rate_limit));
    needs_high_water =
        needs_high_water || (t.mode == write_mode::put && c.write.unconditional_batches && c.write.idempotent);
  }
  m.metrics = std::make_unique<metrics_registry>(names, rates);
  m.published_metrics = m.metrics.get();
  if (!c.dead_letter.file.empty() || !c.dead_letter.stream.empty()) {
    auto sink = dead_letter_sink::open(m.cores->executor(0), c.dead_letter.file, &m.contexts[0]->kinesis,
                                       c.dead_letter.stream);
    if (!sink) {
      m.fail("dead_letter.file " + c.dead_letter.file + ": " + sink.error().message());
      return 1;
    }
    m.sink.emplace(std::move(*sink));
  }
  m.leases = std::make_unique<lease_manager>(
      m.cores->executor(0), m.contexts[0]->admin, m.contexts[0]->kinesis, c, m.worker_id, *m.metrics,
      [&m](acquired_lease a) { m.on_acquired(std::move(a)); }, [&m](std::string const& k) { m.on_lost(k); });
  m.shared.reset(new detail::shared_context{c, *m.mapper, write_attributes::from(c), m.pacers, *m.metrics, *m.leases,
                                            m.cores->executor(0), m.sink ? &*m.sink : nullptr, m.worker_id,
                                            needs_high_water});
  m.wake = std::make_unique<detail::async_event>(m.cores->executor(0));

  // Signals first: whoever starts us may send SIGTERM as soon as the
  // listening line appears, and it must drain, not kill, the process.
  if (m.options.handle_signals) {
    m.signals = std::make_unique<asio::signal_set>(m.contexts[0]->ex, SIGINT, SIGTERM);
    m.wait_signal();
  }
  if (c.metrics.port >= 0) {
    engine::http_server_options so;
    so.address = c.metrics.address;
    so.port = static_cast<std::uint16_t>(c.metrics.port);
    so.max_connections = 64;
    m.http = std::make_unique<engine::http_server>(*m.cores, so,
                                                   [&m](engine::server_request& r) { return m.handle(r); });
    auto port = m.http->start();
    if (!port) {
      m.fail("metrics " + c.metrics.address + ":" + std::to_string(c.metrics.port) + ": " + port.error().message());
      return 1;
    }
    m.port = *port;
    log_info("metrics on http://", c.metrics.address, ":", *port, "/metrics");
    if (m.options.on_listening) m.options.on_listening(*port);
  }
  m.running = true;
  m.cores->spawn(0, [&m] { return m.main_loop(); });
  if (m.stop_requested.load()) m.request_stop();
  m.cores->start();
  m.cores->join();
  // join() forces the cores to stop after the grace period; then suspended
  // coroutines remain (see ~impl).
  m.clean_exit = m.finished.load();
  m.running = false;
  return m.error.empty() ? 0 : 1;
}

void service::stop() { impl_->request_stop(); }

std::string service::last_error() const
{
  std::lock_guard lock(impl_->error_mutex);
  return impl_->error;
}

std::uint16_t service::metrics_port() const noexcept { return impl_->port.load(); }

metrics_registry const* service::metrics() const noexcept { return impl_->published_metrics.load(); }

}  // namespace kinesys::consumer
