// The category behind engine::errc. Messages name the option that governs a
// limit, so an operator knows which knob the error is about.
#include "kinesys/detail/engine/error.hpp"

#include "kinesys/detail/engine/http_types.hpp"

namespace kinesys::engine {
namespace {

class category final : public boost::system::error_category {
public:
  char const* name() const noexcept override { return "kinesys.engine"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
    case errc::dns_failure: return "host name did not resolve";
    case errc::connection_refused: return "connection refused";
    case errc::connect_timeout: return "connect timed out (http_client_options::connect_timeout)";
    case errc::request_timeout: return "request timed out (http_client_options::request_timeout)";
    case errc::connection_reset: return "connection reset or closed by the peer mid-exchange";
    case errc::tls_error: return "TLS failure";
    case errc::certificate_rejected: return "server certificate rejected (untrusted CA or wrong host name)";
    case errc::response_too_large:
      return "response larger than allowed (http_client_options::max_response_bytes)";
    case errc::bad_response: return "malformed HTTP response";
    case errc::bad_url: return "malformed endpoint URL (expected http[s]://host[:port][/])";
    case errc::shutting_down: return "shutting down";
    case errc::retries_exhausted: return "gave up after retry_options::max_attempts attempts";
    case errc::server_busy: return "server at http_server_options::max_connections";
    case errc::deadline_exceeded: return "operation did not finish before its deadline";
    case errc::uring_unavailable: return "io_uring unavailable (kernel or seccomp refused io_uring_setup)";
    }
    return "unknown kinesys.engine error";
  }
};

}  // namespace

boost::system::error_category const& engine_category() noexcept {
  static category const instance;
  return instance;
}

std::string describe(boost::system::error_code ec, endpoint const& ep) {
  return ec.message() + " (" + ep.url() + ")";
}

}  // namespace kinesys::engine
