// The AWS layer's two heavy steps, measured apart from the network:
//   sign_put_records_5mib   SigV4 over a full 5 MiB PutRecords body (500
//                           records of ~10 KiB): one SHA-256 of the payload
//                           plus the canonical request — the per-request cost
//                           of the largest request the producer sends.
//   parse_get_records_10k   a 10,000-record GetRecords answer (100-byte
//                           records, base64 in JSON) decoded into reused
//                           buffers — what a consumer shard pays per read.
//
//   kinesys_bench_engine_aws_bench
#include <kinesys/codecs.hpp>
#include <kinesys/detail/engine/aws/kinesis_json.hpp>
#include <kinesys/detail/engine/aws/sigv4.hpp>
#include <kinesys/detail/engine/http_types.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

namespace aws = kinesys::engine::aws;

void sign_put_records_5mib(benchmark::State& state)
{
  std::vector<std::string> data(500, std::string(7800, 'x'));  // base64 grows it to ~10.4 KB each
  std::vector<std::string> keys;
  std::vector<aws::put_records_entry> entries;
  for (int i = 0; i < 500; ++i) keys.push_back("device-" + std::to_string(i));
  for (int i = 0; i < 500; ++i) entries.push_back({data[i], keys[i], {}});
  kinesys::engine::http_request request;
  request.target = "/";
  if (!aws::write_put_records(request.body, {{"bench", ""}, entries})) {
    state.SkipWithError("PutRecords body refused");
    return;
  }
  request.headers = {{"Host", "kinesis.us-east-1.amazonaws.com"},
                     {"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "Kinesis_20131202.PutRecords"}};
  aws::sigv4_signer signer("us-east-1", "kinesis");
  aws::credentials const creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "bench"};
  auto const now = std::chrono::system_clock::now();
  for (auto _ : state) {
    auto trace = signer.sign(request, creds, now);
    benchmark::DoNotOptimize(trace.signature.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * request.body.size()));
  state.counters["body_bytes"] = static_cast<double>(request.body.size());
}
BENCHMARK(sign_put_records_5mib)->Unit(benchmark::kMicrosecond);

std::string get_records_answer(int count)
{
  std::string payload(100, 'p');
  std::string encoded = kinesys::codecs::base64_encode(payload);
  std::string body = R"({"MillisBehindLatest":0,"NextShardIterator":"AAAAAAAAAAH1","Records":[)";
  for (int i = 0; i < count; ++i) {
    if (i) body += ',';
    body += R"({"SequenceNumber":"4959013369818291580432487695300046054)" + std::to_string(100000 + i) +
            R"(","ApproximateArrivalTimestamp":1.7e9,"Data":")" + encoded + R"(","PartitionKey":"device-)" +
            std::to_string(i % 1000) + R"("})";
  }
  body += "]}";
  return body;
}

void parse_get_records_10k(benchmark::State& state)
{
  std::string const answer = get_records_answer(10000);
  std::string body;
  aws::get_records_result result;
  for (auto _ : state) {
    body = answer;  // parsing pads the body in place; the copy is part of receiving it
    auto parsed = aws::parse_get_records(body, result);
    if (!parsed || result.records.size() != 10000) {
      state.SkipWithError("GetRecords answer not parsed");
      return;
    }
    benchmark::DoNotOptimize(result.records.back().data.data());
  }
  state.SetItemsProcessed(state.iterations() * 10000);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * answer.size()));
}
BENCHMARK(parse_get_records_10k)->Unit(benchmark::kMicrosecond);

}  // namespace
