#pragma once
// kinesys-local as a separate process on loopback: what a user runs beside
// their own clients, so the endpoint's CPU is not the harness's and the
// traffic crosses a real process boundary. Started on port 0; the port is
// read from its "listening <address>:<port>" line; stopped by its PID.
#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace kinesys::bench {

class local_process {
public:
  /// Starts `binary` with `args` (plus --port 0). Throws std::runtime_error
  /// naming the reason if it cannot be started or does not report its port
  /// within `startup`.
  local_process(std::string const& binary, std::vector<std::string> const& args,
                std::chrono::milliseconds startup = std::chrono::seconds(15));
  ~local_process();
  local_process(local_process const&) = delete;
  local_process& operator=(local_process const&) = delete;

  std::string const& endpoint() const noexcept { return endpoint_; }
  pid_t pid() const noexcept { return pid_; }

private:
  void stop();

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string endpoint_;
};

/// kinesys-local beside this executable (build/<preset>/bin), or "" if absent.
std::string default_local_binary();

}  // namespace kinesys::bench
