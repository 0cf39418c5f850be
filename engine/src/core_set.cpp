// Threads, per-core contexts, graceful stop and signal handling.
#include "kinesys/detail/engine/core_set.hpp"

#include "core_state.hpp"

#include <boost/asio/signal_set.hpp>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace kinesys::engine {

namespace detail {

namespace {
thread_local core_state* this_thread_core = nullptr;
}

core_state* current_core_state() noexcept { return this_thread_core; }

void core_state::wake_sleepers() {
  // Cancelling completes each wait later, on this core; the sleeper then
  // unlinks itself, so walking the list here is safe.
  for (sleeper* s = sleepers_head; s != nullptr; s = s->next) {
    s->woken_by_stop = true;
    s->timer.cancel();
  }
}

void report_escaped_exception(std::exception_ptr e) noexcept {
  try {
    std::rethrow_exception(e);
  } catch (std::exception const& x) {
    std::fprintf(stderr, "kinesys: coroutine ended with an exception: %s\n", x.what());
  } catch (...) {
    std::fprintf(stderr, "kinesys: coroutine ended with an unknown exception\n");
  }
}

}  // namespace detail

struct core_set::shared {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::function<void()>> hooks;
  std::vector<std::thread> threads;
  std::size_t running = 0;
  bool started = false;
  bool joined = false;
  std::chrono::steady_clock::time_point stop_time{};
  std::unique_ptr<boost::asio::signal_set> signals;
};

core_set::core_set(core_set_options options) : options_(options), shared_(std::make_unique<shared>()) {
  std::size_t n = options_.cores != 0 ? options_.cores : std::thread::hardware_concurrency();
  if (n == 0)
    n = 1;
  cores_.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    cores_.push_back(std::make_unique<detail::core_state>(i, this));
  if (options_.handle_signals) {
    shared_->signals = std::make_unique<boost::asio::signal_set>(cores_[0]->context, SIGINT, SIGTERM);
    shared_->signals->async_wait([this](boost::system::error_code ec, int) {
      if (ec)
        return;
      // Restore the default disposition: a second signal ends the process
      // even if the drain is stuck.
      boost::system::error_code ignored;
      shared_->signals->clear(ignored);
      stop();
    });
  }
}

core_set::~core_set() {
  stop();
  join();
  // Destroy the signal set before its context.
  shared_->signals.reset();
}

boost::asio::io_context& core_set::context(std::size_t core) { return cores_.at(core)->context; }

core_set::executor_type core_set::executor(std::size_t core) { return cores_.at(core)->context.get_executor(); }

void core_set::start() {
  std::lock_guard lock(shared_->mutex);
  if (shared_->started)
    throw std::logic_error("core_set::start called twice");
  shared_->started = true;
  shared_->running = cores_.size();
  for (std::size_t i = 0; i < cores_.size(); ++i)
    shared_->threads.emplace_back([this, i] { run_core(i); });
}

void core_set::run_core(std::size_t core) {
  auto& state = *cores_[core];
  detail::this_thread_core = &state;
  try {
    state.context.run();
  } catch (...) {
    // A handler threw out of the context: that is a bug elsewhere, but the
    // other cores should still get their orderly stop.
    detail::report_escaped_exception(std::current_exception());
    stop();
  }
  detail::this_thread_core = nullptr;
  std::lock_guard lock(shared_->mutex);
  --shared_->running;
  shared_->changed.notify_all();
}

void core_set::stop() noexcept {
  if (stop_requested_.exchange(true, std::memory_order_acq_rel))
    return;
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stop_time = std::chrono::steady_clock::now();
    hooks.swap(shared_->hooks);
    shared_->changed.notify_all();
  }
  for (auto& hook : hooks) {
    try {
      hook();
    } catch (...) {
      detail::report_escaped_exception(std::current_exception());
    }
  }
  for (auto& core : cores_) {
    boost::asio::post(core->context, [this, state = core.get()] {
      state->wake_sleepers();
      if (state->index == 0 && shared_->signals) {
        boost::system::error_code ignored;
        shared_->signals->cancel(ignored);
      }
      // Without the guard the context returns from run() once the
      // coroutines that are still working have finished.
      state->work.reset();
    });
  }
}

void core_set::join() {
  std::unique_lock lock(shared_->mutex);
  if (!shared_->started || shared_->joined)
    return;
  shared_->changed.wait(lock, [&] { return stop_requested() || shared_->running == 0; });
  auto const deadline = shared_->stop_time + options_.shutdown_grace;
  if (!shared_->changed.wait_until(lock, deadline, [&] { return shared_->running == 0; })) {
    std::fprintf(stderr, "kinesys: cores still busy %lld ms after stop; stopping them by force\n",
                 static_cast<long long>(options_.shutdown_grace.count()));
    for (auto& core : cores_)
      core->context.stop();
  }
  auto threads = std::move(shared_->threads);
  shared_->joined = true;
  lock.unlock();
  for (auto& t : threads)
    t.join();
}

void core_set::on_stop(std::function<void()> hook) {
  {
    std::lock_guard lock(shared_->mutex);
    if (!stop_requested()) {
      shared_->hooks.push_back(std::move(hook));
      return;
    }
  }
  hook();
}

std::optional<std::size_t> core_set::current_core() const noexcept {
  auto* state = detail::this_thread_core;
  if (state == nullptr || state->owner != this)
    return std::nullopt;
  return state->index;
}

}  // namespace kinesys::engine
