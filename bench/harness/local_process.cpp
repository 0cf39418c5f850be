#include "local_process.hpp"

#include <cerrno>
#include <fcntl.h>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kinesys::bench {

namespace {

// Reads one line from `fd` within `deadline`; "" on end of file or timeout.
std::string read_line(int fd, std::chrono::steady_clock::time_point deadline)
{
  std::string line;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {};
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return {};
    char c;
    auto got = ::read(fd, &c, 1);
    if (got <= 0) return {};
    if (c == '\n') return line;
    line.push_back(c);
  }
}

// Waits for `pid` up to `bound`; true if it exited.
bool wait_exit(pid_t pid, std::chrono::milliseconds bound)
{
  auto deadline = std::chrono::steady_clock::now() + bound;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Polling a child's exit: there is no descriptor to wait on for it.
    ::usleep(10'000);
  }
}

}  // namespace

std::string default_local_binary()
{
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  auto candidate = self.parent_path() / "kinesys-local";
  return std::filesystem::exists(candidate, ec) ? candidate.string() : std::string();
}

local_process::local_process(std::string const& binary, std::vector<std::string> const& args,
                             std::chrono::milliseconds startup)
{
  if (binary.empty() || ::access(binary.c_str(), X_OK) != 0)
    throw std::runtime_error("kinesys-local binary not found or not executable: \"" + binary +
                             "\" (build the kinesys-local target, or give --local-binary)");
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::vector<std::string> argv_text{binary, "--port", "0"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = ::posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    throw std::runtime_error("starting " + binary + ": " + std::strerror(rc));
  }
  stdout_fd_ = out[0];
  auto deadline = std::chrono::steady_clock::now() + startup;
  for (;;) {
    auto line = read_line(stdout_fd_, deadline);
    if (line.empty()) {
      stop();
      throw std::runtime_error(binary + " did not report its port within " + std::to_string(startup.count()) + " ms");
    }
    // "listening 127.0.0.1:43589"
    if (line.starts_with("listening ")) {
      endpoint_ = "http://" + line.substr(10);
      break;
    }
  }
}

local_process::~local_process() { stop(); }

void local_process::stop()
{
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(pid_, std::chrono::seconds(10))) {
      ::kill(pid_, SIGKILL);
      wait_exit(pid_, std::chrono::seconds(5));
    }
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) {
    ::close(stdout_fd_);
    stdout_fd_ = -1;
  }
}

}  // namespace kinesys::bench
