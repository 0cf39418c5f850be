#pragma once
// One io_context per core, each run by exactly one thread (concurrency hint
// 1), so state owned by a core needs no locks. Crossing cores is always a
// visible post or co_spawn onto the other core's executor.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kinesys::engine {

struct core_set_options {
  /// Number of cores (threads); 0 means std::thread::hardware_concurrency().
  std::size_t cores = 0;
  /// Install SIGINT/SIGTERM handlers that call stop(). After the first
  /// signal the handlers are removed, so a second signal kills the process
  /// the default way (an operator's escape hatch from a stuck drain).
  bool handle_signals = true;
  /// How long join() lets coroutines finish their current step after stop()
  /// before it stops the contexts by force.
  std::chrono::milliseconds shutdown_grace{10000};
};

namespace detail {
struct core_state;
/// Reports an exception that escaped a coroutine started with spawn() and
/// no completion token (there is nobody else to tell).
void report_escaped_exception(std::exception_ptr e) noexcept;
struct log_escaped_exception {
  template <class... Results>
  void operator()(std::exception_ptr e, Results&&...) const noexcept {
    if (e) report_escaped_exception(e);
  }
};
}  // namespace detail

class core_set {
public:
  using executor_type = boost::asio::io_context::executor_type;

  explicit core_set(core_set_options options = {});
  explicit core_set(std::size_t cores) : core_set(core_set_options{.cores = cores}) {}
  /// Stops (gracefully) and joins.
  ~core_set();
  core_set(core_set const&) = delete;
  core_set& operator=(core_set const&) = delete;

  std::size_t size() const noexcept { return cores_.size(); }
  /// @locality any thread
  boost::asio::io_context& context(std::size_t core);
  /// @locality any thread
  executor_type executor(std::size_t core);

  /// Starts `make_coroutine()` on core `core`. `make_coroutine` is a function
  /// object returning an awaitable; it is invoked on the target core, so the
  /// coroutine frame is born where it runs. Without a token, an exception
  /// escaping the coroutine is reported on stderr. @locality any thread
  template <class F, class Token = detail::log_escaped_exception>
  auto spawn(std::size_t core, F&& make_coroutine, Token&& token = {}) {
    return boost::asio::co_spawn(executor(core), std::forward<F>(make_coroutine),
                                 std::forward<Token>(token));
  }

  /// Runs `fn()` on core `core`. @locality any thread
  template <class F>
  void post(std::size_t core, F&& fn) {
    boost::asio::post(executor(core), std::forward<F>(fn));
  }

  /// Launches one thread per core. Each runs its context until stop() lets
  /// it run out of work.
  void start();

  /// Graceful stop, idempotent: stop_requested() turns true, the on_stop
  /// hooks run (servers stop accepting), async_sleep waits on every core wake
  /// with errc::shutting_down, and the contexts are allowed to run out of
  /// work. In-flight I/O finishes its step. @locality any thread
  void stop() noexcept;

  /// Waits for every core thread. After stop(), waits at most
  /// shutdown_grace, then stops the contexts by force (their remaining
  /// coroutines are destroyed without resuming).
  void join();

  /// start() then join(): the body of a main().
  void run() {
    start();
    join();
  }

  /// @locality any thread
  bool stop_requested() const noexcept { return stop_requested_.load(std::memory_order_acquire); }

  /// Registers a hook run once by stop() (on the thread that calls stop()),
  /// or immediately if stop was already requested. Hooks must be thread-safe:
  /// typically they post to the core that owns what they stop.
  void on_stop(std::function<void()> hook);

  /// The index of the core the calling thread runs, if it is one of ours.
  std::optional<std::size_t> current_core() const noexcept;

private:
  void run_core(std::size_t core);

  core_set_options options_;
  std::vector<std::unique_ptr<detail::core_state>> cores_;
  std::atomic<bool> stop_requested_{false};
  struct shared;
  std::unique_ptr<shared> shared_;
};

}  // namespace kinesys::engine
