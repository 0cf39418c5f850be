// raw: the wire limit. PutRecords bodies are encoded before the clock
// starts (aggregated as this run's producer settings say, uncompressed) and
// replayed at the endpoint by `raw_concurrency` coroutines on one core,
// each request signed afresh as SigV4 requires. What the producer achieves
// is compared with this: the endpoint's and the network's ceiling for the
// same records, with no per-record client work.
#include "scenario.hpp"

#include <kinesys/codecs.hpp>
#include <kinesys/detail/engine/aws/call.hpp>
#include <kinesys/detail/engine/aws/kinesis_json.hpp>

#include <boost/asio/detached.hpp>

#include <atomic>
#include <charconv>

namespace kinesys::bench {

namespace aws = engine::aws;
using namespace std::chrono_literals;

namespace {

struct encoded_request {
  std::string body;
  std::size_t entries = 0;
  std::size_t user_records = 0;
};

/// Kinesis records (data, partition key, user records inside) from the pool.
struct kinesis_record {
  std::string data;
  std::string key;
  std::size_t users = 1;
};

std::vector<kinesis_record> encode_records(run_config const& c, record_pool const& pool, std::size_t max_users)
{
  std::vector<kinesis_record> out;
  std::size_t n = std::min(pool.size(), max_users);
  if (!c.producer.aggregation_enabled) {
    for (std::size_t i = 0; i < n; ++i) out.push_back({pool.datas[i], pool.keys[i], 1});
    return out;
  }
  codecs::aggregator::limits l;
  l.max_bytes = c.producer.aggregation_max_size;
  l.max_records = c.producer.aggregation_max_count;
  codecs::aggregator agg(l);
  std::string first;
  auto flush = [&] {
    if (agg.empty()) return;
    out.push_back({std::string(agg.finish()), first, agg.count()});
    agg.reset();
  };
  for (std::size_t i = 0; i < n; ++i) {
    codecs::user_record u{pool.keys[i], {}, pool.datas[i], {}};
    if (!agg.try_add(u)) {
      flush();
      agg.try_add(u);
    }
    if (agg.count() == 1) first = pool.keys[i];
  }
  flush();
  return out;
}

std::vector<encoded_request> encode_requests(run_config const& c, std::string const& stream,
                                             std::vector<kinesis_record> const& records)
{
  std::vector<encoded_request> out;
  for (std::size_t i = 0; i < records.size();) {
    std::vector<aws::put_records_entry> entries;
    std::size_t bytes = 0, users = 0;
    while (i < records.size() && entries.size() < c.producer.collection_max_count &&
           bytes + records[i].data.size() + records[i].key.size() <= c.producer.collection_max_size) {
      entries.push_back({records[i].data, records[i].key, {}});
      bytes += records[i].data.size() + records[i].key.size();
      users += records[i].users;
      ++i;
    }
    if (entries.empty()) break;
    aws::put_records_request req;
    req.stream.name = stream;
    req.records = entries;
    encoded_request e;
    if (!aws::write_put_records(e.body, req)) break;
    e.entries = entries.size();
    e.user_records = users;
    out.push_back(std::move(e));
  }
  return out;
}

unsigned failed_count(std::string_view body)
{
  auto at = body.find("\"FailedRecordCount\":");
  if (at == std::string_view::npos) return 0;
  unsigned n = 0;
  auto p = body.data() + at + 20;
  std::from_chars(p, body.data() + body.size(), n);
  return n;
}

struct raw_state {
  std::atomic<std::uint64_t> users{0}, requests{0}, failed_entries{0}, errors{0};
  std::atomic<bool> stop{false};
  std::atomic<int> running{0};
  latency_histogram latency;
};

boost::asio::awaitable<void> replay(aws::aws_json_client& client, std::vector<encoded_request> const& requests,
                                    std::size_t first, raw_state& s)
{
  for (std::size_t i = first; !s.stop.load(std::memory_order_relaxed); ++i) {
    auto const& req = requests[i % requests.size()];
    auto t0 = clock_type::now();
    auto answer = co_await client.call("PutRecords", req.body);
    s.latency.record(clock_type::now() - t0);
    s.requests.fetch_add(1, std::memory_order_relaxed);
    if (!answer) {
      s.errors.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    auto failed = std::min<std::size_t>(failed_count(answer->body), req.entries);
    s.failed_entries.fetch_add(failed, std::memory_order_relaxed);
    s.users.fetch_add(req.user_records * (req.entries - failed) / req.entries, std::memory_order_relaxed);
  }
  s.running.fetch_sub(1);
}

}  // namespace

run_result run_raw(run_context& ctx)
{
  run_result r;
  r.scenario = "raw";
  r.client = "raw";
  auto stream = ctx.name;
  ctx.endpoint.create_stream(stream, ctx.config.shards);
  auto records = encode_records(ctx.config, ctx.records, 200000);
  auto requests = encode_requests(ctx.config, stream, records);
  if (requests.empty()) {
    r.ok = false;
    r.note = "no request could be encoded";
    return r;
  }
  auto before = thread_ids();
  raw_state s;
  {
    engine::core_set cores(engine::core_set_options{.cores = 1, .handle_signals = false});
    engine::http_client_options ho;
    ho.max_connections_per_endpoint = ctx.config.raw_concurrency;
    engine::http_client http(cores.executor(0), ho);
    aws::aws_client_options co;
    co.retry.max_attempts = 1;  // the wire limit: a refusal is counted, not retried
    aws::aws_json_client client(http, aws::kinesis_protocol, ctx.endpoint.aws().kinesis, ctx.endpoint.aws().creds,
                                ctx.endpoint.aws().region, co);
    cores.start();
    s.running = static_cast<int>(ctx.config.raw_concurrency);
    for (std::size_t k = 0; k < ctx.config.raw_concurrency; ++k)
      boost::asio::co_spawn(cores.executor(0), replay(client, requests, k * 7, s), boost::asio::detached);
    auto w = measure_window(ctx, {.count = [&] { return s.users.load(); },
                                  .cpu = [&] { return cpu_seconds_since(before); },
                                  .done = {},
                                  .on_measure = [&] { s.latency.reset(); }});
    s.stop = true;
    while (s.running.load() > 0) std::this_thread::sleep_for(1ms);
    fill_rates(r, w, ctx.records.mean_bytes());
    cores.stop();
    cores.join();
  }
  r.latency = summarise(s.latency);
  r.extra["requests"] = static_cast<double>(s.requests.load());
  r.extra["failed_entries"] = static_cast<double>(s.failed_entries.load());
  r.extra["request_errors"] = static_cast<double>(s.errors.load());
  r.extra["user_per_kinesis_record"] = static_cast<double>(ctx.records.size() < 200000 ? ctx.records.size() : 200000) /
                                       static_cast<double>(records.size());
  r.extra["records_per_s_per_shard"] = r.records_per_s / ctx.config.shards;
  if (r.records == 0) {
    r.ok = false;
    r.note = "no request succeeded";
  }
  ctx.endpoint.delete_stream(stream);
  return r;
}

}  // namespace kinesys::bench
