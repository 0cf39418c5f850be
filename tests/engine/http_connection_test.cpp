// Opening connections (engine/src/http_connection.cpp: resolve, connect,
// TLS with verification and SNI), seen through the public client.
#include "kinesys/detail/engine/http_client.hpp"

#include "kinesys/detail/engine/error.hpp"
#include "run_coroutine.hpp"
#include "test_certificate.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <thread>

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using namespace kinesys::engine;
using kinesys::test::run_coroutine;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

using kinesys::test::test_certificate;

/// An HTTPS server on its own thread answering every request with 200
/// "secure", recording the SNI name each handshake carried.
struct tls_server {
  explicit tls_server(test_certificate const& cert) {
    tls.use_certificate_chain_file(cert.certificate_file());
    tls.use_private_key_file(cert.private_key_file(), ssl::context::pem);
    acceptor.open(tcp::v4());
    acceptor.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor.listen();
    port = acceptor.local_endpoint().port();
    asio::co_spawn(context, accept_loop(), asio::detached);
    thread = std::thread([this] { context.run(); });
  }
  ~tls_server() {
    context.stop();
    thread.join();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec)
        co_return;
      asio::co_spawn(context, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    ssl::stream<tcp::socket> stream(std::move(socket), tls);
    auto [hs] = co_await stream.async_handshake(ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    {
      char const* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
      std::lock_guard lock(mutex);
      server_names.push_back(sni ? sni : "");
    }
    if (hs)
      co_return;
    std::string buffer;
    for (;;) {
      auto [ec, n] = co_await asio::async_read_until(stream, asio::dynamic_buffer(buffer), "\r\n\r\n",
                                                     asio::as_tuple(asio::use_awaitable));
      if (ec)
        co_return;
      buffer.erase(0, n);  // the requests here carry no body
      static constexpr char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure";
      auto [wec, wn] =
          co_await asio::async_write(stream, asio::buffer(reply, sizeof reply - 1), asio::as_tuple(asio::use_awaitable));
      (void)wn;
      if (wec)
        co_return;
    }
  }

  std::vector<std::string> names() {
    std::lock_guard lock(mutex);
    return server_names;
  }

  asio::io_context context{1};
  ssl::context tls{ssl::context::tls_server};
  tcp::acceptor acceptor{context};
  std::uint16_t port = 0;
  std::thread thread;
  std::mutex mutex;
  std::vector<std::string> server_names;
};

http_request get() {
  http_request req;
  req.method = "GET";
  return req;
}

endpoint https(char const* host, std::uint16_t port) { return endpoint{"https", host, port}; }

}  // namespace

TEST(http_connection, tls_verification_fails_without_the_test_ca) {
  test_certificate cert("DNS:localhost");
  tls_server server(cert);
  asio::io_context context{1};
  http_client client(context.get_executor());  // system CAs only
  auto response = run_coroutine(context, client.request(https("localhost", server.port), get()));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::certificate_rejected);
}

TEST(http_connection, tls_verification_passes_with_the_ca_file_and_sends_sni) {
  test_certificate cert("DNS:localhost");
  tls_server server(cert);
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.ca_file = cert.certificate_file()});
  auto response = run_coroutine(context, client.request(https("localhost", server.port), get()));
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->body, "secure");
  ASSERT_FALSE(server.names().empty());
  EXPECT_EQ(server.names().back(), "localhost");
}

TEST(http_connection, tls_keeps_the_connection_alive_across_requests) {
  test_certificate cert("DNS:localhost");
  tls_server server(cert);
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.ca_file = cert.certificate_file()});
  auto ok = run_coroutine(context, [&]() -> asio::awaitable<int> {
    int ok = 0;
    for (int i = 0; i < 3; ++i)
      ok += (co_await client.request(https("localhost", server.port), get())).has_value();
    co_return ok;
  }());
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(client.stats().connections_opened, 1u);
}

TEST(http_connection, tls_rejects_a_certificate_for_another_host_name) {
  test_certificate cert("DNS:kinesis.example.test");
  tls_server server(cert);
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.ca_file = cert.certificate_file()});
  auto response = run_coroutine(context, client.request(https("localhost", server.port), get()));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::certificate_rejected);
}

TEST(http_connection, tls_checks_ip_literals_against_ip_subject_alt_names_without_sni) {
  test_certificate cert("IP:127.0.0.1");
  tls_server server(cert);
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.ca_file = cert.certificate_file()});
  auto response = run_coroutine(context, client.request(https("127.0.0.1", server.port), get()));
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(server.names().back(), "");  // SNI carries names, never addresses
}

TEST(http_connection, tls_verification_can_be_switched_off) {
  test_certificate cert("DNS:kinesis.example.test");
  tls_server server(cert);
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.verify_tls = false});
  auto response = run_coroutine(context, client.request(https("localhost", server.port), get()));
  ASSERT_TRUE(response) << response.error().message();
}

TEST(http_connection, a_missing_ca_file_is_a_startup_error) {
  asio::io_context context{1};
  EXPECT_THROW(http_client(context.get_executor(), http_client_options{.ca_file = "/nonexistent/ca.pem"}),
               std::system_error);
}

TEST(http_connection, connect_timeout_fires_when_the_peer_never_completes_the_handshake) {
  // A listener with a full accept queue drops further SYNs, so a connect
  // hangs exactly as it does towards a black-holed address.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(fd);
  }
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.connect_timeout = 300ms});
  auto const before = clock_type::now();
  auto response = run_coroutine(context, client.request(endpoint{"http", "127.0.0.1", ntohs(addr.sin_port)}, get()));
  auto const took = clock_type::now() - before;
  for (int fd : fillers)
    ::close(fd);
  ::close(listener);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::connect_timeout);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
}
