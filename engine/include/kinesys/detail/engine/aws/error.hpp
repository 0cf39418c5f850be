#pragma once
// Error codes of the AWS layer (configuration, signing, the JSON protocol).
// An error the service itself answered with is an aws_error (call.hpp), which
// carries the service's code string; these codes cover what happens on our side.
#include <boost/system/error_code.hpp>

#include <type_traits>

namespace kinesys::engine::aws {

enum class errc {
  // configuration
  no_credentials = 1,       ///< no source in the chain had an access key
  incomplete_credentials,   ///< an access key without its secret (or the reverse)
  profile_not_found,        ///< AWS_PROFILE names a profile no file defines
  unsupported_profile,      ///< the profile needs role assumption, SSO or a credential process
  no_region,                ///< no AWS_REGION, AWS_DEFAULT_REGION or profile region
  invalid_endpoint_url,     ///< an endpoint URL that does not parse
  // protocol
  service_error,            ///< the service answered with an error (see aws_error::code)
  malformed_response,       ///< a 2xx answer whose JSON is not what the operation returns
  invalid_request,          ///< a request we refuse to send (a limit named in the message)
};

boost::system::error_category const& aws_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), aws_category()};
}

}  // namespace kinesys::engine::aws

template <>
struct boost::system::is_error_code_enum<kinesys::engine::aws::errc> : std::true_type {};
