#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <utility>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kinesys::test {

child_process::child_process(std::vector<std::string> argv, std::vector<std::string> extra_env)
{
  if (!argv.empty()) name_ = argv[0];
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));

  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
  for (auto& e : extra_env) env_storage.push_back(std::move(e));
  std::vector<char*> env;
  for (auto& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);

  // fork + exec rather than posix_spawn: the child asks the kernel to kill
  // it when we die, so a test that aborts (a failed assertion in a fixture,
  // a ctest timeout) leaves no server running behind it. exec failures come
  // back through a close-on-exec pipe, as posix_spawn's error code would.
  int exec_error[2];
  if (::pipe2(exec_error, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(e));
  }
  pid_t const parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    // Only async-signal-safe calls from here to exec.
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::execvpe(args[0], args.data(), env.data());
    int e = errno;
    (void)!::write(exec_error[1], &e, sizeof e);
    ::_exit(127);
  }
  int rc = pid_ < 0 ? errno : 0;
  ::close(exec_error[1]);
  if (pid_ > 0) {
    int child_errno = 0;
    ssize_t n;
    do n = ::read(exec_error[0], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
      rc = child_errno;
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ::close(exec_error[0]);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  stdout_fd_ = pipe_fds[0];
}

child_process::child_process(child_process&& other) noexcept
  : name_(std::move(other.name_)), pid_(std::exchange(other.pid_, -1)), stdout_fd_(std::exchange(other.stdout_fd_, -1)),
    buffer_(std::move(other.buffer_)) {}

child_process& child_process::operator=(child_process&& other) noexcept
{
  if (this != &other) {
    stop();
    name_ = std::move(other.name_);
    pid_ = std::exchange(other.pid_, -1);
    stdout_fd_ = std::exchange(other.stdout_fd_, -1);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

child_process::~child_process() { stop(); }

std::optional<std::string> child_process::read_line(std::chrono::milliseconds deadline)
{
  auto const until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (stdout_fd_ < 0) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{stdout_fd_, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    char chunk[4096];
    ssize_t got = ::read(stdout_fd_, chunk, sizeof chunk);
    if (got <= 0) {
      ::close(stdout_fd_);
      stdout_fd_ = -1;
      continue;
    }
    buffer_.append(chunk, static_cast<std::size_t>(got));
  }
}

std::optional<std::uint16_t> child_process::wait_for_port(std::chrono::milliseconds deadline)
{
  auto const until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    auto line = read_line(left);
    if (!line) return std::nullopt;
    constexpr std::string_view prefix = "listening ";
    if (line->rfind(prefix, 0) == 0) {
      // "listening <port>" or "listening <host>:<port>"
      auto text = line->substr(prefix.size());
      if (auto colon = text.rfind(':'); colon != std::string::npos) text = text.substr(colon + 1);
      try {
        return static_cast<std::uint16_t>(std::stoul(text));
      } catch (...) {
        return std::nullopt;
      }
    }
  }
}

int child_process::stop(int signal)
{
  if (stdout_fd_ >= 0) {
    ::close(stdout_fd_);
    stdout_fd_ = -1;
  }
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  // A child that does not exit after its signal is a shutdown hang: it is
  // reported and killed, so the test fails on its exit status instead of
  // waiting for ctest's timeout with nothing said.
  constexpr int exit_deadline_ms = 60'000;
  if (int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)); pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int ready;
    while ((ready = ::poll(&p, 1, exit_deadline_ms)) < 0 && errno == EINTR) {}
    ::close(pidfd);
    if (ready == 0) {
      std::fprintf(stderr, "child_process: %s (pid %d) did not exit within %d ms of signal %d; killing it\n",
                   name_.c_str(), pid_, exit_deadline_ms, signal);
      ::kill(pid_, SIGKILL);
    }
  }
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
  pid_ = -1;
  return status;
}

}  // namespace kinesys::test
