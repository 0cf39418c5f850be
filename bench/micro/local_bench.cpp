// kinesys-local's request path on one core, in process: the dispatcher
// parses the JSON body, runs the model and writes the answer, as the server
// does after the HTTP layer. Floors (issue 5): >= 300 MB/s of PutRecords
// payload and >= 200,000 conditional PutItem/s on one core, in memory.
#include <kinesys/local.hpp>

#include <kinesys/detail/codecs/base64.hpp>

#include <benchmark/benchmark.h>

#include <charconv>
#include <cstring>
#include <string>

namespace {

using kinesys::local::dispatcher;
using kinesys::local::local_options;

local_options bench_options()
{
  local_options o;
  o.cores = 1;
  // Limits would throttle a single stream long before the CPU is busy; the
  // point here is the cost of the request path itself.
  o.kinesis.throttle = false;
  o.dynamodb.throttle = false;
  o.kinesis.max_shard_bytes_in_memory = 64u << 20;  // bounded memory over a long run
  return o;
}

std::string put_records_body(int records, std::size_t bytes)
{
  std::string data = kinesys::codecs::base64_encode(std::string(bytes, 'x'));
  std::string body = R"({"StreamName":"bench","Records":[)";
  for (int i = 0; i < records; ++i) {
    if (i) body += ',';
    body += R"({"Data":")" + data + R"(","PartitionKey":"device-)" + std::to_string(i * 7919 % 100000) + "\"}";
  }
  return body + "]}";
}

void put_records(benchmark::State& state)
{
  int const records = static_cast<int>(state.range(0));
  auto const bytes = static_cast<std::size_t>(state.range(1));
  dispatcher d(bench_options());
  std::string create = R"({"StreamName":"bench","ShardCount":8})";
  if (d.handle("Kinesis_20131202.CreateStream", create).status != 200) state.SkipWithError("CreateStream failed");
  std::string body = put_records_body(records, bytes);
  std::size_t n = 0;
  for (auto _ : state) {
    auto r = d.handle("Kinesis_20131202.PutRecords", body);
    if (r.status != 200) {
      state.SkipWithError(r.body.c_str());
      break;
    }
    benchmark::DoNotOptimize(r.body.data());
    if (++n % 64 == 0) d.maintain(0);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * records * static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * records);
}
BENCHMARK(put_records)->Args({500, 1024})->Args({500, 10 * 1024})->Args({100, 50 * 1024})->Unit(benchmark::kMicrosecond);

void get_records(benchmark::State& state)
{
  dispatcher d(bench_options());
  std::string create = R"({"StreamName":"bench","ShardCount":1})";
  (void)d.handle("Kinesis_20131202.CreateStream", create);
  std::string body = put_records_body(500, 1024);
  for (int i = 0; i < 20; ++i) (void)d.handle("Kinesis_20131202.PutRecords", body);
  std::string it_req = R"({"StreamName":"bench","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"})";
  auto it = d.handle("Kinesis_20131202.GetShardIterator", it_req).body;
  auto start = it.find(":\"") + 2;
  std::string get = R"({"ShardIterator":")" + it.substr(start, it.find('"', start) - start) + R"(","Limit":10000})";
  for (auto _ : state) {
    auto r = d.handle("Kinesis_20131202.GetRecords", get);
    benchmark::DoNotOptimize(r.body.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 10000 * 1024);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 10000);
}
BENCHMARK(get_records)->Unit(benchmark::kMicrosecond);

// The consumer's write: a conditional put that applies only newer versions.
void conditional_put_item(benchmark::State& state)
{
  dispatcher d(bench_options());
  std::string create = R"({"TableName":"bench","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
                       R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})";
  if (d.handle("DynamoDB_20120810.CreateTable", create).status != 200) state.SkipWithError("CreateTable failed");
  auto const keys = static_cast<std::uint64_t>(state.range(0));
  std::string body;
  body.reserve(512);
  std::uint64_t i = 0, failed = 0;
  for (auto _ : state) {
    std::uint64_t const key = i % keys, version = i / keys + 1;
    ++i;
    char k[24], v[24];
    auto ke = std::to_chars(k, k + sizeof k, key).ptr;
    auto ve = std::to_chars(v, v + sizeof v, version).ptr;
    body.assign(R"({"TableName":"bench","Item":{"pk":{"S":"device-)");
    body.append(k, ke);
    body.append(R"("},"version":{"N":")");
    body.append(v, ve);
    body.append(R"("},"temperature":{"N":"21.5"},"measurement":{"S":"temperature"},"time":{"N":"1700000000123"}},)"
                R"("ConditionExpression":"attribute_not_exists(pk) OR #v < :v","ExpressionAttributeNames":{"#v":"version"},)"
                R"("ExpressionAttributeValues":{":v":{"N":")");
    body.append(v, ve);
    body.append(R"("}}})");
    auto r = d.handle("DynamoDB_20120810.PutItem", body);
    failed += r.status != 200;
    benchmark::DoNotOptimize(r.body.data());
  }
  if (failed) state.SkipWithError("a conditional put failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(conditional_put_item)->Arg(1000)->Arg(100000);

}  // namespace

// --- over HTTP -----------------------------------------------------------------------------------

#include <kinesys/engine.hpp>
#include <kinesys/detail/engine/aws/sigv4.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <future>

namespace {

namespace asio = boost::asio;

// PutRecords through the whole server: HTTP parsing, SigV4 verification
// (arg 1) and the dispatch to the stream's core. The client runs on its own
// core and signs each request as an SDK would.
void http_put_records(benchmark::State& state)
{
  bool const auth = state.range(0) != 0;
  local_options o = bench_options();
  o.auth.verify = auth;
  kinesys::local::local_server server(o);
  auto port = server.start();
  if (!port) {
    state.SkipWithError("server did not start");
    return;
  }
  kinesys::engine::core_set client_cores(kinesys::engine::core_set_options{.cores = 1, .handle_signals = false});
  client_cores.start();
  kinesys::engine::http_client client(client_cores.executor(0));
  kinesys::engine::endpoint ep{"http", "127.0.0.1", *port};
  kinesys::engine::aws::sigv4_signer signer("us-east-1", "kinesis");
  kinesys::engine::aws::credentials creds{"kinesys-local", "kinesys-local-secret", {}, "bench"};

  auto call = [&](std::string const& target, std::string const& body) {
    std::promise<unsigned> done;
    client_cores.post(0, [&] {
      asio::co_spawn(client_cores.executor(0), [&]() -> asio::awaitable<void> {
        kinesys::engine::http_request req;
        req.method = "POST";
        req.target = "/";
        req.headers = {{"Host", ep.authority()}, {"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", target}};
        req.body = body;
        if (auth) signer.sign(req, creds, std::chrono::system_clock::now());
        auto r = co_await client.request(ep, std::move(req));
        done.set_value(r ? r->status : 0);
      }, asio::detached);
    });
    return done.get_future().get();
  };
  if (call("Kinesis_20131202.CreateStream", R"({"StreamName":"bench","ShardCount":8})") != 200) {
    state.SkipWithError("CreateStream failed");
  }
  std::string body = put_records_body(500, 10 * 1024);
  for (auto _ : state) {
    if (call("Kinesis_20131202.PutRecords", body) != 200) {
      state.SkipWithError("PutRecords failed");
      break;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 500 * 10 * 1024);
  client_cores.stop();
  client_cores.join();
  server.stop();
}
BENCHMARK(http_put_records)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
