#pragma once
// Errors of the engine's runtime, network and file layers, as values
// (boost::system::error_code), in the manner of Beast's http/error.hpp.
#include <boost/system/error_code.hpp>

#include <string>
#include <type_traits>

namespace kinesys::engine {

struct endpoint;

/// Failures the engine reports. Non-2xx HTTP statuses are not errors: the
/// HTTP client returns them as responses and the AWS layer interprets them.
enum class errc {
  // 0 is reserved for success.
  dns_failure = 1,          ///< the host name did not resolve
  connection_refused,       ///< nothing listens on the endpoint's port
  connect_timeout,          ///< resolve + TCP connect + TLS handshake exceeded connect_timeout
  request_timeout,          ///< write + response exceeded request_timeout
  connection_reset,         ///< the peer reset or closed the connection mid-exchange
  tls_error,                ///< TLS handshake or record layer failure
  certificate_rejected,     ///< the server certificate failed verification (CA or host name)
  response_too_large,       ///< response exceeded max_response_bytes (or its header our header limit)
  bad_response,             ///< the response is not valid HTTP/1.1
  bad_url,                  ///< an endpoint URL could not be parsed
  shutting_down,            ///< the core set is stopping; the operation was not started or was woken
  retries_exhausted,        ///< a retry loop reached max_attempts
  server_busy,              ///< the server is at max_connections
  deadline_exceeded,        ///< with_deadline: the operation did not finish in time
  uring_unavailable,        ///< io_uring could not be set up (kernel or seccomp refuses it)
};

/// The category of engine::errc; its name is "kinesys.engine".
boost::system::error_category const& engine_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), engine_category()};
}

/// A log line for a failed call to `ep`: the error's message with the
/// endpoint it concerns, e.g. "connect timeout (connect_timeout) to
/// https://kinesis.eu-west-1.amazonaws.com:443". Holds no secrets.
std::string describe(boost::system::error_code ec, endpoint const& ep);

}  // namespace kinesys::engine

template <>
struct boost::system::is_error_code_enum<kinesys::engine::errc> : std::true_type {};
