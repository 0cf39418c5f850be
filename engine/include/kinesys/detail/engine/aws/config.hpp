#pragma once
// Where kinesys finds AWS settings: the same environment variables and shared
// files the AWS CLI and SDKs read (docs/configuration.md, "AWS environment", lists them).
// Resolution is a pure function of an `environment` (a variable lookup), so
// tests and embedders can resolve against a map instead of the process.
#include <kinesys/detail/engine/aws/credentials.hpp>
#include <kinesys/detail/engine/http_types.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <boost/assert/source_location.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kinesys::engine::aws {

/// A configuration problem: the code, and a message naming the variable,
/// file or profile at fault. Messages never contain secrets.
struct config_error {
  boost::system::error_code code;
  std::string message;
};

/// Throws std::system_error-like boost::system::system_error carrying the
/// message; lets `result<T, config_error>::value()` be used at startup.
[[noreturn]] void throw_exception_from_error(config_error const& e, boost::source_location const& loc);

template <class T>
using config_result = boost::system::result<T, config_error>;

/// A read-only view of environment variables. Unset and empty variables are
/// both reported as nullopt, as the AWS SDKs treat them.
class environment {
public:
  using lookup_function = std::function<std::optional<std::string>(std::string_view)>;

  explicit environment(lookup_function lookup) : lookup_(std::move(lookup)) {}
  /// The process environment (getenv), read at each lookup.
  /// @locality any thread, as long as nobody calls setenv concurrently
  static environment process();
  /// A fixed set of variables, for tests and embedding.
  static environment from_map(std::map<std::string, std::string, std::less<>> variables);

  std::optional<std::string> get(std::string_view name) const;

private:
  lookup_function lookup_;
};

enum class aws_service { kinesis, dynamodb };

/// "kinesis" / "dynamodb": the signing name and the endpoint prefix.
std::string_view service_name(aws_service service) noexcept;

/// The settings of one profile, merged from the shared credentials file and
/// the config file ("[profile name]" there, "[name]" in the credentials file).
struct shared_profile {
  std::string name;
  std::map<std::string, std::string, std::less<>> values;  ///< keys lowercase; sub-keys "service.key"
  std::string credentials_file;  ///< paths actually read (empty if the file was absent)
  std::string config_file;
  bool found = false;  ///< defined in at least one of the files
};

/// Reads the profile named by AWS_PROFILE (or "default") from
/// AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) and AWS_CONFIG_FILE
/// (default ~/.aws/config). Missing files are not an error.
config_result<shared_profile> load_shared_profile(environment const& env);

/// The credential chain: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+
/// AWS_SESSION_TOKEN); then the profile's aws_access_key_id /
/// aws_secret_access_key / aws_session_token in the credentials file, then in
/// the config file.
config_result<credentials> resolve_credentials(environment const& env);
config_result<credentials> resolve_credentials(environment const& env, shared_profile const& profile);

/// AWS_REGION, then AWS_DEFAULT_REGION, then the profile's `region`.
config_result<std::string> resolve_region(environment const& env);
config_result<std::string> resolve_region(environment const& env, shared_profile const& profile);

/// The endpoint URL for a service: AWS_ENDPOINT_URL_KINESIS /
/// AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL, then the profile's
/// services section (`services = name` + `[services name]` with
/// `kinesis =` / `  endpoint_url = ...`), then the profile's `endpoint_url`,
/// else https://<service>.<region>.amazonaws.com (amazonaws.com.cn in China
/// regions). AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips all but the default.
config_result<endpoint> resolve_endpoint(aws_service service, std::string_view region, environment const& env,
                                         shared_profile const& profile);

/// Everything a Kinesis/DynamoDB client needs, resolved in one go.
struct aws_config {
  credentials creds;
  std::string region;
  std::string profile;
  endpoint kinesis;
  endpoint dynamodb;
};

config_result<aws_config> resolve_aws_config(environment const& env = environment::process());

/// Region, profile and endpoints on one line; credentials redacted.
std::ostream& operator<<(std::ostream& os, aws_config const& config);

}  // namespace kinesys::engine::aws
