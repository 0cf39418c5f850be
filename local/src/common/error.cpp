#include <kinesys/detail/local/error.hpp>

namespace kinesys::local {
namespace {

class category final : public boost::system::error_category {
public:
  char const* name() const noexcept override { return "kinesys.local"; }
  std::string message(int ev) const override
  {
    return std::string(error_type_name(static_cast<errc>(ev)));
  }
};

}  // namespace

boost::system::error_category const& local_category() noexcept
{
  static category const instance;
  return instance;
}

std::string_view error_type_name(errc e) noexcept
{
  switch (e) {
    case errc::validation: return "ValidationException";
    case errc::serialization: return "SerializationException";
    case errc::unknown_operation: return "UnknownOperationException";
    case errc::internal_failure: return "InternalFailure";
    case errc::resource_not_found: return "ResourceNotFoundException";
    case errc::resource_in_use: return "ResourceInUseException";
    case errc::limit_exceeded: return "LimitExceededException";
    case errc::provisioned_throughput_exceeded: return "ProvisionedThroughputExceededException";
    case errc::invalid_argument: return "InvalidArgumentException";
    case errc::expired_iterator: return "ExpiredIteratorException";
    case errc::expired_next_token: return "ExpiredNextTokenException";
    case errc::conditional_check_failed: return "ConditionalCheckFailedException";
    case errc::transaction_canceled: return "TransactionCanceledException";
    case errc::transaction_conflict: return "TransactionConflictException";
    case errc::item_collection_size_limit: return "ItemCollectionSizeLimitExceededException";
    case errc::missing_authentication_token: return "MissingAuthenticationTokenException";
    case errc::incomplete_signature: return "IncompleteSignatureException";
    case errc::invalid_signature: return "InvalidSignatureException";
    case errc::unrecognized_client: return "UnrecognizedClientException";
    case errc::access_denied: return "AccessDeniedException";
    case errc::corrupt_frame: return "CorruptFrame";
    case errc::io_error: return "IoError";
    case errc::bad_config: return "BadConfiguration";
  }
  return "UnknownError";
}

std::string qualified_error_type(errc e, api which)
{
  if (which == api::kinesis) return std::string(error_type_name(e));
  // DynamoDB names the service model an error comes from; SDKs keep the
  // part after '#', but raw clients (and conformance checks) see it all.
  switch (e) {
    case errc::internal_failure:
      return "com.amazonaws.dynamodb.v20120810#InternalServerError";
    case errc::validation:
      return "com.amazon.coral.validate#ValidationException";
    case errc::serialization:
    case errc::unknown_operation:
    case errc::missing_authentication_token:
    case errc::incomplete_signature:
    case errc::invalid_signature:
    case errc::unrecognized_client:
    case errc::access_denied:
      return "com.amazon.coral.service#" + std::string(error_type_name(e));
    default:
      return "com.amazonaws.dynamodb.v20120810#" + std::string(error_type_name(e));
  }
}

unsigned error_status(errc e) noexcept
{
  // Everything a client caused, auth failures included, is a 400 with a
  // JSON body in both JSON protocols; only server faults are 500.
  switch (e) {
    case errc::internal_failure:
    case errc::io_error:
    case errc::corrupt_frame:
      return 500;
    default:
      return 400;
  }
}

}  // namespace kinesys::local

#include "common/outcome.hpp"

#include <stdexcept>

namespace kinesys::local {

void throw_exception_from_error(api_error const& e, boost::source_location const&)
{
  throw std::logic_error("unchecked kinesys-local error: " + std::string(error_type_name(e.code)) + ": " + e.message);
}

}  // namespace kinesys::local
