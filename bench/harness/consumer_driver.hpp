#pragma once
// The consumer side of the consume and pipeline scenarios: the kinesys
// consumer service run in this process on its own thread, and the counters
// the harness samples (items written to the table, user records finished).
#include "measure.hpp"

#include <kinesys/consumer.hpp>

#include <memory>
#include <set>
#include <string>
#include <thread>

namespace kinesys::bench {

class consumer_driver {
public:
  /// Starts the service; its setup errors surface through ready()/error().
  consumer_driver(consumer::consumer_config config, engine::aws::environment const& env);
  /// stop() and join.
  ~consumer_driver();
  consumer_driver(consumer_driver const&) = delete;
  consumer_driver& operator=(consumer_driver const&) = delete;

  /// Waits until the service has read its first record (or failed, or the
  /// timeout passed). False with error() set otherwise.
  bool wait_first_read(std::chrono::milliseconds timeout);
  std::string error() const;

  std::uint64_t items_written() const;
  std::uint64_t finished() const;
  std::uint64_t read() const;
  double cpu_seconds() const { return cpu_seconds_since(before_); }
  consumer::metrics_registry const* metrics() const { return service_->metrics(); }
  void stop();

private:
  std::set<int> before_;
  std::unique_ptr<consumer::service> service_;
  std::thread thread_;
  int exit_code_ = -1;
  bool running_ = false;
};

}  // namespace kinesys::bench
