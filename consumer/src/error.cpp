#include <kinesys/detail/consumer/error.hpp>

#include <string>

namespace kinesys::consumer {
namespace {

class category final : public boost::system::error_category {
public:
  char const* name() const noexcept override { return "kinesys.consumer"; }

  std::string message(int ev) const override
  {
    switch (static_cast<errc>(ev)) {
      case errc::bad_sequence_number: return "sequence number is not a decimal string of at most 80 digits";
      case errc::bad_position: return "encoded stream position does not decode";
      case errc::lease_lost: return "lease lost: another worker holds it";
      case errc::lease_not_held: return "lease not held by this worker";
      case errc::condition_failed: return "conditional write refused: the item carries a newer position";
      case errc::payload_not_json: return "record data is not a JSON object";
      case errc::missing_key_field: return "payload lacks a key field";
      case errc::bad_key_field: return "key field is not a string or a number";
      case errc::bad_counter_field: return "counter field is not a number";
      case errc::no_route: return "no table is routed for this record";
      case errc::record_too_old: return "record exceeded max_record_age";
      case errc::retries_exhausted: return "write failed max_retries times";
      case errc::shutting_down: return "consumer is shutting down";
      case errc::bad_dead_letter: return "dead-letter entry does not parse";
      case errc::bad_lease_item: return "lease-table item has a missing or mistyped attribute";
    }
    return "unknown kinesys.consumer error " + std::to_string(ev);
  }
};

}  // namespace

boost::system::error_category const& consumer_category() noexcept
{
  static category const instance;
  return instance;
}

}  // namespace kinesys::consumer
