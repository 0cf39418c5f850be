// The HTTP server with TLS: the engine's own client and Python's verify the
// test certificate; broken, silent and plain-HTTP clients are closed without
// disturbing the others; bad TLS files are start() errors naming the file.
#include "kinesys/detail/engine/core_set.hpp"
#include "kinesys/detail/engine/error.hpp"
#include "kinesys/detail/engine/http_client.hpp"
#include "kinesys/detail/engine/http_server.hpp"
#include "raw_client.hpp"
#include "run_coroutine.hpp"
#include "test_certificate.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <system_error>

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using namespace kinesys::engine;
using kinesys::test::run_coroutine;
using kinesys::test::raw_client;
using kinesys::test::test_certificate;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

test_certificate const& certificate() {
  static test_certificate const cert;
  return cert;
}

http_server_options tls_options(http_server_options o = {}) {
  o.tls = {certificate().certificate_file(), certificate().private_key_file()};
  return o;
}

asio::awaitable<server_reply> answer_ok(server_request& req) {
  server_reply reply;
  reply.response.status = 200;
  reply.response.body = "ok:" + req.request.body;
  co_return reply;
}

/// An HTTPS server on `n` cores, stopped and joined at the end.
struct running_server {
  explicit running_server(http_server_options options, std::size_t n = 1)
      : cores(core_set_options{.cores = n, .handle_signals = false}), server(cores, std::move(options), answer_ok) {
    port = server.start().value();
    cores.start();
  }
  ~running_server() {
    server.stop();
    cores.stop();
    cores.join();
  }
  endpoint where(std::string host = "127.0.0.1") const { return endpoint{"https", std::move(host), port}; }

  core_set cores;
  http_server server;
  std::uint16_t port = 0;
};

/// The engine's client, verifying against the test certificate.
struct verifying_client {
  verifying_client() : client(context.get_executor(), http_client_options{.ca_file = certificate().certificate_file()}) {}
  boost::system::result<http_response> post(endpoint const& ep, std::string body) {
    http_request req{.method = "POST", .target = "/", .headers = {}, .body = std::move(body)};
    return run_coroutine(context, client.request(ep, std::move(req)));
  }
  asio::io_context context{1};
  http_client client;
};

/// A blocking TLS client that trusts the test certificate, for what the
/// engine's client never does: stall mid-header, hold a connection idle.
struct tls_socket {
  explicit tls_socket(std::uint16_t port) {
    tls.load_verify_file(certificate().certificate_file());
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.handshake(ssl::stream_base::client);
  }
  void send(std::string_view text) { asio::write(stream, asio::buffer(text)); }
  http::response<http::string_body> read_response() {
    http::response<http::string_body> response;
    boost::system::error_code ec;
    http::read(stream, buffer, response, ec);
    return response;
  }
  asio::io_context context{1};
  ssl::context tls{ssl::context::tls_client};
  ssl::stream<tcp::socket> stream{context, tls};
  boost::beast::flat_buffer buffer;
};

/// Runs `script` with python3 and `args`; its output and exit status.
std::pair<std::string, int> run_python(std::string const& script, std::string const& args) {
  auto const path = certificate().directory() / "client.py";
  std::ofstream(path) << script;
  std::FILE* pipe = ::popen(("python3 " + path.string() + " " + args + " 2>&1").c_str(), "r");
  if (!pipe)
    return {"popen failed", -1};
  std::string out;
  char chunk[4096];
  while (auto n = std::fread(chunk, 1, sizeof chunk, pipe))
    out.append(chunk, n);
  int const status = ::pclose(pipe);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

bool python_available() { return std::system("python3 -c 'import ssl, http.client' >/dev/null 2>&1") == 0; }

}  // namespace

TEST(http_server_tls, answers_the_engine_client_verifying_the_certificate_by_ip_and_by_name) {
  running_server s(tls_options());
  verifying_client c;
  for (auto const* host : {"127.0.0.1", "localhost"}) {
    auto response = c.post(s.where(host), "secure");
    ASSERT_TRUE(response) << host << ": " << response.error().message();
    EXPECT_EQ(response->status, 200u);
    EXPECT_EQ(response->body, "ok:secure");
  }
}

TEST(http_server_tls, answers_pythons_https_client_verifying_the_test_ca) {
  if (!python_available())
    GTEST_SKIP() << "python3 with the ssl module is not on PATH";
  running_server s(tls_options());
  auto [out, status] = run_python(R"(
import http.client, ssl, sys
context = ssl.create_default_context(cafile=sys.argv[2])
connection = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=context, timeout=10)
connection.request("POST", "/", body=b"from-python")
response = connection.getresponse()
print(response.status, response.read().decode(), connection.sock.version())
)",
                                  std::to_string(s.port) + " " + certificate().certificate_file());
  EXPECT_EQ(status, 0) << out;
  EXPECT_TRUE(out.starts_with("200 ok:from-python TLSv1.")) << out;
}

TEST(http_server_tls, serves_two_requests_on_one_tls_connection) {
  running_server s(tls_options());
  verifying_client c;
  auto first = c.post(s.where(), "one");
  auto second = c.post(s.where(), "two");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "ok:one");
  EXPECT_EQ(second->body, "ok:two");
  EXPECT_EQ(c.client.stats().connections_opened, 1u);
  EXPECT_EQ(s.server.connections(), 1u);
}

TEST(http_server_tls, plain_http_to_the_tls_port_is_closed_and_tls_clients_go_on) {
  running_server s(tls_options());
  verifying_client c;
  ASSERT_TRUE(c.post(s.where(), "before"));  // a kept-alive TLS connection during the refusal
  raw_client plain(s.port);
  plain.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  bool closed = false;
  auto const reply = plain.read_to_close(closed);
  EXPECT_TRUE(closed);
  EXPECT_FALSE(reply.starts_with("HTTP/")) << reply;
  auto after = c.post(s.where(), "after");
  ASSERT_TRUE(after) << after.error().message();
  EXPECT_EQ(after->body, "ok:after");
  verifying_client fresh;
  auto fresh_response = fresh.post(s.where(), "fresh");
  ASSERT_TRUE(fresh_response) << fresh_response.error().message();
  EXPECT_EQ(fresh_response->body, "ok:fresh");
}

TEST(http_server_tls, connections_beyond_max_connections_are_closed_before_the_handshake) {
  running_server s(tls_options({.max_connections = 1}));
  verifying_client kept;
  ASSERT_TRUE(kept.post(s.where(), "kept"));  // holds the one connection allowed
  verifying_client refused;
  auto const response = refused.post(s.where(), "refused");
  ASSERT_FALSE(response);
  EXPECT_TRUE(response.error() == errc::tls_error || response.error() == errc::connection_reset)
      << response.error().message();
  EXPECT_EQ(s.server.connections(), 1u);
  auto again = kept.post(s.where(), "again");
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->body, "ok:again");
}

TEST(http_server_tls, a_client_that_never_sends_a_client_hello_is_closed_after_the_header_timeout) {
  running_server s(tls_options({.header_timeout = 300ms}));
  raw_client silent(s.port);
  auto const before = clock_type::now();
  bool closed = false;
  EXPECT_EQ(silent.read_to_close(closed), "");
  auto const took = clock_type::now() - before;
  EXPECT_TRUE(closed) << "still open after the 5 s guard";
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
}

TEST(http_server_tls, a_header_stalled_after_the_handshake_gets_408) {
  running_server s(tls_options({.header_timeout = 300ms}));
  tls_socket slow(s.port);
  slow.send("POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ");  // and never finishes the header
  auto const response = slow.read_response();
  EXPECT_EQ(response.result_int(), 408u);
  EXPECT_FALSE(response.keep_alive());
}

TEST(http_server_tls, stops_with_its_core_set_while_a_tls_client_sits_idle) {
  core_set cores(core_set_options{.cores = 1, .handle_signals = false, .shutdown_grace = 30s});
  http_server server(cores, tls_options(), answer_ok);
  auto const port = server.start().value();
  cores.start();
  tls_socket idle(port);  // never reads the close_notify it will be sent
  idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(idle.read_response().result_int(), 200u);
  auto const before = clock_type::now();
  cores.stop();
  cores.join();
  EXPECT_LT(clock_type::now() - before, 5s);
}

TEST(http_server_tls, a_missing_certificate_file_is_a_start_error_naming_it) {
  core_set cores(core_set_options{.cores = 1, .handle_signals = false});
  std::string const missing = (certificate().directory() / "no-such-cert.pem").string();
  http_server server(cores, {.tls = {missing, certificate().private_key_file()}}, answer_ok);
  auto const port = server.start();
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().message().find(missing), std::string::npos) << port.error().message();
  EXPECT_NE(port.error().message().find("No such file"), std::string::npos) << port.error().message();
  EXPECT_FALSE(port.error().tls_problem.empty());
}

TEST(http_server_tls, a_key_that_does_not_match_the_certificate_is_a_start_error_naming_both) {
  test_certificate other;
  core_set cores(core_set_options{.cores = 1, .handle_signals = false});
  http_server server(cores, {.tls = {certificate().certificate_file(), other.private_key_file()}}, answer_ok);
  auto const port = server.start();
  ASSERT_FALSE(port);
  auto const message = port.error().message();
  EXPECT_NE(message.find(other.private_key_file()), std::string::npos) << message;
  EXPECT_NE(message.find("does not match"), std::string::npos) << message;
  EXPECT_NE(message.find(certificate().certificate_file()), std::string::npos) << message;
}

TEST(http_server_tls, a_certificate_without_its_key_is_a_start_error) {
  core_set cores(core_set_options{.cores = 1, .handle_signals = false});
  http_server server(cores, {.tls = {certificate().certificate_file(), ""}}, answer_ok);
  auto const port = server.start();
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().message().find("private key"), std::string::npos) << port.error().message();
}

TEST(http_server_tls, a_file_that_is_not_pem_is_a_start_error_naming_it) {
  core_set cores(core_set_options{.cores = 1, .handle_signals = false});
  auto const garbage = (certificate().directory() / "garbage.pem").string();
  std::ofstream(garbage) << "not a certificate\n";
  http_server server(cores, {.tls = {garbage, certificate().private_key_file()}}, answer_ok);
  auto const port = server.start();
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().message().find(garbage), std::string::npos) << port.error().message();
}
