#include <kinesys/detail/engine/aws/error.hpp>

#include <string>

namespace kinesys::engine::aws {
namespace {

class category final : public boost::system::error_category {
public:
  char const* name() const noexcept override { return "kinesys.engine.aws"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::no_credentials: return "no AWS credentials found (environment, shared credentials file, config file)";
      case errc::incomplete_credentials: return "AWS access key id and secret access key must be given together";
      case errc::profile_not_found: return "the AWS profile is not defined in the shared credentials or config file";
      case errc::unsupported_profile: return "the AWS profile needs a credential source kinesys does not support";
      case errc::no_region: return "no AWS region (set AWS_REGION)";
      case errc::invalid_endpoint_url: return "invalid AWS endpoint URL";
      case errc::service_error: return "the AWS service answered with an error";
      case errc::malformed_response: return "malformed AWS response";
      case errc::invalid_request: return "request exceeds an AWS API limit";
    }
    return "unknown kinesys.engine.aws error";
  }
};

}  // namespace

boost::system::error_category const& aws_category() noexcept {
  static category const instance;
  return instance;
}

}  // namespace kinesys::engine::aws
