#pragma once
// The AWS JSON protocol (Kinesis: JSON 1.1, DynamoDB: JSON 1.0) as one
// coroutine: sign, send through the core's http_client, turn a non-2xx answer
// into an aws_error, and retry throttling and transient failures with
// backoff and full jitter. The typed Kinesis and DynamoDB calls sit on it.
#include <kinesys/detail/engine/aws/config.hpp>
#include <kinesys/detail/engine/aws/credentials.hpp>
#include <kinesys/detail/engine/aws/error.hpp>
#include <kinesys/detail/engine/aws/sigv4.hpp>
#include <kinesys/detail/engine/http_client.hpp>
#include <kinesys/detail/engine/http_types.hpp>
#include <kinesys/detail/engine/retry_policy.hpp>

#include <kinesys/detail/codecs/attribute_value.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::engine::aws {

/// One entry of DynamoDB's TransactionCanceledException.CancellationReasons,
/// in the order of the transaction's items ("None" for items that were fine).
struct cancellation_reason {
  std::string code;
  std::string message;
  std::optional<codecs::item> item;
};

/// A failed AWS call. Either the service answered with an error (http_status
/// set, `code` the AWS error type, `error` == errc::service_error), or no
/// usable answer came (http_status 0, `error` the transport error such as
/// engine::errc::request_timeout, or aws::errc::malformed_response).
struct aws_error {
  unsigned http_status = 0;
  /// The AWS error type without its namespace ("ResourceNotFoundException",
  /// not "com.amazonaws.kinesis.v20131202#ResourceNotFoundException").
  std::string code;
  std::string message;
  boost::system::error_code error;
  failure_class kind = failure_class::permanent;
  unsigned attempts = 0;   ///< attempts made, the failing one included
  std::string request_id;  ///< x-amzn-RequestId, for AWS support
  /// DynamoDB TransactWriteItems only.
  std::vector<cancellation_reason> cancellation_reasons;

  bool is(std::string_view aws_code) const noexcept { return code == aws_code; }
  bool throttled() const noexcept { return kind == failure_class::throttling; }
  /// "ResourceNotFoundException (HTTP 400): Stream s not found [after 1 attempt]".
  std::string describe() const;
};

std::ostream& operator<<(std::ostream& os, aws_error const& e);
[[noreturn]] void throw_exception_from_error(aws_error const& e, boost::source_location const& loc);

template <class T>
using aws_result = boost::system::result<T, aws_error>;

/// Builds the aws_error for a non-2xx response: `code` from the body's
/// __type (or "code") or else the X-Amzn-ErrorType header, `message` from
/// "message"/"Message", classified by engine::classify. Pure.
aws_error parse_error_response(http_response const& response);

/// An aws_error for a local failure (a refused request, a malformed answer).
aws_error make_aws_error(errc code, std::string message);

/// The wire details of one JSON-protocol service.
struct json_protocol {
  std::string_view signing_name;   ///< SigV4 service name
  std::string_view target_prefix;  ///< X-Amz-Target = prefix + operation
  std::string_view content_type;
};
inline constexpr json_protocol kinesis_protocol{"kinesis", "Kinesis_20131202.", "application/x-amz-json-1.1"};
inline constexpr json_protocol dynamodb_protocol{"dynamodb", "DynamoDB_20120810.", "application/x-amz-json-1.0"};

struct aws_client_options {
  retry_options retry{};
  std::string user_agent = "kinesys/0.1";
  /// Seeds the backoff jitter; 0 takes one from std::random_device.
  std::uint64_t jitter_seed = 0;
  /// Called before each backoff sleep with the failure and the chosen delay
  /// (logging, metrics, tests observing the backoff). @locality owning core
  std::function<void(aws_error const&, std::chrono::milliseconds)> on_retry;
};

/// Counters since construction. @locality owning core
struct aws_client_stats {
  std::uint64_t calls = 0;
  std::uint64_t attempts = 0;
  std::uint64_t throttled = 0;   ///< attempts that failed with throttling
  std::uint64_t transient = 0;   ///< attempts that failed transiently
  std::chrono::milliseconds backoff_total{0};
};

/// One service endpoint on one core: http_client, signer, credentials and
/// retry policy. Many coroutines of the core may call it at once.
/// @locality owning core
class aws_json_client {
public:
  aws_json_client(http_client& http, json_protocol protocol, endpoint ep, credentials creds, std::string region,
                  aws_client_options options = {});

  /// Sends `body` as operation `operation` (e.g. "PutRecords") and returns
  /// the 2xx response, or the last failure once the retry policy gives up.
  /// `body` must stay valid until the call completes. Each attempt is signed
  /// afresh (SigV4 dates expire). A cancelled caller gets the cancellation
  /// as an aws_error promptly: the backoff sleep is interruptible.
  boost::asio::awaitable<aws_result<http_response>> call(std::string_view operation, std::string const& body);

  /// Replaces the credentials for later calls (rotation of temporary keys).
  void set_credentials(credentials creds) { creds_ = std::move(creds); }
  credentials const& creds() const noexcept { return creds_; }
  endpoint const& target_endpoint() const noexcept { return endpoint_; }
  std::string const& region() const noexcept { return signer_.region(); }
  json_protocol const& protocol() const noexcept { return protocol_; }
  aws_client_stats const& stats() const noexcept { return stats_; }
  http_client& http() noexcept { return http_; }

private:
  http_request make_request(std::string_view operation, std::string const& body);

  http_client& http_;
  json_protocol protocol_;
  endpoint endpoint_;
  std::string host_;
  credentials creds_;
  sigv4_signer signer_;
  retry_policy retry_;
  aws_client_options options_;
  aws_client_stats stats_;
};

}  // namespace kinesys::engine::aws
