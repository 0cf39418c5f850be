#pragma once
// One point of a sweep: the producer's configuration, the consumer's
// overrides and the harness's own knobs, built from `--set` and one value of
// each `--sweep` axis. A key goes to the first owner that knows it: the
// harness's keys (below), then the producer (producer_config::set names,
// KPL-style or snake_case), then the consumer (dotted keys of
// docs/consumer.md, e.g. read.batch_size), checked when the run starts.
#include "options.hpp"

#include <kinesys/producer.hpp>
#include <kinesys/detail/consumer/config.hpp>

#include <boost/system/result.hpp>

#include <string>
#include <vector>

namespace kinesys::bench {

struct run_config {
  producer::producer_config producer;
  std::vector<consumer::config_override> consumer;

  // Harness keys.
  double rate = 0;             ///< rate: offered user records/s (produce, pipeline); 0 = as fast as possible
  double write_rate = 0;       ///< write_rate: the table's rate limit, items/s; 0 = unlimited
  std::string mode = "put";    ///< mode: put | merge (consume, pipeline)
  std::size_t keys = 10000;    ///< keys: distinct partition / item keys
  std::size_t record_size = 100;  ///< record_size: bytes of a fixed-size record
  int shards = 4;              ///< shards: of the stream
  std::size_t raw_concurrency = 8;  ///< raw_concurrency: requests in flight (raw)
  std::size_t put_batch = 1;   ///< put_batch: records per hand-off (1 = put_async, more = put_batch_async)
  std::string compression = "none";  ///< the value given, for labels

  /// The swept values of this point, in axis order ("compression=zstd1").
  std::vector<setting> swept;
  std::string label() const;
};

/// Applies one key. Errors name the key and why.
boost::system::result<void, std::string> apply_setting(run_config& c, setting const& s);

/// A configuration from the options' settings and one value per axis.
boost::system::result<run_config, std::string> make_run_config(bench_options const& o,
                                                               std::vector<setting> const& swept);

/// Every point of the sweep (the cartesian product of the axes, first axis
/// slowest), or the one point without axes.
std::vector<std::vector<setting>> sweep_points(std::vector<sweep_axis> const& axes);

/// The consumer configuration for `stream` writing to `table`, with the
/// harness's defaults (one core, metrics and dead-letter file off), then the
/// run's overrides.
boost::system::result<consumer::consumer_config, std::string> make_consumer_config(
    run_config const& c, std::string const& stream, std::string const& table, std::string const& key_field,
    std::string const& counter_field);

}  // namespace kinesys::bench
