// The category behind producer::errc. Messages name the limit or the setting
// involved, so the reader knows which rule the record broke.
#include "kinesys/detail/producer/error.hpp"

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

namespace kinesys::producer {
namespace {

class category final : public boost::system::error_category {
public:
  char const* name() const noexcept override { return "kinesys.producer"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
    case errc::record_too_large: return "record too large: data plus partition key exceed 1048576 bytes";
    case errc::partition_key_empty: return "partition key empty: Kinesis needs 1 to 256 characters";
    case errc::partition_key_too_long: return "partition key too long: limit 256 Unicode characters";
    case errc::partition_key_bad_utf8: return "partition key is not valid UTF-8";
    case errc::explicit_hash_key_invalid: return "explicit hash key is not a decimal in [0, 2^128-1]";
    case errc::partition_key_field_missing: return "partition key field missing from the JSON event";
    case errc::ttl_expired: return "record expired: not acknowledged within RecordTtl";
    case errc::stream_not_found: return "stream not found";
    case errc::access_denied: return "access denied: the credentials were refused";
    case errc::producer_closed: return "producer closed";
    case errc::outstanding_limit:
      return "too many outstanding records (MaxOutstandingRecords/MaxOutstandingBytes, BackpressureMode=fail)";
    case errc::throttled: return "throttled by the shard (FailIfThrottled=true)";
    case errc::rejected: return "the service rejected the record";
    case errc::config_invalid: return "invalid producer configuration";
    case errc::spool_failed: return "spool write failed";
    case errc::spool_corrupt: return "spool file corrupt";
    }
    return "unknown kinesys.producer error";
  }
};

}  // namespace

boost::system::error_category const& producer_category() noexcept {
  static category const instance;
  return instance;
}

void throw_exception_from_error(put_error const& e, boost::source_location const& loc) {
  boost::throw_exception(boost::system::system_error(e.code, e.message), loc);
}

}  // namespace kinesys::producer
