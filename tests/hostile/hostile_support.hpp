#pragma once
// Raw-socket tools for hostile-client tests: the clients here misbehave on
// purpose (trickle bytes, never finish, vanish with a reset), so they are
// written against the socket API, not the engine's well-behaved client.
#include "http_test_client.hpp"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::hostile {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// A connected loopback socket, or -1.
inline int connect_loopback(std::uint16_t port)
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Closes with RST (SO_LINGER 0), as a vanished client would; it also keeps
/// thousands of test connections out of TIME_WAIT.
inline void close_with_reset(int fd)
{
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

inline bool send_all(int fd, std::string_view bytes)
{
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

/// Everything the peer sends until it closes or `deadline` passes;
/// `closed` says which.
struct received {
  std::string bytes;
  bool closed = false;
  unsigned status() const { return bytes.size() >= 12 && bytes.rfind("HTTP/1.1 ", 0) == 0 ? static_cast<unsigned>(std::stoul(bytes.substr(9, 3))) : 0; }
};

inline received read_until_close(int fd, std::chrono::milliseconds deadline)
{
  received r;
  auto const until = clock_type::now() + deadline;
  char buf[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_type::now());
    if (left.count() <= 0) return r;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      r.closed = true;
      return r;
    }
    r.bytes.append(buf, static_cast<std::size_t>(n));
  }
}

/// The bytes of a signed AWS JSON request (kept-alive unless `close`).
inline std::string signed_wire(std::uint16_t port, std::string const& target, std::string body,
                               local::test::signing sign = {}, bool close = true,
                               std::optional<std::chrono::system_clock::time_point> at = std::nullopt)
{
  engine::http_request req;
  req.body = std::move(body);
  bool const dynamo = target.rfind("DynamoDB", 0) == 0;
  req.headers.push_back({"Host", "127.0.0.1:" + std::to_string(port)});
  req.headers.push_back({"Content-Type", dynamo ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1"});
  req.headers.push_back({"X-Amz-Target", target});
  engine::aws::sigv4_signer signer("us-east-1", dynamo ? "dynamodb" : "kinesis");
  engine::aws::credentials creds{sign.access_key, sign.secret, {}, "test"};
  signer.sign(req, creds, at.value_or(std::chrono::system_clock::now() + sign.clock_offset));
  if (close) req.headers.push_back({"Connection", "close"});
  std::string wire = "POST / HTTP/1.1\r\n";
  for (auto const& h : req.headers) wire += h.name + ": " + h.value + "\r\n";
  wire += "Content-Length: " + std::to_string(req.body.size()) + "\r\n\r\n" + req.body;
  return wire;
}

/// Sends raw bytes on a fresh connection and reads until the server closes.
inline received send_and_read(std::uint16_t port, std::string_view wire, std::chrono::milliseconds deadline = 10s)
{
  int fd = connect_loopback(port);
  if (fd < 0) return {};
  send_all(fd, wire);
  auto r = read_until_close(fd, deadline);
  ::close(fd);
  return r;
}

/// Descriptors open in process `pid` (this one by default); 0 if unreadable.
inline std::size_t open_fds(int pid = 0)
{
  std::size_t n = 0;
  std::error_code ec;
  std::filesystem::path const dir = pid == 0 ? "/proc/self/fd" : "/proc/" + std::to_string(pid) + "/fd";
  for (std::filesystem::directory_iterator i(dir, ec), end; !ec && i != end; i.increment(ec)) ++n;
  return n;
}

/// Polls `condition` until it holds or `deadline` passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds deadline = 10s)
{
  auto const until = clock_type::now() + deadline;
  while (!condition()) {
    if (clock_type::now() > until) return false;
    ::poll(nullptr, 0, 10);  // a pause between checks, not a synchronisation
  }
  return true;
}

/// VmRSS of a process in KiB (0 if unreadable).
inline std::size_t vm_rss_kib(int pid)
{
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  return 0;
}

/// Raises the soft descriptor limit to the hard one; returns the soft limit.
inline rlim_t raise_fd_limit()
{
  rlimit l{};
  ::getrlimit(RLIMIT_NOFILE, &l);
  if (l.rlim_cur < l.rlim_max) {
    l.rlim_cur = l.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &l);
    ::getrlimit(RLIMIT_NOFILE, &l);
  }
  return l.rlim_cur;
}

// GCC says which sanitizer is on with __SANITIZE_*__, clang with __has_feature.
#if defined(__has_feature)
#define KINESYS_HOSTILE_HAS_FEATURE(x) __has_feature(x)
#else
#define KINESYS_HOSTILE_HAS_FEATURE(x) 0
#endif

inline bool running_under_asan()
{
#if defined(__SANITIZE_ADDRESS__) || KINESYS_HOSTILE_HAS_FEATURE(address_sanitizer)
  return true;
#else
  return false;
#endif
}

/// ThreadSanitizer's shadow memory multiplies a process's RSS.
inline bool running_under_tsan()
{
#if defined(__SANITIZE_THREAD__) || KINESYS_HOSTILE_HAS_FEATURE(thread_sanitizer)
  return true;
#else
  return false;
#endif
}

}  // namespace kinesys::hostile
