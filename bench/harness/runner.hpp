#pragma once
// Runs one invocation: every sweep point, each repeated, then the peers and
// the wire limit beside them; and sums the repeats of each configuration
// into a median and a spread.
#include "scenario.hpp"

#include <string>
#include <vector>

namespace kinesys::bench {

/// The repeats of one configuration of one client.
struct config_summary {
  std::string client;
  std::string label;
  std::vector<setting> swept;
  int runs = 0, failed = 0;
  double median_records_per_s = 0, min_records_per_s = 0, max_records_per_s = 0;
  double spread = 0;  ///< (max - min) / median
  double median_records_per_cpu_s = 0;
  double median_mib_per_s = 0;
  run_result median_run;  ///< the run whose rate is the median (series and latencies come from it)
};

struct invocation {
  bench_options options;
  std::string target_description;
  std::string records_description;
  std::vector<run_result> runs;
  std::vector<config_summary> summaries;
  std::vector<std::string> notes;
};

/// Throws std::runtime_error for a setting no owner accepts or a target
/// that cannot start.
invocation run_invocation(bench_options const& o);

/// The summaries of one client, in sweep order.
std::vector<config_summary const*> summaries_of(invocation const& inv, std::string const& client);

}  // namespace kinesys::bench
