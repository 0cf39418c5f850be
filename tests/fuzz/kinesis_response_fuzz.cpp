// The client's decoders of GetRecords and PutRecords answers: any body
// decodes or is refused, never a crash; decoded records point into the
// arena, and the other decoders the producer and consumer use hold up too.
#include <kinesys/detail/engine/aws/kinesis_json.hpp>

#include <cstdlib>
#include <string>

namespace aws = kinesys::engine::aws;

namespace {

bool inside(std::string_view part, std::string const& arena)
{
  return part.empty() || (part.data() >= arena.data() && part.data() + part.size() <= arena.data() + arena.capacity());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  std::string_view const input(reinterpret_cast<char const*>(data), size);
  // Reused results, as the consumer reuses them across calls.
  static aws::get_records_result records;
  static aws::put_records_result puts;

  std::string body(input);
  if (aws::parse_get_records(body, records)) {
    for (auto const& r : records.records)
      if (!inside(r.data, records.arena) || !inside(r.partition_key, records.arena) || !inside(r.sequence_number, records.arena))
        std::abort();
  }
  body.assign(input);
  // A server may claim any FailedRecordCount; the producer counts failed
  // entries itself, so only the decoding is under test here.
  (void)aws::parse_put_records(body, puts);
  body.assign(input);
  (void)aws::parse_put_record(body);
  body.assign(input);
  (void)aws::parse_list_shards(body);
  body.assign(input);
  (void)aws::parse_get_shard_iterator(body);
  return 0;
}
