#include "net_errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace kinesys::engine::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;

bool is_closed_by_peer(boost::system::error_code ec) noexcept {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == asio::ssl::error::stream_truncated ||
         ec == make_error_code(errc::connection_reset);
}

boost::system::error_code map_net_error(boost::system::error_code ec, net_phase phase) noexcept {
  if (!ec || ec == asio::error::operation_aborted || ec.category() == engine_category())
    return ec;
  if (ec == boost::beast::error::timeout || ec == asio::error::timed_out)
    return make_error_code(phase == net_phase::exchange ? errc::request_timeout : errc::connect_timeout);
  if (phase == net_phase::resolve || ec.category() == asio::error::get_netdb_category() ||
      ec.category() == asio::error::get_addrinfo_category())
    return make_error_code(errc::dns_failure);
  if (ec == asio::error::connection_refused)
    return make_error_code(errc::connection_refused);
  if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow)
    return make_error_code(errc::response_too_large);
  if (is_closed_by_peer(ec))
    return make_error_code(errc::connection_reset);
  if (ec.category() == make_error_code(http::error::bad_version).category())
    return make_error_code(errc::bad_response);
  if (ec.category() == asio::error::get_ssl_category() || ec.category() == asio::ssl::error::get_stream_category())
    return make_error_code(errc::tls_error);
  return ec;
}

}  // namespace kinesys::engine::detail
