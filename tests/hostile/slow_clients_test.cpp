// Slow and idle clients: a header trickled byte by byte is cut off at the
// header timeout, 10,000 idle connections do not starve a signed
// client, and connections that come and go leave no descriptor behind.
#include <kinesys/local.hpp>

#include "child_process.hpp"
#include "hostile_support.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

namespace kinesys::hostile {
namespace {

using local::local_options;
using local::local_server;
using local::test::aws_call;

TEST(hostile, a_header_trickled_slower_than_the_header_timeout_is_cut_off)
{
  local_options o;
  o.connections.header_timeout = 300ms;
  local_server server(o);
  auto port = server.start().value();

  int fd = connect_loopback(port);
  ASSERT_GE(fd, 0);
  // A header that would be valid if it were ever finished, one byte per 40 ms.
  std::string const header = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n"
                             "X-Padding: " + std::string(200, 'a') + "\r\n";
  auto const started = clock_type::now();
  std::size_t sent = 0;
  received answer;
  while (sent < header.size() && clock_type::now() - started < 5s) {
    if (::send(fd, header.data() + sent, 1, MSG_NOSIGNAL) != 1) break;
    ++sent;
    answer = read_until_close(fd, 40ms);
    if (answer.closed || !answer.bytes.empty()) break;
  }
  if (!answer.closed) {
    auto rest = read_until_close(fd, 2s);
    answer.bytes += rest.bytes;
    answer.closed = rest.closed;
  }
  auto const held = clock_type::now() - started;
  ::close(fd);
  EXPECT_LT(sent, header.size()) << "the header was never cut off";
  EXPECT_TRUE(answer.closed) << "the server kept a trickling connection open";
  if (!answer.bytes.empty()) {
    EXPECT_EQ(answer.status(), 408u) << answer.bytes;
  }
  // The first byte opens the header deadline; its expiry closes the
  // connection. Allow for a loaded machine, not for an unbounded wait.
  EXPECT_LT(held, 2500ms);
  std::printf("trickled %zu of %zu header bytes; closed after %lld ms\n", sent, header.size(),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(held).count()));
  EXPECT_EQ(aws_call(port, "Kinesis_20131202.ListStreams", "{}").status, 200u);
}

TEST(hostile, a_connection_that_never_sends_is_closed_after_the_header_timeout)
{
  local_options o;
  o.connections.header_timeout = 200ms;
  local_server server(o);
  auto port = server.start().value();
  int fd = connect_loopback(port);
  ASSERT_GE(fd, 0);
  auto const started = clock_type::now();
  auto r = read_until_close(fd, 5s);
  ::close(fd);
  EXPECT_TRUE(r.closed);
  EXPECT_LT(clock_type::now() - started, 2s);
}

TEST(hostile, ten_thousand_idle_connections_do_not_starve_a_signed_client)
{
  constexpr std::size_t idle = 10000;
  // The server is the kinesys-local binary, so each process holds one end
  // of every connection; the child inherits the raised limit.
  auto const limit = raise_fd_limit();
  if (limit < idle + 256) {
    GTEST_SKIP() << "RLIMIT_NOFILE is " << limit << ", needs " << idle + 256 << " for " << idle
                 << " idle connections";
  }
  test::child_process child({KINESYS_LOCAL_BINARY, "--port", "0", "--in-memory", "--max-connections", "12000",
                             "--header-timeout-ms", "60000"});  // idle for the whole test
  auto const port = child.wait_for_port();
  ASSERT_TRUE(port);
  ASSERT_EQ(aws_call(*port, "Kinesis_20131202.CreateStream", R"({"StreamName":"s","ShardCount":1})").status, 200u);
  auto const baseline = open_fds(child.pid());

  std::vector<int> sockets;
  sockets.reserve(idle);
  for (std::size_t i = 0; i < idle; ++i) {
    int fd = connect_loopback(*port);
    ASSERT_GE(fd, 0) << "connect " << i << " failed: " << std::strerror(errno);
    sockets.push_back(fd);
    // Half of them start a request and stall, the rest say nothing.
    if (i % 2 == 0) send_all(fd, "POST / HTTP/1.1\r\nHost: x\r\n");
  }
  // Every idle connection is accepted and held by the server. The baseline
  // may still count the setup call's connection, hence the small slack.
  EXPECT_TRUE(eventually([&] { return open_fds(child.pid()) + 16 >= baseline + idle; }, 30s))
      << open_fds(child.pid()) << " descriptors in kinesys-local, expected " << baseline + idle;

  std::chrono::nanoseconds worst{0};
  for (int i = 0; i < 20; ++i) {
    auto const t0 = clock_type::now();
    auto a = aws_call(*port, "Kinesis_20131202.PutRecord",
                      R"({"StreamName":"s","Data":"aGk=","PartitionKey":"k)" + std::to_string(i) + "\"}");
    worst = std::max<std::chrono::nanoseconds>(worst, clock_type::now() - t0);
    EXPECT_EQ(a.status, 200u) << a.body;
  }
  auto const worst_ms = std::chrono::duration_cast<std::chrono::milliseconds>(worst).count();
  std::printf("%zu idle connections held; worst signed PutRecord latency %lld ms\n", idle, static_cast<long long>(worst_ms));
  EXPECT_LT(worst_ms, 1000);

  for (int fd : sockets) close_with_reset(fd);
  EXPECT_TRUE(eventually([&] { return open_fds(child.pid()) <= baseline; }, 30s))
      << open_fds(child.pid()) << " descriptors in kinesys-local after the idle clients left, " << baseline << " before";
}

TEST(hostile, a_hundred_thousand_short_connections_leak_no_descriptor)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  ASSERT_EQ(aws_call(port, "Kinesis_20131202.ListStreams", "{}").status, 200u);
  auto const baseline = open_fds();

  constexpr int connections = 100000;
  int answered = 0;
  for (int i = 0; i < connections; ++i) {
    int fd = connect_loopback(port);
    ASSERT_GE(fd, 0) << "connect " << i << ": " << std::strerror(errno);
    switch (i % 4) {
      case 0:  // vanish at once
        break;
      case 1:  // half a request line, then vanish
        send_all(fd, "POST / HT");
        break;
      case 2:  // a whole request, gone before the answer
        send_all(fd, "GET /_kinesys/health HTTP/1.1\r\nHost: x\r\n\r\n");
        break;
      case 3:  // a whole request, answer read
        if (i % 40 == 3) {
          send_all(fd, "GET /_kinesys/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
          if (read_until_close(fd, 5s).status() == 200) ++answered;
        }
        break;
    }
    close_with_reset(fd);
  }
  EXPECT_EQ(answered, connections / 40);
  bool const settled = eventually([&] { return open_fds() <= baseline; }, 20s);
  std::printf("%d connections; descriptors before %zu, after %zu\n", connections, baseline, open_fds());
  EXPECT_TRUE(settled) << open_fds() - baseline << " descriptors leaked";
  EXPECT_EQ(aws_call(port, "Kinesis_20131202.ListStreams", "{}").status, 200u);
}

}  // namespace
}  // namespace kinesys::hostile
