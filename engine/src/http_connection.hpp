#pragma once
// One client connection, plain or TLS, and how it is opened. Private to
// engine/src.
#include "kinesys/detail/engine/http_types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace kinesys::engine::detail {

/// @locality owning core
struct http_connection {
  std::optional<boost::beast::tcp_stream> plain;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;
  boost::beast::flat_buffer buffer;
  /// Set once it has carried an exchange: a failure then may mean the
  /// server closed it while idle.
  bool reused = false;
  std::chrono::steady_clock::time_point idle_since{};

  boost::beast::tcp_stream& lowest() noexcept { return plain ? *plain : tls->next_layer(); }
  /// Calls f(stream) with the stream to read and write.
  template <class F>
  decltype(auto) visit(F&& f) {
    return plain ? f(*plain) : f(*tls);
  }
  /// Whether an idle pooled connection still looks usable: the peer has not
  /// sent FIN (or, on plain HTTP, unexpected bytes).
  bool looks_alive() noexcept;
  void close() noexcept;
};

/// Resolves, connects and (for https) handshakes with SNI and host-name
/// verification, all before `deadline`. Errors are engine::errc.
boost::asio::awaitable<boost::system::result<std::unique_ptr<http_connection>>> open_connection(
    endpoint const& ep, boost::asio::ssl::context* tls_context, std::chrono::steady_clock::time_point deadline);

}  // namespace kinesys::engine::detail
