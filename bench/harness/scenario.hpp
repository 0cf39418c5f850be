#pragma once
// What every scenario gets (the options, the target, one configuration, the
// records, the progress line) and what it returns: one measured run.
#include "measure.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "records.hpp"
#include "run_config.hpp"
#include "target.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace kinesys::bench {

struct run_result {
  std::string scenario;
  std::string client = "kinesys";  ///< kinesys, boto3, js, raw
  std::string label;               ///< the swept values
  int repeat = 0;
  bool ok = true;
  std::string note;                ///< why a run failed or what to know about it

  double seconds = 0;              ///< the measured window (warm-up excluded)
  std::uint64_t records = 0;       ///< user records completed in the window
  std::uint64_t bytes = 0;         ///< their payload bytes
  double records_per_s = 0;
  double mib_per_s = 0;
  double cpu_seconds = 0;          ///< the client's CPU in the window
  double records_per_cpu_s = 0;    ///< records/s per fully used core
  std::vector<double> per_second;  ///< completions in each second of the window
  latency_summary latency;         ///< produce: put -> ack; raw/peers: one request
  std::map<std::string, double> extra;  ///< scenario specific (kinesis_records, lag, ...)
};

struct run_context {
  bench_options const& options;
  target& endpoint;
  run_config const& config;
  record_pool const& records;
  progress& bar;
  std::string name;  ///< unique per run: names streams and tables
};

run_result run_produce(run_context& ctx);
run_result run_consume(run_context& ctx);
run_result run_pipeline(run_context& ctx);
run_result run_raw(run_context& ctx);
run_result run_scenario(scenario s, run_context& ctx);

/// The measured window of a run.
struct window {
  double seconds = 0;
  std::uint64_t count = 0;  ///< counter increase inside the window
  double cpu_seconds = 0;
  std::vector<double> per_second;
  bool ended_early = false;  ///< `done` became true before the duration passed
};

struct window_probe {
  std::function<std::uint64_t()> count;  ///< the completions counter
  std::function<double()> cpu;           ///< the client's CPU seconds so far
  std::function<bool()> done;            ///< optional: nothing more will come
  std::function<void()> on_measure;      ///< optional: called when warm-up ends
};

/// Waits out the warm-up, then measures for the duration (or until done()),
/// sampling every few milliseconds and driving the progress line.
window measure_window(run_context& ctx, window_probe const& probe);

/// Fills `r`'s rates from a window and the mean record size.
void fill_rates(run_result& r, window const& w, double mean_bytes);

}  // namespace kinesys::bench
