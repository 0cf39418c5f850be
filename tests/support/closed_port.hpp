#pragma once

#include <cstdint>

namespace kinesys::test {

/// A loopback port that refuses connections for as long as this object
/// lives. It is bound without listening, so the kernel answers a SYN with a
/// reset, and no listener can take the port meanwhile: the kernel never hands
/// a held port to a bind to port 0. (A port bound and then released is only
/// probably closed: a parallel test may be handed it a moment later.)
class closed_port {
public:
  /// Any free port on 127.0.0.1; throws if none can be bound.
  closed_port();
  /// Exactly `port` on 127.0.0.1, if no listener holds it; see held().
  explicit closed_port(std::uint16_t port);
  ~closed_port();
  closed_port(closed_port const&) = delete;
  closed_port& operator=(closed_port const&) = delete;

  /// False when the port was not free: some listener still holds it.
  bool held() const noexcept { return fd_ >= 0; }
  std::uint16_t port() const noexcept { return port_; }

private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

/// Whether a socket of this process listens on `port` over IPv4 or IPv6,
/// read from /proc: the kernel's own answer, which no other process can
/// change, unlike a connect attempt.
bool this_process_listens_on(std::uint16_t port);

}  // namespace kinesys::test
