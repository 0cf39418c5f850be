#pragma once
// AWS credentials as the signer uses them. The secret and the session token
// never leave this struct in text form: operator<< and describe() redact
// them, so logging a credentials object (or an error mentioning one) is safe.
#include <iosfwd>
#include <string>

namespace kinesys::engine::aws {

struct credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  ///< empty unless the credentials are temporary (STS)
  /// Where the chain found them, for diagnostics ("environment",
  /// "shared credentials file /home/u/.aws/credentials, profile default").
  std::string source;

  bool empty() const noexcept { return access_key_id.empty(); }
};

/// "credentials{access_key_id=AKIDEXAMPLE, secret_access_key=<redacted>,
/// session_token=<none>, source=environment}".
std::string describe(credentials const& c);
std::ostream& operator<<(std::ostream& os, credentials const& c);

}  // namespace kinesys::engine::aws
