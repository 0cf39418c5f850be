#include "closed_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace kinesys::test {

namespace {

int bind_loopback(std::uint16_t port, bool reuse_address) {
  int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "socket");
  int const on = 1;
  if (reuse_address)
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(port);
  where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr const*>(&where), sizeof where) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::uint16_t bound_port(int fd) {
  sockaddr_in where{};
  socklen_t length = sizeof where;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&where), &length);
  return ntohs(where.sin_port);
}

/// Inodes of the sockets listening on `port`, from one /proc/net/tcp* table.
void listening_inodes(char const* table, std::uint16_t port, std::set<std::string>& inodes) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // the column titles
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    auto const colon = local.rfind(':');
    if (colon == std::string::npos || state != "0A")  // 0A is TCP_LISTEN
      continue;
    if (std::stoul(local.substr(colon + 1), nullptr, 16) == port)
      inodes.insert(inode);
  }
}

}  // namespace

closed_port::closed_port() {
  fd_ = bind_loopback(0, false);
  if (fd_ < 0)
    throw std::system_error(errno, std::generic_category(), "bind 127.0.0.1:0");
  port_ = bound_port(fd_);
}

// A server that closed its connections leaves them in TIME_WAIT on this port;
// SO_REUSEADDR binds past those, yet still conflicts with any listener.
closed_port::closed_port(std::uint16_t port) : fd_(bind_loopback(port, true)), port_(port) {}

closed_port::~closed_port() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool this_process_listens_on(std::uint16_t port) {
  std::set<std::string> inodes;
  listening_inodes("/proc/net/tcp", port, inodes);
  listening_inodes("/proc/net/tcp6", port, inodes);
  if (inodes.empty())
    return false;
  for (auto const& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto const target = std::filesystem::read_symlink(entry.path(), ec).string();
    // "socket:[12345]"
    if (!ec && target.starts_with("socket:[") && inodes.contains(target.substr(8, target.size() - 9)))
      return true;
  }
  return false;
}

}  // namespace kinesys::test
