#pragma once
// Errors of kinesys::producer, as values. A put that does not land completes
// with a put_error: the kind (errc, or the engine's / service's error code)
// plus a sentence that names the field, the limit or the service's message.
#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <type_traits>

namespace kinesys::producer {

enum class errc {
  // 0 is success.
  record_too_large = 1,        ///< data + partition key over 1 MiB (the Kinesis record limit)
  partition_key_empty,         ///< Kinesis partition keys have 1..256 characters
  partition_key_too_long,      ///< more than 256 Unicode characters
  partition_key_bad_utf8,      ///< a partition key must be valid UTF-8
  explicit_hash_key_invalid,   ///< not a decimal in [0, 2^128-1]
  partition_key_field_missing, ///< the JSON strategy found no usable field (or no JSON object)
  ttl_expired,                 ///< not acknowledged within RecordTtl
  stream_not_found,            ///< ResourceNotFoundException for the stream
  access_denied,               ///< credentials refused (AccessDenied, signature, expired token…)
  producer_closed,             ///< put after close(), or close() gave up on the record
  outstanding_limit,           ///< BackpressureMode=fail and MaxOutstandingRecords/Bytes reached
  throttled,                   ///< FailIfThrottled and the shard refused the record
  rejected,                    ///< the service refused the record for another reason (message says which)
  config_invalid,              ///< a ProducerConfig key has a bad value
  spool_failed,                ///< the spool could not write (disk full, I/O error)
  spool_corrupt,               ///< a spool file is unreadable beyond its torn tail
};

/// The category of producer::errc; its name is "kinesys.producer".
boost::system::error_category const& producer_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), producer_category()};
}

/// Why a put failed: `code` says what kind of failure (compare it with errc
/// or with engine::errc), `message` is the full sentence for a log, e.g.
/// "partition key too long: 257 characters, limit 256".
struct put_error {
  boost::system::error_code code;
  std::string message;

  put_error() = default;
  put_error(boost::system::error_code c, std::string m = {}) : code(c), message(std::move(m)) {
    if (message.empty()) message = code.message();
  }
  put_error(errc e, std::string m = {}) : put_error(make_error_code(e), std::move(m)) {}

  friend bool operator==(put_error const& a, errc b) noexcept { return a.code == make_error_code(b); }
};

/// Used by boost::system::result<T, put_error>::value() when it holds an error.
[[noreturn]] void throw_exception_from_error(put_error const& e, boost::source_location const& loc);

}  // namespace kinesys::producer

template <>
struct boost::system::is_error_code_enum<kinesys::producer::errc> : std::true_type {};
