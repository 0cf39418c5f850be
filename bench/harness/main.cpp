// kinesys-bench: which batch size, aggregation, compression, concurrency,
// read interval and write rate to run with, measured before paying for
// shards and capacity. docs/bench.md is the manual.
//
//   kinesys-bench produce --duration 10s --sweep compression=none,zstd1,zstd3 --peers boto3,js
//   kinesys-bench consume --set mode=merge --repeat 3
//   kinesys-bench advise --record-size 100 --shards 4 --target-rate 20000
#include "advise.hpp"
#include "options.hpp"
#include "plots.hpp"
#include "report.hpp"
#include "runner.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace kinesys::bench;

/// Options every subcommand shares.
struct raw_flags {
  std::string duration = "10s", warmup = "2s", record_size, ndjson, out = "bench-out", endpoint, limits = "off";
  std::string key_field, local_mode = "in-process", local_binary;
  bool telemetry = false, no_plots = false, no_raw = false;
  int repeat = 1, shards = 4;
  std::size_t backlog = 0;
  std::vector<std::string> sets, sweeps, peers;
  double target_rate = 0;
};

void add_common(CLI::App& app, raw_flags& f, bool sweeps)
{
  app.add_option("--duration", f.duration, "measured time per run (10s, 500ms, 2m)")->capture_default_str();
  app.add_option("--warmup", f.warmup, "time before measuring, excluded from figures")->capture_default_str();
  app.add_option("--record-size", f.record_size, "fixed-size JSON records of this many bytes (default 100)");
  app.add_flag("--telemetry", f.telemetry, "the seeds' telemetry events, values varying (same as --shape telemetry)");
  app.add_option_function<std::string>(
      "--shape", [&f](std::string const& v) { f.telemetry = v == "telemetry"; if (v != "telemetry" && v != "fixed") throw CLI::ValidationError("--shape", "fixed or telemetry"); },
      "fixed | telemetry");
  app.add_option("--ndjson", f.ndjson, "replay the lines of this NDJSON file");
  app.add_option("--key-field", f.key_field, "payload field holding the partition/item key");
  app.add_option("--shards", f.shards, "shards of the stream")->capture_default_str();
  app.add_option("--endpoint", f.endpoint,
                 "endpoint URL, or 'env' for the AWS variables (AWS_ENDPOINT_URL_KINESIS, ...); default: kinesys-local in process");
  app.add_option("--local-limits", f.limits, "kinesys-local enforces the AWS shard limits: on | off")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_option("--local", f.local_mode,
                 "where kinesys-local runs when no --endpoint is given: in-process | process (a separate process on loopback)")
      ->check(CLI::IsMember({"in-process", "process"}))
      ->capture_default_str();
  app.add_option("--local-binary", f.local_binary, "with --local process: the kinesys-local to start (default: beside kinesys-bench)");
  app.add_option("--out", f.out, "directory for results.csv/json, summary.md and plots/")->capture_default_str();
  app.add_option("--backlog", f.backlog, "consume: records put before the consumer starts (default: sized from the duration)");
  app.add_flag("--no-plots", f.no_plots, "skip the gnuplot PNGs");
  if (!sweeps) return;
  app.add_option("--repeat", f.repeat, "runs per configuration (median and spread)")->capture_default_str();
  app.add_option("--set", f.sets, "Key=Value: a producer key (AggregationMaxSize, ...), a consumer key (read.batch_size, ...) "
                                  "or a harness key (compression, rate, write_rate, mode, keys, record_size, shards, connections)");
  app.add_option("--sweep", f.sweeps, "Key=v1,v2,...: run every value (several --sweep: every combination)");
  app.add_option("--peers", f.peers, "also run the same records with: boto3, js (comma separated)")->delimiter(',');
  app.add_flag("--no-raw", f.no_raw, "with --peers: do not replay the raw wire limit beside them");
}

bench_options to_options(raw_flags const& f, scenario kind, std::string command_line)
{
  bench_options o;
  o.kind = kind;
  auto d = parse_duration(f.duration);
  auto w = parse_duration(f.warmup);
  if (!d || d->count() <= 0) throw CLI::ValidationError("--duration", "expected a duration such as 10s, got " + f.duration);
  if (!w) throw CLI::ValidationError("--warmup", "expected a duration such as 2s, got " + f.warmup);
  o.duration = *d;
  o.warmup = *w;
  o.repeat = std::max(1, f.repeat);
  if (!f.ndjson.empty()) {
    o.shape = shape_kind::ndjson;
    o.ndjson_file = f.ndjson;
  } else if (f.telemetry) {
    o.shape = shape_kind::telemetry;
  }
  if (!f.record_size.empty()) {
    auto n = parse_size(f.record_size);
    if (!n || *n < 16 || *n > 1000000) throw CLI::ValidationError("--record-size", "expected 16 B .. 1000000 B, got " + f.record_size);
    o.record_size = *n;
  }
  o.key_field = f.key_field;
  o.shards = f.shards;
  o.endpoint = f.endpoint;
  o.local_limits = f.limits == "on";
  o.local_as_process = f.local_mode == "process";
  o.local_binary = f.local_binary;
  o.out_dir = f.out;
  o.backlog = f.backlog;
  o.plots = !f.no_plots;
  o.with_raw = !f.no_raw;
  o.peers = f.peers;
  for (auto const& s : f.sets) {
    auto p = parse_setting(s);
    if (!p) throw CLI::ValidationError("--set", "expected Key=Value, got " + s);
    o.settings.push_back(*p);
  }
  for (auto const& s : f.sweeps) {
    auto p = parse_sweep(s);
    if (!p) throw CLI::ValidationError("--sweep", "expected Key=v1,v2,..., got " + s);
    o.sweeps.push_back(*p);
  }
  o.command_line = std::move(command_line);
  return o;
}

int run_scenario_command(bench_options const& o)
{
  auto inv = run_invocation(o);
  if (auto problem = write_reports(inv); !problem.empty()) {
    std::fprintf(stderr, "kinesys-bench: %s\n", problem.c_str());
    return 1;
  }
  if (o.plots) {
    auto p = draw_plots(inv, std::string(to_string(o.kind)));
    if (!p.problem.empty()) std::fprintf(stderr, "kinesys-bench: %s\n", p.problem.c_str());
  }
  std::cout << markdown_summary(inv) << "\nResults: " << o.out_dir << "/results.csv, results.json, summary.md"
            << (o.plots ? ", plots/" : "") << "\n";
  bool any_ok = false;
  // The scenario's own client: kinesys, or the pre-encoded replay for `raw`.
  for (auto const& r : inv.runs) any_ok = any_ok || (r.ok && (r.client == "kinesys" || r.client == "raw"));
  return any_ok ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv)
{
  std::string command_line = "kinesys-bench";
  for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];

  CLI::App app{"kinesys-bench: throughput tuning for the kinesys producer and consumer (docs/bench.md)"};
  app.set_version_flag("--version", "kinesys-bench " KINESYS_BENCH_VERSION);
  app.require_subcommand(1);
  raw_flags f;
  struct sub {
    char const* name;
    char const* help;
    scenario kind;
  };
  sub const subs[] = {
      {"produce", "producer -> stream: user records acknowledged per second", scenario::produce},
      {"consume", "stream with a backlog -> consumer -> table: records applied to the table per second", scenario::consume},
      {"pipeline", "producer -> stream -> consumer -> table at once", scenario::pipeline},
      {"raw", "pre-encoded PutRecords replayed at the endpoint: the wire limit", scenario::raw},
  };
  std::vector<std::pair<CLI::App*, scenario>> commands;
  for (auto const& s : subs) {
    auto* c = app.add_subcommand(s.name, s.help);
    add_common(*c, f, true);
    commands.emplace_back(c, s.kind);
  }
  auto* advise = app.add_subcommand("advise", "the configuration to use for a record shape, a shard count and a target rate");
  add_common(*advise, f, false);
  advise->add_option("--target-rate", f.target_rate, "user records per second needed")->required();
  bool no_consumer = false;
  advise->add_flag("--producer-only", no_consumer, "skip the consumer sweep");

  try {
    app.parse(argc, argv);
    if (advise->parsed()) {
      raw_flags af = f;
      if (af.duration == "10s") af.duration = "3s";
      if (af.warmup == "2s") af.warmup = "1s";
      advise_options a;
      a.base = to_options(af, scenario::produce, command_line);
      a.shards = f.shards;
      a.target_rate = f.target_rate;
      a.consumer = !no_consumer;
      if (a.target_rate <= 0) throw CLI::ValidationError("--target-rate", "must be positive");
      std::filesystem::create_directories(a.base.out_dir);
      return run_advise(a);
    }
    for (auto const& [c, kind] : commands)
      if (c->parsed()) return run_scenario_command(to_options(f, kind, command_line));
  } catch (CLI::ParseError const& e) {
    return app.exit(e);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "kinesys-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
