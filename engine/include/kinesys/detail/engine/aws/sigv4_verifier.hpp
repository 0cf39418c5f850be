#pragma once
// Server-side SigV4 checking (kinesys-local answers as AWS would): parse the
// Authorization header, look up the secret for its access key, recompute the
// signature over the headers it names, compare in constant time, and refuse
// requests whose X-Amz-Date is further than max_skew from the server clock.
// A refusal names the AWS error code and HTTP status to answer with.
#include <kinesys/detail/engine/aws/sigv4.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::engine::aws {

enum class auth_failure {
  missing_authentication_token,  ///< no Authorization header at all
  incomplete_signature,          ///< Authorization or X-Amz-Date malformed or incomplete
  unrecognized_client,           ///< unknown access key id
  signature_mismatch,            ///< recomputed signature differs (or the scope is wrong)
  signature_expired,             ///< X-Amz-Date outside the allowed clock skew
};

struct auth_rejection {
  auth_failure reason{};
  std::string message;  ///< AWS-style text; never contains the secret

  /// "MissingAuthenticationTokenException", "IncompleteSignatureException",
  /// "UnrecognizedClientException", "InvalidSignatureException" (mismatch and
  /// expiry: the code Kinesis and DynamoDB use; S3's SignatureDoesNotMatch and
  /// RequestTimeTooSkewed are not JSON-protocol codes).
  std::string_view aws_code() const noexcept;
  /// 403 for a missing token, 400 otherwise, as the JSON-protocol services answer.
  unsigned http_status() const noexcept;
};

[[noreturn]] void throw_exception_from_error(auth_rejection const& e, boost::source_location const& loc);

/// Who signed an accepted request.
struct auth_identity {
  std::string access_key_id;
  std::string region;
  std::string service;
  std::int64_t signed_at = 0;  ///< X-Amz-Date, Unix seconds
  bool has_session_token = false;
};

template <class T>
using auth_result = boost::system::result<T, auth_rejection>;

/// The parts of "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/svc/aws4_request,
/// SignedHeaders=host;x-amz-date, Signature=<64 hex>"; views into the header value.
struct authorization_header {
  std::string_view access_key_id;
  std::string_view date;
  std::string_view region;
  std::string_view service;
  std::string_view signed_headers;
  std::string_view signature;
};

/// Parses an Authorization header value; the rejection says which part is
/// missing or malformed (IncompleteSignatureException).
auth_result<authorization_header> parse_authorization(std::string_view value);

class sigv4_verifier {
public:
  /// Returns the secret access key for an access key id, or nullopt.
  using secret_lookup = std::function<std::optional<std::string>(std::string_view access_key_id)>;

  struct options {
    std::chrono::seconds max_skew{300};  ///< AWS allows 5 minutes either way
    std::string region;                  ///< required credential-scope region; empty accepts any
    bool normalize_path = true;
  };

  explicit sigv4_verifier(secret_lookup lookup) : sigv4_verifier(std::move(lookup), options{}) {}
  sigv4_verifier(secret_lookup lookup, options opts);

  /// Verifies a request with `method`, `target`, `body` and `headers` members
  /// of {name, value} (the engine's http_request, or anything alike).
  /// @locality owning core (reusable buffers)
  template <class Request>
  auth_result<auth_identity> verify(Request const& request, std::chrono::system_clock::time_point now);

  auth_result<auth_identity> verify(std::string_view method, std::string_view target,
                                    std::span<header_view const> headers, std::string_view body,
                                    std::int64_t now_unix_seconds);

private:
  secret_lookup lookup_;
  options options_;
  std::vector<std::pair<std::string, std::string_view>> signed_;
  std::vector<std::pair<std::string, std::string>> query_scratch_;
  std::vector<header_view> views_;
  std::string canonical_;
  std::string signed_names_;
  std::string string_to_sign_;
};

template <class Request>
auth_result<auth_identity> sigv4_verifier::verify(Request const& request, std::chrono::system_clock::time_point now) {
  views_.clear();
  for (auto const& h : request.headers) views_.push_back({h.name, h.value});
  return verify(request.method, request.target, views_, request.body, unix_seconds(now));
}

}  // namespace kinesys::engine::aws
