#pragma once
// PNG plots of an invocation, drawn by gnuplot (Debian: gnuplot-nox) from
// data files written beside them: throughput against the swept values
// (median with min..max bars), the per-second completion series of each
// configuration (pacing), and latency percentiles per configuration.
#include "runner.hpp"

#include <string>
#include <vector>

namespace kinesys::bench {

/// Writes <out>/plots/<prefix>-{throughput,rate,latency}.png. Returns the
/// files written, or an explanation when gnuplot is missing or failed.
struct plot_outcome {
  std::vector<std::string> files;
  std::string problem;
};
plot_outcome draw_plots(invocation const& inv, std::string const& prefix);

}  // namespace kinesys::bench
