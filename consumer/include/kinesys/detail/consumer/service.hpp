#pragma once
// The consumer as a whole: one io_context per core, a lease coordinator on
// core 0, a shard worker on the core that owns each leased shard
// (hash(shard) % cores), per-table pacers shared by all cores, a dead-letter
// sink, and /metrics + /health. `kinesys-consumer` is a thin main() around it;
// tests and embedders run it in-process.
#include <kinesys/detail/consumer/config.hpp>
#include <kinesys/detail/consumer/metrics.hpp>
#include <kinesys/detail/engine/aws/config.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace kinesys::consumer {

struct service_options {
  /// Where AWS settings (credentials, region, endpoints) are read; the
  /// configuration's aws.* keys override the endpoints and region.
  std::optional<engine::aws::environment> environment;
  /// SIGINT/SIGTERM start a drain; a second signal stops at once.
  bool handle_signals = true;
  /// Called (from a core thread) once /metrics listens, with its port.
  std::function<void(std::uint16_t)> on_listening;
};

class service {
public:
  explicit service(consumer_config config, service_options options = {});
  ~service();
  service(service const&) = delete;
  service& operator=(service const&) = delete;

  /// Runs until stop() or a signal, then drains in-flight writes, writes
  /// final checkpoints and releases leases (at most shutdown_timeout).
  /// Returns 0 after a clean stop, 1 if startup failed (the reason is logged
  /// and kept in last_error()).
  int run();

  /// Starts the drain. @locality any thread
  void stop();

  std::string last_error() const;
  /// The /metrics port once listening (0 before, or when disabled).
  std::uint16_t metrics_port() const noexcept;
  /// The counters behind /metrics (null until run() has set up); they stay
  /// valid until the service is destroyed. @locality any thread
  metrics_registry const* metrics() const noexcept;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

/// "<hostname>:<pid>": unique per process, as lease owners must be.
std::string default_worker_id();

}  // namespace kinesys::consumer
