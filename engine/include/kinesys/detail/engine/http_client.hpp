#pragma once
// HTTP/1.1 client: a keep-alive connection pool per endpoint, TLS with
// certificate verification and SNI, and separate connect and request
// timeouts. One client per core; it is never shared across threads.
#include "kinesys/detail/engine/http_types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace kinesys::engine {

struct http_client_options {
  /// Connections open at once per endpoint; further requests queue (FIFO)
  /// and their wait counts against request_timeout.
  std::size_t max_connections_per_endpoint = 64;
  /// Resolve + TCP connect + TLS handshake. The SDKs' defaults are minutes;
  /// a dead endpoint must surface in seconds.
  std::chrono::milliseconds connect_timeout{3000};
  /// Writing the request and reading the whole response; separately, it
  /// also bounds the wait for a pooled connection. Connecting has its own
  /// budget, and a stale-connection resend starts a fresh one.
  std::chrono::milliseconds request_timeout{10000};
  /// Largest response body accepted; beyond it the call fails with
  /// errc::response_too_large and the connection is dropped.
  std::size_t max_response_bytes = 64u << 20;
  bool verify_tls = true;
  /// PEM file of trusted CAs; empty means the system's default CA paths.
  std::string ca_file{};
  /// A pooled connection idle longer than this is closed instead of reused.
  /// Node servers (and so the peers) drop idle keep-alive sockets after 5 s.
  std::chrono::milliseconds max_idle{4000};
};

/// Counters for tests and metrics. @locality owning core
struct http_client_stats {
  std::uint64_t requests = 0;
  std::uint64_t connections_opened = 0;
  /// Requests resent on a fresh connection because a reused one failed
  /// before any byte of the response arrived.
  std::uint64_t stale_retries = 0;
};

class http_client {
public:
  /// Throws std::system_error when TLS is configured but the CA file cannot
  /// be loaded (bad startup configuration).
  explicit http_client(boost::asio::any_io_executor ex, http_client_options options = {});
  ~http_client();
  http_client(http_client const&) = delete;
  http_client& operator=(http_client const&) = delete;

  /// Sends `req` to `ep` and reads the whole response. Any status, 2xx or
  /// not, is a response; errors are transport failures (engine::errc:
  /// dns_failure, connection_refused, connect_timeout, request_timeout,
  /// connection_reset, tls_error, certificate_rejected, response_too_large,
  /// bad_response) or asio::error::operation_aborted when the caller
  /// cancels. A request that fails on a reused keep-alive connection before
  /// any response byte arrived is resent once on a fresh connection: the
  /// server closed the idle socket and never saw it. The client must
  /// outlive the call. @locality owning core
  boost::asio::awaitable<boost::system::result<http_response>> request(endpoint const& ep, http_request req);
  /// As above, but sends `body` in place of req.body without copying it: a
  /// PutRecords body is up to 5 MiB, and a copy per request costs a fresh
  /// allocation and its page faults. The caller keeps `body` alive and
  /// unchanged until the call completes. @locality owning core
  boost::asio::awaitable<boost::system::result<http_response>> request(endpoint const& ep, http_request req,
                                                                       std::string_view body);

  /// Closes idle pooled connections (in-flight ones close when done).
  /// @locality owning core
  void close_idle();

  http_client_stats const& stats() const noexcept;
  http_client_options const& options() const noexcept;

private:
  boost::asio::awaitable<boost::system::result<http_response>> exchange(endpoint const& ep, http_request req,
                                                                        std::optional<std::string_view> borrowed);

  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace kinesys::engine
