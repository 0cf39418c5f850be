// Microbenchmarks of kinesys::codecs. Floors (issue 4): aggregation >= 5 M
// user records/s of 100 bytes per core; base64 encode >= 1 GB/s.
// Figures and the command that produced them: docs/perf-codecs.md.
#include <kinesys/codecs.hpp>

#include <benchmark/benchmark.h>

#include <memory>
#include <random>

namespace codecs = kinesys::codecs;

namespace {

// Partition keys as a producer would have them: a few thousand devices.
std::vector<std::string> const& device_keys()
{
  static auto const keys = [] {
    std::vector<std::string> k;
    for (int i = 0; i < 4096; ++i) k.push_back("device-" + std::to_string(i * 7919 % 100000));
    return k;
  }();
  return keys;
}

std::string telemetry_event(int i)
{
  return R"({"device_id":)" + std::to_string(i % 1000) + R"(,"time":"2022-01-01 )" + std::to_string(10 + i / 3600 % 14) +
         ":" + std::to_string(10 + i / 60 % 50) + ":" + std::to_string(10 + i % 50) +
         R"(","measurement":"temperature","value":)" + std::to_string(60 + i * 37 % 400 / 10.0).substr(0, 5) + "}";
}

// A block of aggregated telemetry events of about `bytes` bytes.
std::string aggregated_telemetry(std::size_t bytes)
{
  codecs::aggregator agg({.max_bytes = bytes});
  std::vector<std::string> events;
  for (int i = 0;; ++i) {
    auto e = telemetry_event(i);
    if (!agg.try_add({device_keys()[i % device_keys().size()], "", e, {}})) break;
  }
  return std::string(agg.finish());
}

void aggregate(benchmark::State& state, bool finish)
{
  std::size_t const size = static_cast<std::size_t>(state.range(0));
  std::string payload(size, 'p');
  auto const& keys = device_keys();
  codecs::aggregator agg;
  std::size_t records = 0, key = 0, bytes = 0;
  for (auto _ : state) {
    agg.reset();
    while (agg.try_add({keys[key], "", payload, {}})) {
      key = (key + 1) & (keys.size() - 1);
      ++records;
    }
    if (finish) {
      auto out = agg.finish();
      benchmark::DoNotOptimize(out.data());
      bytes += out.size();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(static_cast<std::int64_t>(records * size));
}

}  // namespace

// Aggregating user records into 1 MiB records, finished (MD5 included).
static void BM_aggregate(benchmark::State& state) { aggregate(state, true); }
BENCHMARK(BM_aggregate)->Arg(100)->Arg(1024);

// The same without finish(): the encoding share, MD5 and copy excluded.
static void BM_aggregate_encode_only(benchmark::State& state) { aggregate(state, false); }
BENCHMARK(BM_aggregate_encode_only)->Arg(100)->Arg(1024);

// Aggregating for several shards at once and finishing their records
// together, as the producer does for the records of one PutRecords request
// (5 MiB = five full 1 MiB records). Arg 1: number of aggregators.
static void BM_aggregate_batch(benchmark::State& state)
{
  std::size_t const size = static_cast<std::size_t>(state.range(0));
  std::size_t const shards = static_cast<std::size_t>(state.range(1));
  std::string payload(size, 'p');
  auto const& keys = device_keys();
  std::vector<codecs::aggregator> aggs(shards);
  std::vector<codecs::aggregator*> batch;
  for (auto& a : aggs) batch.push_back(&a);
  std::size_t records = 0, key = 0;
  for (auto _ : state) {
    for (auto& a : aggs) a.reset();
    // Records arrive mixed across shards; each goes to its shard's aggregator
    // until that one is full.
    std::size_t open = shards;
    std::uint64_t full_mask = 0;
    for (std::size_t s = 0; open > 0; s = s + 1 == shards ? 0 : s + 1) {
      if (full_mask >> s & 1) continue;
      if (!aggs[s].try_add({keys[key], "", payload, {}})) {
        full_mask |= std::uint64_t{1} << s;
        --open;
        continue;
      }
      key = (key + 1) & (keys.size() - 1);
      ++records;
    }
    codecs::aggregator::finish_all(batch);
    benchmark::DoNotOptimize(aggs[0].finished_record().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(static_cast<std::int64_t>(records * size));
}
BENCHMARK(BM_aggregate_batch)->ArgNames({"bytes", "shards"})->Args({100, 5})->Args({100, 8})->Args({1024, 5});

static void BM_deaggregate(benchmark::State& state)
{
  std::size_t const size = static_cast<std::size_t>(state.range(0));
  std::string payload(size, 'p');
  codecs::aggregator agg;
  for (std::size_t i = 0; agg.try_add({device_keys()[i % device_keys().size()], "", payload, {}}); ++i) {
  }
  std::string record(agg.finish());
  codecs::deaggregator d;
  std::size_t records = 0;
  for (auto _ : state) {
    auto r = d.decode(record);
    if (!r || !*r) state.SkipWithError("decode failed");
    records += d.records().size();
    benchmark::DoNotOptimize(d.records().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(static_cast<std::int64_t>(records * size));
}
BENCHMARK(BM_deaggregate)->Arg(100)->Arg(1024);

// Deaggregating the records of one GetRecords response together: the MD5
// checks run side by side (check_aggregated), then each record is parsed.
static void BM_deaggregate_batch(benchmark::State& state)
{
  std::size_t const size = static_cast<std::size_t>(state.range(0));
  std::size_t const count = static_cast<std::size_t>(state.range(1));
  std::string payload(size, 'p');
  std::vector<std::string> records;
  for (std::size_t r = 0; r < count; ++r) {
    codecs::aggregator agg;
    for (std::size_t i = r; agg.try_add({device_keys()[i % device_keys().size()], "", payload, {}}); ++i) {
    }
    records.emplace_back(agg.finish());
  }
  std::vector<std::string_view> views(records.begin(), records.end());
  std::unique_ptr<bool[]> ok(new bool[count]);
  codecs::deaggregator d;
  std::size_t users = 0;
  for (auto _ : state) {
    codecs::check_aggregated(views, ok.get());
    for (std::size_t r = 0; r < count; ++r) {
      auto res = d.decode(views[r], ok[r] ? codecs::md5_check::already_verified : codecs::md5_check::verify);
      if (!res || !*res) state.SkipWithError("decode failed");
      users += d.records().size();
      benchmark::DoNotOptimize(d.records().data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(users));
  state.SetBytesProcessed(static_cast<std::int64_t>(users * size));
}
BENCHMARK(BM_deaggregate_batch)->ArgNames({"bytes", "records"})->Args({100, 5})->Args({100, 8})->Args({1024, 5});

// Compression of aggregated telemetry blocks. Arg 0: block size; arg 1:
// codec (1 zstd, 2 gzip); arg 2: level.
static void BM_compress(benchmark::State& state)
{
  auto block = aggregated_telemetry(static_cast<std::size_t>(state.range(0)));
  codecs::compression_options opts{static_cast<codecs::compression_codec>(state.range(1)), static_cast<int>(state.range(2))};
  std::string out;
  for (auto _ : state) {
    out.clear();
    if (!codecs::compress(out, block, opts)) state.SkipWithError("compress failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * block.size()));
  state.counters["ratio"] = static_cast<double>(block.size()) / static_cast<double>(out.size());
}

static void BM_decompress(benchmark::State& state)
{
  auto block = aggregated_telemetry(static_cast<std::size_t>(state.range(0)));
  codecs::compression_options opts{static_cast<codecs::compression_codec>(state.range(1)), static_cast<int>(state.range(2))};
  std::string env, out;
  (void)codecs::compress(env, block, opts);
  for (auto _ : state) {
    out.clear();
    if (!codecs::decompress(out, env)) state.SkipWithError("decompress failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * block.size()));
  state.counters["ratio"] = static_cast<double>(block.size()) / static_cast<double>(env.size());
}

#define KINESYS_COMPRESSION_ARGS                                                                          \
  ArgNames({"bytes", "codec", "level"})                                                                   \
      ->Args({64 << 10, 1, 1})->Args({64 << 10, 1, 3})->Args({64 << 10, 2, 6})                             \
      ->Args({1 << 20, 1, 1})->Args({1 << 20, 1, 3})->Args({1 << 20, 2, 6})
BENCHMARK(BM_compress)->KINESYS_COMPRESSION_ARGS;
BENCHMARK(BM_decompress)->KINESYS_COMPRESSION_ARGS;

static void BM_base64_encode(benchmark::State& state)
{
  std::string data(static_cast<std::size_t>(state.range(0)), '\0');
  std::mt19937 rng(1);
  for (auto& c : data) c = static_cast<char>(rng());
  std::string out;
  out.reserve(codecs::base64_encoded_size(data.size()));
  for (auto _ : state) {
    out.clear();
    codecs::base64_encode(out, data);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
  state.SetLabel(codecs::base64_implementation());
}
BENCHMARK(BM_base64_encode)->Arg(1 << 10)->Arg(1 << 20);

static void BM_base64_encode_scalar(benchmark::State& state)
{
  std::string data(static_cast<std::size_t>(state.range(0)), '\0');
  std::mt19937 rng(1);
  for (auto& c : data) c = static_cast<char>(rng());
  std::string out;
  out.reserve(codecs::base64_encoded_size(data.size()));
  for (auto _ : state) {
    out.clear();
    codecs::base64_encode_scalar(out, data);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_base64_encode_scalar)->Arg(1 << 20);

static void BM_base64_decode(benchmark::State& state)
{
  std::string data(static_cast<std::size_t>(state.range(0)), '\0');
  std::mt19937 rng(1);
  for (auto& c : data) c = static_cast<char>(rng());
  auto text = codecs::base64_encode(data);
  std::string out;
  out.reserve(data.size() + 4);
  for (auto _ : state) {
    out.clear();
    if (!codecs::base64_decode(out, text)) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  // Counted in decoded bytes, the unit the encoder is measured in.
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_base64_decode)->Arg(1 << 10)->Arg(1 << 20);

static void BM_hash_key_of(benchmark::State& state)
{
  auto const& keys = device_keys();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(codecs::hash_key_of(keys[i]));
    i = (i + 1) & (keys.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_hash_key_of);

// The hash keys of the 500 records of a PutRecords request, computed together.
static void BM_hash_keys_of_500(benchmark::State& state)
{
  std::vector<std::string_view> keys(device_keys().begin(), device_keys().begin() + 500);
  std::vector<codecs::uint128> out(keys.size());
  for (auto _ : state) {
    codecs::hash_keys_of(keys, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 500);
}
BENCHMARK(BM_hash_keys_of_500);

// A PutRecords body of 500 records of 100 bytes, as the producer writes it.
static void BM_json_put_records_body(benchmark::State& state)
{
  std::string payload(100, 'p');
  std::string body;
  for (auto _ : state) {
    body.clear();
    codecs::json_writer w(body);
    w.begin_object().member("StreamName", "telemetry").key("Records").begin_array();
    for (int i = 0; i < 500; ++i)
      w.begin_object().member("PartitionKey", device_keys()[i]).key("Data").base64_string(payload).end_object();
    w.end_array().end_object();
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(state.iterations() * 500);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_json_put_records_body);

static void BM_document_to_item(benchmark::State& state)
{
  auto event = telemetry_event(12345);
  for (auto _ : state) {
    auto it = codecs::document_to_item(event);
    benchmark::DoNotOptimize(it);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_document_to_item);
