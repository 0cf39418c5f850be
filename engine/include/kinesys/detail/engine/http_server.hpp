#pragma once
// HTTP/1.1 server for kinesys-local, kinesys-ingest and /metrics: accepts on
// every core, keep-alive, optional TLS, and hard limits on header size, body
// size, header-read time, idle time and connection count.
#include "kinesys/detail/engine/http_types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace kinesys::engine {

class core_set;

/// PEM files for serving HTTPS. Both empty: plain HTTP.
struct http_server_tls_files {
  /// The server certificate, optionally followed by its intermediates.
  std::string certificate_file{};
  /// The certificate's private key, unencrypted.
  std::string private_key_file{};
  bool enabled() const noexcept { return !certificate_file.empty() || !private_key_file.empty(); }
};

struct http_server_options {
  std::string address = "127.0.0.1";
  /// 0 picks a free port; start() returns it.
  std::uint16_t port = 0;
  /// Request line + header fields; beyond it: 431 and close.
  std::size_t max_header_bytes = 16384;
  /// Beyond it (by Content-Length or while reading): 413 and close.
  std::size_t max_body_bytes = 8u << 20;
  /// From the first byte of a request (or the accept) until its header is
  /// complete; beyond it: 408 and close. Stops slowloris clients.
  std::chrono::milliseconds header_timeout{10000};
  /// A keep-alive connection with no request for this long is closed; also
  /// bounds reading a body.
  std::chrono::milliseconds idle_timeout{60000};
  /// Connections open at once across all cores; more get 503 and close.
  std::size_t max_connections = 10000;
  /// Builds the answer to a request the server refuses by itself (400
  /// malformed, 408 header timeout, 413 body limit, 431 header limit), so an
  /// application answers in its own format (kinesys-ingest: JSON naming the
  /// limit). The status stays the server's; the connection still closes.
  /// Called on the connection's core. Empty: the plain-text reason phrase.
  std::function<http_response(unsigned status)> error_response{};
  /// With files: HTTPS only, TLS 1.2 or later, no client certificates. The
  /// handshake and the first request's first bytes share one deadline,
  /// header_timeout from the accept; a failed handshake closes that
  /// connection without an answer.
  http_server_tls_files tls{};
};

/// Why start() failed.
struct http_server_error {
  boost::system::error_code code{};
  /// Set when a TLS file is at fault (a configuration error rather than a
  /// busy port): names the file and what is wrong with it.
  std::string tls_problem{};
  std::string message() const { return tls_problem.empty() ? code.message() : tls_problem; }
  /// Callers that pass on only the code keep working.
  operator boost::system::error_code() const noexcept { return code; }
};

/// What result::value() throws: boost::system::system_error with message().
[[noreturn]] void throw_exception_from_error(http_server_error const& e, boost::source_location const& location);

struct server_request {
  http_request request{};
  std::string remote_address{};
};

struct server_reply {
  http_response response{};
  /// kinesys-local injects connection faults through this: reset (RST) the
  /// connection instead of answering, or after half the body.
  enum class fault { none, reset_before_response, reset_mid_response } fault = fault::none;
};

/// Called on the core that accepted the connection. The server adds
/// Content-Length; "Connection: close" in the response closes after it.
using http_handler = std::function<boost::asio::awaitable<server_reply>(server_request&)>;

class http_server {
public:
  /// `cores` must outlive the server and run (start()) for it to serve.
  http_server(core_set& cores, http_server_options options, http_handler handler);
  /// stop()s; sessions still running keep what they need alive.
  ~http_server();
  http_server(http_server const&) = delete;
  http_server& operator=(http_server const&) = delete;

  /// Loads the TLS files if any, binds address:port with one SO_REUSEPORT
  /// acceptor per core and starts accepting; returns the bound port. The
  /// server also stops when the core set stops. @locality any thread
  boost::system::result<std::uint16_t, http_server_error> start();
  /// Stops accepting and closes idle connections; requests being handled
  /// finish and their connections then close (TLS ones with close_notify,
  /// waiting at most a second for the peer's). Idempotent. @locality any thread
  void stop();
  std::uint16_t port() const noexcept;
  /// Connections open now, across cores. @locality any thread
  std::size_t connections() const noexcept;

private:
  struct state;
  static void stop_state(std::shared_ptr<state> const& st);
  std::shared_ptr<state> state_;
};

}  // namespace kinesys::engine
