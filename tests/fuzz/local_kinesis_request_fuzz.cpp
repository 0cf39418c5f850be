// kinesys-local's Kinesis request decoding: any body for any Kinesis
// X-Amz-Target answers 200 or an AWS JSON error (never 5xx, never a
// crash), and the model keeps answering afterwards. The first input byte
// picks the operation; a stream "s" exists so the calls reach past the
// lookup into the model.
#include <kinesys/local.hpp>

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>

namespace local = kinesys::local;

namespace {

constexpr std::array<std::string_view, 19> operations = {
    "PutRecord",      "PutRecords",        "GetShardIterator", "GetRecords",        "ListShards",
    "CreateStream",   "DeleteStream",      "DescribeStream",   "DescribeStreamSummary", "ListStreams",
    "SplitShard",     "MergeShards",       "UpdateShardCount", "IncreaseStreamRetentionPeriod",
    "DecreaseStreamRetentionPeriod", "AddTagsToStream", "ListTagsForStream", "RegisterStreamConsumer",
    "NoSuchOperation",
};

void check(local::reply const& r)
{
  if (r.status >= 500) std::abort();
  if (r.status != 200 && (r.error_type.empty() || r.body.find("\"__type\"") == std::string::npos)) std::abort();
  // A success may have no body (CreateStream); anything else is one object.
  if (r.status != 200 && r.body.empty()) std::abort();
  if (!r.body.empty() && (r.body.front() != '{' || r.body.back() != '}')) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  if (size == 0) return 0;
  local::local_options o;
  auto clock = std::make_shared<local::manual_clock>();
  o.clock = local::manual_clock::as_clock(clock);
  local::dispatcher model(o);
  std::string setup = R"({"StreamName":"s","ShardCount":2})";
  if (model.handle("Kinesis_20131202.CreateStream", setup).status != 200) std::abort();
  setup = R"({"StreamName":"s","Records":[{"Data":"aGk=","PartitionKey":"a"},{"Data":"","PartitionKey":"b"}]})";
  if (model.handle("Kinesis_20131202.PutRecords", setup).status != 200) std::abort();

  std::string const target = "Kinesis_20131202." + std::string(operations[data[0] % operations.size()]);
  std::string body(reinterpret_cast<char const*>(data + 1), size - 1);
  check(model.handle(target, body));
  // Twice: a call that changed the model must leave it consistent.
  body.assign(reinterpret_cast<char const*>(data + 1), size - 1);
  check(model.handle(target, body));
  clock->advance(std::chrono::seconds(1));
  std::string list = R"({"StreamName":"s"})";
  auto shards = model.handle("Kinesis_20131202.ListShards", list);
  check(shards);
  return 0;
}
