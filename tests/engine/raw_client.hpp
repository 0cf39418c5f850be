#pragma once
// A plain TCP client for the HTTP server tests: what a well-behaved client
// library never does (a header a line at a time, a request never finished,
// plain HTTP to a TLS port).
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace kinesys::test {

/// A blocking client socket that gives up reading after 5 s instead of
/// hanging the suite. Plain POSIX calls, so the client behaves the same
/// whichever backend Asio was built with (io_uring makes its sockets
/// non-blocking).
struct raw_client {
  explicit raw_client(std::uint16_t port) : fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::system_error(errno, std::system_category(), "connect");
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~raw_client() { ::close(fd); }
  raw_client(raw_client const&) = delete;
  raw_client& operator=(raw_client const&) = delete;
  void send(std::string_view text) {
    while (!text.empty()) {
      auto const n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
      if (n <= 0)
        return;
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  /// Appends what one recv returns; false on close, error or timeout.
  bool receive(std::string& out) {
    char chunk[4096];
    auto const n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0)
      return false;
    out.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  /// Everything until the server closes (or the 5 s guard).
  std::string read_to_close() {
    bool closed = false;
    return read_to_close(closed);
  }
  /// The same; `closed` is false when the 5 s guard ran out instead.
  std::string read_to_close(bool& closed) {
    std::string out = std::exchange(pending, {});
    char chunk[4096];
    for (;;) {
      auto const n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n > 0) {
        out.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      closed = n == 0 || errno == ECONNRESET;
      return out;
    }
  }
  /// One response head + Content-Length body.
  std::string read_response() {
    while (pending.find("\r\n\r\n") == std::string::npos)
      if (!receive(pending))
        return std::exchange(pending, {});
    auto const head_end = pending.find("\r\n\r\n") + 4;
    auto const at = pending.find("Content-Length: ");
    std::size_t const length = at == std::string::npos || at > head_end ? 0 : std::stoul(pending.substr(at + 16));
    while (pending.size() < head_end + length)
      if (!receive(pending))
        return std::exchange(pending, {});
    auto response = pending.substr(0, head_end + length);
    pending.erase(0, head_end + length);
    return response;
  }
  int fd;
  std::string pending;  // bytes after the last response read
};

}  // namespace kinesys::test
