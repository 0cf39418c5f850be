#pragma once
// Errors of kinesys::consumer, as values (boost::system::error_code), built
// the way Beast's http/error.hpp is.
#include <boost/system/error_code.hpp>

#include <type_traits>

namespace kinesys::consumer {

enum class errc {
  // 0 is success.
  bad_sequence_number = 1,  ///< a sequence number that is not a decimal string of at most 80 digits
  bad_position,             ///< an encoded position that does not decode
  lease_lost,               ///< the lease's counter or owner changed: another worker holds it now
  lease_not_held,           ///< an operation on a lease this worker does not hold
  condition_failed,         ///< a conditional write was refused (the item is newer)
  payload_not_json,         ///< the record's data is not a JSON object
  missing_key_field,        ///< the payload lacks a key attribute's field
  bad_key_field,            ///< a key field is not a string or number
  bad_counter_field,        ///< a merge counter field is not a number
  no_route,                 ///< routing found no table for the record
  record_too_old,           ///< the record passed max_record_age before it could be written
  retries_exhausted,        ///< the write failed max_retries times
  shutting_down,            ///< the consumer is stopping
  bad_dead_letter,          ///< a dead-letter line that does not parse
  bad_lease_item,           ///< a lease-table item with a missing or mistyped attribute
};

boost::system::error_category const& consumer_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept
{
  return {static_cast<int>(e), consumer_category()};
}

}  // namespace kinesys::consumer

namespace boost::system {
template <>
struct is_error_code_enum<kinesys::consumer::errc> : std::true_type {};
}  // namespace boost::system
