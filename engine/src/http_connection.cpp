#include "http_connection.hpp"

#include "kinesys/detail/engine/deadline.hpp"
#include "net_errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

namespace kinesys::engine::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;
inline constexpr auto as_result = asio::as_tuple(asio::use_awaitable);

bool http_connection::looks_alive() noexcept {
  auto& socket = lowest().socket();
  if (!socket.is_open())
    return false;
  char probe = 0;
  ssize_t const n = ::recv(socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0)
    return false;  // FIN: the server closed it while it sat in the pool
  if (n > 0)
    return tls.has_value();  // TLS may hold session tickets; plain HTTP must be silent
  return errno == EAGAIN || errno == EWOULDBLOCK;
}

void http_connection::close() noexcept {
  error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest().socket().close(ignored);
}

namespace {

asio::awaitable<boost::system::result<std::vector<tcp::endpoint>>> resolve(endpoint const& ep,
                                                                              std::chrono::steady_clock::time_point deadline) {
  auto ex = co_await asio::this_coro::executor;
  auto const port = std::to_string(ep.port);
  error_code literal_error;
  auto const address = asio::ip::make_address(ep.host, literal_error);
  if (!literal_error)  // an IP literal needs no resolver thread
    co_return std::vector<tcp::endpoint>{tcp::endpoint(address, ep.port)};
  tcp::resolver resolver(ex);
  auto [ec, results] = co_await with_deadline(resolver.async_resolve(ep.host, port, as_result),
                                              deadline - std::chrono::steady_clock::now());
  if (ec == errc::deadline_exceeded)
    co_return make_error_code(errc::connect_timeout);
  if (ec)
    co_return map_net_error(ec, net_phase::resolve);
  std::vector<tcp::endpoint> out;
  for (auto const& entry : results)
    out.push_back(entry.endpoint());
  if (out.empty())
    co_return make_error_code(errc::dns_failure);
  co_return out;
}

/// The handshake's error, sharpened: a failed verification is the
/// certificate's fault, not a TLS protocol failure.
error_code handshake_error(error_code ec, SSL* ssl) {
  if (ec == beast::error::timeout)
    return make_error_code(errc::connect_timeout);
  if (ec == asio::error::operation_aborted)
    return ec;
  if (SSL_get_verify_result(ssl) != X509_V_OK)
    return make_error_code(errc::certificate_rejected);
  if (is_closed_by_peer(ec))
    return make_error_code(errc::tls_error);
  return map_net_error(ec, net_phase::handshake);
}

}  // namespace

asio::awaitable<boost::system::result<std::unique_ptr<http_connection>>> open_connection(
    endpoint const& ep, asio::ssl::context* tls_context, std::chrono::steady_clock::time_point deadline) {
  co_await asio::this_coro::throw_if_cancelled(false);
  auto ex = co_await asio::this_coro::executor;
  auto results = co_await resolve(ep, deadline);
  if (!results)
    co_return results.error();

  auto conn = std::make_unique<http_connection>();
  if (ep.tls())
    conn->tls.emplace(ex, *tls_context);
  else
    conn->plain.emplace(ex);
  auto& tcp_stream = conn->lowest();
  tcp_stream.expires_at(deadline);
  auto [connect_error, connected] = co_await tcp_stream.async_connect(*results, as_result);
  (void)connected;
  if (connect_error)
    co_return map_net_error(connect_error, net_phase::connect);
  error_code ignored;
  tcp_stream.socket().set_option(tcp::no_delay(true), ignored);

  if (conn->tls) {
    SSL* ssl = conn->tls->native_handle();
    error_code literal_error;
    (void)asio::ip::make_address(ep.host, literal_error);
    // SNI carries names only; an IP literal is matched against IP SANs.
    if (literal_error && SSL_set_tlsext_host_name(ssl, ep.host.c_str()) != 1)
      co_return make_error_code(errc::tls_error);
    if (SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE)
      conn->tls->set_verify_callback(asio::ssl::host_name_verification(ep.host));
    auto [hs_error] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, as_result);
    if (hs_error)
      co_return handshake_error(hs_error, ssl);
  }
  tcp_stream.expires_never();
  co_return std::move(conn);
}

}  // namespace kinesys::engine::detail
