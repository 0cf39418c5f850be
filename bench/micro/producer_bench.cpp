// Producer throughput: user records/s through one producer core, from put to
// acknowledgement, against an in-process kinesys-local with its per-shard
// throughput limits off (so the producer, not the shard limit, is measured).
// One application thread calls put_async; the producer core aggregates,
// collects and sends; kinesys-local answers on its own core.
//
//   kinesys_bench_producer_bench --benchmark_filter='put/100/1/0'
//
// Arguments: record size (bytes), aggregation (0/1), compression (0/1).
//
// put_latency_at_half_load: put -> acknowledgement latency (p50, p99, max)
// with RecordMaxBufferedTime at the KPL's 100 ms, while the application puts
// at half the rate this producer reaches flat out (measured first, in the
// same run). Figures: docs/performance.md.
#include "measure.hpp"

#include <kinesys/local.hpp>
#include <kinesys/producer.hpp>
#include <kinesys/detail/engine/aws/kinesis_client.hpp>

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <span>
#include <thread>
#include <string>
#include <vector>

namespace {

using namespace kinesys;

constexpr int shard_count = 64;
constexpr int key_count = 10000;

struct bench_server {
  bench_server() {
    local::local_options o;
    o.cores = 1;
    o.kinesis.throttle = false;
    o.kinesis.shard_limit = 1000;
    // Keep memory bounded over long runs: old records are trimmed.
    o.kinesis.max_shard_bytes_in_memory = 4 << 20;
    server = std::make_unique<local::local_server>(o);
    server->start().value();
    boost::asio::io_context io;
    engine::http_client http(io.get_executor());
    engine::aws::kinesis_client client(http, engine::endpoint::parse(server->endpoint()).value(),
                                       engine::aws::credentials{"kinesys-local", "kinesys-local-secret", "", ""},
                                       "us-east-1");
    auto create = [&]() -> boost::asio::awaitable<void> {
      // Requests named, not braced temporaries: GCC 12 destroys a temporary
      // that shares a full expression with a co_await twice.
      engine::aws::create_stream_request const request{"bench", shard_count, engine::aws::stream_mode::provisioned};
      engine::aws::stream_ref const stream{"bench", ""};
      (void)co_await client.create_stream(request);
      (void)co_await client.wait_for_stream(stream);
    };
    auto f = boost::asio::co_spawn(io, create(), boost::asio::use_future);
    io.run();
    f.get();
  }
  std::unique_ptr<local::local_server> server;
};

bench_server& server() {
  static bench_server s;
  return s;
}

/// One producer core against the bench server, its limits out of the way.
producer::producer_config bench_config(std::chrono::milliseconds record_max_buffered_time) {
  producer::producer_config c;
  c.kinesis_endpoint = server().server->endpoint();
  c.cores = 1;
  c.rate_limit = 100000;  // the server does not limit either
  c.max_outstanding_records = 200000;
  c.record_max_buffered_time = record_max_buffered_time;
  return c;
}

engine::aws::environment bench_environment() {
  return engine::aws::environment::from_map({{"AWS_ACCESS_KEY_ID", "kinesys-local"},
                                             {"AWS_SECRET_ACCESS_KEY", "kinesys-local-secret"},
                                             {"AWS_REGION", "us-east-1"}});
}

/// What a run puts: key_count device keys, and JSON telemetry like the
/// seeds' events, padded to the record size.
struct bench_input {
  explicit bench_input(std::size_t size) {
    for (int i = 0; i < key_count; ++i) keys.push_back("device-" + std::to_string(i));
    data = R"({"device_id":"device-1","time":"2022-01-01 00:01:00","measurement":"temperature","value":76.1})";
    data.resize(size, ' ');
  }
  std::vector<std::string> keys;
  std::string data;
};

std::uint64_t records_per_iteration(std::size_t size) { return size >= 1024 ? 100000 : 300000; }

void report(benchmark::State& state, std::uint64_t per_iteration, std::size_t size, double core_cpu,
            producer::producer const& p, std::uint64_t failed) {
  auto const records = static_cast<double>(state.iterations() * per_iteration);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * per_iteration));
  // Per second of the producer core's CPU: the rate one fully busy core
  // would reach, whatever else shares this machine's cores.
  state.counters["per_core_cpu_s"] = core_cpu > 0 ? records / core_cpu : 0;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * per_iteration * size));
  auto m = p.metrics();
  state.counters["failed"] = static_cast<double>(failed);
  state.counters["kinesis_records"] = static_cast<double>(m.kinesis_records_put);
  state.counters["retries"] = static_cast<double>(m.retries);
  state.counters["max_buffering_ms"] = static_cast<double>(m.buffering_time_ms_max);
}

void put(benchmark::State& state) {
  auto size = static_cast<std::size_t>(state.range(0));
  auto c = bench_config(std::chrono::milliseconds(50));
  c.aggregation_enabled = state.range(1) != 0;
  c.compression = state.range(2) != 0 ? producer::compression_codec::zstd : producer::compression_codec::none;
  // The threads started from here on are the producer's: its core, whose
  // CPU time the floor is stated for.
  auto const threads_before = bench::thread_ids();
  producer::producer p(c, bench_environment());
  bench_input in(size);

  std::atomic<std::uint64_t> ok{0}, failed{0};
  auto done = [&](producer::put_outcome o) { (o ? ok : failed).fetch_add(1, std::memory_order_relaxed); };
  // Warm up: shard map loaded, pools and buffers grown.
  for (int i = 0; i < 20000; ++i) p.put_async("bench", in.keys[i % key_count], in.data, done);
  p.flush_sync();

  std::uint64_t const per_iteration = records_per_iteration(size);
  std::uint64_t n = 0;
  double const core_cpu_before = bench::cpu_seconds_since(threads_before);
  for (auto _ : state) {
    for (std::uint64_t i = 0; i < per_iteration; ++i, ++n) p.put_async("bench", in.keys[n % key_count], in.data, done);
    p.flush_sync();
  }
  report(state, per_iteration, size, bench::cpu_seconds_since(threads_before) - core_cpu_before, p, failed.load());
}

// The same flow through put_batch_async: the application hands records over
// in batches (as a PutRecords loop does), its keys hashed side by side and
// each batch given to the core under one lock.
void put_batch(benchmark::State& state) {
  auto size = static_cast<std::size_t>(state.range(0));
  auto batch_size = static_cast<std::size_t>(state.range(1));
  auto c = bench_config(std::chrono::milliseconds(50));
  auto const threads_before = bench::thread_ids();
  producer::producer p(c, bench_environment());
  bench_input in(size);
  // Every batch of the run is a window of these, made once.
  std::vector<producer::batch_record> records;
  for (auto const& key : in.keys) records.push_back({key, in.data});

  std::atomic<std::uint64_t> ok{0}, failed{0};
  auto done = [&](std::size_t, producer::put_outcome const& o) { (o ? ok : failed).fetch_add(1, std::memory_order_relaxed); };
  std::size_t at = 0;
  auto next_batch = [&] {
    if (at + batch_size > records.size()) at = 0;
    std::span<producer::batch_record const> b(records.data() + at, batch_size);
    at += batch_size;
    return b;
  };
  for (int i = 0; i < 20000; i += static_cast<int>(batch_size)) p.put_batch_async("bench", next_batch(), done);
  p.flush_sync();

  std::uint64_t per_iteration = records_per_iteration(size);
  per_iteration -= per_iteration % batch_size;
  double const core_cpu_before = bench::cpu_seconds_since(threads_before);
  for (auto _ : state) {
    for (std::uint64_t i = 0; i < per_iteration; i += batch_size) p.put_batch_async("bench", next_batch(), done);
    p.flush_sync();
  }
  report(state, per_iteration, size, bench::cpu_seconds_since(threads_before) - core_cpu_before, p, failed.load());
}

BENCHMARK(put)
    ->ArgNames({"size", "agg", "zstd"})
    ->Args({100, 1, 0})
    ->Args({100, 0, 0})
    ->Args({1024, 1, 0})
    ->Args({1024, 0, 0})
    ->Args({100, 1, 1})
    ->Args({1024, 1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);

void put_latency_at_half_load(benchmark::State& state) {
  using clock = std::chrono::steady_clock;
  producer::producer p(bench_config(std::chrono::milliseconds(100)), bench_environment());
  bench_input in(100);
  auto const& keys = in.keys;
  auto const& data = in.data;

  std::atomic<std::uint64_t> failed{0};
  auto count = [&](producer::put_outcome o) {
    if (!o) failed.fetch_add(1, std::memory_order_relaxed);
  };
  // Flat out first: the rate "full load" means on this machine, now.
  for (int i = 0; i < 20000; ++i) p.put_async("bench", keys[i % key_count], data, count);
  p.flush_sync();
  constexpr std::uint64_t probe = 300000;
  auto t0 = clock::now();
  for (std::uint64_t i = 0; i < probe; ++i) p.put_async("bench", keys[i % key_count], data, count);
  p.flush_sync();
  double const full_rate = static_cast<double>(probe) / std::chrono::duration<double>(clock::now() - t0).count();
  double const rate = full_rate / 2;

  // Half load for 5 s, put in small bursts on a fixed schedule; each
  // completion writes its latency into a preallocated slot.
  auto const total = static_cast<std::size_t>(rate * 5);
  std::vector<std::int64_t> latency_us(total, -1);
  auto const start = clock::now();
  for (auto _ : state) {
    constexpr std::size_t burst = 100;
    auto const gap = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(burst / rate));
    auto next = start;
    for (std::size_t i = 0; i < total;) {
      std::this_thread::sleep_until(next);
      next += gap;
      for (std::size_t j = 0; j < burst && i < total; ++j, ++i) {
        auto sent = clock::now();
        p.put_async("bench", keys[i % key_count], data, [&, i, sent](producer::put_outcome o) {
          if (!o) failed.fetch_add(1, std::memory_order_relaxed);
          latency_us[i] = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - sent).count();
        });
      }
    }
    p.flush_sync();
  }
  std::sort(latency_us.begin(), latency_us.end());
  auto at = [&](double q) { return static_cast<double>(latency_us[static_cast<std::size_t>(q * (total - 1))]) / 1000.0; };
  state.counters["full_rate_per_s"] = full_rate;
  state.counters["half_rate_per_s"] = rate;
  state.counters["p50_ms"] = at(0.50);
  state.counters["p99_ms"] = at(0.99);
  state.counters["max_ms"] = at(1.0);
  state.counters["p99_over_buffered_time"] = at(0.99) / 100.0;
  state.counters["failed"] = static_cast<double>(failed.load());
  if (latency_us.front() < 0) state.SkipWithError("a record was not completed");
}

BENCHMARK(put_batch)
    ->ArgNames({"size", "batch"})
    ->Args({100, 500})
    ->Args({100, 50})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2.0);
BENCHMARK(put_latency_at_half_load)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
