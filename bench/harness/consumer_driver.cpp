#include "consumer_driver.hpp"

#include <atomic>

namespace kinesys::bench {

using namespace std::chrono_literals;

consumer_driver::consumer_driver(consumer::consumer_config config, engine::aws::environment const& env)
    : before_(thread_ids())
{
  consumer::service_options o;
  o.environment = env;
  o.handle_signals = false;
  service_ = std::make_unique<consumer::service>(std::move(config), o);
  running_ = true;
  thread_ = std::thread([this] { exit_code_ = service_->run(); });
}

consumer_driver::~consumer_driver() { stop(); }

void consumer_driver::stop()
{
  if (!running_) return;
  service_->stop();
  thread_.join();
  running_ = false;
}

bool consumer_driver::wait_first_read(std::chrono::milliseconds timeout)
{
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    if (auto const* m = service_->metrics(); m && m->shard_totals().read > 0) return true;
    if (!service_->last_error().empty()) return false;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

std::string consumer_driver::error() const
{
  auto e = service_->last_error();
  return e.empty() ? "the consumer read nothing before the timeout" : e;
}

std::uint64_t consumer_driver::items_written() const
{
  auto const* m = service_->metrics();
  return m ? m->items_written() : 0;
}

std::uint64_t consumer_driver::finished() const
{
  auto const* m = service_->metrics();
  return m ? m->shard_totals().finished() : 0;
}

std::uint64_t consumer_driver::read() const
{
  auto const* m = service_->metrics();
  return m ? m->shard_totals().read : 0;
}

}  // namespace kinesys::bench
