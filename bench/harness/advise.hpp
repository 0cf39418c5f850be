#pragma once
// `kinesys-bench advise`: from a record shape, a shard count and a target
// rate, a short sweep against kinesys-local with the AWS shard limits on,
// then the configuration to run with and the arithmetic behind it.
#include "options.hpp"

namespace kinesys::bench {

struct advise_options {
  bench_options base;     ///< shape, endpoint, out dir, durations (short)
  int shards = 4;         ///< the user's shard count
  double target_rate = 0; ///< user records per second the user needs
  bool consumer = true;   ///< also sweep the consumer
};

/// Runs the sweeps, prints the advice on stdout and writes advice.md and
/// advice.json into the out dir. Returns the process exit code.
int run_advise(advise_options const& a);

}  // namespace kinesys::bench
