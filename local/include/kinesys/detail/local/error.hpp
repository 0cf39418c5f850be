#pragma once
// Error codes of kinesys-local. Most of them are the AWS error types the
// endpoint answers with (the category's message() is the exact `__type`
// name a client sees); the rest describe local failures such as a damaged
// data file. Built the way Beast's http/error.hpp is.
#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace kinesys::local {

enum class errc {
  // Shared by both APIs.
  validation = 1,                    // ValidationException
  serialization,                     // SerializationException (body is not the JSON we need)
  unknown_operation,                 // UnknownOperationException
  internal_failure,                  // InternalFailure (Kinesis) / InternalServerError (DynamoDB), HTTP 500
  resource_not_found,                // ResourceNotFoundException
  resource_in_use,                   // ResourceInUseException
  limit_exceeded,                    // LimitExceededException
  provisioned_throughput_exceeded,   // ProvisionedThroughputExceededException
  // Kinesis.
  invalid_argument,                  // InvalidArgumentException
  expired_iterator,                  // ExpiredIteratorException
  expired_next_token,                // ExpiredNextTokenException
  // DynamoDB.
  conditional_check_failed,          // ConditionalCheckFailedException
  transaction_canceled,              // TransactionCanceledException
  transaction_conflict,              // TransactionConflictException
  item_collection_size_limit,        // ItemCollectionSizeLimitExceededException
  // Authentication (both APIs).
  missing_authentication_token,      // MissingAuthenticationTokenException
  incomplete_signature,              // IncompleteSignatureException
  invalid_signature,                 // InvalidSignatureException
  unrecognized_client,               // UnrecognizedClientException
  access_denied,                     // AccessDeniedException
  // Local failures (never sent to a client as such).
  corrupt_frame,                     // a data file frame fails its length or CRC check
  io_error,                          // a data file could not be read or written
  bad_config,                        // a startup option is invalid
};

boost::system::error_category const& local_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
  return {static_cast<int>(e), local_category()};
}

/// The AWS error type name, e.g. "ResourceNotFoundException".
std::string_view error_type_name(errc e) noexcept;

/// Which wire protocol an answer goes out in: they differ in content type
/// and in how DynamoDB qualifies error types with a namespace.
enum class api { kinesis, dynamodb };

/// The `__type` value as the given API spells it: Kinesis uses the bare
/// name, DynamoDB prefixes a service namespace
/// ("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException").
std::string qualified_error_type(errc e, api which);

/// HTTP status AWS uses for this error (500 for internal failures, 400 else).
unsigned error_status(errc e) noexcept;

/// An error answer of an AWS API: a type and the human-readable message.
struct api_error {
  errc code = errc::internal_failure;
  std::string message;
  /// Further members of the error body, already JSON-encoded and starting
  /// with a comma (DynamoDB's CancellationReasons, a failed condition's Item).
  std::string extra_members{};
};

}  // namespace kinesys::local

template <>
struct boost::system::is_error_code_enum<kinesys::local::errc> : std::true_type {};
