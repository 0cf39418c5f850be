#pragma once
// A process the test suite starts (a peer server, a kinesys binary) and stops
// by PID. Servers announce readiness by printing "listening <port>" on
// stdout, so a test waits for that line instead of sleeping.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::test {

class child_process {
public:
  child_process() = default;
  /// Starts argv[0] (looked up in PATH) with stdout piped to us and stderr
  /// inherited. Throws std::runtime_error if the process cannot be started.
  explicit child_process(std::vector<std::string> argv, std::vector<std::string> extra_env = {});
  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&& other) noexcept;
  child_process(child_process const&) = delete;
  child_process& operator=(child_process const&) = delete;
  ~child_process();

  /// Reads stdout lines until one starts with "listening "; returns the port
  /// it names, or nullopt if the process exits or the deadline passes.
  std::optional<std::uint16_t> wait_for_port(std::chrono::milliseconds deadline = std::chrono::seconds(20));
  /// Reads one stdout line (without the newline), or nullopt on EOF/deadline.
  std::optional<std::string> read_line(std::chrono::milliseconds deadline = std::chrono::seconds(20));

  /// Sends `signal` and waits for the exit; returns the exit status as
  /// waitpid reports it, or -1 if there was no process. A child still
  /// running 60 s after the signal is reported on stderr and killed
  /// (its status then says SIGKILL).
  int stop(int signal = 15 /*SIGTERM*/);
  int pid() const noexcept { return pid_; }
  bool running() const noexcept { return pid_ > 0; }

private:
  std::string name_;
  int pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
};

}  // namespace kinesys::test
